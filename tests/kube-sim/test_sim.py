#!/usr/bin/env python3
"""Unit tests of the simulator's pieces (selectors, patches, printers, continue tokens, logs,
watch history, controllers), printed as TAP for tests/run.sh."""
import json
import os
import sys
import time
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean when tests run
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sim import (api, auth as A, churn, context, controller, errors, faults as F, logs, patch,  # noqa: E402
                 resources as R, seed, selectors, store as S, tables, timefmt)


def new_sim(spec=None, pods=0):
    cfg = context.Config()
    cfg.ready_delay = 0.0
    cfg.terminate_delay = 0.0
    sim = context.Sim(S.Store(history=50), A.Auth(), F.Faults(), cfg, 1)
    sim.controller = controller.Controller(sim)
    sim.churn = churn.Churn(sim)
    seed.run(sim, sim.controller, spec if spec is not None else seed.load("empty"), pods, 1)
    return sim


def settle(sim, seconds=1.0):
    end = time.time() + seconds
    while time.time() < end:
        sim.controller.step()
        time.sleep(0.01)


class Selectors(unittest.TestCase):
    def test_label_operators(self):
        labels = {"app": "web", "tier": "front", "v": "3"}
        yes = ["app=web", "app==web", "app!=db", "tier in (front,back)", "tier notin (back)", "app", "!missing",
               "app=web,tier=front", "v>2"]
        no = ["app=db", "app!=web", "tier in (back)", "tier notin (front)", "missing", "!app", "app=web,tier=back",
              "v<2"]
        for s in yes:
            self.assertTrue(selectors.parse_labels(s).matches(labels), s)
        for s in no:
            self.assertFalse(selectors.parse_labels(s).matches(labels), s)

    def test_label_syntax_error_is_400(self):
        with self.assertRaises(errors.ApiError) as cm:
            selectors.parse_labels("app=we b")
        self.assertEqual(cm.exception.code, 400)

    def test_field_selector(self):
        pod = {"metadata": {"name": "p", "namespace": "n"}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}}
        self.assertTrue(selectors.parse_fields("spec.nodeName=n1,status.phase!=Pending", R.PODS).matches(pod))
        self.assertFalse(selectors.parse_fields("metadata.name=q", R.PODS).matches(pod))
        with self.assertRaises(errors.ApiError) as cm:
            selectors.parse_fields("spec.bogus=1", R.PODS)
        self.assertIn("field label not supported", cm.exception.message)

    def test_selector_object_to_string(self):
        sel = {"matchLabels": {"b": "2", "a": "1"}, "matchExpressions": [{"key": "c", "operator": "In",
                                                                          "values": ["y", "x"]}]}
        self.assertEqual(selectors.to_string(sel), "a=1,b=2,c in (x,y)")


class Patches(unittest.TestCase):
    def test_merge_patch_null_deletes(self):
        out = patch.merge_patch({"a": 1, "b": {"c": 2, "d": 3}}, {"a": None, "b": {"c": 5}})
        self.assertEqual(out, {"b": {"c": 5, "d": 3}})

    def test_strategic_merges_containers_by_name(self):
        cur = {"spec": {"containers": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "y:1"}]}}
        out = patch.strategic_merge_patch(cur, {"spec": {"containers": [{"name": "b", "image": "y:2"}]}})
        self.assertEqual(out["spec"]["containers"], [{"name": "a", "image": "x:1"}, {"name": "b", "image": "y:2"}])
        out = patch.strategic_merge_patch(cur, {"spec": {"containers": [{"name": "a", "$patch": "delete"}]}})
        self.assertEqual([c["name"] for c in out["spec"]["containers"]], ["b"])

    def test_strategic_restart_annotation(self):
        cur = {"spec": {"template": {"metadata": {"labels": {"app": "w"}}}}}
        p = {"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": "t"}}}}}
        out = patch.strategic_merge_patch(cur, p)
        self.assertEqual(out["spec"]["template"]["metadata"],
                         {"labels": {"app": "w"}, "annotations": {"kubectl.kubernetes.io/restartedAt": "t"}})

    def test_json_patch(self):
        doc = {"spec": {"replicas": 1, "list": [1, 2]}}
        out = patch.json_patch(doc, [{"op": "replace", "path": "/spec/replicas", "value": 4},
                                     {"op": "add", "path": "/spec/list/-", "value": 3},
                                     {"op": "remove", "path": "/spec/list/0"}])
        self.assertEqual(out, {"spec": {"replicas": 4, "list": [2, 3]}})
        with self.assertRaises(errors.ApiError) as cm:
            patch.json_patch(doc, [{"op": "test", "path": "/spec/replicas", "value": 9}])
        self.assertEqual(cm.exception.code, 422)

    def test_unknown_patch_type_is_415(self):
        with self.assertRaises(errors.ApiError) as cm:
            patch.apply("application/apply-patch+yaml", {}, {})
        self.assertEqual(cm.exception.code, 415)


def _pod(state=None, phase="Running", deleting=False, ready=True, restarts=0, init=None):
    cs = {"name": "c", "ready": ready, "restartCount": restarts, "state": state or {"running": {}}}
    p = {"metadata": {"name": "p", "creationTimestamp": timefmt.iso(time.time() - 90)},
         "spec": {"containers": [{"name": "c"}]},
         "status": {"phase": phase, "containerStatuses": [cs],
                    "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}
    if deleting:
        p["metadata"]["deletionTimestamp"] = timefmt.iso(time.time())
    if init is not None:
        p["spec"]["initContainers"] = [{"name": "i"}]
        p["status"]["initContainerStatuses"] = [init]
    return p


class Printers(unittest.TestCase):
    def test_pod_status_column(self):
        self.assertEqual(tables.pod_status(_pod())[2], "Running")
        self.assertEqual(tables.pod_status(_pod())[:2], (1, 1))
        crash = _pod({"waiting": {"reason": "CrashLoopBackOff"}}, ready=False, restarts=4)
        self.assertEqual(tables.pod_status(crash)[2:4], ("CrashLoopBackOff", 4))
        done = _pod({"terminated": {"reason": "Completed", "exitCode": 0}}, phase="Succeeded", ready=False)
        self.assertEqual(tables.pod_status(done)[2], "Completed")
        self.assertEqual(tables.pod_status(_pod(deleting=True))[2], "Terminating")
        sig = _pod({"terminated": {"exitCode": 0, "signal": 9}}, phase="Failed", ready=False)
        self.assertEqual(tables.pod_status(sig)[2], "Signal:9")
        init = _pod({"waiting": {"reason": "PodInitializing"}}, phase="Pending", ready=False,
                    init={"name": "i", "state": {"running": {}}})
        self.assertEqual(tables.pod_status(init)[2], "Init:0/1")

    def test_pod_row_restarts_ago(self):
        p = _pod(restarts=3)
        last = {"terminated": {"finishedAt": timefmt.iso(time.time() - 130)}}
        p["status"]["containerStatuses"][0]["lastState"] = last
        row = tables.printer("pods")[1](p, time.time())
        self.assertEqual(row[:5], ["p", "1/1", "Running", "3 (2m10s ago)", "90s"])

    def test_human_duration(self):
        cases = {0: "0s", 119: "119s", 150: "2m30s", 600: "10m", 10799: "179m", 3 * 3600: "3h",
                 5 * 3600 + 1800: "5h30m", 30 * 3600: "30h", 53 * 3600: "2d5h", 20 * 86400: "20d",
                 800 * 86400: "2y70d"}
        for sec, want in cases.items():
            self.assertEqual(timefmt.human(sec), want, sec)

    def test_node_status(self):
        n = {"metadata": {"name": "n", "labels": {"node-role.kubernetes.io/control-plane": ""}},
             "spec": {"unschedulable": True}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}}
        self.assertEqual(tables.node_status(n), "Ready,SchedulingDisabled")
        self.assertEqual(tables.node_roles(n), "control-plane")


class Api(unittest.TestCase):
    def test_negotiate(self):
        self.assertEqual(api.negotiate("application/json;as=Table;v=v1;g=meta.k8s.io,application/json"),
                         ("table", "v1"))
        self.assertEqual(api.negotiate("application/vnd.kubernetes.protobuf,application/json"), ("json", None))
        with self.assertRaises(errors.ApiError) as cm:
            api.negotiate("application/vnd.kubernetes.protobuf")
        self.assertEqual(cm.exception.code, 406)

    def test_continue_token_round_trip(self):
        tok = api.encode_continue(R.PODS, 1234, ("default", "web-1"))
        self.assertEqual(api.decode_continue(R.PODS, tok), (1234, ("default", "web-1")))
        with self.assertRaises(errors.ApiError):
            api.decode_continue(R.PODS, "not-a-token")

    def test_paging_covers_everything_once(self):
        sim = new_sim(seed.DEFAULT, pods=230)
        want = [e.obj["metadata"]["name"] for _, e in sim.store.entries("pods")]
        got, tok = [], ""
        while True:
            doc = json.loads(api.list_bytes(sim, R.PODS, None, {"limit": "37", "continue": tok}))
            got += [i["metadata"]["name"] for i in doc["items"]]
            tok = doc["metadata"].get("continue")
            if not tok:
                break
            self.assertEqual(doc["metadata"]["remainingItemCount"], len(want) - len(got))
        self.assertEqual(got, want)

    def test_expired_continue_is_410_with_new_token(self):
        sim = new_sim(seed.DEFAULT)
        doc = json.loads(api.list_bytes(sim, R.PODS, None, {"limit": "2"}))
        sim.store.compact()
        with self.assertRaises(errors.ApiError) as cm:
            api.list_bytes(sim, R.PODS, None, {"limit": "2", "continue": doc["metadata"]["continue"]})
        self.assertEqual((cm.exception.code, cm.exception.reason), (410, "Expired"))
        self.assertTrue(cm.exception.status()["metadata"]["continue"])

    def test_table_list_has_rows_and_columns(self):
        sim = new_sim(seed.DEFAULT)
        doc = json.loads(api.list_bytes(sim, R.NODES, None, {}, "table", "v1"))
        self.assertEqual([c["name"] for c in doc["columnDefinitions"]][:5],
                         ["Name", "Status", "Roles", "Age", "Version"])
        self.assertEqual(len(doc["rows"]), 4)
        self.assertEqual(doc["rows"][0]["object"]["kind"], "PartialObjectMetadata")


class WatchHistory(unittest.TestCase):
    def test_events_after_and_compaction(self):
        sim = new_sim()
        st = sim.store
        rv0 = st.rv
        st.create("configmaps", {"metadata": {"name": "a", "namespace": "default"}})
        st.create("configmaps", {"metadata": {"name": "b", "namespace": "default"}})
        with st.lock:
            evs = st.events_after("configmaps", rv0)
        self.assertEqual([(e.type, e.obj["metadata"]["name"]) for e in evs], [("ADDED", "a"), ("ADDED", "b")])
        st.compact()
        with self.assertRaises(errors.ApiError) as cm:
            with st.lock:
                st.events_after("configmaps", rv0)
        self.assertEqual(cm.exception.code, 410)

    def test_history_is_bounded(self):
        sim = new_sim()
        st = sim.store
        rv0 = st.rv
        for i in range(150):
            st.create("configmaps", {"metadata": {"name": "c%d" % i, "namespace": "default"}})
        with self.assertRaises(errors.ApiError):
            with st.lock:
                st.events_after("configmaps", rv0)
        with st.lock:
            self.assertEqual(len(st.events_after("configmaps", st.rv - 10)), 10)


class Logs(unittest.TestCase):
    def _inst(self, start):
        return logs.Instance("web-1", "nginx", "nginx:1.27", 0, start, None, 0, 1.0, 5)

    def test_deterministic_and_monotonic(self):
        a, b = self._inst(1000.0), self._inst(1000.0)
        self.assertEqual([a.text(n) for n in range(20)], [b.text(n) for n in range(20)])
        ts = [a.time_ns(n) for n in range(50)]
        self.assertEqual(ts, sorted(ts))
        self.assertEqual(a.last_index(1000.0 + 10.5), 14)  # 5 at start + one a second

    def test_lines_respect_since(self):
        a = self._inst(1000.0)
        lines = a.lines(1030.0, since=1020.0)
        self.assertTrue(all(t >= 1020e9 for _, t in lines))
        self.assertEqual(len(lines), 10)


class Controllers(unittest.TestCase):
    def test_deployment_scales_and_rolls(self):
        sim = new_sim()
        body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "d"}},
                         "template": {"metadata": {"labels": {"app": "d"}},
                                      "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
        sim.store.create("nodes", seed_node())
        api.create(sim, R.DEPLOYMENTS, "default", body, {})
        settle(sim, 1.0)
        pods = [p for p in sim.store.objects("pods", "default") if p["status"].get("phase") == "Running"]
        self.assertEqual(len(pods), 3)
        api.patch(sim, R.DEPLOYMENTS, "default", "d", "scale", "application/merge-patch+json",
                  {"spec": {"replicas": 1}}, {})
        settle(sim, 1.0)
        self.assertEqual(len(sim.store.objects("pods", "default")), 1)
        old = {p["metadata"]["name"] for p in sim.store.objects("pods", "default")}
        api.patch(sim, R.DEPLOYMENTS, "default", "d", None, "application/strategic-merge-patch+json",
                  {"spec": {"template": {"metadata": {"annotations": {"x": "1"}}}}}, {})
        settle(sim, 1.5)
        new = {p["metadata"]["name"] for p in sim.store.objects("pods", "default")}
        self.assertEqual(len(new), 1)
        self.assertFalse(old & new)
        d = sim.store.get("deployments.apps", "default", "d")
        self.assertEqual(d["status"].get("availableReplicas"), 1)
        self.assertEqual(d["status"]["observedGeneration"], d["metadata"]["generation"])


def seed_node():
    from sim import objects
    n = {"metadata": {"name": "n1", "labels": {}}, "spec": {}}
    objects.default_node_status(n)
    return n


class Tap(unittest.TextTestResult):
    n = 0

    def _line(self, test, ok, note=""):
        Tap.n += 1
        print("%s %d - %s%s" % ("ok" if ok else "not ok", Tap.n, test.id().split(".", 1)[1], note), flush=True)

    def addSuccess(self, test):
        self._line(test, True)

    def addFailure(self, test, err):
        self._line(test, False)
        for line in self._exc_info_to_string(err, test).splitlines():
            print("# " + line)

    addError = addFailure

    def addSkip(self, test, reason):
        self._line(test, True, " # SKIP " + reason)


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    res = unittest.TextTestRunner(resultclass=Tap, stream=open(os.devnull, "w"), verbosity=0).run(suite)
    sys.exit(0 if res.wasSuccessful() else 1)
