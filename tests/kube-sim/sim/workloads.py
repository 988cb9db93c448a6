"""Workload controllers: Deployment (rolling update and recreate through ReplicaSets),
ReplicaSet, StatefulSet (ordered, one pod at a time) and DaemonSet (one pod per eligible node).
Each reconcile is idempotent: it compares the wanted and the observed state and writes only
differences, so it can run on every change and on a periodic resync."""
import math
import time

from . import kubelet as K, objects, resources as R, store as S, timefmt

HASH_LABEL = "pod-template-hash"
REV_LABEL = "controller-revision-hash"
REVISION_ANN = "deployment.kubernetes.io/revision"


def _active(p):
    return not p["metadata"].get("deletionTimestamp") and p.get("status", {}).get("phase") not in (
        "Succeeded", "Failed")


def pod_ready(p):
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in p.get("status", {}).get("conditions") or [])


def _resolve(v, total, round_up):
    if isinstance(v, str) and v.endswith("%"):
        x = total * int(v[:-1]) / 100.0
        return int(math.ceil(x)) if round_up else int(math.floor(x))
    return int(v or 0)


def _cond(old_conds, type_, status, reason, message, now):
    """A status condition that keeps its timestamps while nothing about it changes."""
    for c in old_conds or []:
        if c.get("type") == type_:
            if c.get("status") == status and c.get("reason") == reason and c.get("message") == message:
                return c
            ts = timefmt.iso(now)
            return {"type": type_, "status": status, "lastUpdateTime": ts,
                    "lastTransitionTime": ts if c.get("status") != status else c.get("lastTransitionTime", ts),
                    "reason": reason, "message": message}
    ts = timefmt.iso(now)
    return {"type": type_, "status": status, "lastUpdateTime": ts, "lastTransitionTime": ts,
            "reason": reason, "message": message}


def _set_replicas(n):
    def upd(o):
        o["spec"]["replicas"] = n
    return upd


def _set_status(store, rt, obj, status):
    md = obj["metadata"]

    def upd(o):
        if o.get("status") == status:
            return False
        o["status"] = status
    store.mutate(rt.key, md["namespace"], md["name"], upd)


class Workloads:
    def __init__(self, ctl):
        self.ctl = ctl
        self.sim = ctl.sim
        self.store = ctl.sim.store

    # ---- pods from templates ----
    def _birth(self, owner):
        """Creation time for a controller-made pod: now, or shortly after the owner while seeding."""
        if self.sim.seeding:
            return timefmt.parse(owner["metadata"]["creationTimestamp"]) + 2
        return time.time()

    def create_pod(self, owner_rt, owner, template, name, labels_extra=None, spec_extra=None):
        store = self.store
        ns = owner["metadata"]["namespace"]
        t = S.clone(template)
        tmd = t.get("metadata") or {}
        labels = dict(tmd.get("labels") or {})
        labels.update(labels_extra or {})
        md = {"name": name, "namespace": ns, "labels": labels}
        if tmd.get("annotations"):
            md["annotations"] = tmd["annotations"]
        if owner_rt is not R.STATEFULSETS:
            md["generateName"] = name[:-5]
        md["ownerReferences"] = [objects.owner_ref(owner_rt, owner)]
        spec = t.get("spec") or {}
        spec.update(spec_extra or {})
        pod = {"metadata": md, "spec": spec}
        objects.default(self.sim, R.PODS, pod)
        born = self._birth(owner)
        md["creationTimestamp"] = timefmt.iso(born)
        md["uid"] = store.new_uid()
        if self.sim.seeding:
            node = self._seed_node(pod)
            if node is not None:
                self.ctl.kubelet.seed_running(pod, node, born + 3)
        created = store.create("pods", pod)
        msg = "create Pod %s in StatefulSet %s successful" % (name, owner["metadata"]["name"]) \
            if owner_rt is R.STATEFULSETS else "Created pod: %s" % name
        self.ctl.events.record(owner, owner_rt, "Normal", "SuccessfulCreate", msg,
                               owner_rt.kind.lower() + "-controller")
        return created

    def _seed_node(self, pod):
        """Node for a pod created while seeding: round-robin over the fitting nodes (computed
        once per scheduling constraint, since nodes do not change while seeding)."""
        if pod["spec"].get("nodeName"):
            return self.store.get("nodes", "", pod["spec"]["nodeName"])
        if K.pod_state(pod) == "Unschedulable":
            return None
        key = S.encode([pod["spec"].get("nodeSelector"), pod["spec"].get("tolerations")])
        cache = self.__dict__.setdefault("_seed_fit", {})
        ent = cache.get(key)
        if ent is None:
            ent = cache[key] = [[n for n in self.store.objects("nodes") if not K.fits(pod["spec"], n)], 0]
        nodes = ent[0]
        if not nodes:
            return None
        ent[1] += 1
        return nodes[ent[1] % len(nodes)]

    def _unique_name(self, ns, prefix):
        while True:
            name = prefix + objects.random_suffix(self.sim.rng)
            if self.store.get("pods", ns, name) is None:
                return name

    # ---- ReplicaSet ----
    def replicaset(self, rs):
        store, md, spec = self.store, rs["metadata"], rs["spec"]
        if md.get("deletionTimestamp"):
            return
        pods = store.owned_by(md["uid"], "pods")
        active = [p for p in pods if _active(p)]
        desired = spec.get("replicas", 1)
        diff = len(active) - desired
        if diff < 0:
            for _ in range(-diff):
                name = self._unique_name(md["namespace"], md["name"] + "-")
                active.append(self.create_pod(R.REPLICASETS, rs, spec["template"], name))
        elif diff > 0:
            def rank(p):
                st = p.get("status", {})
                return (bool(p["spec"].get("nodeName")), {"Pending": 0, "Unknown": 1, "Running": 2}.get(
                    st.get("phase"), 0), pod_ready(p), -timefmt.parse(p["metadata"]["creationTimestamp"]))
            victims = sorted(active, key=rank)[:diff]
            for p in victims:
                self.ctl.kubelet.delete(p)
                self.ctl.events.record(rs, R.REPLICASETS, "Normal", "SuccessfulDelete",
                                       "Deleted pod: %s" % p["metadata"]["name"], "replicaset-controller")
                active.remove(p)
        ready = sum(1 for p in active if pod_ready(p))
        status = {"replicas": len(active), "fullyLabeledReplicas": len(active), "readyReplicas": ready,
                  "availableReplicas": ready, "observedGeneration": md.get("generation", 1)}
        if not ready:
            del status["readyReplicas"]
            del status["availableReplicas"]
        if not active:
            del status["fullyLabeledReplicas"]
        _set_status(store, R.REPLICASETS, rs, status)

    # ---- Deployment ----
    def deployment(self, d):
        store, md, spec = self.store, d["metadata"], d["spec"]
        if md.get("deletionTimestamp"):
            return
        now = time.time()
        ns, uid = md["namespace"], md["uid"]
        all_rs = store.owned_by(uid, "replicasets.apps")
        h = objects.template_hash(spec["template"])
        new = next((rs for rs in all_rs if (rs["metadata"].get("labels") or {}).get(HASH_LABEL) == h), None)
        olds = [rs for rs in all_rs if rs is not new]
        desired = spec.get("replicas", 1)
        strategy = spec.get("strategy") or {}
        recreate = strategy.get("type") == "Recreate"
        ru = strategy.get("rollingUpdate") or {}
        max_surge = 0 if recreate else _resolve(ru.get("maxSurge", "25%"), desired, True)
        max_unavail = 0 if recreate else _resolve(ru.get("maxUnavailable", "25%"), desired, False)
        if not recreate and max_surge == 0 and max_unavail == 0:
            max_unavail = 1
        revs = [int((rs["metadata"].get("annotations") or {}).get(REVISION_ANN, "0") or 0) for rs in olds]
        max_old_rev = max(revs) if revs else 0
        rec = self.ctl.events.record
        if not spec.get("paused"):
            old_total = sum(rs["spec"].get("replicas", 0) for rs in olds)
            old_pods = sum(rs.get("status", {}).get("replicas", 0) for rs in olds)
            if new is None:
                if recreate:
                    start = desired if old_total == 0 and old_pods == 0 else 0
                else:
                    start = max(0, min(desired, desired + max_surge - old_total)) if olds else desired
                tpl = S.clone(spec["template"])
                tpl.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = h
                sel = S.clone(spec["selector"])
                sel.setdefault("matchLabels", {})[HASH_LABEL] = h
                labels = dict(tpl["metadata"]["labels"])
                rs = {"metadata": {"name": "%s-%s" % (md["name"], h), "namespace": ns, "labels": labels,
                                   "annotations": {"deployment.kubernetes.io/desired-replicas": str(desired),
                                                   "deployment.kubernetes.io/max-replicas": str(desired + max_surge),
                                                   REVISION_ANN: str(max_old_rev + 1)},
                                   "ownerReferences": [objects.owner_ref(R.DEPLOYMENTS, d)]},
                      "spec": {"replicas": start, "minReadySeconds": spec.get("minReadySeconds", 0),
                               "selector": sel, "template": tpl}}
                objects.default(self.sim, R.REPLICASETS, rs)
                if self.sim.seeding:
                    rs["metadata"]["creationTimestamp"] = md["creationTimestamp"]
                new = store.create("replicasets.apps", rs)
                rec(d, R.DEPLOYMENTS, "Normal", "ScalingReplicaSet",
                    "Scaled up replica set %s from 0 to %d" % (rs["metadata"]["name"], start), "deployment-controller")
            else:
                cur = new["spec"].get("replicas", 0)
                if recreate:
                    target = desired if old_pods == 0 and old_total == 0 else cur
                elif cur < desired:
                    room = desired + max_surge - (old_total + cur)
                    target = min(desired, cur + max(0, room))
                else:
                    target = desired
                nrev = int((new["metadata"].get("annotations") or {}).get(REVISION_ANN, "0") or 0)

                def upd(o):
                    o["spec"]["replicas"] = target
                    ann = o["metadata"].setdefault("annotations", {})
                    ann["deployment.kubernetes.io/desired-replicas"] = str(desired)
                    ann["deployment.kubernetes.io/max-replicas"] = str(desired + max_surge)
                    if nrev <= max_old_rev:
                        ann[REVISION_ANN] = str(max_old_rev + 1)
                new = store.mutate("replicasets.apps", ns, new["metadata"]["name"], upd) or new
                if target != cur:
                    rec(d, R.DEPLOYMENTS, "Normal", "ScalingReplicaSet",
                        "Scaled %s replica set %s from %d to %d" % ("up" if target > cur else "down",
                                                                    new["metadata"]["name"], cur, target),
                        "deployment-controller")
            # scale old replica sets down as the new one becomes available
            if recreate:
                can = sum(rs["spec"].get("replicas", 0) for rs in olds)
            else:
                total = sum(rs["spec"].get("replicas", 0) for rs in olds) + new["spec"].get("replicas", 0)
                new_unavail = new["spec"].get("replicas", 0) - new.get("status", {}).get("availableReplicas", 0)
                can = total - (desired - max_unavail) - max(0, new_unavail)
            for rs in sorted(olds, key=lambda r: r["metadata"]["creationTimestamp"]):
                cur = rs["spec"].get("replicas", 0)
                if can <= 0 or cur == 0:
                    continue
                dec = min(cur, can)
                can -= dec
                store.mutate("replicasets.apps", ns, rs["metadata"]["name"], _set_replicas(cur - dec))
                rec(d, R.DEPLOYMENTS, "Normal", "ScalingReplicaSet", "Scaled down replica set %s from %d to %d" % (
                    rs["metadata"]["name"], cur, cur - dec), "deployment-controller")
            # keep revisionHistoryLimit old, empty replica sets
            limit = spec.get("revisionHistoryLimit", 10)
            empty = [rs for rs in store.owned_by(uid, "replicasets.apps")
                     if rs["metadata"]["name"] != new["metadata"]["name"] and rs["spec"].get("replicas", 0) == 0
                     and rs.get("status", {}).get("replicas", 0) == 0]
            empty.sort(key=lambda r: int((r["metadata"].get("annotations") or {}).get(REVISION_ANN, "0") or 0))
            for rs in empty[:max(0, len(empty) - limit)]:
                store.remove("replicasets.apps", ns, rs["metadata"]["name"])
        # status
        all_rs = store.owned_by(uid, "replicasets.apps")
        new = next((rs for rs in all_rs if (rs["metadata"].get("labels") or {}).get(HASH_LABEL) == h), None)
        rs_st = [rs.get("status", {}) for rs in all_rs]
        replicas = sum(s.get("replicas", 0) for s in rs_st)
        ready = sum(s.get("readyReplicas", 0) for s in rs_st)
        avail = sum(s.get("availableReplicas", 0) for s in rs_st)
        updated = new.get("status", {}).get("replicas", 0) if new else 0
        total_spec = sum(rs["spec"].get("replicas", 0) for rs in all_rs)
        old = d.get("status", {})
        conds = []
        if avail >= desired - max_unavail:
            conds.append(_cond(old.get("conditions"), "Available", "True", "MinimumReplicasAvailable",
                               "Deployment has minimum availability.", now))
        else:
            conds.append(_cond(old.get("conditions"), "Available", "False", "MinimumReplicasUnavailable",
                               "Deployment does not have minimum availability.", now))
        nname = new["metadata"]["name"] if new else md["name"]
        if new and updated == desired and replicas == desired and avail == desired and \
                new["spec"].get("replicas", 0) == desired:
            conds.append(_cond(old.get("conditions"), "Progressing", "True", "NewReplicaSetAvailable",
                               'ReplicaSet "%s" has successfully progressed.' % nname, now))
        else:
            conds.append(_cond(old.get("conditions"), "Progressing", "True", "ReplicaSetUpdated",
                               'ReplicaSet "%s" is progressing.' % nname, now))
        status = {"observedGeneration": md.get("generation", 1), "replicas": replicas, "updatedReplicas": updated,
                  "readyReplicas": ready, "availableReplicas": avail,
                  "unavailableReplicas": max(0, total_spec - avail), "conditions": conds}
        for k in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"):
            if not status[k]:
                del status[k]
        if new:
            ann = (new["metadata"].get("annotations") or {}).get(REVISION_ANN)

            def upd_dep(o):
                changed = False
                if ann and (o["metadata"].get("annotations") or {}).get(REVISION_ANN) != ann:
                    o["metadata"].setdefault("annotations", {})[REVISION_ANN] = ann
                    changed = True
                if o.get("status") != status:
                    o["status"] = status
                    changed = True
                return changed or False
            store.mutate("deployments.apps", ns, md["name"], upd_dep)
        else:
            _set_status(store, R.DEPLOYMENTS, d, status)

    # ---- StatefulSet ----
    def statefulset(self, s):
        store, md, spec = self.store, s["metadata"], s["spec"]
        if md.get("deletionTimestamp"):
            return
        ns, name = md["namespace"], md["name"]
        rev = "%s-%s" % (name, objects.template_hash(spec["template"]))
        parallel = spec.get("podManagementPolicy") == "Parallel"
        desired = spec.get("replicas", 1)
        pods = {}
        for p in store.owned_by(md["uid"], "pods"):
            try:
                pods[int(p["metadata"]["name"].rsplit("-", 1)[1])] = p
            except (IndexError, ValueError):
                pass

        def healthy(p):
            return p is not None and _active(p) and pod_ready(p)
        busy = False
        for i in range(desired):
            p = pods.get(i)
            if p is None:
                pname = "%s-%d" % (name, i)
                pods[i] = self.create_pod(R.STATEFULSETS, s, spec["template"], pname,
                                          {REV_LABEL: rev, "statefulset.kubernetes.io/pod-name": pname,
                                           "apps.kubernetes.io/pod-index": str(i)},
                                          {"hostname": pname, "subdomain": spec.get("serviceName", "")})
                if not parallel and not self.sim.seeding:
                    busy = True
                    break
            elif not healthy(p) and not parallel:
                busy = True
                break
        if not busy:
            for i in sorted((i for i in pods if i >= desired), reverse=True):
                p = pods[i]
                if _active(p):
                    self.ctl.kubelet.delete(p)
                    self.ctl.events.record(s, R.STATEFULSETS, "Normal", "SuccessfulDelete",
                                           "delete Pod %s in StatefulSet %s successful" % (p["metadata"]["name"], name),
                                           "statefulset-controller")
                if not parallel:
                    busy = True
                    break
        if not busy and all(healthy(pods.get(i)) for i in range(desired)):
            part = ((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition", 0)
            if (spec.get("updateStrategy") or {}).get("type", "RollingUpdate") == "RollingUpdate":
                for i in range(desired - 1, part - 1, -1):
                    p = pods[i]
                    if (p["metadata"].get("labels") or {}).get(REV_LABEL) != rev:
                        self.ctl.kubelet.delete(p)
                        break
        cur = [p for i, p in pods.items() if store.get("pods", ns, p["metadata"]["name"]) is not None]
        active = [p for p in cur if _active(p)]
        ready = sum(1 for p in active if pod_ready(p))
        updated = sum(1 for p in active if (p["metadata"].get("labels") or {}).get(REV_LABEL) == rev)
        old = s.get("status", {})
        current_rev = rev if updated == len(active) == desired else old.get("currentRevision", rev)
        status = {"observedGeneration": md.get("generation", 1), "replicas": len(active), "readyReplicas": ready,
                  "currentReplicas": sum(1 for p in active if (p["metadata"].get("labels") or {}).get(REV_LABEL)
                                         == current_rev),
                  "updatedReplicas": updated, "currentRevision": current_rev, "updateRevision": rev,
                  "collisionCount": 0, "availableReplicas": ready}
        for k in ("readyReplicas", "currentReplicas", "updatedReplicas"):
            if not status[k]:
                del status[k]
        _set_status(store, R.STATEFULSETS, s, status)

    # ---- DaemonSet ----
    DS_TOLERATIONS = [{"key": k, "operator": "Exists", "effect": e} for k, e in (
        ("node.kubernetes.io/not-ready", "NoExecute"), ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"), ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"), ("node.kubernetes.io/unschedulable", "NoSchedule"),
        ("node.kubernetes.io/not-ready", "NoSchedule"))]

    def _ds_eligible(self, tspec, node):
        spec = dict(tspec)
        spec["tolerations"] = list(tspec.get("tolerations") or []) + self.DS_TOLERATIONS
        labels = node["metadata"].get("labels") or {}
        if any(labels.get(k) != v for k, v in (spec.get("nodeSelector") or {}).items()):
            return False
        for t in node.get("spec", {}).get("taints") or []:
            if t.get("effect") in ("NoSchedule", "NoExecute") and not K.tolerates(spec["tolerations"], t):
                return False
        return True

    def daemonset(self, ds):
        store, md, spec = self.store, ds["metadata"], ds["spec"]
        if md.get("deletionTimestamp"):
            return
        ns, name = md["namespace"], md["name"]
        rev = objects.template_hash(spec["template"])
        tspec = spec["template"].get("spec") or {}
        nodes = [n for n in store.objects("nodes") if self._ds_eligible(tspec, n)]
        eligible = {n["metadata"]["name"] for n in nodes}
        by_node = {}
        for p in store.owned_by(md["uid"], "pods"):
            by_node.setdefault(p["spec"].get("nodeName", ""), []).append(p)
        for n in sorted(eligible):
            if not by_node.get(n):
                pname = self._unique_name(ns, name + "-")
                extra = {"tolerations": list(tspec.get("tolerations") or []) +
                         [t for t in self.DS_TOLERATIONS if t not in (tspec.get("tolerations") or [])],
                         "nodeName": n}
                p = self.create_pod(R.DAEMONSETS, ds, spec["template"], pname,
                                    {REV_LABEL: rev, "pod-template-generation": str(md.get("generation", 1))}, extra)
                by_node[n] = [p]
        for n, ps in by_node.items():
            if n not in eligible:
                for p in ps:
                    if _active(p):
                        self.ctl.kubelet.delete(p)
        all_pods = [p for ps in by_node.values() for p in ps if store.get("pods", ns, p["metadata"]["name"])]
        active = [p for p in all_pods if _active(p) and p["spec"].get("nodeName") in eligible]
        if len(active) == len(eligible) and all(pod_ready(p) for p in active):
            for p in sorted(active, key=lambda p: p["spec"].get("nodeName")):
                if (p["metadata"].get("labels") or {}).get(REV_LABEL) != rev:
                    self.ctl.kubelet.delete(p)
                    break
        ready = sum(1 for p in active if pod_ready(p))
        updated = sum(1 for p in active if (p["metadata"].get("labels") or {}).get(REV_LABEL) == rev)
        status = {"currentNumberScheduled": len({p["spec"].get("nodeName") for p in active}),
                  "numberMisscheduled": len([p for p in all_pods if p["spec"].get("nodeName") not in eligible]),
                  "desiredNumberScheduled": len(eligible), "numberReady": ready,
                  "observedGeneration": md.get("generation", 1), "updatedNumberScheduled": updated,
                  "numberAvailable": ready, "numberUnavailable": len(eligible) - ready}
        if not status["numberAvailable"]:
            del status["numberAvailable"]
        if not status["numberUnavailable"]:
            del status["numberUnavailable"]
        if not status["updatedNumberScheduled"]:
            del status["updatedNumberScheduled"]
        _set_status(store, R.DAEMONSETS, ds, status)

