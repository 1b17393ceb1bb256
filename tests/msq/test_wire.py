"""msq.transport._wire must read and write exactly what protobuf does, for every msq.proto message.

Random messages are built from the real descriptors (so a new field or message is covered
without touching this file), serialized by protobuf and decoded by msq.transport._wire; the two
results are compared through the read API the from_pb converters use, and through those
converters themselves. Encoding is compared byte for byte with protobuf's deterministic
output. A scratch proto with every scalar kind covers what msq.proto does not use yet.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import DecodeError, Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msq import types
from msq.compare_types import event_from_pb
from msq.transport import _wire
from msq.v1 import msq_pb2, msq_wire
from tests.conftest import load_gen_protos

REPO = Path(__file__).resolve().parents[2]
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
pytestmark = pytest.mark.timeout(120)
# Levels of submessages a random message gets. Every type is also tested as the root, so
# each field is exercised at some level; deeper only makes the examples slow.
MAX_DEPTH = 4

F = FieldDescriptor
INT_RANGES = {
    F.TYPE_INT32: (-(2**31), 2**31 - 1),
    F.TYPE_SINT32: (-(2**31), 2**31 - 1),
    F.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    F.TYPE_ENUM: (-(2**31), 2**31 - 1),  # proto3 enums are open: any int32 is kept
    F.TYPE_INT64: (-(2**63), 2**63 - 1),
    F.TYPE_SINT64: (-(2**63), 2**63 - 1),
    F.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    F.TYPE_UINT32: (0, 2**32 - 1),
    F.TYPE_FIXED32: (0, 2**32 - 1),
    F.TYPE_UINT64: (0, 2**64 - 1),
    F.TYPE_FIXED64: (0, 2**64 - 1),
}


def pb_class(desc: Descriptor) -> type[Message]:
    return message_factory.GetMessageClass(desc)


def msq_descriptors() -> list[Descriptor]:
    """Every message type msq_wire describes, as protobuf's descriptor."""
    pool = descriptor_pool.Default()
    return [pool.FindMessageTypeByName(name) for name in sorted(msq_wire.MESSAGES)]


def is_map(f: FieldDescriptor) -> bool:
    return f.message_type is not None and f.message_type.GetOptions().map_entry


def is_repeated(f: FieldDescriptor) -> bool:
    return f.is_repeated


def has_presence(f: FieldDescriptor) -> bool:
    return not is_repeated(f) and (f.message_type is not None or f.containing_oneof is not None)


# ------------------------------------------------------------ random messages


def scalars(f: FieldDescriptor) -> st.SearchStrategy[Any]:
    if f.type in INT_RANGES:
        lo, hi = INT_RANGES[f.type]
        if f.type == F.TYPE_ENUM:
            named = st.sampled_from([v.number for v in f.enum_type.values])
            return named | st.integers(lo, hi)
        return st.integers(lo, hi)
    return {
        F.TYPE_DOUBLE: st.floats(allow_nan=False),
        F.TYPE_FLOAT: st.floats(allow_nan=False, width=32),
        F.TYPE_BOOL: st.booleans(),
        F.TYPE_STRING: st.text(max_size=12),
        F.TYPE_BYTES: st.binary(max_size=12),
    }[f.type]


def messages(desc: Descriptor, depth: int = 0) -> st.SearchStrategy[Message]:
    """A random, partly populated protobuf message of type ``desc``."""

    @st.composite
    def build(draw: st.DrawFn) -> Message:
        m = pb_class(desc)()
        deep = depth >= MAX_DEPTH
        chosen = {
            o.name: draw(st.sampled_from([None, *(f.name for f in o.fields)])) for o in desc.oneofs
        }
        for f in desc.fields:
            if f.message_type is not None and deep:
                continue  # bounds the recursive types (Value, FieldValue.alternatives)
            if f.containing_oneof is not None:
                if chosen[f.containing_oneof.name] != f.name:
                    continue
            elif not draw(st.booleans()):
                continue
            fill(draw, m, f, depth)
        return m

    return build()


def fill(draw: st.DrawFn, m: Message, f: FieldDescriptor, depth: int) -> None:
    value = getattr(m, f.name)
    if is_map(f):
        key_f, value_f = (
            f.message_type.fields_by_name["key"],
            f.message_type.fields_by_name["value"],
        )
        for k in draw(st.lists(scalars(key_f), max_size=3, unique=True)):
            if value_f.message_type is not None:
                value[k].CopyFrom(draw(messages(value_f.message_type, depth + 1)))
            else:
                value[k] = draw(scalars(value_f))
    elif is_repeated(f) and f.message_type is not None:
        for sub in draw(st.lists(messages(f.message_type, depth + 1), max_size=3)):
            value.add().CopyFrom(sub)
    elif is_repeated(f):
        value.extend(draw(st.lists(scalars(f), max_size=4)))
    elif f.message_type is not None:
        value.SetInParent()  # present even when empty
        value.MergeFrom(draw(messages(f.message_type, depth + 1)))
    else:
        setattr(m, f.name, draw(scalars(f)))


# ------------------------------------------------------------ comparison


def same_scalar(a: Any, b: Any, where: str) -> None:
    assert type(a) is type(b), f"{where}: {a!r} vs {b!r}"
    if isinstance(a, float):  # bit for bit, so -0.0 and 0.0 differ
        assert struct.pack("<d", a) == struct.pack("<d", b), f"{where}: {a!r} vs {b!r}"
    else:
        assert a == b, f"{where}: {a!r} vs {b!r}"


def same_value(f: FieldDescriptor, a: Any, b: Any, where: str, shallow: bool = False) -> None:
    if f.message_type is not None:
        assert_same(a, b, where, shallow)
    else:
        same_scalar(a, b, where)


def assert_same(p: Message, w: Any, where: str = "", shallow: bool = False) -> None:
    """``w`` (msq.transport._wire) reads like ``p`` (protobuf) through the API from_pb code uses.

    Unset submessages are compared too (they read as defaults), but only one level
    down (``shallow``): Kinds.inner.back.inner... would never end.
    """
    desc = p.DESCRIPTOR
    where = where or desc.full_name
    for f in desc.fields:
        at = f"{where}.{f.name}"
        pv, wv = getattr(p, f.name), getattr(w, f.name)
        if is_map(f):
            value_f = f.message_type.fields_by_name["value"]
            assert sorted(wv) == sorted(pv), at
            assert len(wv) == len(pv) and len(dict(wv)) == len(pv), at
            for k, v in wv.items():
                same_value(value_f, pv[k], v, f"{at}[{k!r}]")
        elif is_repeated(f):
            assert len(list(wv)) == len(pv), at
            for i, (a, b) in enumerate(zip(pv, wv, strict=True)):
                same_value(f, a, b, f"{at}[{i}]")
        elif not (shallow and f.message_type is not None and not p.HasField(f.name)):
            unset = f.message_type is not None and not p.HasField(f.name)
            same_value(f, pv, wv, at, shallow or unset)
        if has_presence(f):
            assert w.HasField(f.name) == p.HasField(f.name), at
        else:  # both refuse, as proto3 tracks no presence there
            with pytest.raises(ValueError):
                p.HasField(f.name)
            with pytest.raises(ValueError):
                w.HasField(f.name)
    for o in desc.oneofs:
        assert w.WhichOneof(o.name) == p.WhichOneof(o.name), f"{where}:{o.name}"
    with pytest.raises(AttributeError):
        _ = w.no_such_field
    with pytest.raises(ValueError):
        w.HasField("no_such_field")
    with pytest.raises(ValueError):
        w.WhichOneof("no_such_oneof")


# The real converters, per message type: what the client makes of a response.
def _card(m: Any) -> Any:
    return types.Card.from_pb(m).to_json()


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "msq.v1.SearchResponse": lambda m: types.SearchResults.from_pb("q", m).to_json(),
    "msq.v1.SearchResult": lambda m: types.SearchResult.from_pb(m).to_json(),
    "msq.v1.SideResults": lambda m: types.Side.from_pb(m).to_json(),
    "msq.v1.SideReading": lambda m: plain(types.SideReading.from_pb(m)),
    "msq.v1.Constraint": lambda m: plain(types.Constraint.from_pb(m)),
    "msq.v1.ModelCard": _card,
    "msq.v1.GetModelResponse": lambda m: _card(m.card),
    "msq.v1.ListModelsResponse": lambda m: [[_card(c) for c in m.models], m.next_page_token],
    "msq.v1.FieldValue": lambda m: types.FieldInfo.from_pb(m).to_json(),
    "msq.v1.Component": lambda m: types.ComponentInfo.from_pb(m).to_json(),
    "msq.v1.StatusResponse": lambda m: types.Status.from_pb(m).to_json(),
    "msq.v1.RootsResponse": lambda m: [plain(types.Root.from_pb(r)) for r in m.roots],
    "msq.v1.IndexProgress": lambda m: plain(types.Progress.from_pb(m)),
    "msq.v1.CompareEvent": lambda m: plain(event_from_pb(m)),
    "google.protobuf.Value": types.value_from_pb,
}


def plain(x: Any) -> Any:
    """A result object as dicts and lists, whatever makes it a record (slots or not)."""
    if isinstance(x, (list, tuple)):
        return [plain(i) for i in x]
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (str, int, float, bytes)) or x is None:
        return x
    names = [n for c in type(x).__mro__ for n in getattr(c, "__slots__", ())]
    names += list(getattr(x, "__dict__", {}))
    fields = {n: plain(getattr(x, n)) for n in names if not n.startswith("__")}
    return {"type": type(x).__name__, **fields}


def as_json(x: Any) -> str:
    """Type-strict comparison: 1 and 1.0, 0.0 and -0.0 print differently."""
    return json.dumps(x, sort_keys=True)


# ------------------------------------------------------------ decode


@pytest.mark.parametrize("desc", msq_descriptors(), ids=lambda d: d.full_name)
@SETTINGS
@given(data=st.data())
def test_decode_matches_protobuf(desc: Descriptor, data: st.DataObject) -> None:
    m = data.draw(messages(desc))
    w = _wire.decode(desc.full_name, m.SerializeToString())
    assert_same(m, w)
    convert = CONVERTERS.get(desc.full_name)
    if convert is not None:
        assert as_json(convert(w)) == as_json(convert(m))


@pytest.mark.parametrize("desc", msq_descriptors(), ids=lambda d: d.full_name)
@SETTINGS
@given(data=st.data())
def test_concatenated_messages_merge_like_protobuf(desc: Descriptor, data: st.DataObject) -> None:
    """Data sent twice merges: last scalar wins, lists grow, messages and maps merge."""
    raw = data.draw(messages(desc)).SerializeToString()
    raw += data.draw(messages(desc)).SerializeToString()
    assert_same(pb_class(desc).FromString(raw), _wire.decode(desc.full_name, raw))


def test_every_message_type_is_tested() -> None:
    """msq_wire holds msq.proto's messages and the well-known types they use, no more."""
    used = {d.full_name for d in msq_pb2.DESCRIPTOR.message_types_by_name.values()}
    used |= {"google.protobuf.Value", "google.protobuf.Struct", "google.protobuf.ListValue"}
    used.add("google.protobuf.Timestamp")
    assert set(msq_wire.MESSAGES) == used
    assert set(CONVERTERS) <= used
    assert msq_wire.ENUMS == {"google.protobuf.NullValue": {"NULL_VALUE": 0}}


def test_decoded_defaults_read_like_protobuf() -> None:
    w = _wire.decode("msq.v1.SearchResponse", b"")
    assert (w.hidden, w.notice, w.server_ms, w.dense, w.results) == (0, "", 0.0, False, [])
    assert not w.HasField("progress") and w.progress.seen == 0 and w.progress.current_path == ""
    card = _wire.decode("msq.v1.ModelCard", b"")
    assert dict(card.fields) == {} and not card.HasField("created") and card.created.nanos == 0
    with pytest.raises(ValueError):
        card.HasField("fields")  # repeated and map fields have no presence
    with pytest.raises(ValueError):
        card.HasField("components")
    v = _wire.decode("google.protobuf.Value", b"\x08\x00")  # null_value = NULL_VALUE
    assert v.WhichOneof("kind") == "null_value" and v.null_value == 0
    assert types.value_from_pb(v) is None


def test_a_oneof_keeps_the_last_member_sent() -> None:
    number = b"\x11" + struct.pack("<d", 2.5)
    text = b"\x1a\x01x"
    assert _wire.decode("google.protobuf.Value", number + text).WhichOneof("kind") == "string_value"
    v = _wire.decode("google.protobuf.Value", text + number)
    assert v.WhichOneof("kind") == "number_value" and not v.HasField("string_value")
    assert v.string_value == ""


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\x28\x80", "truncated varint"),
        (b"\x28", "truncated varint"),
        (b"\x28" + b"\xff" * 10 + b"\x01", "varint longer than 10 bytes"),
        (b"\x32\x05abc", "length beyond the data"),
        (b"\x32\x80", "truncated varint"),
        (b"\x0a\x01\x08", "truncated varint"),  # inside a result: its own end counts
        (b"\x0a\x02\x08\x80\x01", "truncated varint"),
        (b"\x0a\x03\x08\x80", "length beyond the data"),
        (b"\x39\x00\x00\x00", "truncated"),  # server_ms: 8 bytes promised, 3 given
        (b"\x32\x02\xc3\x28", "invalid UTF-8"),
        (b"\x32\x03\xed\xa0\x80", "invalid UTF-8"),  # a lone surrogate
        (b"\x2a\x01\x00", "wire type 2 for a int32"),  # hidden sent as bytes
        (b"\x29" + b"\x00" * 8, "wire type 1 for a int32"),
        (b"\x0d\x00\x00\x00\x00", "wire type 5 for a message"),
        (b"\x00", "field number 0"),
        (b"\x01" + b"\x00" * 8, "field number 0"),
        (b"\xf8\xff\xff\xff\x7f\x00", "invalid tag"),  # beyond 32 bits
        (b"\xcc\x01", "unexpected wire type 4"),  # end of a group never started
        (b"\xce\x01", "unexpected wire type 6"),
        (b"\xcf\x01", "unexpected wire type 7"),
        (b"\xcb\x01\x08\x01", "unterminated group"),
        (b"\xcb\x01\xd4\x01", "mismatched end of group"),
        (b"\xc9\x01\x00", "unknown field runs past the data"),
        (b"\xca\x01\x05ab", "unknown field runs past the data"),
    ],
)
def test_malformed_input_is_a_wire_error(data: bytes, why: str) -> None:
    with pytest.raises(_wire.WireError, match=re.escape(why)):
        _wire.decode("msq.v1.SearchResponse", data)
    if "wire type" not in why or "unexpected" in why:  # the same verdict as protobuf
        with pytest.raises(DecodeError):
            msq_pb2.SearchResponse.FromString(data)


def test_nesting_is_limited_like_protobuf() -> None:
    def chain(n: int) -> bytes:
        """A FieldValue nested n deep in alternatives (field 7)."""
        raw = msq_pb2.FieldValue(how="leaf").SerializeToString()
        for _ in range(n):
            raw = b"\x3a" + varint(len(raw)) + raw
        return raw

    ok = chain(100)
    assert _wire.decode("msq.v1.FieldValue", ok).alternatives[0].how == ""
    msq_pb2.FieldValue.FromString(ok)
    with pytest.raises(_wire.WireError, match="nested too deep"):
        _wire.decode("msq.v1.FieldValue", chain(101))
    with pytest.raises(DecodeError):
        msq_pb2.FieldValue.FromString(chain(101))
    # Deep enough to exhaust Python's recursion without the limit: still a WireError.
    with pytest.raises(_wire.WireError):
        _wire.decode("msq.v1.FieldValue", chain(5000))


def test_unknown_fields_are_skipped() -> None:
    """Fields a newer msqd may add, of every wire type, inside and outside submessages."""
    known = msq_pb2.SearchResponse(notice="n", hidden=3)
    known.results.add(rank=2).card.model_id = "m"
    unknown = (
        b"\xc8\x3e\x96\x01"  # field 1000, varint
        + b"\xc9\x3e"
        + b"\x01" * 8  # fixed64
        + b"\xca\x3e\x03abc"  # length-delimited
        + b"\xcd\x3e\x01\x02\x03\x04"  # fixed32
        + b"\xcb\x3e\x08\x01\x13\x18\x02\x14\xcc\x3e"  # a group holding a group
        + b"\x5a\x01\xff"  # field 11: length-delimited, not valid UTF-8, unread
    )
    result = known.results[0].SerializeToString() + unknown
    raw = unknown + known.SerializeToString() + b"\x0a" + bytes([len(result)]) + result
    p = msq_pb2.SearchResponse.FromString(raw)
    w = _wire.decode("msq.v1.SearchResponse", raw)
    assert_same(p, w)
    assert [r.rank for r in w.results] == [2, 2] and w.notice == "n"


@pytest.mark.parametrize("desc", msq_descriptors(), ids=lambda d: d.full_name)
@SETTINGS
@given(data=st.data())
def test_damaged_data_fails_only_with_wire_error(desc: Descriptor, data: st.DataObject) -> None:
    """Random or damaged bytes: protobuf's verdict, and never another exception type."""
    raw = bytearray(data.draw(messages(desc)).SerializeToString())
    how = data.draw(st.sampled_from(["random", "truncate", "flip", "splice"]))
    if how == "random" or not raw:
        raw = bytearray(data.draw(st.binary(max_size=64)))
    elif how == "truncate":
        del raw[data.draw(st.integers(0, len(raw) - 1)) :]
    elif how == "flip":
        for _ in range(data.draw(st.integers(1, 3))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    else:
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=8))
    check_against_protobuf(desc, bytes(raw))


def check_against_protobuf(desc: Descriptor, raw: bytes) -> None:
    try:
        p = pb_class(desc).FromString(raw)
    except DecodeError:
        p = None
    try:
        w = _wire.decode(desc.full_name, raw)
    except _wire.WireError as e:
        # protobuf keeps a field with the wrong wire type as an unknown field; msq.transport._wire
        # refuses it (such bytes come from another message type, not from msqd). And upb
        # lets a run of zero bytes (field number 0) through for a message without fields.
        expected = p is None or "wire type" in str(e)
        assert expected or (str(e) == "field number 0" and not desc.fields), (e, raw)
        return
    assert p is not None, f"protobuf refuses what msq.transport._wire accepted: {raw!r}"
    assert_same(p, w)


def test_every_prefix_of_a_response() -> None:
    m = realistic_search_response(3)
    raw = m.SerializeToString()
    desc = m.DESCRIPTOR
    for n in range(len(raw) + 1):
        check_against_protobuf(desc, raw[:n])


# ------------------------------------------------------------ encode


def to_dict(m: Message) -> dict[str, Any]:
    """The dict form msq.transport._wire.encode takes; scalars always, so defaults must be dropped."""
    out: dict[str, Any] = {}
    for f in m.DESCRIPTOR.fields:
        v = getattr(m, f.name)
        if has_presence(f) and not m.HasField(f.name):
            continue
        if is_map(f):
            value_f = f.message_type.fields_by_name["value"]
            out[f.name] = {
                k: to_dict(x) if value_f.message_type is not None else x for k, x in v.items()
            }
        elif is_repeated(f):
            out[f.name] = [to_dict(x) if f.message_type is not None else x for x in v]
        else:
            out[f.name] = to_dict(v) if f.message_type is not None else v
    return out


@pytest.mark.parametrize("desc", msq_descriptors(), ids=lambda d: d.full_name)
@SETTINGS
@given(data=st.data())
def test_encode_matches_protobuf(desc: Descriptor, data: st.DataObject) -> None:
    m = data.draw(messages(desc))
    raw = _wire.encode(desc.full_name, to_dict(m))
    assert pb_class(desc).FromString(raw) == m
    if not has_long_map(m):
        assert raw == m.SerializeToString(deterministic=True)


def has_long_map(m: Message) -> bool:
    """Whether a map anywhere in ``m`` has two entries or more.

    Byte equality stops there: msq.transport._wire writes map entries in key order, upb's
    "deterministic" order puts "ab" before "a" (common prefix, then the longer key).
    """
    for f, v in m.ListFields():
        value_f = f.message_type.fields_by_name.get("value") if is_map(f) else None
        if is_map(f) and (
            len(v) > 1 or (value_f.message_type and any(map(has_long_map, v.values())))
        ):
            return True
        if not is_map(f) and f.message_type is not None:
            subs = v if is_repeated(f) else [v]
            if any(map(has_long_map, subs)):
                return True
    return False


def request_types() -> list[str]:
    """The input of every method; client.py calls only methods of the table."""
    names = {m[0] for service in msq_wire.SERVICES.values() for m in service.values()}
    text = (REPO / "client" / "msq" / "client.py").read_text()
    called = set(re.findall(r"self\._(?:call|stream)\(\s*\"(\w+)\"", text))
    assert len(called) >= 8  # Search, GetModel, ListModels, Status, ..., Compare, Reindex
    assert called <= set(msq_wire.SERVICES["msq.v1.ModelSearch"])
    return sorted(names)


@pytest.mark.parametrize("name", request_types())
@SETTINGS
@given(data=st.data())
def test_requests_encode_like_protobuf(name: str, data: st.DataObject) -> None:
    """Requests as client.py builds them: dicts of the message's fields."""
    desc = descriptor_pool.Default().FindMessageTypeByName(name)
    kwargs: dict[str, Any] = {}
    for f in desc.fields:
        if data.draw(st.booleans()):
            assert f.message_type is None, "a request with a message field needs a strategy"
            s = scalars(f)
            kwargs[f.name] = data.draw(st.lists(s, max_size=4) if is_repeated(f) else s)
    raw = _wire.encode(name, kwargs)
    expected = pb_class(desc)(**kwargs)
    assert raw == expected.SerializeToString()
    parsed = pb_class(desc).FromString(raw)
    for f in desc.fields:
        got = getattr(parsed, f.name)
        expected = kwargs.get(f.name, [] if is_repeated(f) else f.default_value)
        assert (list(got) if is_repeated(f) else got) == expected, f.name


def test_map_entries_read_like_protobuf() -> None:
    """Entries lacking a key or a value read as defaults; one with unknown fields is dropped.

    protobuf never writes such entries, so the random messages above never hold one.
    """
    cases = {
        b"\x12\x02\x10\x05": {"": 5},  # value only
        b"\x12\x03\x0a\x01a": {"a": 0},  # key only
        b"\x12\x00": {"": 0},
        b"\x12\x05\x0a\x01a\x18\x05": {},  # field 3 in an entry: protobuf keeps it aside
        b"\x12\x03\x0a\x01a\x12\x05\x0a\x01a\x10\x07": {"a": 7},  # the last entry wins
    }
    for raw, counts in cases.items():
        w = _wire.decode("msq.v1.StatusResponse", raw)
        assert dict(w.counts) == counts, raw
        check_against_protobuf(msq_pb2.StatusResponse.DESCRIPTOR, raw)
    card = _wire.decode("msq.v1.ModelCard", b"\x72\x05\x0a\x03lr_")  # no FieldValue
    assert card.fields["lr_"].line == 0 and not card.fields["lr_"].HasField("value")
    check_against_protobuf(msq_pb2.ModelCard.DESCRIPTOR, b"\x72\x05\x0a\x03lr_")


def test_maps_encode_in_key_order() -> None:
    """Whatever order the dict has: the same request is the same bytes."""
    forward = _wire.encode("msq.v1.StatusResponse", {"counts": {"a": 1, "b": 2, "c": 3}})
    backward = _wire.encode("msq.v1.StatusResponse", {"counts": {"c": 3, "b": 2, "a": 1}})
    assert forward == backward
    assert forward == b"".join(
        b"\x12\x05\x0a\x01" + k + bytes([0x10, v]) for k, v in ((b"a", 1), (b"b", 2), (b"c", 3))
    )


def test_encode_refuses_what_protobuf_refuses() -> None:
    enc = _wire.encode
    with pytest.raises(ValueError, match="no field 'qurey'"):
        enc("msq.v1.SearchRequest", {"qurey": "x"})
    with pytest.raises(TypeError):
        enc("msq.v1.SearchRequest", {"limit": "10"})
    with pytest.raises(TypeError):
        enc("msq.v1.SearchRequest", {"query": b"x"})
    with pytest.raises(TypeError):
        enc("msq.v1.SearchRequest", {"limit": 1.5})
    with pytest.raises(ValueError, match="out of range"):
        enc("msq.v1.SearchRequest", {"limit": 2**31})
    with pytest.raises(ValueError, match="out of range"):
        enc("msq.v1.IndexProgress", {"seen": -(2**63) - 1})
    with pytest.raises(TypeError):
        enc("msq.v1.SearchResponse", {"progress": 3})
    with pytest.raises(ValueError, match="more than one field of oneof 'kind'"):
        enc("google.protobuf.Value", {"number_value": 1.0, "string_value": "x"})
    with pytest.raises(KeyError):
        enc("msq.v1.NoSuchRequest", {})
    with pytest.raises(KeyError):
        _wire.decode("msq.v1.NoSuchResponse", b"")
    # None is "not set", for every kind of field.
    assert enc("msq.v1.SearchResponse", dict.fromkeys(["results", "progress", "notice"])) == b""


# ------------------------------------------------------------ every scalar kind

SCRATCH_PROTO = """
syntax = "proto3";
package wiretest;

enum Color { COLOR_UNSET = 0; RED = 1; BLUE = -2; }

message Kinds {
  message Inner { sint32 x = 1; repeated Inner children = 2; Kinds back = 3; }
  double d = 1; float f = 2; int32 i32 = 3; int64 i64 = 4; uint32 u32 = 5; uint64 u64 = 6;
  sint32 s32 = 7; sint64 s64 = 8; fixed32 fx32 = 9; fixed64 fx64 = 10;
  sfixed32 sf32 = 11; sfixed64 sf64 = 12; bool b = 13; string s = 14; bytes by = 15;
  Color color = 16;
  optional int32 maybe = 17;
  optional string maybe_s = 18;
  repeated double rd = 21; repeated float rf = 22; repeated int32 ri32 = 23;
  repeated int64 ri64 = 24; repeated uint32 ru32 = 25; repeated uint64 ru64 = 26;
  repeated sint32 rs32 = 27; repeated sint64 rs64 = 28; repeated fixed32 rfx32 = 29;
  repeated fixed64 rfx64 = 30; repeated sfixed32 rsf32 = 31; repeated sfixed64 rsf64 = 32;
  repeated bool rb = 33; repeated Color rcolor = 34; repeated string rs = 35;
  repeated bytes rby = 36;
  repeated int32 unpacked = 40 [packed = false];
  repeated sint64 unpacked_s = 41 [packed = false];
  repeated double unpacked_d = 42 [packed = false];
  map<int32, string> m_i32 = 50; map<sint64, bytes> m_s64 = 51; map<bool, Kinds> m_bool = 52;
  map<uint64, Color> m_enum = 53; map<fixed32, double> m_fx = 54; map<string, Inner> m_msg = 55;
  Inner inner = 60; repeated Inner inners = 61;
  oneof choice { int64 c_int = 70; string c_str = 71; Inner c_msg = 72; bytes c_bytes = 73; }
  int32 last = 536870911;
}
"""


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> tuple[_wire.Schema, Descriptor]:
    """The scratch proto through scripts/gen_protos.py: its schema, and protobuf's view."""
    gen = load_gen_protos()
    root = tmp_path_factory.mktemp("scratch")
    (root / "kinds.proto").write_text(SCRATCH_PROTO)
    fds = gen.descriptor_set(root / "kinds.proto", root)
    tables = gen.wire_tables(fds)
    # The rendered module must say exactly what the tables say.
    rendered: dict[str, Any] = {}
    exec(compile(gen.wire_module(fds, "kinds.proto"), "msq_wire", "exec"), rendered)
    assert {k: rendered[k] for k in tables} == tables
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.AddSerializedFile(f.SerializeToString())
    return _wire.Schema(tables["MESSAGES"]), pool.FindMessageTypeByName("wiretest.Kinds")


@settings(SETTINGS, max_examples=150)
@given(data=st.data())
def test_every_scalar_kind(scratch: tuple[_wire.Schema, Descriptor], data: st.DataObject) -> None:
    schema, desc = scratch
    m = data.draw(messages(desc))
    raw = m.SerializeToString()
    assert_same(m, schema.decode(desc.full_name, raw))
    encoded = schema.encode(desc.full_name, to_dict(m))
    assert pb_class(desc).FromString(encoded) == m
    if not has_long_map(m):
        assert encoded == m.SerializeToString(deterministic=True)
    assert_same(pb_class(desc).FromString(raw + raw), schema.decode(desc.full_name, raw + raw))


def test_packed_and_unpacked_are_both_read(scratch: tuple[_wire.Schema, Descriptor]) -> None:
    """A packed field may arrive unpacked and the reverse; both forms may mix."""
    schema, desc = scratch
    packed_ri32 = b"\xba\x01\x03\x01\x7f\x02"  # ri32 (23): [1, 127, 2] packed
    unpacked_ri32 = b"\xb8\x01\x05"  # ri32: 5, unpacked
    packed_unpacked = b"\xc2\x02\x02\x03\x04"  # unpacked (40), sent packed: [3, 4]
    raw = packed_ri32 + unpacked_ri32 + packed_unpacked + b"\xc0\x02\x09"
    w = schema.decode(desc.full_name, raw)
    p = pb_class(desc).FromString(raw)
    assert list(w.ri32) == list(p.ri32) == [1, 127, 2, 5]
    assert list(w.unpacked) == list(p.unpacked) == [3, 4, 9]
    assert schema.encode(desc.full_name, {"unpacked": [1, 2]}) == b"\xc0\x02\x01\xc0\x02\x02"
    with pytest.raises(_wire.WireError, match="truncated"):
        schema.decode(desc.full_name, b"\xaa\x01\x05" + b"\x00" * 5)  # rd (21): 5 of 8 bytes


def test_a_double_too_large_for_a_float_is_infinity(
    scratch: tuple[_wire.Schema, Descriptor],
) -> None:
    schema, desc = scratch
    for v in (1e40, -1e40, 3.4028235e38, 3.4028235677973366e38, 2.0**-150):
        expected = pb_class(desc)(f=v).SerializeToString()
        assert schema.encode(desc.full_name, {"f": v}) == expected, v


def test_large_varints_read_like_protobuf(scratch: tuple[_wire.Schema, Descriptor]) -> None:
    """int32 takes the low 32 bits of a wide varint; a 10th byte's extra bits wrap."""
    schema, desc = scratch
    for raw in (
        b"\x18" + b"\xff" * 9 + b"\x01",  # i32 = -1, as a 10-byte varint
        b"\x18\x85\x80\x80\x80\x10",  # i32: 2**32 + 5 -> 5
        b"\x20" + b"\xff" * 9 + b"\x7f",  # i64: a 10th byte with extra bits
        b"\x28\xff\xff\xff\xff\x1f",  # u32: more than 32 bits
        b"\x38\xff\xff\xff\xff\x1f",  # s32: more than 32 bits
        b"\x80\x01\xfe\xff\xff\xff\x0f",  # color: an unnamed value
        b"\x68\x80\x01",  # b: a bool sent as 128
    ):
        check = pb_class(desc).FromString(raw)
        assert_same(check, schema.decode(desc.full_name, raw))


# ------------------------------------------------------------ import cost


def test_no_protobuf_at_import() -> None:
    """msq.transport._wire exists to spare the CLI google.protobuf: it must not import it."""
    code = (
        "import json, sys; import msq.transport; before = set(sys.modules); "
        "import msq.transport._wire, msq.v1.msq_wire; "
        "print(json.dumps([sorted(set(sys.modules) - before), sorted(sys.modules)]))"
    )
    run = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    added, loaded = json.loads(run.stdout)
    assert set(added) <= {
        "msq.transport._wire",
        "msq.transport._wire_encode",
        "msq.v1",
        "msq.v1.msq_wire",
        "struct",
        "_struct",
    }
    assert "msq.transport._wire" in added
    assert not [m for m in loaded if m.split(".")[0] == "google"]


# ------------------------------------------------------------ a realistic response


def varint(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    return bytes([*out, n])


def realistic_search_response(n: int) -> msq_pb2.SearchResponse:
    """What a search answers: full cards with provenance, components, a reading."""
    resp = msq_pb2.SearchResponse(notice="", hidden=4, server_ms=12.5, dense=True)
    resp.reading.summary = "diffusion + CIFAR-10"
    c = resp.reading.constraints.add(field="dataset", op="=", source="cifar", hard=True)
    c.value.string_value = "CIFAR-10"
    resp.progress.completeness = 1.0
    for i in range(n):
        r = resp.results.add(rank=i + 1, score=1.0 / (i + 1), distance=0.25, lexical=3.5)
        r.explain.extend(["dense 0.75", "bm25 3.5"])
        card = r.card
        card.model_id = f"proj/train_{i}.py"
        card.path = f"/home/u/proj/train_{i}.py"
        card.project = "proj"
        card.size = 12345
        card.created.seconds, card.created.nanos = 1_700_000_000, 5
        card.modified.seconds = 1_700_000_100
        card.sha256 = "ab" * 32
        card.language, card.status = "py", "ok"
        card.description = "A UNet diffusion model trained on CIFAR-10 with AdamW."
        for j, (k, v) in enumerate(
            {
                "learning_rate": 2e-4,
                "batch_size": 128,
                "epochs": 500,
                "optimizer": "AdamW",
                "dataset": "CIFAR-10",
                "framework": "pytorch",
                "task": "generation",
                "architecture": "UNet",
                "loss": "mse",
                "scheduler": "cosine",
                "weight_decay": 0.01,
                "image_size": 32,
                "mixed_precision": True,
                "betas": [0.9, 0.999],
                "devices": {"gpus": 4, "kind": "A100"},
            }.items()
        ):
            fv = card.fields[k]
            fv.value.CopyFrom(to_value(v))
            fv.line, fv.how, fv.detail = 10 + j, "constant", k.upper()
            if j % 5 == 0:
                fv.alternatives.add(line=99, how="argparse-default").value.number_value = 1e-3
        for name in ("UNet", "ResBlock", "Attention"):
            comp = card.components.add(name=name, base="nn.Module", line=40)
            comp.layers.update({"Conv2d": 8, "GroupNorm": 8, "Linear": 2})
            comp.uses.extend(["ResBlock", "Attention"][: len(name) % 3])
    return resp


def to_value(v: Any) -> Any:
    from google.protobuf import struct_pb2

    out = struct_pb2.Value()
    if isinstance(v, bool):
        out.bool_value = v
    elif isinstance(v, (int, float)):
        out.number_value = v
    elif isinstance(v, str):
        out.string_value = v
    elif isinstance(v, list):
        out.list_value.values.extend(to_value(x) for x in v)
    else:
        for k, x in v.items():
            out.struct_value.fields[k].CopyFrom(to_value(x))
    return out


def test_realistic_response_converts_the_same() -> None:
    m = realistic_search_response(10)
    w = _wire.decode("msq.v1.SearchResponse", m.SerializeToString())
    assert_same(m, w)
    ours = types.SearchResults.from_pb("q", w)
    assert ours == types.SearchResults.from_pb("q", m)
    assert ours.results[0].card.value("devices") == {"gpus": 4, "kind": "A100"}
    assert ours.results[0].card.created == 1_700_000_000 + 5e-9
