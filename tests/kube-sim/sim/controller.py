"""The control loop: reacts to store changes (scheduling, workload reconciles, endpoints, garbage
collection, namespace deletion, node cordon taints) and runs timed transitions (containers
starting, graceful deletions finishing, crash loops), with a periodic full resync."""
import heapq
import sys
import threading
import time
import traceback

from . import events as E, kubelet as K, objects, resources as R, selectors, timefmt, workloads as W

WORKLOAD_KEYS = ("deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps")
_KIND_KEY = {"Deployment": "deployments.apps", "ReplicaSet": "replicasets.apps",
             "StatefulSet": "statefulsets.apps", "DaemonSet": "daemonsets.apps"}
RESYNC = 30.0


class Controller:
    def __init__(self, sim):
        self.sim = sim
        self.store = sim.store
        self.events = E.Recorder(sim)
        self.kubelet = K.Kubelet(sim, self)
        self.work = W.Workloads(self)
        self.qlock = threading.Lock()
        self.timers = []
        self.seq = 0
        self.dirty = set()        # (key, ns, name) workloads to reconcile
        self.unbound = set()      # (ns, name) pods to schedule or to start on their node
        self.restate = set()      # (ns, name) pods whose kube-sim/state annotation changed
        self.ep_dirty = set()     # namespaces whose endpoints may be stale
        self.gc = []              # uids of deleted objects (their dependents go too)
        self.ns_dying = set()
        self.nodes_dirty = set()
        self.ds_all = False
        self.retry_pending = False
        self.unschedulable = set()  # (ns, name) pods no node could take (retried on node/pod changes)
        self.wake = threading.Event()
        self.stopping = False
        self.last_resync = 0.0
        self.store.listeners.append(self.on_change)

    # ---- change notification (runs under the store lock: only queue work here) ----
    def on_change(self, key, type_, new, old):
        md = new["metadata"]
        ns, name = md.get("namespace", ""), md["name"]
        with self.qlock:
            if key == "pods":
                ref = objects.controller_of(new if type_ != "DELETED" else (old or new))
                if ref and ref.get("kind") in _KIND_KEY:
                    self.dirty.add((_KIND_KEY[ref["kind"]], ns, ref["name"]))
                if type_ != "DELETED":
                    spec, st = new.get("spec", {}), new.get("status", {})
                    if not spec.get("nodeName") or (not st.get("hostIP") and not st.get("containerStatuses")):
                        self.unbound.add((ns, name))
                    if old is not None and K.pod_state(old) != K.pod_state(new):
                        self.restate.add((ns, name))
                else:
                    self.retry_pending = True
                self.ep_dirty.add(ns)
            elif key in WORKLOAD_KEYS:
                if type_ != "DELETED":
                    self.dirty.add((key, ns, name))
                ref = objects.controller_of(new)
                if ref and ref.get("kind") in _KIND_KEY:
                    self.dirty.add((_KIND_KEY[ref["kind"]], ns, ref["name"]))
            elif key == "nodes":
                self.ds_all = True
                self.retry_pending = True
                if type_ != "DELETED":
                    self.nodes_dirty.add(name)
            elif key == "services":
                self.ep_dirty.add(ns)
                if type_ == "DELETED":
                    self.gc.append(("endpoints", ns, name))
            elif key == "namespaces" and type_ != "DELETED" and md.get("deletionTimestamp"):
                self.ns_dying.add(name)
            if type_ == "DELETED" and key != "events":
                self.gc.append(md.get("uid"))
        self.wake.set()

    def at(self, delay, fn, *args):
        with self.qlock:
            self.seq += 1
            heapq.heappush(self.timers, (time.time() + delay, self.seq, fn, args))
        self.wake.set()

    # ---- loop ----
    def start(self):
        t = threading.Thread(target=self.run, name="controller", daemon=True)
        t.start()
        return t

    def run(self):
        while not self.stopping:
            self.wake.clear()
            try:
                self.step()
            except Exception:
                traceback.print_exc(file=sys.stderr)
            with self.qlock:
                busy = self.dirty or self.unbound or self.ep_dirty or self.gc or self.restate or self.nodes_dirty
                nxt = self.timers[0][0] if self.timers else None
            if busy:
                continue
            wait = RESYNC
            if nxt is not None:
                wait = max(0.0, min(wait, nxt - time.time()))
            self.wake.wait(wait)

    def _guard(self, fn, *args):
        try:
            with self.store.lock:
                fn(*args)
        except Exception:
            traceback.print_exc(file=sys.stderr)

    def step(self):
        now = time.time()
        due = []
        with self.qlock:
            while self.timers and self.timers[0][0] <= now:
                due.append(heapq.heappop(self.timers))
        for _, _, fn, args in due:
            self._guard(fn, *args)
        if now - self.last_resync >= RESYNC:
            self.last_resync = now
            self.resync()
        with self.qlock:
            gc, self.gc = self.gc, []
            dying, self.ns_dying = set(self.ns_dying), self.ns_dying
            unbound, self.unbound = self.unbound, set()
            restate, self.restate = self.restate, set()
            nodes, self.nodes_dirty = self.nodes_dirty, set()
            if self.ds_all:
                self.ds_all = False
                for e in self.store.objects("daemonsets.apps"):
                    self.dirty.add(("daemonsets.apps", e["metadata"]["namespace"], e["metadata"]["name"]))
            retry, self.retry_pending = self.retry_pending, False
        for item in gc:
            self._guard(self.collect, item)
        for n in nodes:
            self._guard(self.sync_node_taint, n)
        if retry:
            with self.qlock:
                unbound |= self.unschedulable
        for ns, name in sorted(unbound):
            self._guard(self.bind, ns, name)
        for ns, name in restate:
            self._guard(self.apply_state, ns, name)
        for _ in range(3):
            with self.qlock:
                dirty, self.dirty = self.dirty, set()
            if not dirty:
                break
            for key, ns, name in sorted(dirty, key=lambda k: WORKLOAD_KEYS.index(k[0])):
                obj = self.store.get(key, ns, name)
                if obj is not None:
                    self._guard(self.reconcile, key, obj)
        for ns in list(dying):
            self._guard(self.namespace_cleanup, ns)
        with self.qlock:
            eps, self.ep_dirty = self.ep_dirty, set()
        for ns in eps:
            self._guard(self.endpoints, ns)

    def settle(self, rounds=50):
        """Run steps until nothing is queued (used while seeding, before serving)."""
        for _ in range(rounds):
            self.step()
            with self.qlock:
                if not (self.dirty or self.unbound or self.ep_dirty or self.gc or self.restate):
                    return

    def resync(self):
        with self.qlock:
            for key in WORKLOAD_KEYS:
                for o in self.store.objects(key):
                    self.dirty.add((key, o["metadata"]["namespace"], o["metadata"]["name"]))
            for o in self.store.objects("namespaces"):
                if o["metadata"].get("deletionTimestamp"):
                    self.ns_dying.add(o["metadata"]["name"])
            self.retry_pending = True

    def reconcile(self, key, obj):
        if key == "deployments.apps":
            self.work.deployment(obj)
        elif key == "replicasets.apps":
            self.work.replicaset(obj)
        elif key == "statefulsets.apps":
            self.work.statefulset(obj)
        elif key == "daemonsets.apps":
            self.work.daemonset(obj)

    # ---- pods ----
    def bind(self, ns, name):
        pod = self.store.get("pods", ns, name)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            with self.qlock:
                self.unschedulable.discard((ns, name))
            return
        node_name = pod["spec"].get("nodeName")
        if not node_name:
            bound = self.kubelet.schedule(pod)
            with self.qlock:
                if bound:
                    self.unschedulable.discard((ns, name))
                else:
                    self.unschedulable.add((ns, name))
        elif not pod.get("status", {}).get("containerStatuses"):
            node = self.store.get("nodes", "", node_name)
            if node is not None:
                self.kubelet.bind(pod, node, time.time())

    def apply_state(self, ns, name):
        pod = self.store.get("pods", ns, name)
        if pod is None or not pod["spec"].get("nodeName") or pod["metadata"].get("deletionTimestamp"):
            return
        state = K.pod_state(pod)
        if state == "Unschedulable":
            return
        now = time.time()
        started = pod.get("status", {}).get("startTime")
        started = timefmt.parse(started) if started else now
        self.store.mutate("pods", ns, name, lambda p: self.kubelet.set_running(p, started, 0, state, now))
        if state == "CrashLoopBackOff":
            self.at(10, self.kubelet.crash, ns, name, pod["metadata"]["uid"])

    # ---- deletion, garbage collection, namespaces ----
    def delete(self, rt, obj, grace=None, propagation=None):
        """Delete an object the way the API server does: pods gracefully, namespaces by
        finalization, others at once; dependents are collected (or orphaned). Returns the object
        if it still exists (terminating), else None."""
        md = obj["metadata"]
        ns, name = md.get("namespace", ""), md["name"]
        if propagation == "Orphan":
            uid = md["uid"]

            def orphan(o):
                o["metadata"]["ownerReferences"] = [r for r in o["metadata"].get("ownerReferences") or []
                                                    if r.get("uid") != uid]
            for dep_key, dns, dname in list(self.store.owned.get(uid, ())):
                self.store.mutate(dep_key, dns, dname, orphan)
        if rt is R.PODS:
            return self.kubelet.delete(obj, grace)
        if rt is R.NAMESPACES:
            if md.get("deletionTimestamp"):
                return obj
            now = time.time()

            def term(o):
                o["metadata"]["deletionTimestamp"] = timefmt.iso(now)
                o["metadata"]["deletionGracePeriodSeconds"] = 0
                o.setdefault("status", {})["phase"] = "Terminating"
            out = self.store.mutate("namespaces", "", name, term)
            self.wake.set()
            return out
        self.store.remove(rt.key, ns, name)
        return None

    def collect(self, item):
        if isinstance(item, tuple):
            key, ns, name = item
            if self.store.get(key, ns, name) is not None:
                self.store.remove(key, ns, name)
            return
        for key, ns, name in list(self.store.owned.get(item, ())):
            obj = self.store.get(key, ns, name)
            if obj is None or self.store.by_uid.get(item):
                continue
            self.delete(R.of(key), obj)

    def namespace_cleanup(self, ns):
        nso = self.store.get("namespaces", "", ns)
        if nso is None or not nso["metadata"].get("deletionTimestamp"):
            self.ns_dying.discard(ns)
            return
        for key, r in self.store.res.items():
            if not r.rt.namespaced:
                continue
            for o in self.store.objects(key, ns):
                if key == "pods":
                    if not o["metadata"].get("deletionTimestamp"):
                        self.kubelet.delete(o)
                else:
                    self.store.remove(key, ns, o["metadata"]["name"])
        if not any(self.store.objects(k, ns) for k, r in self.store.res.items() if r.rt.namespaced):
            self.store.remove("namespaces", "", ns)
            self.ns_dying.discard(ns)

    # ---- nodes ----
    def sync_node_taint(self, name):
        """Cordoned nodes carry the node.kubernetes.io/unschedulable:NoSchedule taint."""
        key = "node.kubernetes.io/unschedulable"

        def upd(n):
            spec = n.setdefault("spec", {})
            taints = [t for t in spec.get("taints") or [] if t.get("key") != key]
            had = any(t.get("key") == key for t in spec.get("taints") or [])
            if spec.get("unschedulable"):
                if had:
                    return False
                taints.append({"key": key, "effect": "NoSchedule", "timeAdded": timefmt.iso(time.time())})
            elif not had:
                return False
            if taints:
                spec["taints"] = taints
            else:
                spec.pop("taints", None)
        self.store.mutate("nodes", "", name, upd)

    # ---- endpoints ----
    def endpoints(self, ns):
        store = self.store
        svcs = [s for s in store.objects("services", ns) if (s.get("spec", {}).get("selector"))]
        if not svcs:
            return
        pods = [p for p in store.objects("pods", ns) if p.get("status", {}).get("podIP")
                and p.get("status", {}).get("phase") not in ("Succeeded", "Failed")]
        for svc in svcs:
            sel = selectors.LabelSelector([(k, "=", [v]) for k, v in sorted(svc["spec"]["selector"].items())])
            ready, notready = [], []
            first = None
            for p in pods:
                if not sel.matches(p["metadata"].get("labels")):
                    continue
                first = first or p
                a = {"ip": p["status"]["podIP"], "nodeName": p["spec"].get("nodeName", ""),
                     "targetRef": {"kind": "Pod", "namespace": ns, "name": p["metadata"]["name"],
                                   "uid": p["metadata"]["uid"]}}
                if W.pod_ready(p) and not p["metadata"].get("deletionTimestamp"):
                    ready.append(a)
                else:
                    notready.append(a)
            ports = []
            for sp in svc["spec"].get("ports") or []:
                tp = sp.get("targetPort", sp.get("port"))
                if isinstance(tp, str) and first is not None:
                    tp = next((cp.get("containerPort") for c in first["spec"]["containers"]
                               for cp in c.get("ports") or [] if cp.get("name") == tp), None)
                if not isinstance(tp, int):
                    continue
                port = {"port": tp, "protocol": sp.get("protocol", "TCP")}
                if sp.get("name"):
                    port["name"] = sp["name"]
                ports.append(port)
            subsets = []
            if ready or notready:
                ss = {}
                if ready:
                    ss["addresses"] = sorted(ready, key=lambda a: a["ip"])
                if notready:
                    ss["notReadyAddresses"] = sorted(notready, key=lambda a: a["ip"])
                if ports:
                    ss["ports"] = ports
                subsets.append(ss)
            name = svc["metadata"]["name"]
            cur = store.get("endpoints", ns, name)
            labels = dict(svc["metadata"].get("labels") or {})
            labels["endpoints.kubernetes.io/managed-by"] = "endpoint-controller"
            if cur is None:
                ep = {"metadata": {"name": name, "namespace": ns, "labels": labels}}
                if self.sim.seeding:
                    ep["metadata"]["creationTimestamp"] = svc["metadata"]["creationTimestamp"]
                if subsets:
                    ep["subsets"] = subsets
                store.create("endpoints", ep)
            else:
                def upd(o):
                    if (o.get("subsets") or []) == subsets:
                        return False
                    if subsets:
                        o["subsets"] = subsets
                    else:
                        o.pop("subsets", None)
                store.mutate("endpoints", ns, name, upd)
