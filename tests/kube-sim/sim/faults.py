"""Fault injection rules, set by flags or POST /_sim/faults: slow answers, requests that hang,
reset connections, forced error codes, and watches dropped after N events or seconds."""
import re
import threading
import time

FIELDS = {"path", "method", "watch", "status", "message", "delayMs", "stall", "reset", "dropWatchAfterEvents",
          "dropWatchAfterSeconds", "times", "seconds"}


class Rule:
    def __init__(self, rid, spec):
        unknown = set(spec) - FIELDS - {"id"}
        if unknown:
            raise ValueError("unknown fault field(s): %s (known: %s)" % (", ".join(sorted(unknown)),
                                                                       ", ".join(sorted(FIELDS))))
        self.id = rid
        self.spec = dict(spec, id=rid)
        self.path = re.compile(spec.get("path") or "")
        self.method = (spec.get("method") or "").upper() or None
        self.watch = spec.get("watch")              # True: watches only, False: never watches
        self.status = int(spec["status"]) if spec.get("status") else None
        self.message = spec.get("message")
        self.delay = float(spec.get("delayMs") or 0) / 1000.0
        self.stall = bool(spec.get("stall"))
        self.reset = bool(spec.get("reset"))
        self.drop_events = int(spec["dropWatchAfterEvents"]) if spec.get("dropWatchAfterEvents") else None
        self.drop_seconds = float(spec["dropWatchAfterSeconds"]) if spec.get("dropWatchAfterSeconds") else None
        self.times = int(spec["times"]) if spec.get("times") else None
        self.until = time.time() + float(spec["seconds"]) if spec.get("seconds") else None
        self.hits = 0

    def matches(self, method, path, is_watch):
        if self.method and self.method != method:
            return False
        if self.watch is not None and bool(self.watch) != is_watch:
            return False
        return bool(self.path.search(path))


class Faults:
    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.next_id = 1

    def add(self, spec):
        with self.lock:
            r = Rule(self.next_id, spec)
            self.next_id += 1
            self.rules.append(r)
            return r

    def remove(self, rid=None):
        with self.lock:
            before = len(self.rules)
            self.rules = [r for r in self.rules if rid is not None and r.id != rid]
            return before - len(self.rules)

    def active(self, rid):
        with self.lock:
            return any(r.id == rid for r in self.rules)

    def list(self):
        with self.lock:
            self._expire()
            return [dict(r.spec, hits=r.hits) for r in self.rules]

    def _expire(self):
        now = time.time()
        self.rules = [r for r in self.rules if (r.times is None or r.hits < r.times)
                      and (r.until is None or now < r.until)]

    def stalled(self, path):
        """True while a stall rule matches this streaming request (open watches and log
        follows freeze too, not only new requests)."""
        if not self.rules:
            return False
        with self.lock:
            self._expire()
            return any(r.stall and r.matches("GET", path, True) for r in self.rules)

    def match(self, method, path, is_watch):
        """Rules that apply to this request (each counts one hit)."""
        if not self.rules:
            return []
        with self.lock:
            self._expire()
            out = []
            for r in self.rules:
                if r.matches(method, path, is_watch):
                    r.hits += 1
                    out.append(r)
            return out
