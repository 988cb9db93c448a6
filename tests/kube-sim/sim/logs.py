"""Pod logs: every container instance produces deterministic lines over time (a burst at start,
then one line every log interval), so tests can predict them. Supports container, previous,
follow, tailLines, sinceSeconds/sinceTime, timestamps and limitBytes like the kubelet."""
import time
import zlib

from . import errors, timefmt

RETAIN = 5000          # lines kept per container instance (older ones are "rotated away")
INTERVAL_ANN = "kube-sim/log-interval"
BURST_ANN = "kube-sim/log-burst"

_PATHS = ["/", "/index.html", "/api/v1/items", "/api/v1/items/42", "/healthz", "/static/app.js",
          "/api/v1/users", "/metrics", "/login", "/api/v1/orders"]
_STATUS = [200, 200, 200, 200, 201, 204, 200, 304, 404, 500]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _h(*parts):
    return zlib.crc32("\x00".join(str(p) for p in parts).encode())


class Instance:
    """One run of one container: [start, end) with its deterministic line generator."""

    def __init__(self, pod, container, image, index, start, end, exit_code, interval, burst):
        self.pod = pod
        self.container = container
        self.image = image
        self.index = index
        self.start = start
        self.end = end
        self.exit_code = exit_code
        self.interval = max(0.01, interval)
        self.burst = burst
        self.ident = "%s/%s/%d" % (pod, container, index)
        img = image.lower()
        if end is not None and exit_code:
            self.style = "crash"
        elif end is not None:
            self.style = "job"
        elif any(w in img for w in ("nginx", "httpd", "caddy", "envoy", "haproxy")):
            self.style = "web"
        elif any(w in img for w in ("postgres", "mysql", "mariadb", "redis", "mongo", "etcd")):
            self.style = "db"
        else:
            self.style = "app"
        if self.style in ("crash", "job"):
            self.burst = 4

    def time_ns(self, n):
        """Time of line n in integer nanoseconds (what --timestamps prints)."""
        start = int(round(self.start * 1e9))
        if n < self.burst:
            return start + n * 1000000 + _h(self.ident, n) % 1000000
        step = int(self.interval * 1e9)
        return start + (n - self.burst + 1) * step + _h(self.ident, n) % max(1, int(step * 0.3))

    def time_of(self, n):
        """Time of line n in seconds."""
        return self.time_ns(n) / 1e9

    def last_index(self, t):
        """Index of the last line written at or before t (-1 when none)."""
        if self.style in ("crash", "job"):
            if self.end is not None and t >= self.end:
                return self.burst  # the burst plus the final line
            n = min(self.burst - 1, int((t - self.start) / 0.001)) if t >= self.start else -1
            while n >= 0 and self.time_of(n) > t:
                n -= 1
            return n
        if t < self.start:
            return -1
        if t < self.start + self.burst * 0.001 + self.interval:
            n = min(self.burst - 1, int((t - self.start) / 0.001) + 1)
        else:
            n = self.burst - 1 + int((t - self.start) / self.interval)
        while n >= 0 and self.time_of(n) > t:
            n -= 1
        if self.end is not None:
            while n >= 0 and self.time_of(n) > self.end:
                n -= 1
        return n

    def text(self, n):
        t = self.time_of(n)
        h = _h(self.ident, "text", n)
        c = self.container
        if self.style in ("crash", "job") and n == self.burst:
            if self.style == "crash":
                return "panic: dial tcp 10.96.0.12:5432: connect: connection refused (exit code %d)" % self.exit_code
            return "job complete: processed %d items in %.1fs" % (100 + h % 900, max(0.0, self.end - self.start))
        if n < self.burst:
            start = {
                "web": ["/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
                        "configuration", "/docker-entrypoint.sh: Launching /docker-entrypoint.d/"
                        "10-listen-on-ipv6-by-default.sh", "/docker-entrypoint.sh: Configuration complete; ready for "
                        "start up", "%s [notice] 1#1: using the \"epoll\" event method" % _stamp(t),
                        "%s [notice] 1#1: start worker processes" % _stamp(t)],
                "db": ["%s UTC [1] LOG:  starting database server" % _stamp(t),
                       "%s UTC [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432" % _stamp(t),
                       "%s UTC [1] LOG:  database system was shut down" % _stamp(t),
                       "%s UTC [1] LOG:  database system is ready to accept connections" % _stamp(t)],
            }.get(self.style, ["level=info msg=\"starting %s\" version=1.4.%d" % (c, h % 10),
                               "level=info msg=\"loaded configuration\" file=/etc/%s/config.yaml" % c,
                               "level=info msg=\"connecting to backend\" addr=db:5432",
                               "level=info msg=\"listening\" addr=:8080",
                               "level=info msg=\"ready\" container=%s" % c])
            return start[n % len(start)] if n < len(start) else "level=info msg=\"init step %d\"" % n
        path = _PATHS[h % len(_PATHS)]
        status = _STATUS[(h >> 4) % len(_STATUS)]
        if self.style == "web":
            g = time.gmtime(t)
            clf = "%02d/%s/%04d:%02d:%02d:%02d +0000" % (g.tm_mday, _MONTHS[g.tm_mon - 1], g.tm_year, g.tm_hour,
                                                         g.tm_min, g.tm_sec)
            return '10.244.%d.%d - - [%s] "GET %s HTTP/1.1" %d %d "-" "Mozilla/5.0 (seq %d)"' % (
                (h >> 8) % 4, (h >> 12) % 250 + 2, clf, path, status, 100 + (h >> 16) % 5000, n)
        if self.style == "db":
            return "%s UTC [%d] LOG:  checkpoint complete: wrote %d buffers (%.1f%%); seq=%d" % (
                _stamp(t), 20 + h % 80, h % 400, (h % 1000) / 10.0, n)
        level = "warn" if status >= 500 else "info"
        return 'level=%s msg="handled request" container=%s method=GET path=%s status=%d duration=%dms seq=%d' % (
            level, c, path, status, 1 + (h >> 8) % 250, n)

    def lines(self, t_to, since=None):
        """(index, time) pairs of the lines present at t_to, oldest first, after since."""
        last = self.last_index(t_to)
        first = max(0, last - RETAIN + 1)
        out = []
        for n in range(first, last + 1):
            t = int(self.end * 1e9) if self.style in ("crash", "job") and n == self.burst else self.time_ns(n)
            if since is not None and t < since * 1e9:
                continue
            out.append((n, t))
        return out


def _stamp(t):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)) + ".%03d" % int((t % 1) * 1000)


def _ts(s):
    return timefmt.parse(s) if s else time.time()


def _find_container(pod, name):
    spec = pod.get("spec", {})
    cs = spec.get("containers") or []
    ics = spec.get("initContainers") or []
    if not name:
        if len(cs) == 1:
            return cs[0]
        raise errors.bad_request("a container name must be specified for pod %s, choose one of: [%s]" % (
            pod["metadata"]["name"], " ".join(c["name"] for c in cs)) + (
            " or one of the init containers: [%s]" % " ".join(c["name"] for c in ics) if ics else ""))
    for c in cs + ics:
        if c["name"] == name:
            return c
    raise errors.bad_request("container %s is not valid for pod %s" % (name, pod["metadata"]["name"]))


def instance(sim, pod, cname, previous):
    """The container instance whose log a request reads; ApiError 400 like the kubelet."""
    c = _find_container(pod, cname)
    name = c["name"]
    pname = pod["metadata"]["name"]
    st = pod.get("status", {})
    cs = next((s for s in (st.get("containerStatuses") or []) + (st.get("initContainerStatuses") or [])
               if s.get("name") == name), None)
    ann = pod["metadata"].get("annotations") or {}
    try:
        interval = float(ann.get(INTERVAL_ANN, sim.cfg.log_interval))
        burst = int(ann.get(BURST_ANN, 5))
    except ValueError:
        interval, burst = sim.cfg.log_interval, 5
    mk = lambda idx, start, end, code: Instance(pname, name, c.get("image", ""), idx, start, end, code,  # noqa
                                               interval, burst)
    if cs is None:
        raise errors.bad_request('container "%s" in pod "%s" is waiting to start: ContainerCreating' % (name, pname))
    state, last = cs.get("state") or {}, (cs.get("lastState") or {}).get("terminated")
    r = cs.get("restartCount", 0)
    if previous:
        if "waiting" in state and last:
            fin = _ts(last.get("startedAt")) - 10
            return mk(r - 2, fin - 3, fin, 1)
        if last:
            return mk(r - 1, _ts(last.get("startedAt")), _ts(last.get("finishedAt")), last.get("exitCode", 1))
        raise errors.bad_request('previous terminated container "%s" in pod "%s" not found' % (name, pname))
    if "running" in state:
        return mk(r, _ts(state["running"].get("startedAt")), None, 0)
    if "terminated" in state:
        t = state["terminated"]
        return mk(r, _ts(t.get("startedAt")), _ts(t.get("finishedAt")), t.get("exitCode", 0))
    if last:
        return mk(r - 1, _ts(last.get("startedAt")), _ts(last.get("finishedAt")), last.get("exitCode", 1))
    w = state.get("waiting") or {}
    reason = w.get("reason", "ContainerCreating")
    msg = 'container "%s" in pod "%s" is waiting to start: %s' % (name, pname, reason)
    if reason in ("ImagePullBackOff", "ErrImagePull"):
        msg = 'container "%s" in pod "%s" is waiting to start: trying and failing to pull image' % (name, pname)
    raise errors.bad_request(msg)


def _fmt(inst, n, t_ns, timestamps):
    line = inst.text(n)
    if timestamps:
        return ("%s %s\n" % (timefmt.iso_nano(t_ns), line)).encode()
    return (line + "\n").encode()


def serve(sim, h, pod, q):
    """Answer GET .../pods/NAME/log."""
    def flag(k):
        return q.get(k, "").lower() in ("true", "1")
    follow, previous, timestamps = flag("follow"), flag("previous"), flag("timestamps")
    inst = instance(sim, pod, q.get("container", ""), previous)
    since = None
    try:
        if q.get("sinceSeconds"):
            since = time.time() - int(q["sinceSeconds"])
        elif q.get("sinceTime"):
            since = timefmt.parse(q["sinceTime"])
        tail = int(q["tailLines"]) if q.get("tailLines") not in (None, "") else None
        limit = int(q["limitBytes"]) if q.get("limitBytes") not in (None, "") else None
    except ValueError as e:
        raise errors.bad_request(str(e))
    now = time.time()
    lines = inst.lines(now, since)
    if tail is not None and tail >= 0:
        lines = lines[len(lines) - tail:] if tail else []
    body = b"".join(_fmt(inst, n, t, timestamps) for n, t in lines)
    if limit is not None and limit >= 0:
        body = body[:limit]
    if not follow or inst.end is not None:
        h.send_body(200, body, "text/plain")
        return
    sent = len(body)
    stream = h.start_stream("text/plain")
    if body:
        stream.write(body)
    ns, name, uid = pod["metadata"]["namespace"], pod["metadata"]["name"], pod["metadata"]["uid"]
    nxt = lines[-1][0] + 1 if lines else inst.last_index(now) + 1
    while not stream.closed:
        t_ns = inst.time_ns(nxt)
        t = t_ns / 1e9
        while time.time() < t and not stream.closed:
            stream.idle(min(0.25, t - time.time()))
            cur = sim.store.get("pods", ns, name)
            if cur is None or cur["metadata"]["uid"] != uid:
                stream.end()
                return
            try:
                again = instance(sim, cur, inst.container, False)
            except errors.ApiError:
                stream.end()
                return
            if again.index != inst.index or again.end is not None:
                stream.end()
                return
        if stream.closed:
            return
        chunk = _fmt(inst, nxt, t_ns, timestamps)
        if limit is not None:
            if sent >= limit:
                stream.end()
                return
            chunk = chunk[:limit - sent]
        sent += len(chunk)
        stream.write(chunk)
        nxt += 1
