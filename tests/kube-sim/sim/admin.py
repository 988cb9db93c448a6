"""/_sim/ admin endpoints (no authentication; the simulator listens on loopback only): faults,
resourceVersion expiry, dropping watches, tokens, metrics on/off, churn, timing options, stats."""
import json
import time

from . import errors


def _body(body):
    if not body:
        return {}
    try:
        return json.loads(body)
    except ValueError as e:
        raise errors.bad_request("kube-sim admin: body is not JSON: %s" % e)


def drop_watches(sim):
    """Cut every open watch and log-follow stream (clients see the connection break)."""
    with sim.watches_lock:
        streams = list(sim.watches)
    for s in streams:
        s.dropped = True
    with sim.store.lock:
        for r in sim.store.res.values():
            r.cond.notify_all()
    return len(streams)


def handle(h, method, path, q, body):
    sim = h.sim
    parts = [p for p in path.split("/") if p][1:]
    what = parts[0] if parts else ""
    b = _body(body) if method in ("POST", "PUT") else {}
    if what in ("", "health"):
        return h.send_json(200, {"ok": True, "resourceVersion": sim.store.rv, "uptime": round(time.time() - sim.started,
                                                                                            1)})
    if what == "stats":
        if method == "DELETE" or (parts[1:] == ["reset"] and method == "POST"):
            with sim.stats_lock:
                sim.stats.clear()
        with sim.stats_lock:
            reqs = dict(sim.stats)
        with sim.watches_lock:
            nw = len(sim.watches)
        objs = {k: len(r.items) for k, r in sim.store.res.items()}
        return h.send_json(200, {"requests": reqs, "streams": nw, "resourceVersion": sim.store.rv, "objects": objs})
    if what == "faults":
        if method == "GET":
            return h.send_json(200, {"faults": sim.faults.list()})
        if method == "DELETE":
            rid = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            return h.send_json(200, {"removed": sim.faults.remove(rid)})
        if method == "POST":
            specs = b if isinstance(b, list) else [b]
            try:
                rules = [sim.faults.add(s) for s in specs]
            except (ValueError, TypeError) as e:
                raise errors.bad_request("kube-sim admin: %s" % e)
            return h.send_json(201, {"faults": [r.spec for r in rules]})
    if what == "expire" and method == "POST":
        sim.store.compact()
        n = drop_watches(sim) if b.get("dropWatches", True) else 0
        return h.send_json(200, {"floor": sim.store.rv, "droppedStreams": n})
    if what == "drop-watches" and method == "POST":
        return h.send_json(200, {"droppedStreams": drop_watches(sim)})
    if what == "tokens":
        if method == "GET":
            return h.send_json(200, {"tokens": sim.auth.describe()})
        if method == "POST":
            if not b.get("token") or not b.get("user"):
                raise errors.bad_request('kube-sim admin: need {"token": ..., "user": ...}')
            exp = sim.auth.add_token(b["token"], b["user"], b.get("groups") or [], b.get("expiresIn"),
                                     b.get("readonly", False))
            return h.send_json(201, {"user": b["user"], "expiresAt": exp})
        if method == "DELETE" and len(parts) > 1:
            return h.send_json(200, {"revoked": sim.auth.revoke(parts[1])})
    if what == "metrics":
        if method == "POST":
            sim.cfg.metrics = bool(b.get("enabled", True))
        return h.send_json(200, {"enabled": sim.cfg.metrics})
    if what == "churn":
        if method == "POST":
            sim.churn.set(float(b.get("rate", 0)), b.get("mode", "modify"))
        return h.send_json(200, {"rate": sim.churn.rate, "mode": sim.churn.mode, "changes": sim.churn.changes})
    if what == "config":
        if method == "POST":
            for k, attr in (("readyDelay", "ready_delay"), ("terminateDelay", "terminate_delay"),
                            ("logInterval", "log_interval"), ("bookmarkInterval", "bookmark_interval"),
                            ("watchTimeout", "watch_timeout")):
                if k in b:
                    setattr(sim.cfg, attr, float(b[k]))
        c = sim.cfg
        return h.send_json(200, {"readyDelay": c.ready_delay, "terminateDelay": c.terminate_delay,
                                 "logInterval": c.log_interval, "bookmarkInterval": c.bookmark_interval,
                                 "watchTimeout": c.watch_timeout, "metrics": c.metrics, "version": c.version})
    raise errors.ApiError(404, "NotFound", "kube-sim admin: no such endpoint %s %s (see tests/kube-sim/README.md)" % (
        method, path))

