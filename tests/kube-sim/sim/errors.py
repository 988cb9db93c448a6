"""API errors returned as meta/v1 Status objects, with the messages a real API server uses."""


class ApiError(Exception):
    """An error answered as a Status object with an HTTP code."""

    def __init__(self, code, reason, message, details=None, headers=None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.headers = headers or {}
        self.continue_token = None

    def status(self):
        st = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
              "message": self.message, "reason": self.reason}
        if self.continue_token:
            st["metadata"]["continue"] = self.continue_token
        if self.details:
            st["details"] = self.details
        st["code"] = self.code
        return st


def qualified(rt):
    return rt.plural if not rt.group else "%s.%s" % (rt.plural, rt.group)


def _details(rt, name):
    d = {"name": name} if name else {}
    if rt.group:
        d["group"] = rt.group
    d["kind"] = rt.plural
    return d


def not_found(rt, name):
    return ApiError(404, "NotFound", '%s "%s" not found' % (qualified(rt), name), _details(rt, name))


def namespace_not_found(ns):
    return ApiError(404, "NotFound", 'namespaces "%s" not found' % ns, {"name": ns, "kind": "namespaces"})


def already_exists(rt, name):
    return ApiError(409, "AlreadyExists", '%s "%s" already exists' % (qualified(rt), name), _details(rt, name))


def conflict(rt, name):
    return ApiError(409, "Conflict",
                    'Operation cannot be fulfilled on %s "%s": the object has been modified; '
                    "please apply your changes to the latest version and try again" % (qualified(rt), name),
                    _details(rt, name))


def invalid(rt, name, field, msg):
    d = _details(rt, name)
    d["kind"] = rt.kind
    d["causes"] = [{"reason": "FieldValueInvalid", "message": msg, "field": field}]
    return ApiError(422, "Invalid", '%s "%s" is invalid: %s: %s' % (rt.kind, name, field, msg), d)


def bad_request(msg):
    return ApiError(400, "BadRequest", msg)


def expired(msg):
    return ApiError(410, "Expired", msg)


def unauthorized():
    return ApiError(401, "Unauthorized", "Unauthorized")


def forbidden(user, verb, rt, ns, name, sub=None, msg=None):
    res = rt.plural + ("/" + sub if sub else "")
    what = '%s "%s"' % (qualified(rt), name) if name else qualified(rt)
    where = ' in the namespace "%s"' % ns if ns else " at the cluster scope"
    m = '%s is forbidden: User "%s" cannot %s resource "%s" in API group "%s"%s' % (
        what, user, verb, res, rt.group, where)
    if msg:
        m += ": " + msg
    return ApiError(403, "Forbidden", m, _details(rt, name))


def method_not_allowed(method):
    return ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")


def unsupported_media(ct):
    return ApiError(415, "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types include: "
                    "application/json-patch+json, application/merge-patch+json, "
                    "application/strategic-merge-patch+json")


def not_acceptable():
    return ApiError(406, "NotAcceptable",
                    "only the following media types are accepted: application/json, "
                    "application/json;as=Table;v=v1;g=meta.k8s.io")


def internal(msg):
    return ApiError(500, "InternalError", "Internal error occurred: " + msg)


def timeout(msg, retry=1):
    return ApiError(504, "Timeout", msg, {"retryAfterSeconds": retry})


def page_not_found(path):
    return ApiError(404, "NotFound", "the server could not find the requested resource")
