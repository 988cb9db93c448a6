"""Object defaulting and validation on create/update (what the API server's defaulters and
admission add), and the naming helpers controllers use (template hashes, random suffixes)."""
import hashlib
import json
import re
import time
import zlib

from . import errors, quantity, selectors, timefmt

ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"
_DNS1123_SUB = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def fnv32a(data):
    h = 0x811c9dc5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xffffffff
    return h


def safe_encode(s):
    return "".join(ALPHANUMS[ord(c) % len(ALPHANUMS)] for c in s)


def template_hash(template, collisions=0):
    """The pod-template-hash / controller-revision-hash of a pod template (stable per content)."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collisions:
        data += str(collisions).encode()
    return safe_encode(str(fnv32a(data)))


def random_suffix(rng, n=5):
    return "".join(rng.choice(ALPHANUMS) for _ in range(n))


def stable_int(*parts):
    return zlib.crc32("\x00".join(str(p) for p in parts).encode())


# ---- defaulting ----

def _default_container(c):
    img = c.get("image", "")
    tag = img.rsplit("/", 1)[-1]
    if "imagePullPolicy" not in c:
        c["imagePullPolicy"] = "Always" if (":" not in tag or tag.endswith(":latest")) and "@" not in img \
            else "IfNotPresent"
    c.setdefault("resources", {})
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    for p in c.get("ports") or []:
        p.setdefault("protocol", "TCP")


def default_pod_spec(spec, for_template=False):
    for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        _default_container(c)
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    if not for_template:
        spec.setdefault("serviceAccountName", spec.get("serviceAccount") or "default")
        spec.setdefault("serviceAccount", spec["serviceAccountName"])
        spec.setdefault("enableServiceLinks", True)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
        spec.setdefault("priority", 0)
        tol = spec.setdefault("tolerations", [])
        for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
            if not any(t.get("key") == key for t in tol):
                tol.append({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300})


def qos_class(spec):
    reqs, lims, any_set = [], [], False
    for c in spec.get("containers") or []:
        r = c.get("resources") or {}
        rq, lm = r.get("requests") or {}, r.get("limits") or {}
        if rq or lm:
            any_set = True
        reqs.append(rq)
        lims.append(lm)
    if not any_set:
        return "BestEffort"
    for rq, lm in zip(reqs, lims):
        if set(lm) < {"cpu", "memory"}:
            return "Burstable"
        for k in ("cpu", "memory"):
            if k in rq and quantity.parse(rq[k]) != quantity.parse(lm[k]):
                return "Burstable"
    return "Guaranteed"


def _default_template(t):
    t.setdefault("metadata", {})
    t["metadata"].setdefault("creationTimestamp", None)
    default_pod_spec(t.setdefault("spec", {}), for_template=True)


def _check_selector(rt, obj):
    spec = obj.get("spec", {})
    name = obj["metadata"].get("name") or obj["metadata"].get("generateName", "")
    sel = spec.get("selector")
    if not sel or not (sel.get("matchLabels") or sel.get("matchExpressions")):
        raise errors.invalid(rt, name, "spec.selector", "Required value")
    labels = (spec.get("template") or {}).get("metadata", {}).get("labels") or {}
    if not selectors.from_object(sel).matches(labels):
        raise errors.invalid(rt, name, "spec.template.metadata.labels",
                             "Invalid value: %s: `selector` does not match template `labels`" %
                             json.dumps(labels, sort_keys=True))
    if not (spec.get("template") or {}).get("spec", {}).get("containers"):
        raise errors.invalid(rt, name, "spec.template.spec.containers", "Required value")


def _check_replicas(rt, obj):
    r = obj.get("spec", {}).get("replicas")
    if r is not None and (not isinstance(r, int) or r < 0):
        raise errors.invalid(rt, obj["metadata"].get("name", ""), "spec.replicas",
                             "Invalid value: %s: must be greater than or equal to 0" % json.dumps(r))


def validate_name(rt, name):
    ok = _DNS1123_LABEL if rt.key in ("namespaces", "services") else _DNS1123_SUB
    if not name or len(name) > 253 or not ok.match(name):
        raise errors.invalid(rt, name, "metadata.name",
                             'Invalid value: "%s": a lowercase RFC 1123 subdomain must consist of lower case '
                             "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
                             "character" % name)


def default(sim, rt, obj, creating=True):
    """Fill defaults and validate; raises ApiError 422 on invalid objects."""
    key = rt.key
    spec = obj.setdefault("spec", {}) if key not in ("configmaps", "secrets", "serviceaccounts", "events",
                                                     "endpoints") else None
    if key == "pods":
        if not spec.get("containers"):
            raise errors.invalid(rt, obj["metadata"].get("name", ""), "spec.containers", "Required value")
        default_pod_spec(spec)
        if creating:
            obj["status"] = {"phase": "Pending", "qosClass": qos_class(spec)}
    elif key == "namespaces":
        spec.setdefault("finalizers", ["kubernetes"])
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = obj["metadata"]["name"]
        if creating:
            obj["status"] = {"phase": "Active"}
    elif key == "services":
        _default_service(sim, rt, obj)
    elif key == "deployments.apps":
        _check_selector(rt, obj)
        _check_replicas(rt, obj)
        spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
        st = spec.setdefault("strategy", {"type": "RollingUpdate"})
        if st.get("type", "RollingUpdate") == "RollingUpdate":
            st["type"] = "RollingUpdate"
            ru = st.setdefault("rollingUpdate", {})
            ru.setdefault("maxUnavailable", "25%")
            ru.setdefault("maxSurge", "25%")
        _default_template(spec["template"])
        if creating:
            obj["status"] = {}
    elif key == "replicasets.apps":
        _check_selector(rt, obj)
        _check_replicas(rt, obj)
        spec.setdefault("replicas", 1)
        _default_template(spec["template"])
        if creating:
            obj["status"] = {"replicas": 0}
    elif key == "statefulsets.apps":
        _check_selector(rt, obj)
        _check_replicas(rt, obj)
        spec.setdefault("replicas", 1)
        spec.setdefault("podManagementPolicy", "OrderedReady")
        spec.setdefault("updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Retain", "whenScaled": "Retain"})
        _default_template(spec["template"])
        if creating:
            obj["status"] = {"replicas": 0, "availableReplicas": 0}
    elif key == "daemonsets.apps":
        _check_selector(rt, obj)
        spec.setdefault("updateStrategy", {"type": "RollingUpdate",
                                           "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}})
        spec.setdefault("revisionHistoryLimit", 10)
        _default_template(spec["template"])
        if creating:
            obj["status"] = {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0,
                             "numberReady": 0}
    elif key == "secrets":
        obj.setdefault("type", "Opaque")
    elif key == "events":
        obj.setdefault("count", 1)
        obj.setdefault("type", "Normal")
        obj.setdefault("source", {})
        obj.setdefault("reportingComponent", "")
        obj.setdefault("reportingInstance", "")
    elif key == "nodes":
        spec.setdefault("podCIDR", "")
    return obj


def _default_service(sim, rt, obj):
    spec = obj["spec"]
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["type"] != "ExternalName":
        if not spec.get("clusterIP"):
            spec["clusterIP"] = sim.alloc_cluster_ip()
        spec["clusterIPs"] = [spec["clusterIP"]]
        if spec["clusterIP"] != "None":
            spec.setdefault("ipFamilies", ["IPv4"])
            spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
    for p in spec.get("ports") or []:
        p.setdefault("protocol", "TCP")
        p.setdefault("targetPort", p.get("port"))
        if spec["type"] in ("NodePort", "LoadBalancer") and not p.get("nodePort"):
            p["nodePort"] = sim.alloc_node_port()
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    obj.setdefault("status", {"loadBalancer": {}})


def strip_server_fields(md):
    for k in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
              "generation", "selfLink", "managedFields"):
        md.pop(k, None)


def owner_ref(rt, obj, controller=True):
    return {"apiVersion": rt.api_version, "kind": rt.kind, "name": obj["metadata"]["name"],
            "uid": obj["metadata"]["uid"], "controller": controller, "blockOwnerDeletion": True}


def controller_of(obj):
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref
    return None


def default_node_status(node, cpu="4", memory="16Gi", pods="110", ip=None, now=None):
    """A healthy kubelet's node status (for nodes created without one)."""
    st = node.get("status")
    if st and st.get("conditions"):
        return node
    ts = timefmt.iso(now or time.time())
    name = node["metadata"]["name"]
    ip = ip or "172.18.0.%d" % (stable_int(name) % 200 + 10)
    alloc_mem = "%dKi" % max(0, int(quantity.parse(memory) / 1024) - 102400)
    node["status"] = {
        "capacity": {"cpu": cpu, "memory": "%dKi" % int(quantity.parse(memory) / 1024), "pods": pods,
                     "ephemeral-storage": "102350Mi", "hugepages-2Mi": "0"},
        "allocatable": {"cpu": cpu, "memory": alloc_mem, "pods": pods, "ephemeral-storage": "100Gi",
                        "hugepages-2Mi": "0"},
        "conditions": [
            {"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": ts, "lastTransitionTime": ts,
             "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available"},
            {"type": "DiskPressure", "status": "False", "lastHeartbeatTime": ts, "lastTransitionTime": ts,
             "reason": "KubeletHasNoDiskPressure", "message": "kubelet has no disk pressure"},
            {"type": "PIDPressure", "status": "False", "lastHeartbeatTime": ts, "lastTransitionTime": ts,
             "reason": "KubeletHasSufficientPID", "message": "kubelet has sufficient PID available"},
            {"type": "Ready", "status": "True", "lastHeartbeatTime": ts, "lastTransitionTime": ts,
             "reason": "KubeletReady", "message": "kubelet is posting ready status"}],
        "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": {"machineID": stable_hex(name, 32), "systemUUID": stable_hex(name + "-uuid", 32),
                     "bootID": stable_hex(name + "-boot", 32), "kernelVersion": "6.1.0-28-amd64",
                     "osImage": "Debian GNU/Linux 12 (bookworm)", "containerRuntimeVersion": "containerd://1.7.24",
                     "kubeletVersion": "v1.32.4", "kubeProxyVersion": "v1.32.4", "operatingSystem": "linux",
                     "architecture": "amd64"},
        "images": []}
    return node


def stable_hex(s, n):
    return hashlib.sha256(s.encode()).hexdigest()[:n]
