"""The simulator's PKI, made with the openssl command line: a CA, a serving certificate for
127.0.0.1/localhost/kubernetes.default.svc, and client certificates (admin and read-only viewer)."""
import os
import subprocess

SERVER_SANS = ["IP:127.0.0.1", "IP:::1", "DNS:localhost", "DNS:kubernetes", "DNS:kubernetes.default",
               "DNS:kubernetes.default.svc", "DNS:kubernetes.default.svc.cluster.local", "DNS:kube-sim"]

CLIENTS = {"admin": ("sim-admin", ["system:masters"]), "viewer": ("sim-viewer", ["sim:readonly"])}


def _run(args, cwd):
    p = subprocess.run(["openssl"] + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (args[0], p.stderr.strip()))


def _key(path, cwd):
    _run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", path], cwd)
    os.chmod(os.path.join(cwd, path), 0o600)


def _sign(name, subj, ext, cwd):
    _key(name + ".key", cwd)
    _run(["req", "-new", "-key", name + ".key", "-subj", subj, "-out", name + ".csr"], cwd)
    with open(os.path.join(cwd, name + ".ext"), "w") as f:
        f.write(ext)
    _run(["x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
          "-days", "825", "-sha256", "-extfile", name + ".ext", "-out", name + ".crt"], cwd)
    for junk in (name + ".csr", name + ".ext"):
        os.unlink(os.path.join(cwd, junk))


def ensure(d):
    """Create (or reuse) the PKI in directory d; returns a dict of file paths."""
    os.makedirs(d, exist_ok=True)
    paths = {"ca": os.path.join(d, "ca.crt"), "ca_key": os.path.join(d, "ca.key"),
             "server_crt": os.path.join(d, "server.crt"), "server_key": os.path.join(d, "server.key")}
    for c in CLIENTS:
        paths[c + "_crt"] = os.path.join(d, c + ".crt")
        paths[c + "_key"] = os.path.join(d, c + ".key")
    if all(os.path.exists(p) for p in paths.values()):
        return paths
    _key("ca.key", d)
    _run(["req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=kube-sim-ca", "-days", "825", "-sha256",
          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
          "-out", "ca.crt"], d)
    _sign("server", "/CN=kube-apiserver",
          "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
          "extendedKeyUsage=serverAuth\nsubjectAltName=%s\n" % ",".join(SERVER_SANS), d)
    for c, (cn, orgs) in CLIENTS.items():
        subj = "/" + "/".join("O=" + o for o in orgs) + "/CN=" + cn
        _sign(c, subj, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                       "extendedKeyUsage=clientAuth\n", d)
    return paths
