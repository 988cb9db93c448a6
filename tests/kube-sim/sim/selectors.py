"""Label and field selectors with the API server's syntax and error messages."""
import re

from . import errors

_KEY = re.compile(r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                  r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
_VAL = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


class LabelSelector:
    """Parsed label selector: requirements (key, op, values) with op in =, !=, in, notin, exists, !."""

    def __init__(self, reqs=None):
        self.reqs = reqs or []

    def empty(self):
        return not self.reqs

    def matches(self, labels):
        labels = labels or {}
        for key, op, vals in self.reqs:
            has = key in labels
            v = labels.get(key)
            if op == "=" or op == "in":
                if not has or v not in vals:
                    return False
            elif op == "!=" or op == "notin":
                if has and v in vals:
                    return False
            elif op == "exists":
                if not has:
                    return False
            elif op == "!":
                if has:
                    return False
            elif op in (">", "<"):
                try:
                    if not has or not (int(v) > int(vals[0]) if op == ">" else int(v) < int(vals[0])):
                        return False
                except ValueError:
                    return False
        return True

    def __str__(self):
        parts = []
        for key, op, vals in self.reqs:
            if op in ("=", "!=", ">", "<"):
                parts.append("%s%s%s" % (key, op, vals[0]))
            elif op in ("in", "notin"):
                parts.append("%s %s (%s)" % (key, op, ",".join(sorted(vals))))
            elif op == "exists":
                parts.append(key)
            else:
                parts.append("!" + key)
        return ",".join(parts)


def _split_top(s):
    """Split on commas outside parentheses."""
    out, depth, cur = [], 0, []
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


_SET = re.compile(r"^\s*(\S+)\s+(in|notin)\s*\((.*)\)\s*$")
_CMP = re.compile(r"^\s*([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(\S*)\s*$")


def parse_labels(s):
    """Parse a labelSelector query value; raises 400 BadRequest like the API server."""
    reqs = []
    if not s or not s.strip():
        return LabelSelector()
    for part in _split_top(s):
        p = part.strip()
        if not p:
            raise errors.bad_request("unable to parse requirement: found '', expected: identifier")
        m = _SET.match(p)
        if m:
            vals = [v.strip() for v in m.group(3).split(",")]
            key, op = m.group(1), m.group(2)
        elif p.startswith("!"):
            key, op, vals = p[1:].strip(), "!", []
        else:
            m = _CMP.match(p)
            if m:
                key, op, vals = m.group(1), m.group(2), [m.group(3)]
                if op == "==":
                    op = "="
            elif re.match(r"^\S+$", p):
                key, op, vals = p, "exists", []
            else:
                raise errors.bad_request("unable to parse requirement: %s" % p)
        if not _KEY.match(key) or len(key.split("/")[-1]) > 63:
            raise errors.bad_request(
                "unable to parse requirement: values[0][%s]: Invalid value: \"%s\": name part must consist "
                "of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                "character" % (key, key))
        for v in vals:
            if op in (">", "<"):
                if not re.match(r"^-?\d+$", v):
                    raise errors.bad_request("unable to parse requirement: for 'Gt', 'Lt' operators, the value "
                                             "must be an integer")
            elif not _VAL.match(v) or len(v) > 63:
                raise errors.bad_request(
                    "unable to parse requirement: values[0][%s]: Invalid value: \"%s\": a valid label must be an "
                    "empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                    "with an alphanumeric character" % (key, v))
        reqs.append((key, op, set(vals) if op in ("in", "notin") else vals))
    return LabelSelector(reqs)


def from_object(sel):
    """A metav1.LabelSelector object (matchLabels/matchExpressions) as a LabelSelector.
    None selects nothing; {} selects everything."""
    if sel is None:
        return None
    reqs = []
    for k, v in sorted((sel.get("matchLabels") or {}).items()):
        reqs.append((k, "=", [v]))
    for e in sel.get("matchExpressions") or []:
        op = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}.get(e.get("operator"))
        if op:
            reqs.append((e["key"], op, set(e.get("values") or [])))
    return LabelSelector(reqs)


def to_string(sel):
    """kubectl's text form of a metav1.LabelSelector (Scale status.selector, wide SELECTOR column)."""
    ls = from_object(sel)
    if ls is None:
        return ""
    return str(ls)


# ---- field selectors ----

_COMMON_FIELDS = {"metadata.name", "metadata.namespace"}
_FIELDS = {
    "pods": {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
             "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"},
    "nodes": {"spec.unschedulable"},
    "events": {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
               "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
               "reason", "reportingComponent", "source", "type"},
    "secrets": {"type"},
    "namespaces": {"status.phase"},
    "replicasets.apps": {"status.replicas"},
}


def _field_value(obj, path):
    if path == "source":
        src = obj.get("source") or {}
        return src.get("component", "") or obj.get("reportingComponent", "")
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
    if cur is None:
        return "false" if path in ("spec.unschedulable", "spec.hostNetwork") else ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


class FieldSelector:
    def __init__(self, reqs=None):
        self.reqs = reqs or []

    def empty(self):
        return not self.reqs

    def matches(self, obj):
        for path, op, val in self.reqs:
            v = _field_value(obj, path)
            if (v == val) != (op == "="):
                return False
        return True

    def name(self):
        """The metadata.name this selector pins (for single-object watches), or None."""
        for path, op, val in self.reqs:
            if path == "metadata.name" and op == "=":
                return val
        return None


def parse_fields(s, rt):
    if not s or not s.strip():
        return FieldSelector()
    allowed = _COMMON_FIELDS | _FIELDS.get(rt.key, set())
    reqs = []
    for part in re.split(r"(?<!\\),", s):
        p = part.strip()
        m = re.match(r"^([^=!]+?)\s*(==|=|!=)\s*(.*)$", p)
        if not m:
            raise errors.bad_request("invalid selector: '%s'; can't understand '%s'" % (s, p))
        path, op, val = m.group(1).strip(), m.group(2), m.group(3).replace("\\,", ",")
        if path not in allowed:
            raise errors.bad_request('field label not supported: %s' % path)
        reqs.append((path, "=" if op in ("=", "==") else "!=", val))
    return FieldSelector(reqs)
