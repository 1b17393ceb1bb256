"""Protobuf wire format for msq's unary calls, without importing protobuf.

Why: ``import google.protobuf`` plus the generated msq_pb2 costs 15-25 ms, a large
share of a CLI command's start-up. The messages stay defined by msq.proto alone:
scripts/gen_protos.py writes the schema as plain data (msq.v1.msq_wire) and this
module reads and writes the wire format from that table.

:func:`decode` returns :class:`Message` objects that answer the protobuf read API the
``from_pb`` converters use (attributes with proto3 defaults, ``HasField``,
``WhichOneof``, maps as dicts, repeated fields as lists); :func:`encode` builds a
request from a plain dict. proto3 only: no group fields, extensions or proto2 defaults.

This module holds the API, the schema compiled into per-type field tables, and the
decoder, which reads those tables; the encoder is msq.transport._wire_encode.
"""

from __future__ import annotations

from ..v1 import msq_wire
from ._wire_encode import FIXED as _FIXED
from ._wire_encode import encode_into

# Not typing.TYPE_CHECKING: importing typing alone costs more than this whole module.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

_M32, _M64 = (1 << 32) - 1, (1 << 64) - 1
# protobuf's own default recursion limit; also keeps hostile input off Python's limit.
_MAX_DEPTH = 100
_WIRE_TYPE = {"string": 2, "bytes": 2, "message": 2, "map": 2}
_WIRE_TYPE.update((k, 1 if v.size == 8 else 5) for k, v in _FIXED.items())
_DEFAULT: dict[str, Any] = {"double": 0.0, "float": 0.0, "bool": False, "string": "", "bytes": b""}


class WireError(ValueError):
    """The bytes are not a valid encoding of the expected message type."""


# Varint -> value as protobuf reads it: int32 and enums keep the low 32 bits, signed.
def _int32(v: int) -> int:
    v &= _M32
    return v - (1 << 32) if v >> 31 else v


_FROM_VARINT = {
    "int32": _int32,
    "enum": _int32,
    "int64": lambda v: v - (1 << 64) if v >> 63 else v,
    "uint32": lambda v: v & _M32,
    "uint64": int,
    "sint32": lambda v: ((v & _M32) >> 1) ^ -(v & 1),
    "sint64": lambda v: (v >> 1) ^ -(v & 1),
    "bool": bool,
}


def _varint(data: Any, pos: int, end: int) -> tuple[int, int]:
    result = shift = 0
    while pos < end and shift < 70:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result & _M64, pos  # a 10th byte's extra bits wrap, as in protobuf
        shift += 7
    raise WireError("varint longer than 10 bytes" if shift >= 70 else "truncated varint")


# Decoding opcodes, one per (field, wire type) pair the field accepts.
_OP_VARINT, _OP_FIXED, _OP_STRING, _OP_BYTES, _OP_MESSAGE, _OP_MAP, _OP_PACKED = range(7)


class _Type:
    """One message type, compiled from its schema row on first use."""

    __slots__ = ("by_name", "by_number", "by_tag", "entry", "name", "oneofs", "schema", "spec")

    def __init__(
        self, schema: Schema, name: str, spec: Mapping[int, tuple[Any, ...]], entry: bool = False
    ) -> None:
        self.schema, self.name, self.spec, self.entry = schema, name, spec, entry
        self.by_tag: dict[int, tuple[Any, ...]] | None = None

    def compile(self) -> dict[int, tuple[Any, ...]]:
        oneofs: dict[str, tuple[str, ...]] = {}
        for fname, _, _, _, _, oneof in self.spec.values():
            if oneof:
                oneofs[oneof] = (*oneofs.get(oneof, ()), fname)
        # by_number: (name, kind, wire type, submessage type, repeated, oneof, number,
        # default) for encoding and reading; by_tag: (op, name, arg, repeated, other
        # members of its oneof) for decoding, keyed by the whole tag so that one lookup
        # checks the wire type too.
        by_number, by_tag = {}, {}
        for num in sorted(self.spec):  # in field order, the order encode writes them
            fname, kind, type_name, rep, map_kinds, oneof = self.spec[num]
            wt, sub, default = _WIRE_TYPE.get(kind, 0), None, _DEFAULT.get(kind, 0)
            if map_kinds:  # the entry as a message type of its own, fields key and value
                key = ("key", map_kinds[0], None, 0, None, None)
                value = ("value", map_kinds[1], type_name, 0, None, None)
                sub = _Type(self.schema, f"{self.name}.{fname}", {1: key, 2: value}, True)
                op: Any = (_OP_MAP, sub)
            elif kind == "message":
                sub, default = self.schema.type(type_name), None
                op = (_OP_MESSAGE, sub)
            elif kind in _FIXED:
                op = (_OP_FIXED, (_FIXED[kind].unpack_from, _FIXED[kind].size))
            elif kind in _FROM_VARINT:
                op = (_OP_VARINT, _FROM_VARINT[kind])
            else:
                op = (_OP_STRING if kind == "string" else _OP_BYTES, None)
            others = tuple(n for n in oneofs.get(oneof, ()) if n != fname)
            by_number[num] = (fname, kind, wt, sub, rep, oneof, num, default)
            by_tag[num << 3 | wt] = (op[0], fname, op[1], rep, others)
            if rep and wt != 2:  # packed or not, a repeated scalar is read either way
                by_tag[num << 3 | 2] = (_OP_PACKED, fname, op, rep, others)
        self.by_name = {f[0]: f for f in by_number.values()}
        self.oneofs, self.by_number, self.by_tag = oneofs, by_number, by_tag
        return by_tag


class Message:
    """A decoded message, read like a protobuf one; unset fields read as defaults."""

    # Set fields live in __dict__, so reading them is a plain attribute lookup;
    # __getattr__ runs only for the unset ones.
    __slots__ = ("__dict__", "_t")

    def __init__(self, t: _Type) -> None:
        self._t = t

    def __getattr__(self, name: str) -> Any:
        if name == "_t":  # a copy or pickle probing before _t is set
            raise AttributeError(name)
        f = self._t.by_name.get(name)
        if f is None:
            raise AttributeError(f"{self._t.name} has no field {name!r}")
        if f[4]:  # repeated or map: one container, like protobuf's
            value = self.__dict__[name] = {} if f[1] == "map" else []
            return value
        return _empty(f[3]) if f[7] is None else f[7]

    def HasField(self, name: str) -> bool:
        """Whether a singular message field or a oneof member was set, as in protobuf."""
        f = self._t.by_name.get(name)
        if f is None:
            raise ValueError(f'Protocol message {self._t.name} has no "{name}" field.')
        if f[4] or not (f[1] == "message" or f[5]):
            raise ValueError(f'Can\'t test non-optional, non-submessage field "{name}".')
        return name in self.__dict__

    def WhichOneof(self, group: str) -> str | None:
        """The name of the set member of oneof ``group``, or None."""
        members = self._t.oneofs.get(group)
        if members is None:
            raise ValueError(f'Protocol message {self._t.name} has no oneof "{group}".')
        d = self.__dict__
        for name in members:
            if name in d:
                return name
        return None

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{self._t.name}({items})"


def _empty(t: _Type) -> Message:
    if t.by_tag is None:
        t.compile()
    return Message(t)


def _parse(t: _Type, data: Any, pos: int, end: int, d: dict[str, Any], depth: int) -> bool:
    """Decode data[pos:end] into the field dict ``d`` (merging, as protobuf does).

    Returns whether unknown fields were skipped.
    """
    if depth > _MAX_DEPTH:
        raise WireError("messages nested too deep")
    tags = t.by_tag if t.by_tag is not None else t.compile()
    unknown = False
    while pos < end:
        tag = data[pos]
        pos += 1
        if tag > 0x7F:
            tag, pos = _varint(data, pos - 1, end)
        f = tags.get(tag)
        if f is None:
            known = t.by_number.get(tag >> 3)
            if known is not None:
                raise WireError(f"{t.name}.{known[0]}: wire type {tag & 7} for a {known[1]}")
            pos = _skip(data, pos, end, tag, depth)
            unknown = True
            continue
        op, name, arg, rep, others = f
        if op == _OP_VARINT:
            v = data[pos] if pos < end else 0x80
            if v > 0x7F:
                v, pos = _varint(data, pos, end)
            else:
                pos += 1
            v = arg(v)
        elif op == _OP_FIXED:
            if pos + arg[1] > end:
                raise WireError(f"{t.name}.{name}: truncated")
            v = arg[0](data, pos)[0]
            pos += arg[1]
        else:  # length-delimited
            n = data[pos] if pos < end else 0x80
            if n > 0x7F:
                n, pos = _varint(data, pos, end)
            else:
                pos += 1
            stop = pos + n
            if stop > end:
                raise WireError(f"{t.name}.{name}: length beyond the data")
            if op == _OP_STRING:
                try:
                    v = str(data[pos:stop], "utf-8")
                except UnicodeDecodeError:
                    raise WireError(f"{t.name}.{name}: invalid UTF-8") from None
            elif op == _OP_MESSAGE:  # a singular one seen again is merged into
                v = None if rep else d.get(name)
                if v is None:
                    v = Message(arg)
                _parse(arg, data, pos, stop, v.__dict__, depth + 1)
            elif op == _OP_MAP:
                e: dict[str, Any] = {}
                # protobuf keeps an entry with unknown fields as unknown data, not in the map
                if not _parse(arg, data, pos, stop, e, depth + 1):
                    key, value = arg.by_number[1], arg.by_number[2]
                    if "value" in e:
                        v = e["value"]
                    else:
                        v = _empty(value[3]) if value[7] is None else value[7]
                    d.setdefault(name, {})[e.get("key", key[7])] = v
                pos = stop
                continue
            elif op == _OP_BYTES:
                v = bytes(data[pos:stop])
            else:  # a packed run of scalars
                values = d.setdefault(name, [])
                iop, iarg = arg
                while pos < stop:
                    if iop == _OP_VARINT:
                        v, pos = _varint(data, pos, stop)
                        values.append(iarg(v))
                    elif pos + iarg[1] > stop:
                        raise WireError(f"{t.name}.{name}: truncated")
                    else:
                        values.append(iarg[0](data, pos)[0])
                        pos += iarg[1]
                continue
            pos = stop
        if rep:
            values = d.get(name)
            if values is None:
                d[name] = [v]
            else:
                values.append(v)
        else:
            for other in others:  # last one wins, across the members of a oneof too
                d.pop(other, None)
            d[name] = v
    return unknown


def _skip(data: Any, pos: int, end: int, tag: int, depth: int) -> int:
    """The position after an unknown field (any wire type, groups included)."""
    wt = tag & 7
    if tag >> 3 == 0:
        raise WireError("field number 0")
    if tag > _M32:
        raise WireError(f"invalid tag {tag}")
    if wt == 0:
        pos = _varint(data, pos, end)[1]
    elif wt == 1 or wt == 5:
        pos += 8 if wt == 1 else 4
    elif wt == 2:
        n, pos = _varint(data, pos, end)
        pos += n
    elif wt == 3:
        if depth > _MAX_DEPTH:
            raise WireError("groups nested too deep")
        while True:
            if pos >= end:
                raise WireError("unterminated group")
            inner, pos = _varint(data, pos, end)
            if inner & 7 == 4:
                if inner != tag + 1:  # the end-group tag of the same field number
                    raise WireError("mismatched end of group")
                break
            pos = _skip(data, pos, end, inner, depth + 1)
    else:
        raise WireError(f"unexpected wire type {wt}")
    if pos > end:
        raise WireError("unknown field runs past the data")
    return pos


class Schema:
    """A table of message types (msq_wire's MESSAGES by default) to decode and encode."""

    def __init__(self, messages: Mapping[str, Mapping[int, tuple[Any, ...]]]) -> None:
        self.messages = messages
        self.types: dict[str, _Type] = {}

    def type(self, name: str) -> _Type:
        """The compiled form of message ``name``; KeyError for an unknown one."""
        t = self.types.get(name)
        if t is None:
            if name not in self.messages:
                raise KeyError(f"unknown message type {name!r}")
            t = self.types[name] = _Type(self, name, self.messages[name])
        return t

    def decode(self, type_name: str, data: bytes) -> Message:
        """Parse ``data`` as message ``type_name`` (e.g. "msq.v1.SearchResponse").

        Unknown fields are skipped; malformed data raises :class:`WireError`.
        """
        t = self.type(type_name)
        m = Message(t)
        _parse(t, data, 0, len(data), m.__dict__, 0)
        return m

    def encode(self, type_name: str, fields: Mapping[str, Any]) -> bytes:
        """Serialize message ``type_name`` given as a dict, as protobuf would.

        Nested messages are dicts, repeated fields lists, maps dicts (written in key
        order); None is the same as leaving a field out. Unknown names raise ValueError,
        wrong types TypeError, out-of-range numbers ValueError.
        """
        out = bytearray()
        encode_into(self.type(type_name), fields, out)
        return bytes(out)


SCHEMA = Schema(msq_wire.MESSAGES)
# The module's API: msq.proto's messages.
decode = SCHEMA.decode
encode = SCHEMA.encode
