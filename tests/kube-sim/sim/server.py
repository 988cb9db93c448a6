"""HTTPS plumbing: a threaded HTTP/1.1 server whose per-connection threads do the TLS handshake,
authenticate, apply injected faults and route to discovery, the resource API or /_sim/ admin."""
import gzip
import http.server
import select
import socket
import ssl
import sys
import threading
import time
import traceback
import urllib.parse
import uuid

from . import admin, api, discovery, errors, openapi, store as S

HEALTH = ("/healthz", "/livez", "/readyz")


class Stream:
    """A chunked response written over time (watch events, followed logs)."""

    def __init__(self, h, content_type):
        self.h = h
        self.closed = False
        self.dropped = False
        self.cond = None      # the Condition the writer waits on (woken to drop the stream)
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Transfer-Encoding", "chunked")
        h.common_headers()
        h.end_headers()
        with h.sim.watches_lock:
            h.sim.watches.add(self)

    def write(self, data):
        if self.closed or not data:
            return
        self.hold_while_stalled()
        if self.closed:
            return
        try:
            self.h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        except (OSError, ValueError):
            self._gone()

    def end(self):
        """Finish cleanly (the client sees the end of the stream)."""
        if not self.closed:
            try:
                self.h.wfile.write(b"0\r\n\r\n")
            except (OSError, ValueError):
                pass
        self._gone(keep_alive=True)

    def abort(self):
        """Cut the connection without finishing the response (a dropped watch)."""
        self.h.close_connection = True
        try:
            self.h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._gone()

    def _gone(self, keep_alive=False):
        self.closed = True
        if not keep_alive:
            self.h.close_connection = True
        with self.h.sim.watches_lock:
            self.h.sim.watches.discard(self)

    def client_gone(self):
        """True when the client closed its side (nothing else arrives on a streaming request)."""
        try:
            r, _, _ = select.select([self.h.connection], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(r)

    def hold_while_stalled(self):
        """Freeze (send nothing) while a stall fault covers this stream."""
        faults = self.h.sim.faults
        while not self.closed and faults.stalled(self.h.path_only):
            self.idle(0.1, stall_check=False)

    def idle(self, seconds, stall_check=True):
        """Sleep, noticing a client that went away or a drop request."""
        if stall_check:
            self.hold_while_stalled()
        end = time.time() + seconds
        while not self.closed:
            if self.dropped:
                self.abort()
                return
            if self.client_gone():
                self._gone()
                return
            left = end - time.time()
            if left <= 0:
                return
            time.sleep(min(left, 0.1))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kube-sim"
    sys_version = ""

    def setup(self):
        self.sim = self.server.sim
        conn = self.request
        conn.settimeout(10)
        try:
            conn.do_handshake()
        except (OSError, ssl.SSLError) as e:
            self.handshake_error = e
        else:
            self.handshake_error = None
        conn.settimeout(self.server.idle_timeout)
        super().setup()

    def handle(self):
        if self.handshake_error is not None:
            if self.sim.cfg.verbose:
                sys.stderr.write("kube-sim: TLS handshake failed from %s: %s\n" % (self.client_address[0],
                                                                                    self.handshake_error))
            return
        try:
            super().handle()
        except (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError):
            pass

    def log_message(self, fmt, *args):
        if self.sim.cfg.verbose:
            sys.stderr.write("kube-sim: %s %s\n" % (self.client_address[0], fmt % args))

    def do_GET(self):
        self.route()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    # ---- responses ----
    def common_headers(self):
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("X-Kubernetes-Pf-Flowschema-Uid", "00000000-0000-0000-0000-000000000001")
        self.send_header("X-Kubernetes-Pf-Prioritylevel-Uid", "00000000-0000-0000-0000-000000000002")

    def send_body(self, code, body, content_type="application/json", headers=None):
        """Answer with body: bytes, str, or a list of byte pieces (written one by one)."""
        if isinstance(body, str):
            body = body.encode()
        parts = body if isinstance(body, list) else [body]
        size = sum(len(p) for p in parts)
        enc = None
        if self.sim.cfg.gzip and size > 128 * 1024 and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            parts = [gzip.compress(b"".join(parts), 1)]
            size = len(parts[0])
            enc = "gzip"
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.common_headers()
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if enc:
            self.send_header("Content-Encoding", enc)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if self.command != "HEAD":
            try:
                for p in parts:
                    self.wfile.write(p)
            except (OSError, ValueError):
                self.close_connection = True

    def send_json(self, code, obj, content_type="application/json"):
        self.send_body(code, obj if isinstance(obj, bytes) else S.encode(obj), content_type)

    def send_error_status(self, e):
        h = dict(e.headers)
        if e.code == 429 and "Retry-After" not in h:
            h["Retry-After"] = "1"
        self.send_body(e.code, S.encode(e.status()), "application/json", h)

    def start_stream(self, content_type="application/json"):
        return Stream(self, content_type)

    def read_body(self):
        if (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
            data = []
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                data.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(data)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    # ---- routing ----
    def route(self):
        sim = self.sim
        url = urllib.parse.urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        self.path_only = path
        q = {k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        try:
            body = self.read_body()
        except (OSError, ValueError):
            self.close_connection = True
            return
        try:
            if path == "/_sim" or path.startswith("/_sim/"):
                admin.handle(self, self.command, path, q, body)
                return
            is_watch = q.get("watch") in ("true", "1") or "/watch/" in path or \
                (path.endswith("/log") and q.get("follow") in ("true", "1"))
            self.drop_rule = None
            for r in sim.faults.match(self.command, path, is_watch):
                if r.delay:
                    time.sleep(r.delay)
                if r.stall:
                    while sim.faults.active(r.id):
                        time.sleep(0.05)
                        try:
                            rr, _, _ = select.select([self.connection], [], [], 0)
                        except (OSError, ValueError):
                            rr = True
                        if rr:
                            self.close_connection = True
                            return
                if r.reset:
                    self.close_connection = True
                    try:
                        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00"
                                                   b"\x00\x00")
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                if r.status:
                    raise _fault_error(r)
                if r.drop_events is not None or r.drop_seconds is not None:
                    self.drop_rule = r
            user = sim.auth.authenticate(self.headers.get("Authorization"), self._peercert())
            if user is None:
                sim.count("401")
                raise errors.unauthorized()
            self.user = user
            self.dispatch(path, q, body)
        except errors.ApiError as e:
            self.send_error_status(e)
        except (ConnectionError, ssl.SSLError, BrokenPipeError):
            self.close_connection = True
        except Exception as e:  # a bug in the simulator: answer 500 and say what happened
            traceback.print_exc(file=sys.stderr)
            try:
                self.send_error_status(errors.internal("kube-sim: %s: %s" % (type(e).__name__, e)))
            except OSError:
                self.close_connection = True

    def _peercert(self):
        try:
            return self.connection.getpeercert()
        except (ValueError, AttributeError):
            return None

    def dispatch(self, path, q, body):
        sim = self.sim
        metrics = sim.cfg.metrics
        if self.command not in ("GET", "HEAD") and not (path.startswith("/api/") or path.startswith("/apis/")):
            raise errors.method_not_allowed(self.command)
        if path in HEALTH:
            sim.count("GET " + path)
            self.send_body(200, b"ok", "text/plain; charset=utf-8")
            return
        if path == "/version":
            sim.count("GET /version")
            v = sim.cfg.version.lstrip("v").split(".")
            self.send_json(200, {"major": v[0], "minor": v[1], "gitVersion": sim.cfg.version,
                                 "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
                                 "buildDate": "2025-04-22T16:03:44Z", "goVersion": "go1.23.8", "compiler": "gc",
                                 "platform": "linux/amd64"})
            return
        parts = [p for p in path.split("/") if p]
        accept = self.headers.get("Accept") or ""
        if parts[:2] == ["openapi", "v3"]:
            sim.count("GET /openapi/v3")
            doc = openapi.index() if len(parts) == 2 else openapi.document("/".join(parts[2:]), sim.cfg.version)
            if doc is None:
                raise errors.page_not_found(path)
            self.send_json(200, doc)
            return
        if parts in (["api"], ["apis"]):
            sim.count("GET /" + parts[0])
            agg = discovery.wants_aggregated(accept)
            if agg:
                doc = discovery.aggregated(parts == ["api"], metrics, beta=agg == "v2beta1")
                ct = discovery.AGG_V2 if agg == "v2" else discovery.AGG_V2BETA1
                self.send_body(200, S.encode(doc), ct, {"Vary": "Accept"})
                return
            doc = discovery.api_versions(sim.server_address) if parts == ["api"] else \
                discovery.api_group_list(metrics)
            self.send_body(200, S.encode(doc), "application/json", {"Vary": "Accept"})
            return
        if parts[:1] == ["api"] and len(parts) >= 2:
            group, version, rest = "", parts[1], parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 2:
            group = parts[1]
            if len(parts) == 2:
                doc = discovery.api_group(group, metrics)
                if doc is None:
                    raise errors.page_not_found(path)
                self.send_json(200, doc)
                return
            version, rest = parts[2], parts[3:]
        else:
            raise errors.page_not_found(path)
        if not rest:
            sim.count("GET " + path)
            doc = discovery.resource_list(group, version, metrics)
            if doc is None:
                raise errors.page_not_found(path)
            self.send_json(200, doc)
            return
        if group == "metrics.k8s.io" and not metrics:
            raise errors.page_not_found(path)
        api.handle(self, group, version, rest, q, body)


def _fault_error(r):
    code = r.status
    msg = r.message
    if code == 401:
        return errors.ApiError(401, "Unauthorized", msg or "Unauthorized")
    if code == 403:
        return errors.ApiError(403, "Forbidden", msg or "forbidden: kube-sim injected fault")
    if code == 404:
        return errors.ApiError(404, "NotFound", msg or "the server could not find the requested resource")
    if code == 409:
        return errors.ApiError(409, "Conflict", msg or "kube-sim injected conflict")
    if code == 410:
        return errors.expired(msg or "too old resource version (kube-sim injected fault)")
    if code == 429:
        return errors.ApiError(429, "TooManyRequests", msg or "Too many requests, please try again later.",
                               {"retryAfterSeconds": 1}, {"Retry-After": "1"})
    if code == 503:
        return errors.ApiError(503, "ServiceUnavailable", msg or "service unavailable (kube-sim injected fault)")
    if code == 504:
        return errors.timeout(msg or "request timed out (kube-sim injected fault)")
    if code >= 500:
        return errors.ApiError(code, "InternalError", msg or "Internal error occurred: kube-sim injected fault")
    return errors.ApiError(code, "BadRequest", msg or "kube-sim injected fault")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    idle_timeout = 300

    def __init__(self, addr, sim, ssl_ctx):
        self.sim = sim
        self.ssl_ctx = ssl_ctx
        self.address_family = socket.AF_INET6 if ":" in addr[0] else socket.AF_INET
        super().__init__(addr, Handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.ssl_ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        if self.sim.cfg.verbose:
            traceback.print_exc(file=sys.stderr)


def ssl_context(pki):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(pki["server_crt"], pki["server_key"])
    ctx.load_verify_locations(pki["ca"])
    ctx.verify_mode = ssl.CERT_OPTIONAL
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def serve_in_thread(server):
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="http", daemon=True)
    t.start()
    return t

