"""In-memory object store with a global resourceVersion, a bounded per-resource event history
for watches (older resourceVersions are "compacted" and answer 410 Gone), owner indexes for the
controllers, and encoded-JSON caches so that large lists cost a join, not a re-encode."""
import bisect
import json
import threading
import uuid

from . import errors, resources, timefmt

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def encode(obj):
    return _dumps(obj).encode()


def clone(obj):
    """A deep copy of a JSON value (stored objects are never mutated in place)."""
    return json.loads(_dumps(obj))


class Entry:
    """A stored object (a dict that is never mutated once stored) and its lazily encoded forms."""
    __slots__ = ("obj", "_raw", "_meta")

    def __init__(self, obj):
        self.obj = obj
        self._raw = None
        self._meta = None

    def raw(self):
        r = self._raw
        if r is None:
            r = self._raw = encode(self.obj)
        return r

    def meta_raw(self):
        """The object as a PartialObjectMetadata (what Table rows carry by default)."""
        r = self._meta
        if r is None:
            r = self._meta = b'{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":' + \
                encode(self.obj.get("metadata", {})) + b"}"
        return r


class Event:
    __slots__ = ("rv", "type", "obj", "old", "entry")

    def __init__(self, rv, type_, obj, old, entry):
        self.rv = rv
        self.type = type_
        self.obj = obj
        self.old = old
        self.entry = entry


class Resource:
    """All objects of one type plus its watch history."""

    def __init__(self, rt, lock, cap):
        self.rt = rt
        self.items = {}          # (namespace, name) -> Entry
        self._sorted = None      # sorted keys, rebuilt after creates/deletes
        self.history = []        # Events in resourceVersion order
        self.floor = 0           # watches may start at any rv >= floor
        self.cap = cap
        self.cond = threading.Condition(lock)

    def sorted_keys(self):
        s = self._sorted
        if s is None:
            s = self._sorted = sorted(self.items)
        return s


class Store:
    def __init__(self, history=1000, start_rv=1000):
        self.lock = threading.RLock()
        self.rv = start_rv
        self.res = {t.key: Resource(t, self.lock, history) for t in resources.TYPES if not t.virtual}
        self.by_uid = {}         # uid -> (key, ns, name)
        self.owned = {}          # owner uid -> set of (key, ns, name)
        self.listeners = []      # fn(key, type, new_obj, old_obj), called under the lock
        self.uid_rng = None      # random.Random for deterministic uids (set by the seeder)

    # ---- reading (callers must treat returned dicts as read-only) ----
    def get(self, key, ns, name):
        e = self.res[key].items.get((ns or "", name))
        return e.obj if e else None

    def entry(self, key, ns, name):
        return self.res[key].items.get((ns or "", name))

    def entries(self, key, ns=None):
        """Entries in etcd key order (namespace, then name); ns None means all namespaces."""
        r = self.res[key]
        with self.lock:
            keys = r.sorted_keys()
            if ns is not None and r.rt.namespaced:
                lo = bisect.bisect_left(keys, (ns, ""))
                hi = bisect.bisect_left(keys, (ns + "\x00", ""))
                keys = keys[lo:hi]
            items = r.items
            return [(k, items[k]) for k in keys]

    def objects(self, key, ns=None):
        return [e.obj for _, e in self.entries(key, ns)]

    def owned_by(self, uid, key=None):
        with self.lock:
            out = []
            for (k, ns, name) in list(self.owned.get(uid, ())):
                if key and k != key:
                    continue
                o = self.get(k, ns, name)
                if o is not None:
                    out.append(o)
            return out

    # ---- writing ----
    def _next_rv(self):
        self.rv += 1
        return self.rv

    def new_uid(self):
        if self.uid_rng is not None:
            return str(uuid.UUID(int=self.uid_rng.getrandbits(128), version=4))
        return str(uuid.uuid4())

    def _index(self, key, obj, add):
        md = obj["metadata"]
        loc = (key, md.get("namespace", ""), md["name"])
        if add:
            self.by_uid[md["uid"]] = loc
        else:
            self.by_uid.pop(md["uid"], None)
        for ref in md.get("ownerReferences") or ():
            s = self.owned.get(ref.get("uid"))
            if add:
                if s is None:
                    s = self.owned[ref.get("uid")] = set()
                s.add(loc)
            elif s is not None:
                s.discard(loc)
                if not s:
                    del self.owned[ref.get("uid")]

    def _record(self, r, type_, obj, old, entry):
        ev = Event(self.rv, type_, obj, old, entry)
        h = r.history
        h.append(ev)
        if len(h) > 2 * r.cap:
            del h[:len(h) - r.cap]
            r.floor = h[0].rv - 1
        r.cond.notify_all()
        for fn in self.listeners:
            fn(r.rt.key, type_, obj, old)

    def create(self, key, obj):
        """Store a new object (metadata.name set); fills uid, creationTimestamp, resourceVersion."""
        r = self.res[key]
        with self.lock:
            md = obj["metadata"]
            k = (md.get("namespace", "") if r.rt.namespaced else "", md["name"])
            if k in r.items:
                raise errors.already_exists(r.rt, md["name"])
            md.setdefault("uid", self.new_uid())
            md["resourceVersion"] = str(self._next_rv())
            md.setdefault("creationTimestamp", timefmt.iso(timefmt.now()))
            if r.rt.generation:
                md.setdefault("generation", 1)
            e = Entry(obj)
            r.items[k] = e
            r._sorted = None
            self._index(key, obj, True)
            self._record(r, "ADDED", obj, None, e)
            return obj

    def replace(self, key, obj, expect_rv=None):
        """Replace an existing object; expect_rv (when given) must match (409 Conflict otherwise)."""
        r = self.res[key]
        with self.lock:
            md = obj["metadata"]
            k = (md.get("namespace", "") if r.rt.namespaced else "", md["name"])
            old_e = r.items.get(k)
            if old_e is None:
                raise errors.not_found(r.rt, md["name"])
            old = old_e.obj
            omd = old["metadata"]
            if expect_rv and expect_rv != omd["resourceVersion"]:
                raise errors.conflict(r.rt, md["name"])
            md["uid"] = omd["uid"]
            md["creationTimestamp"] = omd.get("creationTimestamp")
            if r.rt.generation:
                gen = omd.get("generation", 1)
                if old.get("spec") != obj.get("spec"):
                    gen += 1
                md["generation"] = gen
            md["resourceVersion"] = str(self._next_rv())
            e = Entry(obj)
            r.items[k] = e
            if omd.get("ownerReferences") != md.get("ownerReferences"):
                self._index(key, old, False)
                self._index(key, obj, True)
            self._record(r, "MODIFIED", obj, old, e)
            return obj

    def mutate(self, key, ns, name, fn):
        """Copy, change with fn(copy) (returning False skips the write), and store; returns the result."""
        with self.lock:
            e = self.entry(key, ns, name)
            if e is None:
                return None
            o = json.loads(e.raw())
            if fn(o) is False:
                return e.obj
            if o == e.obj:
                return e.obj
            return self.replace(key, o)

    def remove(self, key, ns, name):
        """Delete for good; the DELETED event carries the object at a new resourceVersion."""
        r = self.res[key]
        with self.lock:
            k = ((ns or "") if r.rt.namespaced else "", name)
            old_e = r.items.pop(k, None)
            if old_e is None:
                raise errors.not_found(r.rt, name)
            r._sorted = None
            self._index(key, old_e.obj, False)
            final = json.loads(old_e.raw())
            final["metadata"]["resourceVersion"] = str(self._next_rv())
            e = Entry(final)
            self._record(r, "DELETED", final, old_e.obj, e)
            return final

    # ---- watch support ----
    def events_after(self, key, rv):
        """Events with resourceVersion > rv; raises 410 Expired when rv was compacted away.
        Caller holds the lock."""
        r = self.res[key]
        if rv < r.floor:
            raise errors.expired("too old resource version: %d (%d)" % (rv, r.floor + 1))
        h = r.history
        i = bisect.bisect_right(h, rv, key=lambda ev: ev.rv)
        return h[i:]

    def compact(self, keys=None):
        """Forget all history: every resourceVersion handed out so far becomes too old, so
        watches and continue tokens from before now get 410 Gone."""
        with self.lock:
            self.rv += 1
            for k, r in self.res.items():
                if keys and k not in keys:
                    continue
                r.history = []
                r.floor = self.rv
                r.cond.notify_all()

    def floor(self, key):
        return self.res[key].floor
