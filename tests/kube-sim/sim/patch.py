"""PATCH semantics: JSON merge patch (RFC 7386), strategic merge patch (the subset of
Kubernetes' patch strategies and directives that clients send), and JSON patch (RFC 6902)."""
import copy

from . import errors

# list field name -> merge key, for lists that strategic merge patch merges by key
# (patchStrategy "merge" in the Kubernetes API types).
MERGE_KEYS = {
    "containers": "name", "initContainers": "name", "ephemeralContainers": "name",
    "env": "name", "volumes": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
    "imagePullSecrets": "name", "hostAliases": "ip", "conditions": "type", "addresses": "type",
    "ownerReferences": "uid", "resourceClaims": "name", "topologySpreadConstraints": "topologyKey",
    "containerStatuses": "name", "initContainerStatuses": "name", "podIPs": "ip",
}
# lists of scalars merged as sets
MERGE_PRIMITIVES = {"finalizers"}


def _ports_key(items):
    for it in items:
        if isinstance(it, dict):
            return "containerPort" if "containerPort" in it else "port"
    return "port"


def merge_patch(target, patch):
    """RFC 7386: objects merge recursively, null deletes, everything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def strategic_merge_patch(target, patch):
    """Kubernetes strategic merge patch for the common cases: keyed list merging, $patch
    (replace/delete/merge), $retainKeys, $deleteFromPrimitiveList/, $setElementOrder/ (accepted)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        p = {k: v for k, v in patch.items() if k != "$patch"}
        return copy.deepcopy(p)
    if patch.get("$patch") == "delete":
        return None
    out = dict(target) if isinstance(target, dict) else {}
    retain = patch.get("$retainKeys")
    for k, v in patch.items():
        if k in ("$patch", "$retainKeys"):
            continue
        if k.startswith("$setElementOrder/"):
            continue
        if k.startswith("$deleteFromPrimitiveList/"):
            field = k.split("/", 1)[1]
            if isinstance(out.get(field), list):
                out[field] = [x for x in out[field] if x not in (v or [])]
            continue
        if v is None:
            out.pop(k, None)
            continue
        cur = out.get(k)
        if isinstance(v, dict):
            r = strategic_merge_patch(cur if isinstance(cur, dict) else {}, v)
            if r is None:
                out.pop(k, None)
            else:
                out[k] = r
        elif isinstance(v, list):
            out[k] = _merge_list(k, cur if isinstance(cur, list) else [], v)
        else:
            out[k] = v
    if isinstance(retain, list):
        for k in list(out):
            if k not in retain:
                del out[k]
    return out


def _merge_list(field, cur, patch):
    if field in MERGE_PRIMITIVES:
        out = list(cur)
        for x in patch:
            if x not in out:
                out.append(x)
        return out
    key = MERGE_KEYS.get(field)
    if field == "ports":
        key = _ports_key(patch + cur)
    if key is None or not all(isinstance(x, dict) for x in patch):
        # atomic list (replace), but a lone {"$patch": "replace"} marker is dropped
        return [copy.deepcopy(x) for x in patch if not (isinstance(x, dict) and x.get("$patch"))]
    if any(isinstance(x, dict) and x.get("$patch") == "replace" for x in patch):
        return [copy.deepcopy(x) for x in patch if not x.get("$patch")]
    out = [copy.deepcopy(x) for x in cur]
    for item in patch:
        kv = item.get(key)
        idx = next((i for i, x in enumerate(out) if isinstance(x, dict) and x.get(key) == kv), None)
        if item.get("$patch") == "delete":
            if idx is not None:
                del out[idx]
            continue
        if idx is None:
            out.append({k: v for k, v in copy.deepcopy(item).items() if k != "$patch"})
        else:
            out[idx] = strategic_merge_patch(out[idx], item)
    return out


# ---- RFC 6902 ----

def _unescape(tok):
    return tok.replace("~1", "/").replace("~0", "~")


def _walk(doc, path):
    if path == "":
        return None, None
    if not path.startswith("/"):
        raise errors.bad_request("json patch path must start with '/': %r" % path)
    toks = [_unescape(t) for t in path[1:].split("/")]
    cur = doc
    for t in toks[:-1]:
        if isinstance(cur, dict):
            if t not in cur:
                raise errors.ApiError(422, "Invalid", "the server rejected our request due to an error in our "
                                      "request: doc is missing path: %s" % path)
            cur = cur[t]
        elif isinstance(cur, list):
            try:
                cur = cur[int(t)]
            except (ValueError, IndexError):
                raise errors.ApiError(422, "Invalid", "doc is missing path: %s" % path)
        else:
            raise errors.ApiError(422, "Invalid", "doc is missing path: %s" % path)
    return cur, toks[-1]


def _get(doc, path):
    parent, last = _walk(doc, path)
    if parent is None:
        return doc
    try:
        return parent[int(last)] if isinstance(parent, list) else parent[last]
    except (KeyError, ValueError, IndexError):
        raise errors.ApiError(422, "Invalid", "doc is missing path: %s" % path)


def _remove(doc, path):
    parent, last = _walk(doc, path)
    try:
        if isinstance(parent, list):
            return parent.pop(int(last))
        return parent.pop(last)
    except (KeyError, ValueError, IndexError, AttributeError):
        raise errors.ApiError(422, "Invalid", "the server rejected our request due to an error in our request: "
                              "Unable to remove nonexistent key: %s: missing value" % last)


def _add(doc, path, value, replace=False):
    parent, last = _walk(doc, path)
    if parent is None:
        return value
    if isinstance(parent, list):
        if last == "-":
            parent.append(value)
        else:
            i = int(last)
            if replace:
                parent[i] = value
            else:
                parent.insert(i, value)
    elif isinstance(parent, dict):
        if replace and last not in parent:
            raise errors.ApiError(422, "Invalid", "the server rejected our request due to an error in our "
                                  "request: replace operation does not apply: doc is missing key: %s" % path)
        parent[last] = value
    else:
        raise errors.ApiError(422, "Invalid", "doc is missing path: %s" % path)
    return doc


def json_patch(doc, ops):
    if not isinstance(ops, list):
        raise errors.bad_request("json patch must be a list of operations")
    doc = copy.deepcopy(doc)
    for op in ops:
        kind, path = op.get("op"), op.get("path", "")
        if kind == "add":
            doc = _add(doc, path, copy.deepcopy(op.get("value")))
        elif kind == "remove":
            _remove(doc, path)
        elif kind == "replace":
            doc = _add(doc, path, copy.deepcopy(op.get("value")), replace=True)
        elif kind == "move":
            v = _remove(doc, op.get("from", ""))
            doc = _add(doc, path, v)
        elif kind == "copy":
            doc = _add(doc, path, copy.deepcopy(_get(doc, op.get("from", ""))))
        elif kind == "test":
            if _get(doc, path) != op.get("value"):
                raise errors.ApiError(422, "Invalid", "the server rejected our request due to an error in our "
                                      "request: testing value %s failed" % path)
        else:
            raise errors.bad_request("unexpected json patch operation %r" % kind)
    return doc


PATCH_TYPES = {
    "application/merge-patch+json": merge_patch,
    "application/strategic-merge-patch+json": strategic_merge_patch,
    "application/json-patch+json": json_patch,
}


def apply(content_type, target, patch):
    ct = (content_type or "").split(";")[0].strip().lower()
    fn = PATCH_TYPES.get(ct)
    if fn is None:
        raise errors.unsupported_media(ct)
    if ct == "application/json-patch+json":
        return fn(target, patch)
    if not isinstance(patch, dict):
        raise errors.bad_request("patch must be a JSON object")
    return fn(target, patch)
