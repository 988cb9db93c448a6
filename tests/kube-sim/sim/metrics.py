"""metrics.k8s.io/v1beta1: PodMetrics and NodeMetrics with plausible usage that varies over time
(deterministic per pod/container and second), as metrics-server would serve them."""
import math
import time

from . import errors, objects, quantity, selectors, timefmt

WINDOW = "15.012s"


def _running(p):
    st = p.get("status", {})
    return st.get("phase") == "Running" and p["spec"].get("nodeName") and not p["metadata"].get("deletionTimestamp")


def container_usage(pod, c, t):
    """(cores, bytes) a container uses at second t."""
    ident = "%s/%s/%s" % (pod["metadata"].get("namespace"), pod["metadata"]["name"], c["name"])
    h = objects.stable_int(ident)
    req = (c.get("resources") or {}).get("requests") or {}
    lim = (c.get("resources") or {}).get("limits") or {}
    base_cpu = quantity.parse(req.get("cpu"), 0) or (0.002 + (h % 200) / 1000.0)
    base_mem = quantity.parse(req.get("memory"), 0) or (16 + (h >> 8) % 240) * 2**20
    phase = (h % 628) / 100.0
    wave = 0.55 + 0.35 * math.sin(2 * math.pi * t / 60.0 + phase) + 0.25 * math.sin(2 * math.pi * t / 13.0 + phase * 2)
    noise = (objects.stable_int(ident, int(t)) % 1000) / 1000.0 * 0.2
    cpu = max(0.0005, base_cpu * (wave + noise))
    mem = base_mem * (0.85 + 0.1 * math.sin(2 * math.pi * t / 300.0 + phase)) + (objects.stable_int(ident, int(t) // 5)
                                                                                 % 4096) * 1024
    if lim.get("cpu"):
        cpu = min(cpu, quantity.parse(lim["cpu"]))
    if lim.get("memory"):
        mem = min(mem, quantity.parse(lim["memory"]) * 0.98)
    return cpu, mem


def pod_metrics(pod, t):
    md = pod["metadata"]
    stamp = timefmt.iso(t)
    out = {"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
           "metadata": {"name": md["name"], "namespace": md["namespace"], "creationTimestamp": stamp,
                        "labels": md.get("labels") or {}},
           "timestamp": timefmt.iso(int(t) - 3), "window": WINDOW, "containers": []}
    running = {s.get("name") for s in pod.get("status", {}).get("containerStatuses") or [] if "running" in
               (s.get("state") or {})}
    for c in pod["spec"]["containers"]:
        if c["name"] not in running:
            continue
        cpu, mem = container_usage(pod, c, int(t))
        out["containers"].append({"name": c["name"], "usage": {"cpu": quantity.nanocores(cpu),
                                                               "memory": quantity.kibibytes(mem)}})
    return out


def node_metrics(node, pods, t):
    md = node["metadata"]
    h = objects.stable_int(md["name"])
    cpu = 0.08 + (h % 100) / 1000.0 + 0.03 * math.sin(t / 20.0 + h % 7)
    mem = (700 + h % 400) * 2**20
    for p in pods:
        for c in p["spec"]["containers"]:
            cu, mu = container_usage(p, c, int(t))
            cpu += cu
            mem += mu
    cap = node.get("status", {}).get("capacity") or {}
    cpu = min(cpu, quantity.parse(cap.get("cpu"), cpu))
    mem = min(mem, quantity.parse(cap.get("memory"), mem) * 0.97)
    return {"kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": {"name": md["name"], "creationTimestamp": timefmt.iso(t), "labels": md.get("labels") or {}},
            "timestamp": timefmt.iso(int(t) - 3), "window": "20.05s",
            "usage": {"cpu": quantity.nanocores(cpu), "memory": quantity.kibibytes(mem)}}


def serve(sim, rt, ns, name, q):
    """GET/LIST of pods or nodes metrics; returns a JSON-able dict."""
    t = time.time()
    store = sim.store
    lsel = selectors.parse_labels(q.get("labelSelector", ""))
    fsel = selectors.parse_fields(q.get("fieldSelector", ""), rt)
    if rt.plural == "pods":
        if name:
            p = store.get("pods", ns, name)
            if p is None or not _running(p):
                raise errors.ApiError(404, "NotFound", 'podmetrics.metrics.k8s.io "%s/%s" not found' % (ns, name),
                                      {"name": name, "group": "metrics.k8s.io", "kind": "pods"})
            return pod_metrics(p, t)
        items = [pod_metrics(p, t) for p in store.objects("pods", ns)
                 if _running(p) and lsel.matches(p["metadata"].get("labels")) and fsel.matches(p)]
        return {"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}
    by_node = {}
    for p in store.objects("pods"):
        if _running(p):
            by_node.setdefault(p["spec"]["nodeName"], []).append(p)
    if name:
        n = store.get("nodes", "", name)
        if n is None:
            raise errors.ApiError(404, "NotFound", 'nodemetrics.metrics.k8s.io "%s" not found' % name,
                                  {"name": name, "group": "metrics.k8s.io", "kind": "nodes"})
        return node_metrics(n, by_node.get(name, []), t)
    items = [node_metrics(n, by_node.get(n["metadata"]["name"], []), t) for n in store.objects("nodes")
             if lsel.matches(n["metadata"].get("labels")) and fsel.matches(n)]
    return {"kind": "NodeMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}
