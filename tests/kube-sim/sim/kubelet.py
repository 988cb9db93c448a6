"""The simulated scheduler and kubelets: binding pods to nodes, pod and container status through
their life (ContainerCreating -> Running and ready, CrashLoopBackOff, Completed, ...), graceful
deletion (Terminating, then gone). A pod's behaviour comes from its annotation kube-sim/state;
kube-sim/restarts=N gives a running pod's first container N restarts behind it (and so a
previous instance that ended)."""
import hashlib
import time

from . import objects, resources as R, timefmt

STATE_ANN = "kube-sim/state"
RESTARTS_ANN = "kube-sim/restarts"
STATES = ("Running", "NotReady", "CrashLoopBackOff", "Error", "Completed", "ImagePullBackOff",
          "ContainerCreating", "Unschedulable")


def pod_state(pod):
    s = (pod["metadata"].get("annotations") or {}).get(STATE_ANN, "Running")
    return s if s in STATES else "Running"


def node_ready(node):
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in node.get("status", {}).get("conditions") or [])


def tolerates(tolerations, taint):
    for t in tolerations or []:
        if t.get("effect") and t["effect"] != taint.get("effect"):
            continue
        op = t.get("operator", "Equal")
        if not t.get("key") and op == "Exists":
            return True
        if t.get("key") != taint.get("key"):
            continue
        if op == "Exists" or t.get("value", "") == taint.get("value", ""):
            return True
    return False


def fits(pod_spec, node, ignore_unschedulable=False):
    """Why a pod cannot go to a node ('' when it can)."""
    if not node_ready(node):
        return "node(s) were not ready"
    if node.get("spec", {}).get("unschedulable") and not ignore_unschedulable:
        return "node(s) were unschedulable"
    labels = node["metadata"].get("labels") or {}
    for k, v in (pod_spec.get("nodeSelector") or {}).items():
        if labels.get(k) != v:
            return "node(s) didn't match Pod's node affinity/selector"
    for taint in node.get("spec", {}).get("taints") or []:
        if taint.get("effect") in ("NoSchedule", "NoExecute") and not tolerates(pod_spec.get("tolerations"), taint):
            return "node(s) had untolerated taint {%s: %s}" % (taint.get("key"), taint.get("value", ""))
    return ""


def _hex(*parts, n=64):
    return hashlib.sha256("\x00".join(str(p) for p in parts).encode()).hexdigest()[:n]


def _image_ref(image):
    """Fully qualified image reference as the container runtime reports it."""
    name = image.split("@")[0]
    first = name.split("/")[0]
    if "/" not in name:
        name = "docker.io/library/" + name
    elif "." not in first and ":" not in first and first != "localhost":
        name = "docker.io/" + name
    if ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return name


def _cond(type_, status, ts, reason=None, message=None):
    c = {"type": type_, "status": status, "lastProbeTime": None, "lastTransitionTime": ts}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


class Kubelet:
    def __init__(self, sim, ctl):
        self.sim = sim
        self.ctl = ctl
        self.store = sim.store
        self.node_index = {}   # node name -> small int (pod CIDR)
        self.ip_next = {}      # node name -> next host number
        self.node_load = {}    # node name -> pods bound by us (for spreading)

    # ---- addresses ----
    def _node_idx(self, node_name):
        i = self.node_index.get(node_name)
        if i is None:
            i = self.node_index[node_name] = len(self.node_index) + 1
        return i

    def pod_ip(self, node_name):
        i = self._node_idx(node_name)
        k = self.ip_next.get(node_name, 0)
        self.ip_next[node_name] = k + 1
        return "10.%d.%d.%d" % (244 + i // 250, i % 250, k % 253 + 2)

    @staticmethod
    def host_ip(node):
        for a in node.get("status", {}).get("addresses") or []:
            if a.get("type") == "InternalIP":
                return a.get("address")
        return ""

    # ---- scheduling ----
    def schedule(self, pod):
        """Bind an unscheduled pod to the least loaded fitting node, or mark it Unschedulable."""
        store = self.store
        md = pod["metadata"]
        if md.get("deletionTimestamp") or pod["spec"].get("nodeName"):
            return True
        now = time.time()
        nodes = store.objects("nodes")
        reasons = {}
        fit = []
        if pod_state(pod) != "Unschedulable":
            for n in nodes:
                why = fits(pod["spec"], n)
                if why:
                    reasons[why] = reasons.get(why, 0) + 1
                else:
                    fit.append(n)
        else:
            reasons["node(s) didn't match Pod's node affinity/selector"] = len(nodes)
        if not fit:
            msg = "0/%d nodes are available: %s. preemption: 0/%d nodes are available: %d Preemption is not " \
                  "helpful for scheduling." % (len(nodes), ", ".join("%d %s" % (c, r) for r, c in
                                                                     sorted(reasons.items())) or "no nodes",
                                               len(nodes), len(nodes))

            def unsched(p):
                st = p.setdefault("status", {})
                conds = st.get("conditions") or []
                if any(c.get("type") == "PodScheduled" and c.get("message") == msg for c in conds):
                    return False
                st["phase"] = "Pending"
                st["conditions"] = [_cond("PodScheduled", "False", timefmt.iso(now), "Unschedulable", msg)]
            before = store.get("pods", md["namespace"], md["name"])
            after = store.mutate("pods", md["namespace"], md["name"], unsched)
            if after is not before:
                self.ctl.events.record(pod, R.PODS, "Warning", "FailedScheduling", msg, "default-scheduler")
            return False
        node = min(fit, key=lambda n: (self.node_load.get(n["metadata"]["name"], 0), n["metadata"]["name"]))
        self.bind(pod, node, now)
        return True

    def bind(self, pod, node, now, seeded=False):
        nname = node["metadata"]["name"]
        self.node_load[nname] = self.node_load.get(nname, 0) + 1
        md = pod["metadata"]
        hip = self.host_ip(node)

        def do(p):
            p["spec"]["nodeName"] = nname
            st = p.setdefault("status", {})
            ts = timefmt.iso(now)
            st.update({"phase": "Pending", "hostIP": hip, "hostIPs": [{"ip": hip}], "startTime": ts})
            st["conditions"] = [_cond("PodReadyToStartContainers", "False", ts), _cond("Initialized", "True", ts),
                                _cond("Ready", "False", ts, "ContainersNotReady",
                                      "containers with unready status: [%s]" % " ".join(
                                          c["name"] for c in p["spec"]["containers"])),
                                _cond("ContainersReady", "False", ts, "ContainersNotReady",
                                      "containers with unready status: [%s]" % " ".join(
                                          c["name"] for c in p["spec"]["containers"])),
                                _cond("PodScheduled", "True", ts)]
            st["containerStatuses"] = [self._cstatus(p, c, {"waiting": {"reason": "ContainerCreating"}}, False, 0)
                                       for c in p["spec"]["containers"]]
        bound = self.store.mutate("pods", md["namespace"], md["name"], do)
        if bound is None:
            return
        if not seeded:
            self.ctl.events.record(bound, R.PODS, "Normal", "Scheduled", "Successfully assigned %s/%s to %s" % (
                md["namespace"], md["name"], nname), "default-scheduler", at=now)
            self.ctl.at(self.sim.cfg.ready_delay, self.start, md["namespace"], md["name"], md["uid"])

    # ---- container status ----
    def _cstatus(self, pod, c, state, ready, restarts, last=None, started=None):
        img = _image_ref(c.get("image", ""))
        cs = {"name": c["name"], "state": state, "lastState": last or {}, "ready": ready,
              "restartCount": restarts, "image": img,
              "imageID": img.rsplit(":", 1)[0] + "@sha256:" + _hex("image", img)}
        if "waiting" not in state or last:
            cs["containerID"] = "containerd://" + _hex(pod["metadata"].get("uid"), c["name"], restarts)
        cs["started"] = bool(started if started is not None else "running" in state)
        return cs

    def running_status(self, pod, started_at, ready=True, restarts=0, state=None, now=None):
        """The status of a pod whose containers run (or crash-loop / completed), from started_at."""
        now = now or time.time()
        spec = pod["spec"]
        st = pod.setdefault("status", {})
        started = timefmt.iso(started_at)
        state = state or pod_state(pod)
        node = self.store.get("nodes", "", spec.get("nodeName", ""))
        if not st.get("podIP"):
            ip = self.pod_ip(spec["nodeName"])
            st["podIP"] = ip
            st["podIPs"] = [{"ip": ip}]
        hip = self.host_ip(node) if node else st.get("hostIP", "")
        st["hostIP"] = hip
        st["hostIPs"] = [{"ip": hip}]
        st.setdefault("startTime", started)
        st["qosClass"] = objects.qos_class(spec)
        css = []
        phase, all_ready = "Running", ready
        try:
            restarts = max(restarts, int((pod["metadata"].get("annotations") or {}).get(RESTARTS_ANN, 0)))
        except ValueError:
            pass
        for i, c in enumerate(spec["containers"]):
            if state == "CrashLoopBackOff" or (state == "Error" and spec.get("restartPolicy") != "Never"):
                # the first container crashes; sidecars keep running
                if i == 0:
                    r = max(restarts, 1)
                    fin = now - 1 if restarts <= 1 else now - 5
                    last = {"terminated": {"exitCode": 1, "reason": "Error",
                                           "startedAt": timefmt.iso(min(fin, max(started_at, fin - 3))),
                                           "finishedAt": timefmt.iso(fin),
                                           "containerID": "containerd://" + _hex(pod["metadata"].get("uid"),
                                                                                 c["name"], r - 1)}}
                    backoff = min(10 * 2 ** (r - 1), 300)
                    w = {"waiting": {"reason": "CrashLoopBackOff",
                                     "message": "back-off %s restarting failed container=%s pod=%s_%s(%s)" % (
                                         _go_dur(backoff), c["name"], pod["metadata"]["name"],
                                         pod["metadata"]["namespace"], pod["metadata"].get("uid"))}}
                    css.append(self._cstatus(pod, c, w, False, r, last, started=False))
                    all_ready = False
                    continue
            if state == "ImagePullBackOff":
                w = {"waiting": {"reason": "ImagePullBackOff",
                                 "message": 'Back-off pulling image "%s"' % c.get("image", "")}}
                css.append(self._cstatus(pod, c, w, False, 0))
                phase, all_ready = "Pending", False
                continue
            if state == "ContainerCreating":
                css.append(self._cstatus(pod, c, {"waiting": {"reason": "ContainerCreating"}}, False, 0))
                phase, all_ready = "Pending", False
                continue
            if state == "Completed" or (state == "Error" and spec.get("restartPolicy") == "Never"):
                ok = state == "Completed"
                t = {"terminated": {"exitCode": 0 if ok else 1, "reason": "Completed" if ok else "Error",
                                    "startedAt": started, "finishedAt": timefmt.iso(started_at + 10),
                                    "containerID": "containerd://" + _hex(pod["metadata"].get("uid"),
                                                                          c["name"], 0)}}
                css.append(self._cstatus(pod, c, t, False, 0, started=False))
                phase, all_ready = ("Succeeded" if ok else "Failed"), False
                continue
            c_ready = ready and state != "NotReady"
            all_ready = all_ready and c_ready
            last = None
            if i == 0 and restarts > 0:
                # the instance before this one: crashed a second before this one started
                last = {"terminated": {"exitCode": 1, "reason": "Error",
                                       "startedAt": timefmt.iso(started_at - 60),
                                       "finishedAt": timefmt.iso(started_at - 1),
                                       "containerID": "containerd://" + _hex(pod["metadata"].get("uid"),
                                                                             c["name"], restarts - 1)}}
            css.append(self._cstatus(pod, c, {"running": {"startedAt": started}}, c_ready,
                                     restarts if i == 0 else 0, last))
        st["phase"] = phase
        st["containerStatuses"] = css
        ts = started
        unready = [cs["name"] for cs in css if not cs["ready"]]
        if phase in ("Succeeded", "Failed"):
            rs = ("PodCompleted", None)
            st["conditions"] = [_cond("PodReadyToStartContainers", "False", ts),
                                _cond("Initialized", "True", ts, "PodCompleted"),
                                _cond("Ready", "False", ts, *rs), _cond("ContainersReady", "False", ts, *rs),
                                _cond("PodScheduled", "True", ts)]
        else:
            rc = ("ContainersNotReady", "containers with unready status: [%s]" % " ".join(unready)) \
                if unready else (None, None)
            st["conditions"] = [_cond("PodReadyToStartContainers", "True" if phase == "Running" else "False", ts),
                                _cond("Initialized", "True", ts),
                                _cond("Ready", "True" if all_ready else "False", ts, *rc),
                                _cond("ContainersReady", "True" if all_ready else "False", ts, *rc),
                                _cond("PodScheduled", "True", ts)]
        return pod

    def set_running(self, pod, started_at, restarts, state, now):
        """store.mutate callback: the status of a pod whose containers came up at started_at."""
        self.running_status(pod, started_at, True, restarts, state, now)

    def start(self, ns, name, uid):
        """Containers come up after the simulated pull/start delay."""
        pod = self.store.get("pods", ns, name)
        if pod is None or pod["metadata"]["uid"] != uid or pod["metadata"].get("deletionTimestamp"):
            return
        state = pod_state(pod)
        if state == "ContainerCreating":
            return
        now = time.time()
        restarts = 1 if state == "CrashLoopBackOff" else 0
        done = self.store.mutate("pods", ns, name,
                                 lambda p: self.set_running(p, now, restarts, state, now))
        if done is None:
            return
        node = pod["spec"].get("nodeName")
        rec = self.ctl.events.record
        for c in pod["spec"]["containers"]:
            fp = "spec.containers{%s}" % c["name"]
            if state == "ImagePullBackOff":
                rec(done, R.PODS, "Normal", "Pulling", 'Pulling image "%s"' % c.get("image"), "kubelet", node, fp)
                rec(done, R.PODS, "Warning", "Failed", 'Failed to pull image "%s": not found' % c.get("image"),
                    "kubelet", node, fp)
                rec(done, R.PODS, "Normal", "BackOff", 'Back-off pulling image "%s"' % c.get("image"),
                    "kubelet", node, fp)
                break
            rec(done, R.PODS, "Normal", "Pulled", 'Container image "%s" already present on machine' % c.get("image"),
                "kubelet", node, fp)
            rec(done, R.PODS, "Normal", "Created", "Created container: %s" % c["name"], "kubelet", node, fp)
            rec(done, R.PODS, "Normal", "Started", "Started container %s" % c["name"], "kubelet", node, fp)
        if state == "CrashLoopBackOff":
            self.ctl.at(10, self.crash, ns, name, uid)

    def crash(self, ns, name, uid):
        """A crash-looping container fails again: restartCount+1, back-off doubles up to 5 minutes."""
        pod = self.store.get("pods", ns, name)
        if pod is None or pod["metadata"]["uid"] != uid or pod["metadata"].get("deletionTimestamp") \
                or pod_state(pod) != "CrashLoopBackOff":
            return
        cs = (pod.get("status", {}).get("containerStatuses") or [{}])[0]
        r = cs.get("restartCount", 0) + 1
        now = time.time()
        started = timefmt.parse(pod["status"].get("startTime") or timefmt.iso(now))
        done = self.store.mutate("pods", ns, name,
                                 lambda p: self.set_running(p, started, r, "CrashLoopBackOff", now))
        c = pod["spec"]["containers"][0]
        self.ctl.events.record(done, R.PODS, "Warning", "BackOff", "Back-off restarting failed container %s in pod "
                               "%s_%s(%s)" % (c["name"], name, ns, uid), "kubelet", pod["spec"].get("nodeName"),
                               "spec.containers{%s}" % c["name"])
        self.ctl.at(min(10 * 2 ** r, 300), self.crash, ns, name, uid)

    def seed_running(self, pod, node, started_at, restarts=0):
        """Seeded pods: bound and running since started_at, without delays or events."""
        nname = node["metadata"]["name"]
        self.node_load[nname] = self.node_load.get(nname, 0) + 1
        pod["spec"]["nodeName"] = nname
        st = pod.setdefault("status", {})
        st["startTime"] = timefmt.iso(started_at)
        self.running_status(pod, started_at, True, restarts)
        if pod_state(pod) == "CrashLoopBackOff":
            md = pod["metadata"]
            self.ctl.at(30, self.crash, md["namespace"], md["name"], md.get("uid"))

    # ---- deletion ----
    def delete(self, pod, grace=None):
        """Graceful deletion: Terminating for min(grace, terminate_delay) seconds, then gone.
        Returns the pod as stored (with deletionTimestamp) or None when removed at once."""
        md = pod["metadata"]
        ns, name = md["namespace"], md["name"]
        if grace is None:
            grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
        grace = max(0, int(grace))
        phase = pod.get("status", {}).get("phase")
        if grace == 0 or not pod["spec"].get("nodeName") or phase in ("Succeeded", "Failed"):
            self.store.remove("pods", ns, name)
            return None
        now = time.time()
        if md.get("deletionTimestamp"):
            cur = timefmt.parse(md["deletionTimestamp"])
            if now + grace >= cur:
                return pod
        uid = md["uid"]

        def mark(p):
            p["metadata"]["deletionTimestamp"] = timefmt.iso(now + grace)
            p["metadata"]["deletionGracePeriodSeconds"] = grace
        out = self.store.mutate("pods", ns, name, mark)
        for c in pod["spec"]["containers"]:
            self.ctl.events.record(out, R.PODS, "Normal", "Killing", "Stopping container %s" % c["name"], "kubelet",
                                   pod["spec"].get("nodeName"), "spec.containers{%s}" % c["name"])
        self.ctl.at(min(grace, self.sim.cfg.terminate_delay), self.finish, ns, name, uid)
        return out

    def finish(self, ns, name, uid):
        pod = self.store.get("pods", ns, name)
        if pod is None or pod["metadata"]["uid"] != uid:
            return
        n = pod["spec"].get("nodeName")
        if n in self.node_load:
            self.node_load[n] = max(0, self.node_load[n] - 1)
        self.store.remove("pods", ns, name)


def _go_dur(sec):
    m, s = divmod(int(sec), 60)
    return "%dm%ds" % (m, s) if m else "%ds" % s

