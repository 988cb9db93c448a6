"""Time formats the Kubernetes API uses, and kubectl's human durations."""
import calendar
import re
import time

now = time.time


def iso(ts):
    """RFC 3339 with whole seconds, as metav1.Time serialises."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def iso_micro(ts):
    """RFC 3339 with microseconds, as metav1.MicroTime serialises."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%06dZ" % int((ts % 1) * 1e6)


def iso_nano(ns):
    """Go's RFC3339Nano (trailing zeros of the fraction dropped), as kubelet stamps log lines."""
    sec, frac = divmod(int(ns), 10**9)
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))
    if frac:
        return "%s.%sZ" % (base, ("%09d" % frac).rstrip("0"))
    return base + "Z"


_TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def parse(s):
    """RFC 3339 timestamp -> seconds since the epoch (float); ValueError when malformed."""
    m = _TS.match(s or "")
    if not m:
        raise ValueError("not an RFC 3339 time: %r" % s)
    y, mo, d, h, mi, se = (int(x) for x in m.groups()[:6])
    ts = calendar.timegm((y, mo, d, h, mi, se, 0, 0, 0))
    if m.group(7):
        ts += float("0" + m.group(7))
    tz = m.group(8)
    if tz not in ("Z", "z"):
        sign = 1 if tz[0] == "+" else -1
        ts -= sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)
    return ts


def human(seconds):
    """kubectl's HumanDuration (the AGE column)."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return "%ds" % s
    minutes = s // 60
    if minutes < 10:
        sec = s % 60
        return "%dm" % minutes if sec == 0 else "%dm%ds" % (minutes, sec)
    if minutes < 180:
        return "%dm" % minutes
    hours = s // 3600
    if hours < 8:
        m = minutes % 60
        return "%dh" % hours if m == 0 else "%dh%dm" % (hours, m)
    if hours < 48:
        return "%dh" % hours
    if hours < 24 * 8:
        h = hours % 24
        return "%dd" % (hours // 24) if h == 0 else "%dd%dh" % (hours // 24, h)
    if hours < 24 * 365 * 2:
        return "%dd" % (hours // 24)
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return "%dy" % (hours // 24 // 365) if dy == 0 else "%dy%dd" % (hours // 24 // 365, dy)
    return "%dy" % (hours // 24 // 365)


def since(stamp, at=None):
    """AGE of an RFC 3339 stamp ("<unknown>" when absent, as kubectl prints)."""
    if not stamp:
        return "<unknown>"
    try:
        return human((at or now()) - parse(stamp))
    except ValueError:
        return "<unknown>"


_DUR = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")


def parse_duration(v):
    """'90s', '5m', '2h30m', '3d' or a bare number of seconds -> seconds (float)."""
    if isinstance(v, (int, float)):
        return float(v)
    v = str(v).strip()
    try:
        return float(v)
    except ValueError:
        pass
    total, pos = 0.0, 0
    for m in _DUR.finditer(v):
        if m.start() != pos:
            break
        n = float(m.group(1))
        total += n * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
        pos = m.end()
    if pos != len(v) or not v:
        raise ValueError("not a duration: %r (use e.g. 90s, 5m, 2h30m, 3d)" % v)
    return total
