#!/usr/bin/env python3
"""Test helpers for tests/integration/registry.sh, standard library only.

  helper.py token PORT KEY CERT ISSUER SERVICE USER PASS LOG
      a token server for docker-registry's token auth: GET /token with
      Basic USER:PASS grants the scopes asked; anonymous requests get a
      token granting nothing. JWTs are RS256, signed by `openssl dgst`
      with KEY, with CERT in the x5c header. Each request is logged to LOG
      as one JSON line (path, query, whether Authorization was sent).
  helper.py proxy PORT UPSTREAM_PORT BYTES_PER_SEC
      a TCP proxy to 127.0.0.1:UPSTREAM_PORT that sends the upstream's
      answers at most BYTES_PER_SEC: a slow network, for interrupted pulls.
  helper.py redirect PORT UPSTREAM_PORT BLOB_PORT LOG
      a registry front on PORT that wants Basic alice:wonderland and
      relays /v2/ and manifests to the registry on UPSTREAM_PORT, but
      answers blob GETs with a 307 to 127.0.0.2:BLOB_PORT - another host,
      as blob storage behind a CDN is - which serves them from the
      registry. Both log every request and its Authorization to LOG.
  helper.py index REGISTRY REPO TAG REF:OS/ARCH[/VARIANT]...
      PUT an OCI image index under REPO:TAG listing the manifests of the
      tags REF (of the same repository) with those platforms; prints its
      digest.
  helper.py oci-image ROOTFS_TAR ARCH NAME OUT
      write an OCI image layout tar OUT holding one image named NAME
      whose layer is ROOTFS_TAR and whose config says linux/ARCH.
"""
import base64
import hashlib
import http.server
import io
import json
import os
import socket
import socketserver
import subprocess
import sys
import tarfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass


def token_server(port, key, cert, issuer, service, user, password, log):
    with open(cert) as f:
        pem = f.read()
    der = base64.b64decode("".join(l for l in pem.splitlines() if "CERTIFICATE" not in l))
    want = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    lock = threading.Lock()

    def sign(claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
        signing = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing.encode(),
                             capture_output=True, check=True).stdout
        return signing + "." + b64url(sig)

    class H(Quiet):
        def do_GET(self):
            u = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(u.query)
            auth = self.headers.get("Authorization")
            with lock, open(log, "a") as f:
                f.write(json.dumps({"path": u.path, "query": q, "auth": bool(auth)}) + "\n")
            if auth is not None and auth != want:
                body = b'{"details":"incorrect username or password"}'
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            access = []
            if auth:
                for scope in q.get("scope", []):
                    parts = scope.split(":")
                    if len(parts) >= 3 and parts[0] == "repository":
                        access.append({"type": "repository", "name": ":".join(parts[1:-1]),
                                       "actions": parts[-1].split(",")})
            now = int(time.time())
            claims = {"iss": issuer, "sub": user if auth else "", "aud": service,
                      "exp": now + 300, "nbf": now - 10, "iat": now,
                      "jti": b64url(os.urandom(12)), "access": access}
            body = json.dumps({"token": sign(claims), "expires_in": 300}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()


def proxy(port, upstream, rate):
    class H(socketserver.BaseRequestHandler):
        def handle(self):
            up = socket.create_connection(("127.0.0.1", upstream))

            def pump_up():
                try:
                    while True:
                        d = self.request.recv(65536)
                        if not d:
                            break
                        up.sendall(d)
                except OSError:
                    pass
                try:
                    up.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

            threading.Thread(target=pump_up, daemon=True).start()
            chunk = max(1024, rate // 20)
            try:
                while True:
                    d = up.recv(chunk)
                    if not d:
                        break
                    self.request.sendall(d)
                    time.sleep(len(d) / rate)
            except OSError:
                pass
            finally:
                up.close()

    class S(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    S(("127.0.0.1", port), H).serve_forever()


def redirect(port, upstream, blob_port, log):
    base = f"http://127.0.0.1:{upstream}"
    lock = threading.Lock()

    def note(**kw):
        with lock, open(log, "a") as f:
            f.write(json.dumps(kw) + "\n")

    def relay(h, url, head=False):
        req = urllib.request.Request(url, method="HEAD" if head else "GET")
        for k in ("Accept", "Range"):
            if h.headers.get(k):
                req.add_header(k, h.headers[k])
        try:
            r = urllib.request.urlopen(req)
        except urllib.error.HTTPError as e:
            r = e
        body = b"" if head else r.read()
        h.send_response(r.status if hasattr(r, "status") else r.code)
        for k in ("Content-Type", "Docker-Content-Digest", "Content-Range"):
            if r.headers.get(k):
                h.send_header(k, r.headers[k])
        h.send_header("Content-Length", r.headers.get("Content-Length", str(len(body))))
        h.end_headers()
        if not head:
            h.wfile.write(body)

    class Front(Quiet):
        def do_GET(self):
            auth = self.headers.get("Authorization")
            note(server="front", path=self.path, auth=auth)
            if auth != "Basic " + base64.b64encode(b"alice:wonderland").decode():
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="tug-test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if "/blobs/" in self.path:
                self.send_response(307)
                self.send_header("Location", f"http://127.0.0.2:{blob_port}{self.path}?signed=1")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            relay(self, base + self.path)

        do_HEAD = do_GET

    class Blobs(Quiet):
        def do_GET(self):
            note(server="blobs", path=self.path, auth=self.headers.get("Authorization"))
            relay(self, base + self.path.split("?")[0])

    threading.Thread(target=http.server.ThreadingHTTPServer(("127.0.0.2", blob_port), Blobs)
                     .serve_forever, daemon=True).start()
    http.server.ThreadingHTTPServer(("127.0.0.1", port), Front).serve_forever()


MANIFEST_TYPES = ", ".join([
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json"])


def put_index(registry, repo, tag, entries):
    manifests = []
    for e in entries:
        ref, plat = e.split(":", 1)
        req = urllib.request.Request(f"http://{registry}/v2/{repo}/manifests/{ref}",
                                     headers={"Accept": MANIFEST_TYPES})
        with urllib.request.urlopen(req) as r:
            body = r.read()
            mt = r.headers["Content-Type"]
        p = plat.split("/")
        platform = {"os": p[0], "architecture": p[1]}
        if len(p) > 2:
            platform["variant"] = p[2]
        manifests.append({"mediaType": mt, "size": len(body),
                          "digest": "sha256:" + hashlib.sha256(body).hexdigest(),
                          "platform": platform})
    index = json.dumps({"schemaVersion": 2,
                        "mediaType": "application/vnd.oci.image.index.v1+json",
                        "manifests": manifests}).encode()
    req = urllib.request.Request(f"http://{registry}/v2/{repo}/manifests/{tag}", data=index,
                                 method="PUT",
                                 headers={"Content-Type": "application/vnd.oci.image.index.v1+json"})
    urllib.request.urlopen(req).read()
    print("sha256:" + hashlib.sha256(index).hexdigest())


def oci_image(rootfs, arch, name, out):
    with open(rootfs, "rb") as f:
        layer = f.read()
    ldig = hashlib.sha256(layer).hexdigest()
    config = json.dumps({"architecture": arch, "os": "linux",
                         "config": {"Cmd": ["/bin/sh"]},
                         "rootfs": {"type": "layers", "diff_ids": ["sha256:" + ldig]}}).encode()
    cdig = hashlib.sha256(config).hexdigest()
    manifest = json.dumps({"schemaVersion": 2,
                           "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": "sha256:" + cdig, "size": len(config)},
                           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                       "digest": "sha256:" + ldig, "size": len(layer)}]}).encode()
    mdig = hashlib.sha256(manifest).hexdigest()
    index = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": "sha256:" + mdig, "size": len(manifest),
        "annotations": {"org.opencontainers.image.ref.name": name}}]}).encode()
    with tarfile.open(out, "w") as t:
        for path, data in (("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'),
                           ("index.json", index), ("blobs/sha256/" + ldig, layer),
                           ("blobs/sha256/" + cdig, config), ("blobs/sha256/" + mdig, manifest)):
            info = tarfile.TarInfo(path)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "token":
        token_server(int(args[0]), *args[1:])
    elif cmd == "proxy":
        proxy(int(args[0]), int(args[1]), int(args[2]))
    elif cmd == "redirect":
        redirect(int(args[0]), int(args[1]), int(args[2]), args[3])
    elif cmd == "index":
        put_index(args[0], args[1], args[2], args[3:])
    elif cmd == "oci-image":
        oci_image(*args)
    else:
        sys.exit(f"helper.py: unknown command {cmd}")


if __name__ == "__main__":
    main()
