"""Background churn for load tests: N pod changes per second, either status/annotation updates
(MODIFIED events) or deletions of controller-owned pods that the controllers replace."""
import random
import threading
import time

from . import objects, timefmt


class Churn:
    def __init__(self, sim):
        self.sim = sim
        self.rate = 0.0
        self.mode = "modify"
        self.changes = 0
        self.rng = random.Random(7)
        self.wake = threading.Event()
        self.thread = None

    def set(self, rate, mode="modify"):
        if mode not in ("modify", "replace"):
            raise ValueError("churn mode must be modify or replace")
        self.rate, self.mode = max(0.0, rate), mode
        if self.rate and self.thread is None:
            self.thread = threading.Thread(target=self.run, name="churn", daemon=True)
            self.thread.start()
        self.wake.set()

    def run(self):
        budget = 0.0
        last = time.time()
        while True:
            if not self.rate:
                self.wake.wait(1.0)
                self.wake.clear()
                last = time.time()
                continue
            time.sleep(0.05)
            now = time.time()
            budget += (now - last) * self.rate
            last = now
            n = int(budget)
            if n <= 0:
                continue
            budget -= n
            try:
                self._change(n)
            except Exception as e:  # keep churning; report
                import sys
                sys.stderr.write("kube-sim: churn: %s\n" % e)

    def _change(self, n):
        store = self.sim.store
        with store.lock:
            keys = store.res["pods"].sorted_keys()
            if not keys:
                return
            for _ in range(n):
                ns, name = keys[self.rng.randrange(len(keys))]
                pod = store.get("pods", ns, name)
                if pod is None or pod["metadata"].get("deletionTimestamp"):
                    continue
                if self.mode == "replace" and objects.controller_of(pod):
                    self.sim.controller.kubelet.delete(pod, 0)
                else:
                    stamp = timefmt.iso(time.time())

                    def bump(p):
                        ann = p["metadata"].setdefault("annotations", {})
                        ann["kube-sim/churn"] = str(int(ann.get("kube-sim/churn", "0")) + 1)
                        for c in p.get("status", {}).get("conditions") or []:
                            if c.get("type") == "Ready":
                                c["lastProbeTime"] = stamp
                    store.mutate("pods", ns, name, bump)
                self.changes += 1
