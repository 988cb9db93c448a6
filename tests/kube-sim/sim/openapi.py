"""A minimal OpenAPI v3 surface: the index and per-group-version documents listing each
resource's operations with their group-version-kind and query parameters. kubectl reads it to
learn that the server validates fields itself (fieldValidation), before create and apply."""
import hashlib

from . import resources

_PARAMS = ["dryRun", "fieldManager", "fieldValidation", "pretty"]


def _gv_path(group, version):
    return "api/%s" % version if not group else "apis/%s/%s" % (group, version)


def _gv_doc(group, version, version_str):
    paths = {}
    for t in resources.TYPES:
        if t.group != group or t.version != version or t.virtual:
            continue
        base = "/" + _gv_path(group, version) + ("/namespaces/{namespace}" if t.namespaced else "")
        gvk = {"group": t.group, "version": t.version, "kind": t.kind}
        params = [{"name": p, "in": "query", "schema": {"type": "string", "uniqueItems": True}} for p in _PARAMS]
        coll = base + "/" + t.plural
        item = coll + "/{name}"

        def op(action, params=params):
            return {"operationId": action + t.kind, "x-kubernetes-action": action,
                    "x-kubernetes-group-version-kind": gvk, "parameters": params,
                    "responses": {"200": {"description": "OK"}}}
        paths[coll] = {"get": op("list", []), "post": op("post")}
        paths[item] = {"get": op("get", []), "put": op("put"), "patch": op("patch"),
                       "delete": op("delete", [])}
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": version_str}, "paths": paths,
            "components": {"schemas": {}}}


def _hash(group, version):
    return hashlib.sha512(("%s/%s" % (group, version)).encode()).hexdigest()[:64].upper()


def index():
    paths = {}
    for g, v in resources.GROUP_VERSIONS:
        if g in (resources.METRICS_GROUP, "authentication.k8s.io", "authorization.k8s.io"):
            continue
        p = _gv_path(g, v)
        paths[p] = {"serverRelativeURL": "/openapi/v3/%s?hash=%s" % (p, _hash(g, v))}
    return {"paths": paths}


def document(rest, version_str):
    """The document for 'api/v1' or 'apis/GROUP/VERSION', or None."""
    parts = rest.split("/")
    if parts[0] == "api" and len(parts) == 2:
        g, v = "", parts[1]
    elif parts[0] == "apis" and len(parts) == 3:
        g, v = parts[1], parts[2]
    else:
        return None
    if (g, v) not in resources.GROUP_VERSIONS or g == resources.METRICS_GROUP:
        return None
    return _gv_doc(g, v, version_str)
