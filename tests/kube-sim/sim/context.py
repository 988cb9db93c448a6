"""The simulator's shared state: options, store, auth, faults, counters, and address pools."""
import collections
import random
import threading
import time


class Config:
    """Run-time options (set from flags; some can be changed through /_sim/)."""

    def __init__(self):
        self.ready_delay = 1.0          # pod created -> Running and ready
        self.terminate_delay = 1.0      # pod deleted -> gone (capped by its grace period)
        self.log_interval = 1.0         # default seconds between generated log lines
        self.bookmark_interval = 10.0   # seconds between BOOKMARK events on watches that allow them
        self.watch_timeout = 1800.0     # server-side watch timeout when the client sets none
        self.metrics = True             # serve metrics.k8s.io
        self.max_events = 2000          # older core/v1 Events are deleted beyond this
        self.version = "v1.32.4"
        self.gzip = False
        self.verbose = False


class Sim:
    def __init__(self, store, auth, faults, cfg, seed=1):
        self.store = store
        self.auth = auth
        self.faults = faults
        self.cfg = cfg
        self.rng = random.Random(seed)
        self.started = time.time()
        self.server_address = ""
        self.controller = None
        self.seeding = False
        self.stats = collections.Counter()
        self.stats_lock = threading.Lock()
        self.watches = set()            # live watch/follow streams (for /_sim/drop-watches)
        self.watches_lock = threading.Lock()
        self._next_ip = 10
        self._next_node_port = 30000
        self._ip_lock = threading.Lock()

    def count(self, what):
        with self.stats_lock:
            self.stats[what] += 1

    def alloc_cluster_ip(self):
        with self._ip_lock:
            n = self._next_ip
            self._next_ip += 1
        return "10.96.%d.%d" % (n // 250, n % 250 + 1)

    def alloc_node_port(self):
        with self._ip_lock:
            p = self._next_node_port
            self._next_node_port += 1
        return p
