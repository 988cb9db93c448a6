"""Authentication (client certificates signed by the simulator's CA, bearer tokens, basic auth)
and a two-level authorization: full access, or read-only (get/list/watch)."""
import base64
import threading
import time

READONLY_GROUP = "sim:readonly"
READ_VERBS = {"get", "list", "watch"}


class User:
    def __init__(self, name, groups=(), readonly=False, how=""):
        self.name = name
        self.groups = list(groups)
        self.readonly = readonly or READONLY_GROUP in self.groups
        self.how = how

    def info(self):
        return {"username": self.name, "groups": self.groups + ["system:authenticated"]}


class Auth:
    def __init__(self):
        self.lock = threading.Lock()
        self.tokens = {}     # token -> (user, groups, expires_at or None, readonly)
        self.basic = {}      # username -> (password, groups, readonly)

    def add_token(self, token, user, groups=(), expires_in=None, readonly=False):
        exp = time.time() + float(expires_in) if expires_in is not None else None
        with self.lock:
            self.tokens[token] = (user, list(groups), exp, bool(readonly))
        return exp

    def revoke(self, token):
        with self.lock:
            return self.tokens.pop(token, None) is not None

    def add_basic(self, user, password, groups=(), readonly=False):
        with self.lock:
            self.basic[user] = (password, list(groups), bool(readonly))

    def describe(self):
        now = time.time()
        with self.lock:
            return [{"user": u, "groups": g, "readonly": ro,
                     "expiresIn": None if e is None else round(e - now, 1),
                     "token": t[:4] + "…"} for t, (u, g, e, ro) in self.tokens.items()]

    def authenticate(self, authz_header, peercert):
        """The User for a request, or None (answer 401)."""
        if peercert:
            cn, orgs = None, []
            for rdn in peercert.get("subject", ()):
                for k, v in rdn:
                    if k == "commonName":
                        cn = v
                    elif k == "organizationName":
                        orgs.append(v)
            if cn:
                return User(cn, orgs, how="x509")
        if not authz_header:
            return None
        scheme, _, cred = authz_header.strip().partition(" ")
        cred = cred.strip()
        if scheme.lower() == "bearer" and cred:
            with self.lock:
                t = self.tokens.get(cred)
            if not t:
                return None
            user, groups, exp, ro = t
            if exp is not None and time.time() >= exp:
                return None
            return User(user, groups, ro, how="token")
        if scheme.lower() == "basic" and cred:
            try:
                u, _, p = base64.b64decode(cred).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
            with self.lock:
                b = self.basic.get(u)
            if b and b[0] == p:
                return User(u, b[1], b[2], how="basic")
        return None

    @staticmethod
    def allowed(user, verb):
        return not user.readonly or verb in READ_VERBS
