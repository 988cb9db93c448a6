"""Kubernetes resource quantities ("250m", "512Mi", "1.5G") to numbers and back."""
import re

_SUFFIX = {"n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15,
           "E": 1e18, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_Q = re.compile(r"^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")


def parse(q, default=0.0):
    """A quantity as a float (cores for CPU, bytes for memory); default when absent or malformed."""
    if q is None:
        return default
    if isinstance(q, (int, float)):
        return float(q)
    m = _Q.match(str(q).strip())
    if not m:
        return default
    return float(m.group(1)) * _SUFFIX[m.group(2) or ""]


def nanocores(cores):
    return "%dn" % int(cores * 1e9)


def kibibytes(b):
    return "%dKi" % int(b / 1024)
