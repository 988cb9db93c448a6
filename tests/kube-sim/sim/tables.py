"""Server-side Table conversion (meta.k8s.io/v1 Table) with the columns and cell formats of the
API server's printers, which is what `kubectl get` displays."""
from . import selectors, timefmt

_NAME_DESC = "Name must be unique within a namespace. More info: " \
             "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
_AGE_DESC = "CreationTimestamp is a timestamp representing the server time when this object was created."


def _col(name, type_="string", priority=0, desc="", fmt=""):
    return {"name": name, "type": type_, "format": fmt, "description": desc or name, "priority": priority}


NAME = _col("Name", fmt="name", desc=_NAME_DESC)
AGE = _col("Age", desc=_AGE_DESC)


def _template_cols(selector_desc=None):
    """The wide CONTAINERS, IMAGES (and SELECTOR) columns of workload tables."""
    cols = [_col("Containers", priority=1, desc="Names of each container in the template."),
            _col("Images", priority=1, desc="Images referenced by each container in the template.")]
    if selector_desc:
        cols.append(_col("Selector", priority=1, desc=selector_desc))
    return cols


def _age(obj, now):
    return timefmt.since(obj["metadata"].get("creationTimestamp"), now)


def _containers(template):
    cs = (template or {}).get("spec", {}).get("containers") or []
    return ",".join(c.get("name", "") for c in cs), ",".join(c.get("image", "") for c in cs)


# ---- pods ----

def _is_restartable_init(c):
    return (c or {}).get("restartPolicy") == "Always"


def pod_status(pod):
    """The STATUS column: kubectl's aggregate pod status (Running, CrashLoopBackOff, Completed,
    Init:0/1, Terminating, ...), plus ready and restart figures. Returns (ready, total, reason,
    restarts, last_restart_ts)."""
    spec, st = pod.get("spec", {}), pod.get("status", {})
    restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart = 0.0
    phase = st.get("phase", "")
    reason = st.get("reason") or phase
    for c in st.get("conditions") or []:
        if c.get("type") == "PodScheduled" and c.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    inits = {c.get("name"): c for c in spec.get("initContainers") or []}
    for c in inits.values():
        if _is_restartable_init(c):
            total += 1
    initializing = False
    ri_restarts, ri_last = 0, 0.0
    ics = st.get("initContainerStatuses") or []
    n_init = len(spec.get("initContainers") or [])
    for i, c in enumerate(ics):
        restarts += int(c.get("restartCount", 0))
        lt = (c.get("lastState") or {}).get("terminated")
        if lt and lt.get("finishedAt"):
            last_restart = max(last_restart, _ts(lt["finishedAt"]))
        restartable = _is_restartable_init(inits.get(c.get("name")))
        if restartable:
            ri_restarts += int(c.get("restartCount", 0))
            if lt and lt.get("finishedAt"):
                ri_last = max(ri_last, _ts(lt["finishedAt"]))
        state = c.get("state") or {}
        term, wait = state.get("terminated"), state.get("waiting")
        if term and term.get("exitCode", 0) == 0:
            continue
        if restartable and c.get("started"):
            if c.get("ready"):
                ready += 1
            continue
        if term:
            if not term.get("reason"):
                reason = "Init:Signal:%d" % term["signal"] if term.get("signal") else \
                    "Init:ExitCode:%d" % term.get("exitCode", 0)
            else:
                reason = "Init:" + term["reason"]
        elif wait and wait.get("reason") and wait["reason"] != "PodInitializing":
            reason = "Init:" + wait["reason"]
        else:
            reason = "Init:%d/%d" % (i, n_init)
        initializing = True
        break
    initialized = any(c.get("type") == "Initialized" and c.get("status") == "True"
                      for c in st.get("conditions") or [])
    if not initializing or initialized:
        restarts = ri_restarts
        last_restart = ri_last
        has_running = False
        for c in reversed(st.get("containerStatuses") or []):
            restarts += int(c.get("restartCount", 0))
            lt = (c.get("lastState") or {}).get("terminated")
            if lt and lt.get("finishedAt"):
                last_restart = max(last_restart, _ts(lt["finishedAt"]))
            state = c.get("state") or {}
            wait, term = state.get("waiting"), state.get("terminated")
            if wait and wait.get("reason"):
                reason = wait["reason"]
            elif term and term.get("reason"):
                reason = term["reason"]
            elif term:
                reason = "Signal:%d" % term["signal"] if term.get("signal") else \
                    "ExitCode:%d" % term.get("exitCode", 0)
            elif c.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            ready_cond = any(c.get("type") == "Ready" and c.get("status") == "True"
                             for c in st.get("conditions") or [])
            reason = "Running" if ready_cond else "NotReady"
    deleting = pod.get("metadata", {}).get("deletionTimestamp")
    if deleting and st.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    return ready, total, reason, restarts, last_restart


def _ts(s):
    try:
        return timefmt.parse(s)
    except ValueError:
        return 0.0


def _pod_row(pod, now):
    ready, total, reason, restarts, last = pod_status(pod)
    rs = str(restarts)
    if restarts and last:
        rs = "%d (%s ago)" % (restarts, timefmt.human(now - last))
    st = pod.get("status", {})
    ips = st.get("podIPs") or []
    ip = ips[0].get("ip") if ips else st.get("podIP") or "<none>"
    gates = pod.get("spec", {}).get("readinessGates") or []
    if gates:
        conds = {c.get("type"): c.get("status") for c in st.get("conditions") or []}
        n = sum(1 for g in gates if conds.get(g.get("conditionType")) == "True")
        gates_s = "%d/%d" % (n, len(gates))
    else:
        gates_s = "<none>"
    return [pod["metadata"]["name"], "%d/%d" % (ready, total), reason, rs, _age(pod, now),
            ip or "<none>", pod.get("spec", {}).get("nodeName") or "<none>",
            st.get("nominatedNodeName") or "<none>", gates_s]


POD_COLUMNS = [NAME, _col("Ready", desc="The aggregate readiness state of this pod for accepting traffic."),
               _col("Status", desc="The aggregate status of the containers in this pod."),
               _col("Restarts", "string", desc="The number of times the containers in this pod have been restarted "
                                               "and when the last container in this pod has restarted."),
               AGE, _col("IP", priority=1, desc="podIP address allocated to the pod."),
               _col("Node", priority=1, desc="NodeName indicates in which node this pod is scheduled."),
               _col("Nominated Node", priority=1, desc="nominatedNodeName is set only when this pod preempts "
                                                       "other pods on the node."),
               _col("Readiness Gates", priority=1, desc="If specified, all readiness gates will be evaluated "
                                                        "for pod readiness.")]


def pod_conditions(pod):
    phase = pod.get("status", {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        return [{"type": "Completed", "status": "True", "reason": phase,
                 "message": "The pod has completed " + ("successfully." if phase == "Succeeded" else
                                                        "with a failed status.")}]
    return None


# ---- nodes ----

def node_status(node):
    conds = {c.get("type"): c.get("status") for c in node.get("status", {}).get("conditions") or []}
    out = []
    ready = conds.get("Ready")
    if ready == "True":
        out.append("Ready")
    elif ready == "False":
        out.append("NotReady")
    else:
        out.append("Unknown")
    if node.get("spec", {}).get("unschedulable"):
        out.append("SchedulingDisabled")
    return ",".join(out)


def node_roles(node):
    roles = set()
    for k, v in (node["metadata"].get("labels") or {}).items():
        if k.startswith("node-role.kubernetes.io/"):
            r = k[len("node-role.kubernetes.io/"):]
            if r:
                roles.add(r)
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    return ",".join(sorted(roles)) if roles else "<none>"


def _node_row(node, now):
    st = node.get("status", {})
    info = st.get("nodeInfo") or {}
    addrs = st.get("addresses") or []
    internal = next((a["address"] for a in addrs if a.get("type") == "InternalIP"), "<none>")
    external = next((a["address"] for a in addrs if a.get("type") == "ExternalIP"), "<none>")
    return [node["metadata"]["name"], node_status(node), node_roles(node), _age(node, now),
            info.get("kubeletVersion", ""), internal, external, info.get("osImage") or "<unknown>",
            info.get("kernelVersion") or "<unknown>", info.get("containerRuntimeVersion") or "<unknown>"]


NODE_COLUMNS = [NAME, _col("Status", desc="The status of the node"), _col("Roles", desc="The roles of the node"),
                AGE, _col("Version", desc="Kubelet Version reported by the node."),
                _col("Internal-IP", priority=1, desc="List of addresses reachable to the node."),
                _col("External-IP", priority=1, desc="List of addresses reachable to the node."),
                _col("OS-Image", priority=1, desc="OS Image reported by the node from /etc/os-release."),
                _col("Kernel-Version", priority=1, desc="Kernel Version reported by the node."),
                _col("Container-Runtime", priority=1, desc="ContainerRuntime Version reported by the node.")]


# ---- workloads ----

def _deploy_row(d, now):
    spec, st = d.get("spec", {}), d.get("status", {})
    c, i = _containers(spec.get("template"))
    return [d["metadata"]["name"], "%d/%d" % (st.get("readyReplicas", 0), spec.get("replicas", 1)),
            st.get("updatedReplicas", 0), st.get("availableReplicas", 0), _age(d, now), c, i,
            selectors.to_string(spec.get("selector"))]


DEPLOY_COLUMNS = [NAME, _col("Ready", desc="Number of the pod with ready state"),
                  _col("Up-to-date", "integer", desc="Total number of non-terminated pods targeted by this "
                                                     "deployment that have the desired template spec."),
                  _col("Available", "integer", desc="Total number of available pods (ready for at least "
                                                    "minReadySeconds) targeted by this deployment."),
                  AGE] + _template_cols("Label selector for pods.")


def _rs_row(rs, now):
    spec, st = rs.get("spec", {}), rs.get("status", {})
    c, i = _containers(spec.get("template"))
    return [rs["metadata"]["name"], spec.get("replicas", 1), st.get("replicas", 0), st.get("readyReplicas", 0),
            _age(rs, now), c, i, selectors.to_string(spec.get("selector"))]


RS_COLUMNS = [NAME, _col("Desired", "integer", desc="Replicas is the number of desired replicas."),
              _col("Current", "integer", desc="Replicas is the most recently observed number of replicas."),
              _col("Ready", "integer", desc="The number of ready replicas for this replica set."),
              AGE] + _template_cols("Selector is a label query over pods.")


def _sts_row(s, now):
    spec, st = s.get("spec", {}), s.get("status", {})
    c, i = _containers(spec.get("template"))
    return [s["metadata"]["name"], "%d/%d" % (st.get("readyReplicas", 0), spec.get("replicas", 1)),
            _age(s, now), c, i]


STS_COLUMNS = [NAME, _col("Ready", desc="Number of the pod with ready state"), AGE] + _template_cols()


def _ds_row(d, now):
    spec, st = d.get("spec", {}), d.get("status", {})
    c, i = _containers(spec.get("template"))
    ns = (spec.get("template") or {}).get("spec", {}).get("nodeSelector") or {}
    nsel = ",".join("%s=%s" % kv for kv in sorted(ns.items())) or "<none>"
    return [d["metadata"]["name"], st.get("desiredNumberScheduled", 0), st.get("currentNumberScheduled", 0),
            st.get("numberReady", 0), st.get("updatedNumberScheduled", 0), st.get("numberAvailable", 0),
            nsel, _age(d, now), c, i, selectors.to_string(spec.get("selector"))]


DS_COLUMNS = [NAME, _col("Desired", "integer", desc="The total number of nodes that should be running the daemon pod."),
              _col("Current", "integer", desc="The number of nodes that are running at least 1 daemon pod."),
              _col("Ready", "integer", desc="numberReady is the number of nodes that should be running the daemon "
                                            "pod and have one or more of the daemon pod running with a Ready "
                                            "Condition."),
              _col("Up-to-date", "integer", desc="The total number of nodes that are running updated daemon pod"),
              _col("Available", "integer", desc="The number of nodes that should be running the daemon pod and "
                                                "have one or more of the daemon pod running and available."),
              _col("Node Selector", desc="NodeSelector is a selector which must be true for the pod to fit on a "
                                         "node."),
              AGE] + _template_cols("A label query over pods that are managed by the daemon set.")


# ---- services, endpoints, events, namespaces, misc ----

def _svc_ports(spec):
    ports = spec.get("ports") or []
    if not ports:
        return "<none>"
    out = []
    for p in ports:
        proto = p.get("protocol", "TCP")
        if p.get("nodePort"):
            out.append("%d:%d/%s" % (p.get("port", 0), p["nodePort"], proto))
        else:
            out.append("%d/%s" % (p.get("port", 0), proto))
    return ",".join(out)


def _svc_external(svc):
    spec = svc.get("spec", {})
    t = spec.get("type", "ClusterIP")
    ext = spec.get("externalIPs") or []
    if t in ("ClusterIP", "NodePort"):
        return ",".join(ext) if ext else "<none>"
    if t == "ExternalName":
        return spec.get("externalName", "")
    if t == "LoadBalancer":
        ing = (svc.get("status", {}).get("loadBalancer") or {}).get("ingress") or []
        ips = [i.get("ip") or i.get("hostname") for i in ing] + ext
        return ",".join(x for x in ips if x) if ips else "<pending>"
    return "<unknown>"


def _svc_row(svc, now):
    spec = svc.get("spec", {})
    sel = spec.get("selector") or {}
    return [svc["metadata"]["name"], spec.get("type", "ClusterIP"), spec.get("clusterIP") or "<none>",
            _svc_external(svc), _svc_ports(spec), _age(svc, now),
            ",".join("%s=%s" % kv for kv in sorted(sel.items())) or "<none>"]


SVC_COLUMNS = [NAME, _col("Type", desc="type determines how the Service is exposed."),
               _col("Cluster-IP", desc="clusterIP is the IP address of the service."),
               _col("External-IP", desc="externalIPs is a list of IP addresses for which nodes in the cluster will "
                                        "also accept traffic for this service."),
               _col("Port(s)", desc="The list of ports that are exposed by this service."), AGE,
               _col("Selector", priority=1, desc="Route service traffic to pods with label keys and values "
                                                 "matching this selector.")]


def _endpoints_cell(ep, max_n=3):
    out, count, more = [], 0, 0
    for ss in ep.get("subsets") or []:
        ports = ss.get("ports") or [None]
        for a in ss.get("addresses") or []:
            for p in ports:
                if count < max_n:
                    out.append("%s:%d" % (a.get("ip"), p.get("port")) if p else a.get("ip"))
                    count += 1
                else:
                    more += 1
    if not out:
        return "<none>"
    s = ",".join(out)
    if more:
        s += " + %d more..." % more
    return s


EP_COLUMNS = [NAME, _col("Endpoints", desc="The set of all endpoints is the union of all subsets."), AGE]


def _event_row(ev, now):
    first = ev.get("firstTimestamp")
    first_s = timefmt.since(first, now) if first else timefmt.since(ev.get("eventTime"), now)
    last = ev.get("lastTimestamp")
    last_s = timefmt.since(last, now) if last else first_s
    count = ev.get("count") or 1
    series = ev.get("series")
    if series:
        last_s = timefmt.since(series.get("lastObservedTime"), now)
        count = series.get("count", count)
    io = ev.get("involvedObject") or {}
    target = "%s/%s" % (io.get("kind", "").lower(), io["name"]) if io.get("name") else io.get("kind", "").lower()
    src = ev.get("source") or {}
    if src.get("component"):
        source = src["component"] + (", " + src["host"] if src.get("host") else "")
    else:
        source = ev.get("reportingComponent", "")
        if ev.get("reportingInstance"):
            source += ", " + ev["reportingInstance"]
    return [last_s, ev.get("type", ""), ev.get("reason", ""), target, io.get("fieldPath", ""), source,
            (ev.get("message") or "").strip(), first_s, count, ev["metadata"]["name"]]


EVENT_COLUMNS = [_col("Last Seen", desc="The time at which the most recent occurrence of this event was "
                                        "recorded."),
                 _col("Type", desc="Type of this event (Normal, Warning), new types could be added in the future"),
                 _col("Reason", desc="This should be a short, machine understandable string that gives the reason "
                                     "for the transition into the object's current status."),
                 _col("Object", desc="The object that this event is about."),
                 _col("Subobject", priority=1, desc="If referring to a piece of an object instead of an entire "
                                                    "object, this string should contain a valid JSON/Go-field "
                                                    "access statement, such as desiredState.manifest.containers[2]."),
                 _col("Source", priority=1, desc="The component reporting this event. Should be a short machine "
                                                 "understandable string."),
                 _col("Message", desc="A human-readable description of the status of this operation."),
                 _col("First Seen", priority=1, desc="The time at which the event was first recorded."),
                 _col("Count", priority=1, desc="The number of times this event has occurred."),
                 _col("Name", priority=1, fmt="name", desc=_NAME_DESC)]

NS_COLUMNS = [NAME, _col("Status", desc="The status of the namespace"), AGE]
CM_COLUMNS = [NAME, _col("Data", "string", desc="Data contains the configuration data."), AGE]
SECRET_COLUMNS = [NAME, _col("Type", desc="The type of the secret"),
                  _col("Data", "string", desc="The number of entries in the secret"), AGE]
SA_COLUMNS = [NAME, _col("Secrets", "string", desc="Secrets is a list of the secrets in the same namespace that "
                                                  "pods running using this ServiceAccount are allowed to use."), AGE]
DEFAULT_COLUMNS = [NAME, _col("Created At", "date", desc=_AGE_DESC)]


def _default_row(o, now):
    return [o["metadata"]["name"], o["metadata"].get("creationTimestamp")]


PRINTERS = {
    "pods": (POD_COLUMNS, _pod_row),
    "nodes": (NODE_COLUMNS, _node_row),
    "namespaces": (NS_COLUMNS, lambda o, now: [o["metadata"]["name"], o.get("status", {}).get("phase", ""),
                                              _age(o, now)]),
    "services": (SVC_COLUMNS, _svc_row),
    "endpoints": (EP_COLUMNS, lambda o, now: [o["metadata"]["name"], _endpoints_cell(o), _age(o, now)]),
    "events": (EVENT_COLUMNS, _event_row),
    "configmaps": (CM_COLUMNS, lambda o, now: [o["metadata"]["name"],
                                              len(o.get("data") or {}) + len(o.get("binaryData") or {}),
                                              _age(o, now)]),
    "secrets": (SECRET_COLUMNS, lambda o, now: [o["metadata"]["name"], o.get("type", "Opaque"),
                                               len(o.get("data") or {}), _age(o, now)]),
    "serviceaccounts": (SA_COLUMNS, lambda o, now: [o["metadata"]["name"], len(o.get("secrets") or []),
                                                   _age(o, now)]),
    "deployments.apps": (DEPLOY_COLUMNS, _deploy_row),
    "replicasets.apps": (RS_COLUMNS, _rs_row),
    "statefulsets.apps": (STS_COLUMNS, _sts_row),
    "daemonsets.apps": (DS_COLUMNS, _ds_row),
}


def printer(key):
    """(column definitions, row function(obj, now) -> cells) for a store key."""
    return PRINTERS.get(key, (DEFAULT_COLUMNS, _default_row))
