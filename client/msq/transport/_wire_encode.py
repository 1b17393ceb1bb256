"""The encoding half of msq.transport._wire: a message given as a dict, serialized as
protobuf would.

msq.transport._wire compiles each message type's fields from the schema tables and
decodes; this module writes the fields of a compiled type (its ``by_number`` rows) to
bytes. It needs nothing of msq.transport._wire at run time, which keeps the import
one-way: msq.transport._wire takes :data:`FIXED` and :func:`encode_into` from here.
"""

from __future__ import annotations

from struct import Struct
from struct import error as StructError

# Not typing.TYPE_CHECKING: importing typing alone costs more than this whole module.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from ._wire import _Type

_M64 = (1 << 64) - 1
# The fixed-width kinds' byte layouts, which msq.transport._wire's decoder reads with too.
FIXED = dict(double=Struct("<d"), fixed64=Struct("<Q"), sfixed64=Struct("<q"))
FIXED.update(float=Struct("<f"), fixed32=Struct("<I"), sfixed32=Struct("<i"))
_RANGE = {"int32": (-(1 << 31), 1 << 31), "uint32": (0, 1 << 32), "sint32": (-(1 << 31), 1 << 31)}
_RANGE.update(int64=(-(1 << 63), 1 << 63), uint64=(0, 1 << 64), sint64=(-(1 << 63), 1 << 63))
_RANGE["enum"] = _RANGE["int32"]


def _varint_bytes(v: int) -> bytes:
    out = bytearray()
    while v > 0x7F:
        out.append(v & 0x7F | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def _encode_scalar(kind: str, v: Any) -> bytes:
    if kind == "string":
        if not isinstance(v, str):
            raise TypeError(f"{v!r} is not a str")
        b = v.encode()
        return _varint_bytes(len(b)) + b
    if kind == "bytes":
        if not isinstance(v, (bytes, bytearray)):
            raise TypeError(f"{v!r} is not bytes")
        return _varint_bytes(len(v)) + bytes(v)
    if not isinstance(v, (int, float) if kind in ("double", "float") else int):
        raise TypeError(f"{v!r} is not valid for a {kind}")
    if kind in FIXED:
        try:
            return FIXED[kind].pack(v)
        except OverflowError:  # a double too large for a float: infinity, as in C
            return FIXED[kind].pack(v * float("inf"))
        except StructError as e:  # an integer out of range
            raise ValueError(f"{v!r} is out of range for a {kind}") from e
    if kind == "bool":
        return b"\x01" if v else b"\x00"
    lo, hi = _RANGE[kind]
    if not lo <= v < hi:
        raise ValueError(f"{v!r} is out of range for a {kind}")
    if kind[0] == "s":  # sint32/sint64: zigzag, so small negatives stay short
        v = (v << 1) ^ (v >> 63)
    return _varint_bytes(v & _M64)


def encode_into(t: _Type, values: Mapping[str, Any], out: bytearray) -> None:
    """Append the encoding of message type ``t`` given as the dict ``values`` to ``out``."""
    if t.by_tag is None:
        t.compile()
    used, seen = 0, set()
    for f in t.by_number.values():
        name, kind, wt, sub, rep, oneof, num, _ = f
        v = values.get(name)
        if name in values:
            used += 1
        if v is None:
            continue
        tag = _varint_bytes(num << 3 | wt)
        if kind == "map":
            for k in sorted(v):  # sorted keys, like protobuf's deterministic output
                entry = bytearray()
                encode_into(sub, {"key": k, "value": v[k]}, entry)
                out += tag + _varint_bytes(len(entry)) + entry
        elif kind == "message":
            for m in v if rep else (v,):
                if not isinstance(m, dict):
                    raise TypeError(f"{t.name}.{name}: a message is given as a dict, not {m!r}")
                body = bytearray()
                encode_into(sub, m, body)
                out += tag + _varint_bytes(len(body)) + body
        elif rep == 2:
            body = b"".join(_encode_scalar(kind, x) for x in v)
            if body:
                out += _varint_bytes(num << 3 | 2) + _varint_bytes(len(body)) + body
        elif rep:
            for x in v:
                out += tag + _encode_scalar(kind, x)
        else:
            b = _encode_scalar(kind, v)
            # proto3 leaves defaults out, except where presence is tracked (and in map
            # entries, which protobuf writes in full). Judged on the bytes: -0.0 is not a
            # default, a double that rounds to a 0.0 float is.
            if oneof or t.entry or b.strip(b"\x00"):
                out += tag + b
        if oneof:
            if oneof in seen:
                raise ValueError(f"{t.name}: more than one field of oneof {oneof!r}")
            seen.add(oneof)
    if used != len(values):
        unknown = sorted(set(values) - set(t.by_name))
        raise ValueError(f"{t.name} has no field {unknown[0]!r}")
