"""An HTTP CONNECT proxy on loopback (--proxy), for testing kubeconfig `proxy-url`: tunnels
only to loopback targets and counts the tunnels it made (/_sim/stats: "proxy CONNECT")."""
import ipaddress
import select
import socket
import threading


def _loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class ConnectProxy:
    def __init__(self, sim, host="127.0.0.1", port=0):
        self.sim = sim
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]

    def start(self):
        threading.Thread(target=self._accept, name="proxy", daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        up = None
        try:
            c.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 16384:
                chunk = c.recv(4096)
                if not chunk:
                    return
                head += chunk
            line = head.split(b"\r\n", 1)[0].decode("latin1").split()
            if len(line) < 2 or line[0] != "CONNECT":
                c.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            host, _, port = line[1].rpartition(":")
            if not _loopback(host) or not port.isdigit():
                c.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            up = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
            self.sim.count("proxy CONNECT")
            c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            rest = head.split(b"\r\n\r\n", 1)[1]
            if rest:
                up.sendall(rest)
            c.settimeout(None)
            up.settimeout(None)
            pair = {c: up, up: c}
            while True:
                r, _, _ = select.select(list(pair), [], [])
                for s in r:
                    data = s.recv(65536)
                    if not data:
                        return
                    pair[s].sendall(data)
        except OSError:
            return
        finally:
            for s in (c, up):
                if s is not None:
                    try:
                        s.close()
                    except OSError:
                        pass
