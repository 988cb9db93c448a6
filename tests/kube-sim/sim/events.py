"""core/v1 Event recording for the simulated components (scheduler, kubelet, controllers), with
the client-go recorder's aggregation (same object+reason+message bumps count) and a size cap."""
import collections
import time

from . import resources as R, timefmt


class Recorder:
    def __init__(self, sim):
        self.sim = sim
        self.keys = {}                    # (uid, reason, message) -> (ns, event name)
        self.order = collections.deque()  # (ns, name) in creation order, for the cap
        self.quiet = False                # bulk seeding records nothing

    def record(self, obj, rt, type_, reason, message, component, host=None, field_path=None, at=None):
        if self.quiet:
            return
        store = self.sim.store
        md = obj["metadata"]
        ns = md.get("namespace") or "default"
        now = at or time.time()
        stamp = timefmt.iso(now)
        key = (md.get("uid"), reason, message)
        with store.lock:
            loc = self.keys.get(key)
            if loc and store.get("events", *loc) is not None:
                def bump(ev):
                    ev["count"] = ev.get("count", 1) + 1
                    ev["lastTimestamp"] = stamp
                store.mutate("events", loc[0], loc[1], bump)
                return
            name = "%s.%x" % (md["name"], int(now * 1e9) + len(self.order))
            io = {"kind": rt.kind, "namespace": ns if rt.namespaced else "", "name": md["name"],
                  "uid": md.get("uid", ""), "apiVersion": rt.api_version,
                  "resourceVersion": md.get("resourceVersion", "")}
            if not rt.namespaced:
                io.pop("namespace")
            if field_path:
                io["fieldPath"] = field_path
            src = {"component": component}
            if host:
                src["host"] = host
            ev = {"metadata": {"name": name, "namespace": ns, "creationTimestamp": stamp},
                  "involvedObject": io, "reason": reason, "message": message, "source": src,
                  "firstTimestamp": stamp, "lastTimestamp": stamp, "count": 1, "type": type_,
                  "eventTime": None, "reportingComponent": component, "reportingInstance": host or ""}
            store.create("events", ev)
            self.keys[key] = (ns, name)
            self.order.append((ns, name))
            while len(self.order) > self.sim.cfg.max_events:
                ons, oname = self.order.popleft()
                if store.get("events", ons, oname) is not None:
                    store.remove("events", ons, oname)


def seed_event(sim, spec, now):
    """An Event from a seed entry ({"namespace","involvedObject":{"kind","name"},"type","reason",
    "message","count","age","source"})."""
    io = dict(spec.get("involvedObject") or {})
    ns = spec.get("namespace", "default")
    rt = R.for_api_version(io.get("apiVersion", "apps/v1" if io.get("kind") in
                                  ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet") else "v1"),
                           io.get("kind", "Pod"))
    target = sim.store.get(rt.key, ns if rt.namespaced else "", io.get("name", "")) if rt else None
    if target is not None:
        io.setdefault("uid", target["metadata"]["uid"])
        io.setdefault("apiVersion", rt.api_version)
    if rt and rt.namespaced:
        io.setdefault("namespace", ns)
    age = timefmt.parse_duration(spec.get("age", "1m"))
    first = now - timefmt.parse_duration(spec.get("firstAge", age))
    last = now - age
    count = int(spec.get("count", 1))
    name = spec.get("name") or "%s.%x" % (io.get("name", "event"), int(first * 1e9))
    comp = spec.get("source", "kubelet")
    return {"metadata": {"name": name, "namespace": ns, "creationTimestamp": timefmt.iso(first)},
            "involvedObject": io, "reason": spec.get("reason", ""), "message": spec.get("message", ""),
            "source": {"component": comp}, "firstTimestamp": timefmt.iso(first),
            "lastTimestamp": timefmt.iso(last), "count": count, "type": spec.get("type", "Normal"),
            "eventTime": None, "reportingComponent": comp, "reportingInstance": ""}
