"""Discovery documents: legacy (/api, /apis, group and group-version lists) and the aggregated
discovery format (apidiscovery.k8s.io/v2 and v2beta1) that kubectl 1.26+ asks for first."""
import base64
import hashlib

from . import resources

AGG_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGG_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"


def _storage_hash(rt):
    return base64.b64encode(hashlib.sha256(rt.key.encode()).digest()[:8]).decode()


def _types(group, version, metrics):
    for t in resources.TYPES:
        if t.group == group and t.version == version:
            if t.group == resources.METRICS_GROUP and not metrics:
                continue
            yield t


def _groups(metrics):
    seen = []
    for g, v in resources.GROUP_VERSIONS:
        if g == "" or (g == resources.METRICS_GROUP and not metrics):
            continue
        if g not in seen:
            seen.append(g)
    return seen


def _versions(group):
    return [v for g, v in resources.GROUP_VERSIONS if g == group]


def api_versions(server_address):
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}


def _group_doc(g):
    vs = [{"groupVersion": "%s/%s" % (g, v), "version": v} for v in _versions(g)]
    return {"name": g, "versions": vs, "preferredVersion": vs[0]}


def api_group_list(metrics):
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [_group_doc(g) for g in _groups(metrics)]}


def api_group(group, metrics):
    if group not in _groups(metrics):
        return None
    d = _group_doc(group)
    d.update({"kind": "APIGroup", "apiVersion": "v1"})
    return d


def resource_list(group, version, metrics):
    ts = list(_types(group, version, metrics))
    if not ts:
        return None
    out = []
    for t in ts:
        r = {"name": t.plural, "singularName": t.singular, "namespaced": t.namespaced, "kind": t.kind,
             "verbs": t.verbs}
        if t.short_names:
            r["shortNames"] = t.short_names
        if t.categories:
            r["categories"] = t.categories
        if not t.virtual:
            r["storageVersionHash"] = _storage_hash(t)
        out.append(r)
        for sub, (sg, sv, sk, verbs) in sorted(t.subresources.items()):
            s = {"name": "%s/%s" % (t.plural, sub), "singularName": "", "namespaced": t.namespaced,
                 "kind": sk or t.kind, "verbs": verbs}
            if sk:
                s["group"], s["version"] = sg, sv
            out.append(s)
    gv = version if not group else "%s/%s" % (group, version)
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": out}


def _agg_resource(t):
    r = {"resource": t.plural, "responseKind": {"group": t.group, "version": t.version, "kind": t.kind},
         "scope": "Namespaced" if t.namespaced else "Cluster", "singularResource": t.singular,
         "verbs": t.verbs}
    if t.short_names:
        r["shortNames"] = t.short_names
    if t.categories:
        r["categories"] = t.categories
    subs = []
    for sub, (sg, sv, sk, verbs) in sorted(t.subresources.items()):
        subs.append({"subresource": sub,
                     "responseKind": {"group": sg if sk else t.group, "version": sv if sk else t.version,
                                      "kind": sk or t.kind},
                     "verbs": verbs})
    if subs:
        r["subresources"] = subs
    return r


def aggregated(core, metrics, beta=False):
    """The APIGroupDiscoveryList for /api (core=True) or /apis."""
    items = []
    groups = [""] if core else _groups(metrics)
    for g in groups:
        md = {"creationTimestamp": None}
        if g:
            md["name"] = g
        versions = []
        for v in _versions(g):
            versions.append({"version": v, "resources": [_agg_resource(t) for t in _types(g, v, metrics)],
                             "freshness": "Current"})
        items.append({"metadata": md, "versions": versions})
    return {"kind": "APIGroupDiscoveryList",
            "apiVersion": "apidiscovery.k8s.io/v2beta1" if beta else "apidiscovery.k8s.io/v2",
            "metadata": {}, "items": items}


def wants_aggregated(accept):
    """'v2', 'v2beta1' or None from an Accept header, honouring the client's order of preference."""
    for rng in (accept or "").split(","):
        params = [p.strip() for p in rng.split(";")]
        if params[0] not in ("application/json", "*/*"):
            continue
        kv = dict(p.split("=", 1) for p in params[1:] if "=" in p)
        if kv.get("as") == "APIGroupDiscoveryList" and kv.get("g") == "apidiscovery.k8s.io":
            if kv.get("v") in ("v2", "v2beta1"):
                return kv["v"]
            continue
        if "as" not in kv:
            return None
    return None
