"""The initial cluster: a built-in default (or a JSON seed file) of namespaces, nodes, workloads,
standalone pods in various states, services and events, plus an optional synthetic load of N pods.
Names are deterministic for a given seed and --random-seed."""
import gc
import json
import math
import random

from . import events as E, kubelet as K, logs, objects, resources as R, timefmt

DEFAULT = {
    "namespaces": [{"name": "default", "age": "30d"}, {"name": "kube-system", "age": "30d"},
                   {"name": "kube-public", "age": "30d"}, {"name": "kube-node-lease", "age": "30d"}],
    "nodes": [
        {"name": "sim-control-plane", "roles": ["control-plane"], "cpu": "4", "memory": "8Gi", "age": "30d",
         "taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]},
        {"name": "sim-worker-1", "cpu": "8", "memory": "32Gi", "age": "30d"},
        {"name": "sim-worker-2", "cpu": "8", "memory": "32Gi", "age": "30d"},
        {"name": "sim-worker-3", "cpu": "8", "memory": "32Gi", "age": "12d"},
    ],
    "deployments": [
        {"namespace": "default", "name": "web", "replicas": 3, "age": "3d", "labels": {"app": "web"},
         "containers": [{"name": "nginx", "image": "nginx:1.27", "ports": [80], "cpu": "50m", "memory": "64Mi"}]},
        {"namespace": "default", "name": "api", "replicas": 2, "age": "2d", "labels": {"app": "api"},
         "containers": [{"name": "api", "image": "ghcr.io/example/api:2.4.1", "ports": [8080], "cpu": "100m",
                         "memory": "128Mi", "limitMemory": "256Mi"},
                        {"name": "log-shipper", "image": "fluent/fluent-bit:3.1", "cpu": "10m", "memory": "32Mi"}]},
        {"namespace": "kube-system", "name": "coredns", "replicas": 2, "age": "30d", "labels": {"k8s-app": "kube-dns"},
         "tolerations": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
         "containers": [{"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.11.3",
                         "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                   {"containerPort": 53, "name": "dns-tcp"}, {"containerPort": 9153,
                                                                             "name": "metrics"}],
                         "cpu": "100m", "memory": "70Mi", "limitMemory": "170Mi"}]},
        {"namespace": "kube-system", "name": "metrics-server", "replicas": 1, "age": "30d",
         "labels": {"k8s-app": "metrics-server"},
         "containers": [{"name": "metrics-server", "image": "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
                         "ports": [{"containerPort": 10250, "name": "https"}], "cpu": "100m",
                         "memory": "200Mi"}]},
    ],
    "statefulsets": [
        {"namespace": "default", "name": "db", "replicas": 2, "age": "5d", "labels": {"app": "db"},
         "serviceName": "db",
         "containers": [{"name": "postgres", "image": "postgres:16", "ports": [5432], "cpu": "250m",
                         "memory": "256Mi"}]},
    ],
    "daemonsets": [
        {"namespace": "kube-system", "name": "kube-proxy", "age": "30d", "labels": {"k8s-app": "kube-proxy"},
         "tolerations": [{"operator": "Exists"}],
         "containers": [{"name": "kube-proxy", "image": "registry.k8s.io/kube-proxy:v1.32.4"}]},
    ],
    "pods": [
        {"namespace": "default", "name": "crashy", "state": "CrashLoopBackOff", "restarts": 5, "age": "40m",
         "labels": {"app": "crashy"}, "containers": [{"name": "worker", "image": "ghcr.io/example/worker:1.0"}]},
        {"namespace": "default", "name": "pending", "state": "Unschedulable", "age": "15m",
         "labels": {"app": "pending"}, "nodeSelector": {"disktype": "nvme"},
         "containers": [{"name": "app", "image": "busybox:1.36", "cpu": "2", "memory": "1Gi"}]},
        {"namespace": "default", "name": "batch-once", "state": "Completed", "age": "2h", "restartPolicy": "Never",
         "labels": {"app": "batch"}, "containers": [{"name": "job", "image": "busybox:1.36"}]},
        {"namespace": "kube-system", "name": "etcd-sim-control-plane", "node": "sim-control-plane", "age": "30d",
         "static": True, "labels": {"component": "etcd", "tier": "control-plane"},
         "tolerations": [{"operator": "Exists", "effect": "NoExecute"}],
         "containers": [{"name": "etcd", "image": "registry.k8s.io/etcd:3.5.16-0", "cpu": "100m",
                         "memory": "100Mi"}]},
        {"namespace": "kube-system", "name": "kube-apiserver-sim-control-plane", "node": "sim-control-plane",
         "age": "30d", "static": True, "labels": {"component": "kube-apiserver", "tier": "control-plane"},
         "tolerations": [{"operator": "Exists", "effect": "NoExecute"}],
         "containers": [{"name": "kube-apiserver", "image": "registry.k8s.io/kube-apiserver:v1.32.4",
                         "cpu": "250m"}]},
    ],
    "services": [
        {"namespace": "default", "name": "kubernetes", "clusterIP": "10.96.0.1", "age": "30d",
         "labels": {"component": "apiserver", "provider": "kubernetes"},
         "ports": [{"name": "https", "port": 443, "targetPort": 6443}],
         "endpoints": ["172.18.0.2"]},
        {"namespace": "default", "name": "web", "selector": {"app": "web"}, "age": "3d",
         "ports": [{"name": "http", "port": 80, "targetPort": 80}]},
        {"namespace": "default", "name": "api", "selector": {"app": "api"}, "age": "2d", "type": "NodePort",
         "ports": [{"name": "http", "port": 8080, "targetPort": 8080, "nodePort": 30080}]},
        {"namespace": "default", "name": "db", "selector": {"app": "db"}, "clusterIP": "None", "age": "5d",
         "ports": [{"name": "postgres", "port": 5432}]},
        {"namespace": "kube-system", "name": "kube-dns", "selector": {"k8s-app": "kube-dns"},
         "clusterIP": "10.96.0.10", "age": "30d", "labels": {"k8s-app": "kube-dns"},
         "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                   {"name": "dns-tcp", "port": 53, "targetPort": 53},
                   {"name": "metrics", "port": 9153, "targetPort": 9153}]},
    ],
    "events": [
        {"namespace": "default", "involvedObject": {"kind": "Pod", "name": "crashy"}, "type": "Warning",
         "reason": "BackOff", "message": "Back-off restarting failed container worker in pod crashy_default",
         "count": 27, "age": "30s", "firstAge": "38m"},
        {"namespace": "default", "involvedObject": {"kind": "Pod", "name": "pending"}, "type": "Warning",
         "reason": "FailedScheduling", "source": "default-scheduler",
         "message": "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/"
                    "control-plane: }, 3 node(s) didn't match Pod's node affinity/selector.", "age": "2m",
         "firstAge": "15m", "count": 4},
        {"namespace": "default", "involvedObject": {"kind": "Deployment", "name": "web"}, "type": "Normal",
         "reason": "ScalingReplicaSet", "source": "deployment-controller",
         "message": "Scaled up replica set web to 3", "age": "3d"},
        {"namespace": "default", "involvedObject": {"kind": "Pod", "name": "batch-once"}, "type": "Normal",
         "reason": "Completed", "message": "Container job completed", "age": "2h"},
    ],
}


def _containers(entries):
    out = []
    for c in entries:
        cont = {"name": c["name"], "image": c.get("image", "busybox:1.36")}
        if c.get("command"):
            cont["command"] = c["command"]
        ports = []
        for p in c.get("ports") or []:
            ports.append({"containerPort": p} if isinstance(p, int) else dict(p))
        if ports:
            cont["ports"] = ports
        res = {}
        if c.get("cpu") or c.get("memory"):
            res["requests"] = {k: c[k] for k in ("cpu", "memory") if c.get(k)}
        lim = {k: c[f] for k, f in (("cpu", "limitCpu"), ("memory", "limitMemory")) if c.get(f)}
        if lim:
            res["limits"] = lim
        cont["resources"] = res
        out.append(cont)
    return out


def _annotations(entry):
    ann = dict(entry.get("annotations") or {})
    if entry.get("state") and entry["state"] != "Running":
        ann[K.STATE_ANN] = entry["state"]
    if entry.get("logInterval") is not None:
        ann[logs.INTERVAL_ANN] = str(entry["logInterval"])
    if entry.get("logBurst") is not None:
        ann[logs.BURST_ANN] = str(entry["logBurst"])
    return ann


def _pod_spec(entry):
    spec = {"containers": _containers(entry.get("containers") or [{"name": "app"}])}
    for k in ("tolerations", "nodeSelector", "restartPolicy", "serviceAccountName", "priorityClassName"):
        if entry.get(k) is not None:
            spec[k] = entry[k]
    return spec


def _template(entry):
    md = {"labels": dict(entry.get("labels") or {"app": entry["name"]})}
    ann = _annotations(entry)
    if ann:
        md["annotations"] = ann
    return {"metadata": md, "spec": _pod_spec(entry)}


class Seeder:
    def __init__(self, sim, ctl, random_seed=1):
        self.sim = sim
        self.ctl = ctl
        self.store = sim.store
        self.now = timefmt.now()
        self.store.uid_rng = random.Random(random_seed)

    def _born(self, entry, default="1h"):
        return self.now - timefmt.parse_duration(entry.get("age", default))

    def put(self, rt, obj, born):
        obj["metadata"]["creationTimestamp"] = timefmt.iso(born)
        objects.default(self.sim, rt, obj)
        return self.store.create(rt.key, obj)

    def namespace(self, e):
        e = {"name": e} if isinstance(e, str) else e
        if self.store.get("namespaces", "", e["name"]) is None:
            self.put(R.NAMESPACES, {"metadata": {"name": e["name"], "labels": dict(e.get("labels") or {})}},
                     self._born(e, "30d"))

    def node(self, e):
        labels = {"kubernetes.io/hostname": e["name"], "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                  "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": "amd64"}
        for r in e.get("roles") or []:
            labels["node-role.kubernetes.io/" + r] = ""
        labels.update(e.get("labels") or {})
        idx = len(self.store.res["nodes"].items)
        spec = {"podCIDR": "10.%d.%d.0/24" % (244 + (idx + 1) // 250, (idx + 1) % 250)}
        spec["podCIDRs"] = [spec["podCIDR"]]
        if e.get("taints"):
            spec["taints"] = e["taints"]
        if e.get("unschedulable"):
            spec["unschedulable"] = True
            spec.setdefault("taints", []).append({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"})
        node = {"metadata": {"name": e["name"], "labels": labels,
                             "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                                             "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
                "spec": spec}
        born = self._born(e, "30d")
        objects.default_node_status(node, str(e.get("cpu", "4")), e.get("memory", "16Gi"), str(e.get("pods", 110)),
                                    "172.18.0.%d" % (idx + 2), born)
        if e.get("ready") is False:
            for c in node["status"]["conditions"]:
                if c["type"] == "Ready":
                    c.update({"status": "Unknown", "reason": "NodeStatusUnknown",
                              "message": "Kubelet stopped posting node status."})
            spec.setdefault("taints", []).append({"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule"})
        self.ctl.kubelet._node_idx(e["name"])
        self.put(R.NODES, node, born)

    def workload(self, rt, e):
        labels = dict(e.get("labels") or {"app": e["name"]})
        spec = {"selector": {"matchLabels": labels}, "template": _template(dict(e, labels=labels))}
        if rt is not R.DAEMONSETS:
            spec["replicas"] = int(e.get("replicas", 1))
        if rt is R.STATEFULSETS:
            spec["serviceName"] = e.get("serviceName", e["name"])
            if e.get("podManagementPolicy"):
                spec["podManagementPolicy"] = e["podManagementPolicy"]
        if rt is R.DEPLOYMENTS and e.get("strategy"):
            spec["strategy"] = {"type": e["strategy"]}
        md = {"name": e["name"], "namespace": e.get("namespace", "default"), "labels": labels}
        if rt is R.DEPLOYMENTS:
            md["annotations"] = {"deployment.kubernetes.io/revision": "1"}
        self.put(rt, {"metadata": md, "spec": spec}, self._born(e, "1d"))

    def pod(self, e):
        ns = e.get("namespace", "default")
        md = {"name": e["name"], "namespace": ns, "labels": dict(e.get("labels") or {})}
        ann = _annotations(e)
        if ann:
            md["annotations"] = ann
        spec = _pod_spec(e)
        node_name = e.get("node")
        if e.get("static") and node_name:
            n = self.store.get("nodes", "", node_name)
            if n is not None:
                md["ownerReferences"] = [objects.owner_ref(R.NODES, n)]
                md.setdefault("annotations", {})["kubernetes.io/config.source"] = "file"
            spec["priorityClassName"] = "system-node-critical"
        pod = {"metadata": md, "spec": spec}
        born = self._born(e, "1h")
        md["uid"] = self.store.new_uid()
        objects.default(self.sim, R.PODS, pod)
        state = K.pod_state(pod)
        if state != "Unschedulable":
            node = self.store.get("nodes", "", node_name) if node_name else None
            if node is None:
                fit = [n for n in self.store.objects("nodes") if not K.fits(pod["spec"], n)]
                kl = self.ctl.kubelet
                node = min(fit, key=lambda n: (kl.node_load.get(n["metadata"]["name"], 0),
                                               n["metadata"]["name"])) if fit else None
            if node is not None:
                self.ctl.kubelet.seed_running(pod, node, born + 2, int(e.get("restarts", 0)))
        pod["metadata"]["creationTimestamp"] = timefmt.iso(born)
        self.store.create("pods", pod)

    def service(self, e):
        ns = e.get("namespace", "default")
        spec = {"ports": [dict(p) for p in e.get("ports") or []], "type": e.get("type", "ClusterIP")}
        if e.get("selector"):
            spec["selector"] = e["selector"]
        if e.get("clusterIP"):
            spec["clusterIP"] = e["clusterIP"]
        md = {"name": e["name"], "namespace": ns, "labels": dict(e.get("labels") or {})}
        self.put(R.SERVICES, {"metadata": md, "spec": spec}, self._born(e, "1d"))
        if e.get("endpoints"):
            ports = [{"name": p.get("name", ""), "port": p.get("targetPort", p["port"]),
                      "protocol": p.get("protocol", "TCP")} for p in spec["ports"]]
            self.put(R.ENDPOINTS, {"metadata": {"name": e["name"], "namespace": ns, "labels": md["labels"]},
                                   "subsets": [{"addresses": [{"ip": ip} for ip in e["endpoints"]],
                                                "ports": ports}]}, self._born(e, "1d"))

    def raw(self, obj):
        rt = R.for_api_version(obj.get("apiVersion", "v1"), obj.get("kind", ""))
        if rt is None:
            raise ValueError("seed object of unknown kind %s/%s" % (obj.get("apiVersion"), obj.get("kind")))
        obj = dict(obj)
        obj.pop("kind", None)
        obj.pop("apiVersion", None)
        md = obj.setdefault("metadata", {})
        if rt.namespaced:
            md.setdefault("namespace", "default")
        born = self.now
        if md.get("creationTimestamp"):
            born = timefmt.parse(md["creationTimestamp"])
        objects.strip_server_fields(md)
        if rt is R.NODES:
            objects.default_node_status(obj)
        self.put(rt, obj, born)

    def synthetic(self, n, namespaces=10, per_deploy=100):
        """n pods in deployments of up to per_deploy replicas across namespaces load-00..,
        with one node per 100 pods (sim-load-NNN)."""
        if n <= 0:
            return
        for i in range(max(1, math.ceil(n / 100))):
            self.node({"name": "sim-load-%03d" % i, "cpu": "16", "memory": "64Gi", "age": "20d"})
        for i in range(namespaces):
            self.namespace({"name": "load-%02d" % i, "age": "10d"})
        images = ["nginx:1.27", "ghcr.io/example/api:2.4.1", "redis:7.4", "ghcr.io/example/worker:1.0"]
        left, d = n, 0
        while left > 0:
            r = min(per_deploy, left)
            self.workload(R.DEPLOYMENTS, {
                "namespace": "load-%02d" % (d % namespaces), "name": "load-%03d" % d, "replicas": r,
                "age": "%dh" % (1 + d % 200), "labels": {"app": "load-%03d" % d, "tier": ["web", "api", "cache",
                                                                                          "worker"][d % 4]},
                "containers": [{"name": "main", "image": images[d % len(images)], "ports": [8080], "cpu": "20m",
                                "memory": "32Mi"}]})
            left -= r
            d += 1


def load(path):
    if path in (None, "", "default"):
        return DEFAULT
    if path == "empty":
        return {"namespaces": ["default", "kube-system", "kube-public", "kube-node-lease"]}
    with open(path) as f:
        return json.load(f)


def run(sim, ctl, spec, pods=0, random_seed=1):
    """Populate the store and settle the controllers before the server starts serving."""
    sim.seeding = True
    ctl.events.quiet = True
    s = Seeder(sim, ctl, random_seed)
    sim.rng.seed(random_seed)
    for ns in spec.get("namespaces") or ["default", "kube-system"]:
        s.namespace(ns)
    for n in spec.get("nodes") or []:
        s.node(n)
    for e in spec.get("services") or []:
        s.namespace(e.get("namespace", "default"))
        s.service(e)
    for key, rt in (("deployments", R.DEPLOYMENTS), ("statefulsets", R.STATEFULSETS), ("daemonsets", R.DAEMONSETS)):
        for e in spec.get(key) or []:
            s.namespace(e.get("namespace", "default"))
            s.workload(rt, e)
    for e in spec.get("pods") or []:
        s.namespace(e.get("namespace", "default"))
        s.pod(e)
    for o in spec.get("objects") or []:
        s.raw(o)
    s.synthetic(pods)
    ctl.settle(200)
    for e in spec.get("events") or []:
        ev = E.seed_event(sim, e, s.now)
        if sim.store.get("events", ev["metadata"]["namespace"], ev["metadata"]["name"]) is None:
            sim.store.create("events", ev)
    sim.seeding = False
    ctl.events.quiet = False
    sim.store.compact()
    for r in sim.store.res.values():  # encode now, so the first big list is as fast as the next
        for e in list(r.items.values()):
            e.raw()
    # The store is a large heap of acyclic JSON values: keep the cycle collector from walking
    # it again and again (full collections cost ~0.2 s per 10,000 pods).
    gc.collect()
    gc.freeze()
    gc.set_threshold(20000, 50, 100)
