"""Protobuf request bodies (Content-Type application/vnd.kubernetes.protobuf), which kubectl's
typed clients send (create namespace/deployment/service, auth can-i, drain's evictions...).

The message schemas are not copied into this repository: they are read, on the first protobuf
request, from the gzipped FileDescriptorProtos that every kubectl binary embeds (the client
sending protobuf is a kubectl, so one is installed). Bodies decode to the JSON form of the
object and then follow the JSON path."""
import base64
import json
import os
import shutil
import struct
import threading
import zlib

from . import errors, timefmt

MAGIC = b"k8s\x00"
_GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00"
_lock = threading.Lock()
_schema = None          # full message name -> Message
_by_kind = None         # kind -> [full names]

# zero values that mean something (pointer fields in the Go types); other zeros are "unset"
KEEP_ZERO = {"replicas", "terminationGracePeriodSeconds", "gracePeriodSeconds", "revisionHistoryLimit",
             "partition", "backoffLimit", "parallelism", "completions", "exitCode", "restartCount",
             "activeDeadlineSeconds", "expirationSeconds", "priority"}


class Field:
    __slots__ = ("name", "number", "repeated", "type", "type_name")

    def __init__(self, name, number, repeated, type_, type_name):
        self.name, self.number, self.repeated, self.type, self.type_name = name, number, repeated, type_, type_name


class Message:
    __slots__ = ("name", "fields", "map_entry")

    def __init__(self, name):
        self.name = name
        self.fields = {}
        self.map_entry = False


# ---- wire format ----

def _varint(b, i):
    shift = result = 0
    while True:
        c = b[i]
        i += 1
        result |= (c & 0x7f) << shift
        if c < 0x80:
            return result, i
        shift += 7


def fields(b):
    """(number, wire type, value) for each field of a serialized message."""
    i, n = 0, len(b)
    while i < n:
        key, i = _varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(b, i)
        elif wt == 1:
            v = b[i:i + 8]
            i += 8
        elif wt == 2:
            ln, i = _varint(b, i)
            v = b[i:i + ln]
            i += ln
        elif wt == 5:
            v = b[i:i + 4]
            i += 4
        else:
            raise ValueError("unsupported wire type %d" % wt)
        yield num, wt, v


# ---- descriptors from the kubectl binary ----

def _parse_field(b):
    name, number, label, type_, type_name = "", 0, 1, 0, ""
    for num, _, v in fields(b):
        if num == 1:
            name = v.decode()
        elif num == 3:
            number = v
        elif num == 4:
            label = v
        elif num == 5:
            type_ = v
        elif num == 6:
            type_name = v.decode().lstrip(".")
    return Field(name, number, label == 3, type_, type_name)


def _parse_message(b, prefix, out):
    m = Message("")
    nested = []
    for num, _, v in fields(b):
        if num == 1:
            m.name = prefix + "." + v.decode()
        elif num == 2:
            f = _parse_field(v)
            m.fields[f.number] = f
        elif num == 3:
            nested.append(v)
        elif num == 7:
            for onum, _, ov in fields(v):
                if onum == 7 and ov:
                    m.map_entry = True
    out[m.name] = m
    for v in nested:
        _parse_message(v, m.name, out)


def _parse_file(b, out):
    package, msgs = "", []
    for num, _, v in fields(b):
        if num == 2:
            package = v.decode()
        elif num == 4:
            msgs.append(v)
    for v in msgs:
        _parse_message(v, package, out)


def kubectl_binary():
    p = shutil.which("kubectl")
    return os.path.realpath(p) if p else None


def load(binary=None):
    """Message schemas from the FileDescriptorProtos embedded in a kubectl binary."""
    global _schema, _by_kind
    with _lock:
        if _schema is not None:
            return _schema
        binary = binary or kubectl_binary()
        out = {}
        if binary:
            with open(binary, "rb") as f:
                data = f.read()
            i = data.find(_GZIP)
            while i >= 0:
                try:
                    raw = zlib.decompressobj(31).decompress(data[i:i + 4 * 1024 * 1024])
                    if b"generated.proto" in raw[:200] and b"k8s.io" in raw[:200]:
                        _parse_file(raw, out)
                except (zlib.error, ValueError, IndexError, UnicodeDecodeError):
                    pass
                i = data.find(_GZIP, i + 1)
        by_kind = {}
        for name in out:
            by_kind.setdefault(name.rsplit(".", 1)[1], []).append(name)
        _schema, _by_kind = out, by_kind
        return out


def message_for(api_version, kind):
    """The full protobuf message name of a group/version kind (None when unknown)."""
    load()
    group, _, version = api_version.rpartition("/")
    first = group.split(".")[0] if group else "core"
    want = ".%s.%s.%s" % (first, version, kind)
    for name in _by_kind.get(kind, ()):
        if name.endswith(want):
            return name
    if kind in ("DeleteOptions", "Status", "ListOptions"):
        return "k8s.io.apimachinery.pkg.apis.meta.v1." + kind
    return None


# ---- decoding to the JSON form ----

def _zero(v):
    return v in ("", False, None) or v == {} or v == [] or (isinstance(v, (int, float)) and v == 0)


def _scalar(f, wt, v):
    t = f.type
    if t == 9:
        return v.decode()
    if t == 12:
        return base64.b64encode(bytes(v)).decode()
    if t == 8:
        return bool(v)
    if t in (17, 18):
        return (v >> 1) ^ -(v & 1)
    if t in (3, 5):
        return v - (1 << 64) if v >= 1 << 63 else v
    if t in (1, 6, 16) and wt == 1:
        return struct.unpack("<d" if t == 1 else ("<Q" if t == 6 else "<q"), v)[0]
    if t in (2, 7, 15) and wt == 5:
        return struct.unpack("<f" if t == 2 else ("<I" if t == 7 else "<i"), v)[0]
    return v


def _special(name, b):
    """Types whose JSON form is not their message form; NotImplemented for ordinary ones."""
    short = name.rsplit(".", 1)[1]
    if name.endswith("resource.Quantity"):
        return next((v.decode() for n, _, v in fields(b) if n == 1), "0")
    if name.endswith("intstr.IntOrString"):
        kind, iv, sv = 0, 0, ""
        for n, _, v in fields(b):
            if n == 1:
                kind = v
            elif n == 2:
                iv = v - (1 << 64) if v >= 1 << 63 else v
            elif n == 3:
                sv = v.decode()
        return sv if kind == 1 else iv
    if short in ("Time", "MicroTime") and ".meta.v1." in name:
        sec, nanos = 0, 0
        for n, _, v in fields(b):
            if n == 1:
                sec = v - (1 << 64) if v >= 1 << 63 else v
            elif n == 2:
                nanos = v
        if not sec and not nanos:
            return None
        return timefmt.iso(sec) if short == "Time" else timefmt.iso_micro(sec + nanos / 1e9)
    if short == "Duration" and ".meta.v1." in name:
        ns = next((v for n, _, v in fields(b) if n == 1), 0)
        return "%gs" % (ns / 1e9)
    if short in ("RawExtension", "FieldsV1"):
        raw = next((bytes(v) for n, _, v in fields(b) if n == 1), b"")
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None
    return NotImplemented


def decode_message(name, b):
    sp = _special(name, b)
    if sp is not NotImplemented:
        return sp
    m = _schema.get(name)
    if m is None:
        raise errors.bad_request("kube-sim: no protobuf schema for %s" % name)
    out = {}
    for num, wt, v in fields(b):
        f = m.fields.get(num)
        if f is None:
            continue
        if f.type == 11:
            sub = _schema.get(f.type_name)
            if sub is not None and sub.map_entry:
                kv = {}
                for kn, kwt, kvv in fields(v):
                    kf = sub.fields.get(kn)
                    if kf is None:
                        continue
                    kv[kn] = decode_message(kf.type_name, kvv) if kf.type == 11 else _scalar(kf, kwt, kvv)
                out.setdefault(f.name, {})[kv.get(1, "")] = kv.get(2, "" if sub.fields.get(2) and
                                                                   sub.fields[2].type == 9 else None)
                continue
            val = decode_message(f.type_name, v)
        elif wt == 2 and f.type not in (9, 12):
            vals, i = [], 0
            while i < len(v):  # packed repeated scalars
                x, i = _varint(v, i)
                vals.append(_scalar(f, 0, x))
            out.setdefault(f.name, []).extend(vals)
            continue
        else:
            val = _scalar(f, wt, v)
        if f.repeated:
            out.setdefault(f.name, []).append(val)
        else:
            out[f.name] = val
    return {k: v for k, v in out.items()
            if not _zero(v) or (k in KEEP_ZERO and isinstance(v, int) and not isinstance(v, bool))}


def decode(body):
    """A protobuf-enveloped object (runtime.Unknown after the 'k8s\\0' magic) as its JSON dict."""
    if not body.startswith(MAGIC):
        raise errors.bad_request("protobuf body without the k8s\\0 envelope")
    load()
    if not _schema:
        raise errors.ApiError(415, "UnsupportedMediaType",
                              "kube-sim reads protobuf schemas from the kubectl binary and found none; send "
                              "application/json")
    api_version, kind, raw = "", "", b""
    try:
        for num, _, v in fields(memoryview(body)[len(MAGIC):].tobytes()):
            if num == 1:
                for tn, _, tv in fields(v):
                    if tn == 1:
                        api_version = tv.decode()
                    elif tn == 2:
                        kind = tv.decode()
            elif num == 2:
                raw = v
        name = message_for(api_version, kind)
        if name is None:
            raise errors.ApiError(415, "UnsupportedMediaType", "kube-sim: no protobuf schema for %s %s; send "
                                  "application/json" % (api_version, kind))
        obj = decode_message(name, raw)
    except (ValueError, IndexError, UnicodeDecodeError) as e:
        raise errors.bad_request("the protobuf body could not be decoded: %s" % e)
    out = {"kind": kind, "apiVersion": api_version}
    out.update(obj)
    return out
