"""The resource API: get, list (selectors, limit/continue), watch (resourceVersion, bookmarks,
410 Gone), create, update, patch, delete, deletecollection, and the scale, status, log,
eviction and binding subresources. Responses are JSON, Table or PartialObjectMetadata as the
client's Accept header asks."""
import base64
import bisect
import json
import time

from . import (auth, errors, logs, metrics, objects, patch as P, protobuf, resources as R, selectors, store as S,
               tables, timefmt)


def _flag(q, k):
    return (q.get(k) or "").lower() in ("true", "1")


def negotiate(accept):
    """('json'|'table'|'meta', meta.k8s.io version) from an Accept header; 406 when nothing fits."""
    if not accept or not accept.strip():
        return "json", None
    for rng in accept.split(","):
        params = [p.strip() for p in rng.split(";")]
        mt = params[0].lower()
        if mt not in ("application/json", "*/*", "application/*"):
            continue
        kv = {}
        for p in params[1:]:
            if "=" in p:
                k, v = p.split("=", 1)
                kv[k.strip()] = v.strip()
        as_ = kv.get("as")
        if as_ is None:
            return "json", None
        if kv.get("g") == "meta.k8s.io" and kv.get("v") in ("v1", "v1beta1"):
            if as_ == "Table":
                return "table", kv["v"]
            if as_ in ("PartialObjectMetadata", "PartialObjectMetadataList"):
                return "meta", kv["v"]
    raise errors.not_acceptable()


def with_kind(rt, raw):
    return rt.kind_prefix + raw[1:]


def _json_body(body):
    try:
        return json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as e:
        raise errors.bad_request("the body of the request could not be decoded as JSON: %s" % e)


# ---- continue tokens (the API server's format: base64url JSON {"v","rv","start"}) ----

def _key_str(rt, k):
    return ("%s/%s" % k if rt.namespaced else k[1]) + "\x00"


def encode_continue(rt, rv, k):
    doc = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": _key_str(rt, k)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(doc.encode()).decode().rstrip("=")


def decode_continue(rt, tok):
    try:
        doc = json.loads(base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4)))
        rv, start = int(doc["rv"]), doc["start"]
        if doc.get("v") != "meta.k8s.io/v1":
            raise ValueError("bad version")
    except (ValueError, KeyError, TypeError):
        raise errors.bad_request("continue key is not valid: incorrect encoded start resourceVersion (version "
                                 "meta.k8s.io/v1)")
    start = start.rstrip("\x00")
    if rt.namespaced:
        ns, _, name = start.partition("/")
        return rv, (ns, name)
    return rv, ("", start)


# ---- Table rendering ----

def table_rows(rt, entries, include, now):
    cols, rowfn = tables.printer(rt.key)
    rows = []
    for e in entries:
        o = e.obj
        row = b'{"cells":' + S.encode(rowfn(o, now))
        if rt is R.PODS:
            conds = tables.pod_conditions(o)
            if conds:
                row += b',"conditions":' + S.encode(conds)
        if include == "Object":
            row += b',"object":' + with_kind(rt, e.raw())
        elif include != "None":
            row += b',"object":' + e.meta_raw()
        rows.append(row + b"}")
    return cols, rows


def table_chunks(rt, entries, list_meta, q, version, with_columns=True):
    include = q.get("includeObject") or "Metadata"
    cols, rows = table_rows(rt, entries, include, time.time())
    head = S.encode({"kind": "Table", "apiVersion": "meta.k8s.io/" + (version or "v1"), "metadata": list_meta})
    head = head[:-1] + b',"columnDefinitions":' + (S.encode(cols) if with_columns else b"null") + b',"rows":['
    return chunked(head, rows, b"]}")


def table_bytes(rt, entries, list_meta, q, version, with_columns=True):
    return b"".join(table_chunks(rt, entries, list_meta, q, version, with_columns))


CHUNK = 256 * 1024


def chunked(head, items, tail):
    """head + items joined by commas + tail, as a list of ~256 KiB pieces: one huge bytes
    object would cost a fresh multi-megabyte allocation (and its page faults) per response."""
    out, cur, size = [head], [], 0
    for i, it in enumerate(items):
        if i:
            cur.append(b",")
        cur.append(it)
        size += len(it)
        if size >= CHUNK:
            out.append(b"".join(cur))
            cur, size = [], 0
    cur.append(tail)
    out.append(b"".join(cur))
    return out


# ---- request entry ----

def handle(h, group, version, rest, q, body):
    sim = h.sim
    watch_prefix = False
    if rest and rest[0] == "watch":
        watch_prefix, rest = True, rest[1:]
    ns = None
    if len(rest) >= 3 and rest[0] == "namespaces" and not (len(rest) == 3 and rest[2] in ("status", "finalize")):
        ns, rest = rest[1], rest[2:]
    if not rest or len(rest) > 3:
        raise errors.page_not_found("")
    rt = R.lookup(group, version, rest[0])
    if rt is None:
        raise errors.page_not_found("")
    name = rest[1] if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else None
    if (rt.namespaced and name and ns is None) or (not rt.namespaced and ns is not None):
        raise errors.page_not_found("")
    if sub and sub not in rt.subresources and not (rt is R.PODS and sub in ("exec", "attach", "portforward", "proxy")):
        raise errors.page_not_found("")
    m = h.command
    if m in ("GET", "HEAD"):
        if sub:
            verb = "get"
        else:
            verb = "watch" if (watch_prefix or _flag(q, "watch")) else ("get" if name else "list")
    elif m == "POST":
        if name and not sub:
            raise errors.method_not_allowed(m)
        verb = "create"
    elif m == "PUT":
        if not name:
            raise errors.method_not_allowed(m)
        verb = "update"
    elif m == "PATCH":
        if not name:
            raise errors.method_not_allowed(m)
        verb = "patch"
    elif m == "DELETE":
        verb = "delete" if name else "deletecollection"
    else:
        raise errors.method_not_allowed(m)
    if sub in ("exec", "attach", "portforward", "proxy"):
        pass
    elif sub:
        if verb not in rt.subresources[sub][3]:
            raise errors.method_not_allowed(m)
    elif verb not in rt.verbs:
        raise errors.method_not_allowed(m)
    user = h.user
    if not auth.Auth.allowed(user, verb) and not rt.virtual:
        raise errors.forbidden(user.name, verb, rt, ns, name, sub)
    sim.count("%s %s%s" % (verb, rt.key, "/" + sub if sub else ""))
    ctype = (h.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if body and ctype == "application/vnd.kubernetes.protobuf":
        body = S.encode(protobuf.decode(body))
    if rt.virtual:
        return _virtual(h, rt, verb, ns, name, q, body)
    if sub in ("exec", "attach", "portforward", "proxy"):
        raise errors.bad_request("kube-sim does not implement pods/%s: there are no real containers behind this "
                                 "simulated API server" % sub)
    mode, mver = negotiate(h.headers.get("Accept"))
    if verb == "list":
        return h.send_body(200, list_chunks(sim, rt, ns, q, mode, mver), _ct(mode, mver, True))
    if verb == "watch":
        if name:
            q = dict(q)
            q["fieldSelector"] = ",".join(x for x in (q.get("fieldSelector"), "metadata.name=" + name) if x)
        return watch(h, rt, ns, q, mode, mver)
    if verb == "get":
        if sub == "log":
            pod = _get(sim, rt, ns, name)
            return logs.serve(sim, h, pod, q)
        if sub == "scale":
            return h.send_json(200, scale_of(rt, _get(sim, rt, ns, name)))
        e = sim.store.entry(rt.key, ns, name)
        if e is None:
            raise errors.not_found(rt, name)
        return _send_entry(h, rt, e, mode, mver, q)
    if verb == "create":
        if sub == "eviction":
            return _evict(h, rt, ns, name, body)
        if sub == "binding":
            return _bind(h, ns, name, body)
        code, e = create(sim, rt, ns, _json_body(body), q)
        return _send_entry(h, rt, e, mode, mver, q, code)
    if verb == "update":
        if sub == "scale":
            return h.send_json(200, update_scale(sim, rt, ns, name, _json_body(body)))
        e = update(sim, rt, ns, name, sub, _json_body(body), q)
        return _send_entry(h, rt, e, mode, mver, q)
    if verb == "patch":
        if ctype not in P.PATCH_TYPES:
            raise errors.unsupported_media(ctype)
        res = patch(sim, rt, ns, name, sub, h.headers.get("Content-Type"), _json_body(body), q)
        if sub == "scale":
            return h.send_json(200, res)
        return _send_entry(h, rt, res, mode, mver, q)
    if verb == "delete":
        out = delete(sim, rt, ns, name, q, _json_body(body) if body else None)
        if isinstance(out, S.Entry):
            return _send_entry(h, rt, out, mode, mver, q)
        return h.send_json(200, out)
    if verb == "deletecollection":
        return h.send_json(200, deletecollection(sim, rt, ns, q))
    raise errors.method_not_allowed(m)


def _ct(mode, mver, is_list):
    if mode == "table":
        return "application/json;as=Table;v=%s;g=meta.k8s.io" % mver
    if mode == "meta":
        return "application/json;as=%s;v=%s;g=meta.k8s.io" % (
            "PartialObjectMetadataList" if is_list else "PartialObjectMetadata", mver)
    return "application/json"


def _send_entry(h, rt, e, mode, mver, q, code=200):
    if mode == "table":
        body = table_bytes(rt, [e], {"resourceVersion": e.obj["metadata"].get("resourceVersion", "")}, q, mver)
    elif mode == "meta":
        body = e.meta_raw()
    else:
        body = with_kind(rt, e.raw())
    h.send_body(code, body, _ct(mode, mver, False))


def _get(sim, rt, ns, name):
    o = sim.store.get(rt.key, ns, name)
    if o is None:
        raise errors.not_found(rt, name)
    return o


# ---- list ----

def list_bytes(sim, rt, ns, q, mode="json", mver=None):
    return b"".join(list_chunks(sim, rt, ns, q, mode, mver))


def list_chunks(sim, rt, ns, q, mode="json", mver=None):
    """The list response as a list of byte pieces (see chunked)."""
    store = sim.store
    lsel = selectors.parse_labels(q.get("labelSelector", ""))
    fsel = selectors.parse_fields(q.get("fieldSelector", ""), rt)
    try:
        limit = int(q.get("limit") or 0)
    except ValueError:
        raise errors.bad_request("limit: Invalid value: %r: must be a non-negative integer" % q.get("limit"))
    cont = q.get("continue") or ""
    rv = q.get("resourceVersion", "")
    rvm = q.get("resourceVersionMatch", "")
    with store.lock:
        cur = store.rv
        floor = store.floor(rt.key)
        entries = store.entries(rt.key, ns)
    start = None
    if cont:
        if rv:
            raise errors.bad_request("specifying resource version is not allowed when using continue")
        list_rv, start = decode_continue(rt, cont)
        if list_rv < floor:
            e = errors.expired("The provided continue parameter is too old to display a consistent list result. "
                               "You can start a new list without the continue parameter, or use the continue token "
                               "in this response to retrieve the remainder of the results. Continuing with the "
                               "provided token results in an inconsistent list - objects that were created, "
                               "modified, or deleted between the time the first chunk was returned and now may show "
                               "up in the list.")
            e.continue_token = encode_continue(rt, cur, start)
            raise e
    else:
        list_rv = cur
        if rv not in ("", "0"):
            try:
                want = int(rv)
            except ValueError:
                raise errors.bad_request('resourceVersion: Invalid value: "%s": strconv.ParseUint: parsing "%s": '
                                         "invalid syntax" % (rv, rv))
            if rvm == "Exact" and want < floor:
                raise errors.expired("The resourceVersion for the provided list is too old.")
            if want > cur:
                raise errors.ApiError(504, "Timeout", "Too large resource version: %d, current: %d" % (want, cur),
                                      {"causes": [{"reason": "ResourceVersionTooLarge",
                                                   "message": "Too large resource version"}],
                                       "retryAfterSeconds": 1})
            if rvm == "Exact":
                list_rv = want
        elif rv == "0" and not rvm:
            limit = 0  # served from the watch cache: the whole list, unpaged
    i0 = 0
    if start is not None:
        i0 = bisect.bisect_right(entries, start, key=lambda x: x[0])
    filtering = not lsel.empty() or not fsel.empty()
    page = []
    nxt = None
    remaining = None
    n = len(entries)
    i = i0
    while i < n:
        k, e = entries[i]
        i += 1
        if filtering:
            o = e.obj
            if not lsel.empty() and not lsel.matches(o["metadata"].get("labels")):
                continue
            if not fsel.empty() and not fsel.matches(o):
                continue
        if limit and len(page) == limit:
            nxt = encode_continue(rt, list_rv, page[-1][0])
            if not filtering:
                remaining = n - i + 1
            break
        page.append((k, e))
    meta = {"resourceVersion": str(list_rv)}
    if nxt:
        meta["continue"] = nxt
        if remaining is not None:
            meta["remainingItemCount"] = remaining
    ents = [e for _, e in page]
    if mode == "table":
        return table_chunks(rt, ents, meta, q, mver)
    if mode == "meta":
        head = S.encode({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/" + (mver or "v1"),
                         "metadata": meta})
        return chunked(head[:-1] + b',"items":[', [e.meta_raw() for e in ents], b"]}")
    head = S.encode({"kind": rt.list_kind, "apiVersion": rt.api_version, "metadata": meta})
    return chunked(head[:-1] + b',"items":[', [e.raw() for e in ents], b"]}")


# ---- watch ----

def _event_line(type_, obj_bytes):
    return b'{"type":"' + type_.encode() + b'","object":' + obj_bytes + b"}\n"


def _next_events(store, res, rt, last, wait, stream):
    """(events after rv last, current rv), waiting up to wait seconds for one; (ApiError, None)
    when last has been compacted away. Never writes to the client while holding the lock."""
    with store.lock:
        try:
            evs = store.events_after(rt.key, last)
            if not evs and not stream.dropped:
                res.cond.wait(wait)
                evs = store.events_after(rt.key, last)
        except errors.ApiError as ex:
            return ex, None
        return evs, store.rv


def watch(h, rt, ns, q, mode, mver):
    sim = h.sim
    store = sim.store
    res = store.res[rt.key]
    lsel = selectors.parse_labels(q.get("labelSelector", ""))
    fsel = selectors.parse_fields(q.get("fieldSelector", ""), rt)
    rv_param = q.get("resourceVersion", "")
    bookmarks = _flag(q, "allowWatchBookmarks")
    initial_events = _flag(q, "sendInitialEvents")
    if initial_events and (q.get("resourceVersionMatch") != "NotOlderThan" or not bookmarks):
        raise errors.invalid(rt, "", "sendInitialEvents", "Forbidden: sendInitialEvents is forbidden for watch unless "
                             "the WatchList feature gate is enabled and resourceVersionMatch is NotOlderThan and "
                             "allowWatchBookmarks is true")
    try:
        timeout = float(q.get("timeoutSeconds") or sim.cfg.watch_timeout)
    except ValueError:
        raise errors.bad_request("timeoutSeconds must be a number")
    drop = getattr(h, "drop_rule", None)
    include = q.get("includeObject") or "Metadata"

    def match(o):
        if ns is not None and rt.namespaced and o["metadata"].get("namespace") != ns:
            return False
        if not lsel.empty() and not lsel.matches(o["metadata"].get("labels")):
            return False
        return fsel.empty() or fsel.matches(o)

    err = None
    with store.lock:
        cur = store.rv
        if rv_param in ("", "0") or initial_events:
            initial = [e for _, e in store.entries(rt.key, ns) if match(e.obj)]
            last = cur
        else:
            initial = []
            try:
                last = int(rv_param)
            except ValueError:
                raise errors.bad_request('resourceVersion: Invalid value: "%s": strconv.ParseUint: parsing "%s": '
                                         "invalid syntax" % (rv_param, rv_param))
            try:
                store.events_after(rt.key, last)
            except errors.ApiError as e:
                err = e
            if err is None and last > cur:
                err = errors.ApiError(504, "Timeout", "Too large resource version: %d, current: %d" % (last, cur),
                                      {"causes": [{"reason": "ResourceVersionTooLarge",
                                                   "message": "Too large resource version"}],
                                       "retryAfterSeconds": 1})
    stream = h.start_stream(_ct(mode, mver, False) if mode != "json" else "application/json")
    stream.cond = res.cond
    sent = [0]
    first_table = [True]
    started = time.time()

    def obj_bytes(e):
        if mode == "table":
            b = table_bytes(rt, [e], {"resourceVersion": e.obj["metadata"]["resourceVersion"]}, q, mver,
                            with_columns=first_table[0])
            first_table[0] = False
            return b
        if mode == "meta":
            return e.meta_raw()
        return with_kind(rt, e.raw())

    def send(type_, e):
        stream.write(_event_line(type_, obj_bytes(e)))
        sent[0] += 1
        if drop is not None and drop.drop_events is not None and sent[0] >= drop.drop_events:
            stream.abort()

    def bookmark(rv, initial_end=False):
        md = {"resourceVersion": str(rv), "creationTimestamp": None}
        if initial_end:
            md["annotations"] = {"k8s.io/initial-events-end": "true"}
        if mode == "table":
            b = S.encode({"kind": "Table", "apiVersion": "meta.k8s.io/" + (mver or "v1"),
                          "metadata": {"resourceVersion": str(rv)}, "columnDefinitions": None, "rows": None})
        else:
            b = rt.kind_prefix + S.encode({"metadata": md})[1:]
        stream.write(_event_line("BOOKMARK", b))

    if err is not None:
        stream.write(_event_line("ERROR", S.encode(err.status())))
        stream.end()
        return
    try:
        for e in initial:
            if stream.closed:
                return
            send("ADDED", e)
        if initial_events:
            bookmark(last, initial_end=True)
        last_bookmark = time.time()
        last_alive_check = time.time()
        while not stream.closed:
            now = time.time()
            if now - started >= timeout:
                stream.end()
                return
            if drop is not None and drop.drop_seconds is not None and now - started >= drop.drop_seconds:
                stream.abort()
                return
            wait = 1.0
            if bookmarks:
                wait = min(wait, max(0.01, sim.cfg.bookmark_interval - (now - last_bookmark)))
            evs, cur = _next_events(store, res, rt, last, wait, stream)
            if isinstance(evs, errors.ApiError):
                stream.write(_event_line("ERROR", S.encode(evs.status())))
                stream.end()
                return
            if stream.dropped:
                stream.abort()
                return
            for ev in evs:
                last = ev.rv
                new_m = match(ev.obj)
                if ev.type == "ADDED":
                    t = "ADDED" if new_m else None
                elif ev.type == "DELETED":
                    t = "DELETED" if match(ev.old) else None
                else:
                    old_m = match(ev.old)
                    t = "MODIFIED" if new_m and old_m else "ADDED" if new_m else "DELETED" if old_m else None
                if t:
                    send(t, ev.entry)
                    if stream.closed:
                        return
            now = time.time()
            if bookmarks and now - last_bookmark >= sim.cfg.bookmark_interval:
                bookmark(max(last, cur))
                last_bookmark = now
            if now - last_alive_check >= 1.0:
                last_alive_check = now
                if stream.client_gone():
                    stream._gone()
                    return
    finally:
        if not stream.closed:
            stream.end()


# ---- create / update / patch ----

def _check_kind(rt, obj):
    if not isinstance(obj, dict):
        raise errors.bad_request("the body of the request was not a JSON object")
    kind, av = obj.get("kind"), obj.get("apiVersion")
    if kind and kind != rt.kind:
        raise errors.bad_request("the kind in the data (%s) does not match the expected kind (%s)" % (kind, rt.kind))
    if av and av != rt.api_version:
        raise errors.bad_request("the API version in the data (%s) does not match the expected API version (%s)" % (
            av, rt.api_version))
    obj.pop("kind", None)
    obj.pop("apiVersion", None)
    md = obj.get("metadata")
    if md is None:
        md = obj["metadata"] = {}
    if not isinstance(md, dict):
        raise errors.bad_request("metadata must be an object")
    return obj


def create(sim, rt, ns, obj, q):
    """Create from a request body; returns (201, Entry)."""
    store = sim.store
    obj = _check_kind(rt, obj)
    md = obj["metadata"]
    objects.strip_server_fields(md)
    with store.lock:
        if rt.namespaced:
            if md.get("namespace") and ns and md["namespace"] != ns:
                raise errors.bad_request("the namespace of the provided object does not match the namespace sent on "
                                         "the request")
            md["namespace"] = ns
            nso = store.get("namespaces", "", ns)
            if nso is None:
                raise errors.namespace_not_found(ns)
            if nso["metadata"].get("deletionTimestamp"):
                raise errors.ApiError(403, "Forbidden", '%s "%s" is forbidden: unable to create new content in '
                                      "namespace %s because it is being terminated" % (
                                          errors.qualified(rt), md.get("name", ""), ns))
        else:
            md.pop("namespace", None)
        if not md.get("name"):
            if not md.get("generateName"):
                raise errors.invalid(rt, "", "metadata.name", "Required value: name or generateName is required")
            while True:
                name = md["generateName"] + objects.random_suffix(sim.rng)
                if store.get(rt.key, ns, name) is None:
                    break
            md["name"] = name
        objects.validate_name(rt, md["name"])
        objects.default(sim, rt, obj)
        if rt is R.NODES:
            objects.default_node_status(obj)
        if q.get("dryRun") == "All":
            if store.get(rt.key, ns if rt.namespaced else "", md["name"]) is not None:
                raise errors.already_exists(rt, md["name"])
            md["uid"] = store.new_uid()
            md["creationTimestamp"] = timefmt.iso(time.time())
            return 201, S.Entry(obj)
        store.create(rt.key, obj)
        return 201, store.entry(rt.key, ns if rt.namespaced else "", md["name"])


def _finish_write(sim, rt, ns, name, cur, new, sub, expect_rv, q):
    """Shared by update and patch: keep what clients cannot change, validate, store."""
    store = sim.store
    md = new.setdefault("metadata", {})
    if md.get("name", name) != name:
        raise errors.bad_request("the name of the object (%s) does not match the name on the URL (%s)" % (
            md.get("name"), name))
    md["name"] = name
    cmd = cur["metadata"]
    for k in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"):
        if k in cmd:
            md[k] = cmd[k]
        else:
            md.pop(k, None)
    if rt.namespaced:
        md["namespace"] = ns
    else:
        md.pop("namespace", None)
    if sub == "status":
        out = S.clone(cur)
        out["status"] = new.get("status")
        if out["status"] is None:
            out.pop("status")
        new = out
    elif "status" in rt.subresources:
        if "status" in cur:
            new["status"] = cur["status"]
        else:
            new.pop("status", None)
        if rt is R.PODS and cur["spec"].get("nodeName") and not new.get("spec", {}).get("nodeName"):
            new.setdefault("spec", {})["nodeName"] = cur["spec"]["nodeName"]
        objects.default(sim, rt, new, creating=False)
    if q.get("dryRun") == "All":
        return S.Entry(new)
    store.replace(rt.key, new, expect_rv)
    return store.entry(rt.key, ns if rt.namespaced else "", name)


def update(sim, rt, ns, name, sub, obj, q):
    store = sim.store
    obj = _check_kind(rt, obj)
    with store.lock:
        cur = _get(sim, rt, ns, name)
        return _finish_write(sim, rt, ns, name, cur, obj, sub, obj["metadata"].get("resourceVersion") or None, q)


def patch(sim, rt, ns, name, sub, content_type, body, q):
    store = sim.store
    with store.lock:
        cur = _get(sim, rt, ns, name)
        if sub == "scale":
            doc = scale_of(rt, cur)
            out = P.apply(content_type, doc, body)
            expect = (body.get("metadata") or {}).get("resourceVersion") if isinstance(body, dict) else None
            return _set_replicas(sim, rt, ns, name, cur, (out.get("spec") or {}).get("replicas"), expect)
        doc = json.loads(with_kind(rt, store.entry(rt.key, ns, name).raw()))
        out = P.apply(content_type, doc, body)
        if not isinstance(out, dict):
            raise errors.bad_request("the patch produced something other than an object")
        if out.get("kind") != rt.kind or out.get("apiVersion") != rt.api_version:
            raise errors.bad_request("a patch cannot change kind or apiVersion")
        out = _check_kind(rt, out)
        expect = None
        if isinstance(body, dict) and (body.get("metadata") or {}).get("resourceVersion"):
            expect = body["metadata"]["resourceVersion"]
        return _finish_write(sim, rt, ns, name, cur, out, sub, expect, q)


# ---- scale ----

def scale_of(rt, obj):
    md = obj["metadata"]
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {"name": md["name"], "namespace": md["namespace"], "uid": md["uid"],
                         "resourceVersion": md["resourceVersion"], "creationTimestamp": md["creationTimestamp"]},
            "spec": {"replicas": obj["spec"].get("replicas", 1)},
            "status": {"replicas": obj.get("status", {}).get("replicas", 0),
                       "selector": selectors.to_string(obj["spec"].get("selector"))}}


def _set_replicas(sim, rt, ns, name, cur, replicas, expect_rv):
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        raise errors.ApiError(422, "Invalid", 'Scale.autoscaling "%s" is invalid: spec.replicas: Invalid value: %s: '
                              "must be greater than or equal to 0" % (name, json.dumps(replicas)),
                              {"name": name, "group": "autoscaling", "kind": "Scale"})
    new = S.clone(cur)
    new["spec"]["replicas"] = replicas
    sim.store.replace(rt.key, new, expect_rv)
    return scale_of(rt, sim.store.get(rt.key, ns, name))


def update_scale(sim, rt, ns, name, body):
    if not isinstance(body, dict):
        raise errors.bad_request("the body of the request was not a JSON object")
    with sim.store.lock:
        cur = _get(sim, rt, ns, name)
        return _set_replicas(sim, rt, ns, name, cur, (body.get("spec") or {}).get("replicas"),
                             (body.get("metadata") or {}).get("resourceVersion") or None)


# ---- delete ----

def _delete_opts(q, body):
    opts = body if isinstance(body, dict) else {}
    grace = q.get("gracePeriodSeconds", opts.get("gracePeriodSeconds"))
    try:
        grace = int(grace) if grace not in (None, "") else None
    except ValueError:
        raise errors.bad_request("gracePeriodSeconds must be an integer")
    prop = q.get("propagationPolicy") or opts.get("propagationPolicy")
    if prop is None and (q.get("orphanDependents") == "true" or opts.get("orphanDependents") is True):
        prop = "Orphan"
    if prop not in (None, "Orphan", "Background", "Foreground"):
        raise errors.bad_request("propagationPolicy: Unsupported value: %r" % prop)
    dry = q.get("dryRun") == "All" or opts.get("dryRun") == ["All"]
    return grace, prop, opts.get("preconditions") or {}, dry


def delete(sim, rt, ns, name, q, body):
    grace, prop, pre, dry = _delete_opts(q, body)
    store = sim.store
    with store.lock:
        cur = _get(sim, rt, ns, name)
        md = cur["metadata"]
        if pre.get("uid") and pre["uid"] != md["uid"]:
            raise errors.ApiError(409, "Conflict", "Operation cannot be fulfilled on %s \"%s\": Precondition failed: "
                                  "UID in precondition: %s, UID in object meta: %s" % (
                                      errors.qualified(rt), name, pre["uid"], md["uid"]))
        if pre.get("resourceVersion") and pre["resourceVersion"] != md["resourceVersion"]:
            raise errors.ApiError(409, "Conflict", "Operation cannot be fulfilled on %s \"%s\": Precondition failed: "
                                  "ResourceVersion in precondition: %s, ResourceVersion in object meta: %s" % (
                                      errors.qualified(rt), name, pre["resourceVersion"], md["resourceVersion"]))
        if dry:
            return store.entry(rt.key, ns, name)
        out = sim.controller.delete(rt, cur, grace, prop)
        if out is not None:
            return store.entry(rt.key, ns if rt.namespaced else "", name)
    details = {"name": name, "kind": rt.plural, "uid": md["uid"]}
    if rt.group:
        details["group"] = rt.group
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}


def deletecollection(sim, rt, ns, q):
    grace, prop, _, dry = _delete_opts(q, None)
    lsel = selectors.parse_labels(q.get("labelSelector", ""))
    fsel = selectors.parse_fields(q.get("fieldSelector", ""), rt)
    store = sim.store
    items = []
    with store.lock:
        for _, e in store.entries(rt.key, ns):
            o = e.obj
            if not lsel.matches(o["metadata"].get("labels")) or not fsel.matches(o):
                continue
            if not dry:
                sim.controller.delete(rt, o, grace, prop)
            items.append(o)
        rv = store.rv
    return {"kind": rt.list_kind, "apiVersion": rt.api_version, "metadata": {"resourceVersion": str(rv)},
            "items": items}


# ---- pod subresources ----

def _evict(h, rt, ns, name, body):
    sim = h.sim
    opts = _json_body(body) if body else {}
    grace = ((opts or {}).get("deleteOptions") or {}).get("gracePeriodSeconds")
    with sim.store.lock:
        pod = _get(sim, rt, ns, name)
        sim.controller.delete(rt, pod, grace)
    h.send_json(201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201})


def _bind(h, ns, name, body):
    sim = h.sim
    b = _json_body(body) or {}
    target = (b.get("target") or {}).get("name")
    with sim.store.lock:
        pod = _get(sim, R.PODS, ns, name)
        if pod["spec"].get("nodeName"):
            raise errors.ApiError(409, "Conflict", 'Operation cannot be fulfilled on pods/binding "%s": pod %s is '
                                  "already assigned to node \"%s\"" % (name, name, pod["spec"]["nodeName"]))
        node = sim.store.get("nodes", "", target or "")
        if node is None:
            raise errors.not_found(R.NODES, target or "")
        sim.controller.kubelet.bind(pod, node, time.time())
    h.send_json(201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201})


# ---- virtual resources ----

def _virtual(h, rt, verb, ns, name, q, body):
    sim = h.sim
    if rt.group == "metrics.k8s.io":
        if verb not in ("get", "list"):
            raise errors.method_not_allowed(h.command)
        return h.send_json(200, metrics.serve(sim, rt, ns, name, q))
    if rt.plural == "selfsubjectreviews":
        return h.send_json(201, {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
                                 "metadata": {"creationTimestamp": None}, "status": {"userInfo": h.user.info()}})
    if rt.plural == "selfsubjectaccessreviews":
        req = _json_body(body) or {}
        attrs = (req.get("spec") or {}).get("resourceAttributes") or {}
        verb_asked = attrs.get("verb", "get")
        allowed = auth.Auth.allowed(h.user, verb_asked)
        out = {"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
               "metadata": {"creationTimestamp": None}, "spec": req.get("spec") or {},
               "status": {"allowed": allowed}}
        if not allowed:
            out["status"]["reason"] = "user %s is read-only in kube-sim" % h.user.name
        return h.send_json(201, out)
    raise errors.page_not_found("")
