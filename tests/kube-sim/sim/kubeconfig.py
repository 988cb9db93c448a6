"""The kubeconfig the simulator writes for its clients (kubectl, tug's tests)."""
import base64
import os


def _b64(path):
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode()


def write(path, server, pki, admin_token, viewer_token, basic, proxy_url=None):
    """Contexts: sim (client cert, namespace default), sim-token (bearer token, namespace
    kube-system), sim-viewer (read-only token), sim-basic (basic auth), and with a proxy
    sim-proxy (client cert, through cluster sim-via-proxy's proxy-url)."""
    user, password = basic
    text = """apiVersion: v1
kind: Config
preferences: {}
current-context: sim
clusters:
- name: sim
  cluster:
    server: %(server)s
    certificate-authority-data: %(ca)s
contexts:
- name: sim
  context:
    cluster: sim
    user: sim-admin
    namespace: default
- name: sim-token
  context:
    cluster: sim
    user: sim-token
    namespace: kube-system
- name: sim-viewer
  context:
    cluster: sim
    user: sim-viewer
    namespace: default
- name: sim-basic
  context:
    cluster: sim
    user: sim-basic
    namespace: default
users:
- name: sim-admin
  user:
    client-certificate-data: %(crt)s
    client-key-data: %(key)s
- name: sim-token
  user:
    token: %(token)s
- name: sim-viewer
  user:
    token: %(vtoken)s
- name: sim-basic
  user:
    username: %(buser)s
    password: %(bpass)s
""" % {"server": server, "ca": _b64(pki["ca"]), "crt": _b64(pki["admin_crt"]), "key": _b64(pki["admin_key"]),
       "token": admin_token, "vtoken": viewer_token, "buser": user, "bpass": password}
    if proxy_url:
        text = text.replace("contexts:\n", """- name: sim-via-proxy
  cluster:
    server: %s
    certificate-authority-data: %s
    proxy-url: %s
contexts:
- name: sim-proxy
  context:
    cluster: sim-via-proxy
    user: sim-admin
    namespace: default
""" % (server, _b64(pki["ca"]), proxy_url), 1)
    tmp = path + ".tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(text)
    os.rename(tmp, path)
