"""msq.transport._hpack against the hpack package, the reference it replaced in
msq.transport._h2.

grpc-core encodes with the dynamic table and Huffman coding, so the decoder is compared
with hpack over whole connections (several blocks, shrinking tables, evictions), on
malformed blocks and on arbitrary bytes. The point of the module is its import cost, so
that is checked too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import hpack
import pytest
from hpack.hpack import encode_integer
from hpack.huffman import HuffmanEncoder
from hpack.huffman_constants import REQUEST_CODES, REQUEST_CODES_LENGTH
from hpack.table import HeaderTable
from hypothesis import given, settings
from hypothesis import strategies as st

from msq.transport import _hpack

SOURCE = Path(_hpack.__file__)
GRPC_NAMES = ["content-type", "grpc-status", "grpc-message", "grpc-encoding", "te"]
STATIC_NAMES = sorted({n.decode() for n, _ in HeaderTable.STATIC_TABLE})
STATIC_VALUES = sorted({v.decode() for _, v in HeaderTable.STATIC_TABLE})

names = st.one_of(
    st.sampled_from(STATIC_NAMES + GRPC_NAMES),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=20),
)
values = st.one_of(
    st.sampled_from([*STATIC_VALUES, "0", "application/grpc", "identity,deflate,gzip"]),
    st.text(max_size=40),  # any code point, so every Huffman symbol turns up
    st.text("abcdefghijklmnopqrstuvwxyz%", min_size=120, max_size=300),  # multi-octet lengths
)
# (name, value, sensitive): hpack never indexes a sensitive field (RFC 7541 6.2.3).
fields = st.lists(st.tuples(names, values, st.booleans()), max_size=12)
# Few and short, for tests that decode every prefix of a block.
short_fields = st.lists(
    st.tuples(
        names, st.one_of(st.sampled_from(STATIC_VALUES), st.text(max_size=20)), st.booleans()
    ),
    max_size=6,
)
# Small sizes make hpack's encoder evict, and hold entries larger than the table.
table_sizes = st.one_of(st.integers(0, 300), st.sampled_from([0, 64, 4096]))


def ref_decode(decoder: hpack.Decoder, block: bytes) -> list[tuple[str, str]]:
    return [(str(n), str(v)) for n, v in decoder.decode(block)]


@settings(deadline=None)
@given(
    blocks=st.lists(
        # unique: hpack's encoder forgets pending size changes when it is given the same
        # size twice in a row (HeaderTable.maxsize recomputes ``resized``).
        st.tuples(st.lists(table_sizes, max_size=2, unique=True), fields, st.booleans()),
        min_size=1,
        max_size=6,
    )
)
def test_decodes_a_connection_of_hpack_blocks(
    blocks: list[tuple[list[int], list[tuple[str, str, bool]], bool]],
) -> None:
    encoder, decoder = hpack.Encoder(), _hpack.Decoder()
    for sizes, headers, huffman in blocks:
        for size in sizes:  # emitted as size updates at the start of the next block
            encoder.header_table_size = size
        block = encoder.encode(headers, huffman=huffman)
        assert decoder.decode(block) == [(n, v) for n, v, _ in headers]


def test_eviction_and_table_size_updates() -> None:
    ours, ref = _hpack.Decoder(), hpack.Decoder()

    def both(block: bytes) -> list[tuple[str, str]]:
        expected = ref_decode(ref, block)
        assert ours.decode(block) == expected
        return expected

    def neither(block: bytes) -> None:
        with pytest.raises(hpack.HPACKError):
            ref.decode(block)
        with pytest.raises(_hpack.HPACKError):
            ours.decode(block)

    # Shrink to 100 octets; an entry of 4+30+32 = 66 octets fits, index 62.
    assert both(b"\x3f\x45" + b"\x40\x04aaaa\x1e" + b"b" * 30) == [("aaaa", "b" * 30)]
    assert both(b"\xbe") == [("aaaa", "b" * 30)]
    # One of 1+1+32 = 34 fills the table exactly: nothing is evicted.
    assert both(b"\x40\x01x\x01y\xbf") == [("x", "y"), ("aaaa", "b" * 30)]
    # The next evicts the oldest, and only it.
    assert both(b"\x40\x01z\x01w\xbf") == [("z", "w"), ("x", "y")]
    neither(b"\xc0")
    # One of 113 octets, larger than the whole table, empties it and is not added.
    assert both(b"\x40\x01e\x50" + b"f" * 80) == [("e", "f" * 80)]
    neither(b"\xbe")
    # Two updates in a row (0, then 4096) also empty the table, which then grows again.
    both(b"\x40\x01g\x01h")
    neither(b"\x20\x3f\xe1\x1f\xbe")
    assert both(b"\x20\x3f\xe1\x1f" + b"\x40\x01i\x01j" + b"\xbe") == [("i", "j")] * 2
    # A literal whose indexed name is the dynamic entry it is about to push along.
    assert both(b"\x7e\x01k\xbf") == [("i", "k"), ("i", "j")]


@settings(deadline=None)
@given(st.lists(st.tuples(names, values)))
def test_encoded_headers_decode_with_hpack(headers: list[tuple[str, str]]) -> None:
    block = _hpack.encode_headers(headers)
    ref = hpack.Decoder()
    assert ref_decode(ref, block) == headers
    assert not ref.header_table.dynamic_entries  # no indexing: stateless as documented
    assert _hpack.Decoder().decode(block) == headers


def test_encoding_is_plain_literals() -> None:
    # Without indexing, new name, no Huffman: readable on the wire.
    assert _hpack.encode_headers([("te", "trailers")]) == b"\x00\x02te\x08trailers"
    assert _hpack.encode_headers([("a", "b" * 200)]) == b"\x00\x01a\x7f\x49" + b"b" * 200
    assert _hpack.encode_headers([]) == b""


@settings(deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 8))
def test_integers_match_hpack(value: int, prefix_bits: int) -> None:
    raw = bytes(encode_integer(value, prefix_bits))
    assert _hpack._integer_bytes(value, prefix_bits) == raw
    # The bits above the prefix belong to the representation, not to the integer.
    flagged = bytes([raw[0] | (0xFF << prefix_bits & 0xFF)]) + raw[1:]
    assert _hpack._integer(b"\x00" + flagged + b"\x00", 1, prefix_bits) == (value, 1 + len(raw))


def test_tables_match_hpack() -> None:
    assert _hpack._STATIC == HeaderTable.STATIC_TABLE
    assert tuple(zip(REQUEST_CODES, REQUEST_CODES_LENGTH, strict=True)) == _hpack._HUFFMAN


@settings(deadline=None)
@given(st.binary(max_size=300))
def test_huffman_round_trip(data: bytes) -> None:
    coded = HuffmanEncoder(REQUEST_CODES, REQUEST_CODES_LENGTH).encode(data)
    assert _hpack._huffman_decode(coded) == data


def test_huffman_every_symbol() -> None:
    data = bytes(range(256)) * 2
    coded = HuffmanEncoder(REQUEST_CODES, REQUEST_CODES_LENGTH).encode(data)
    assert _hpack._huffman_decode(coded) == data


MALFORMED = {
    "index 0": b"\x80",
    "index 62, dynamic table empty": b"\xbe",
    "index 255": b"\xff\x80\x01",
    "literal name index 79": b"\x7f\x10\x01a",
    "integer without its continuation": b"\xff",
    "integer ending mid-continuation": b"\xff\x80",
    # A name length of 127 in 6 continuation octets, one more than hpack allows.
    "integer of 6 continuation octets": b"\x00\x7f" + b"\x80" * 5 + b"\x00" + b"n" * 127 + b"\x00",
    "literal without name": b"\x40",
    "name cut short": b"\x40\x05abc",
    "literal without value": b"\x40\x01a",
    "value cut short": b"\x40\x01a\x05ab",
    "table size 4097, above the settings": b"\x3f\xe2\x1f",
    "table size update after a field": b"\x82\x20",
    "huffman padding of zeros": b"\x00\x81\x18\x00",  # 'a' = 00011, then 000
    "huffman padding of 11 bits": b"\x00\x82\x1f\xff\x00",  # 'a', then 11 ones
    "huffman string of only padding": b"\x00\x81\xff\x00",
    "huffman EOS": b"\x00\x84\xff\xff\xff\xff\x00",  # 30 ones, then 2 of padding
    "huffman code cut short": b"\x00\x81\xfe\x00",  # the first 8 of '!' = 1111111000
    "name not UTF-8": b"\x00\x01\xff\x00",
    "header list over 64 KiB": (
        b"\x40\x01a" + bytes(encode_integer(4000, 7)) + b"v" * 4000 + b"\xbe" * 16
    ),
}


def test_integer_length_bound_is_hpacks() -> None:
    # The same name length of 127 in 5 continuation octets: long-winded but accepted.
    block = b"\x00\x7f" + b"\x80" * 4 + b"\x00" + b"n" * 127 + b"\x00"
    assert ref_decode(hpack.Decoder(), block) == [("n" * 127, "")]
    assert _hpack.Decoder().decode(block) == [("n" * 127, "")]


@pytest.mark.parametrize("block", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_blocks_raise(block: bytes) -> None:
    with pytest.raises(hpack.HPACKError):  # the reference agrees it is malformed
        hpack.Decoder().decode(block)
    with pytest.raises(_hpack.HPACKError):
        _hpack.Decoder().decode(block)


@settings(deadline=None)
@given(short_fields, st.booleans())
def test_every_truncation_decodes_as_hpack_does(
    headers: list[tuple[str, str, bool]], huffman: bool
) -> None:
    block = hpack.Encoder().encode(headers, huffman=huffman)
    for cut in range(len(block)):
        try:
            expected = ref_decode(hpack.Decoder(), block[:cut])
        except hpack.HPACKError:
            with pytest.raises(_hpack.HPACKError):
                _hpack.Decoder().decode(block[:cut])
        else:
            assert _hpack.Decoder().decode(block[:cut]) == expected


@st.composite
def mangled_block(draw: st.DrawFn) -> bytes:
    """An hpack-encoded block with a few octets overwritten: errors deep inside a field."""
    block = bytearray(hpack.Encoder().encode(draw(fields), huffman=draw(st.booleans())))
    for _ in range(draw(st.integers(1, 3)) if block else 0):
        block[draw(st.integers(0, len(block) - 1))] = draw(st.integers(0, 255))
    return bytes(block)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=40), mangled_block()), min_size=1, max_size=4))
def test_any_bytes_decode_as_hpack_does(blocks: list[bytes]) -> None:
    # Anything but HPACKError escaping would surface to msq users instead of the grpc
    # fallback; agreeing with hpack shows that nothing changed for msq.transport._h2.
    ours, ref = _hpack.Decoder(), hpack.Decoder()
    for block in blocks:
        try:
            expected = ref_decode(ref, block)
        except hpack.HPACKError:
            with pytest.raises(_hpack.HPACKError):
                ours.decode(block)
            return  # the connection is dead after an error
        assert ours.decode(block) == expected


def python(*args: str) -> str:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def test_module_imports_nothing() -> None:
    # -S: without site, re and friends are not loaded yet, so any import would show.
    # The source runs outside its package because msq/__init__ imports typing.
    block = hpack.Encoder().encode([("grpc-status", "0"), ("x", "y")], huffman=True)
    probe = (
        "import sys\n"
        f"src = open({str(SOURCE)!r}, encoding='utf-8').read()\n"
        "before = set(sys.modules)\n"
        "ns = {'__name__': 'probe'}\n"
        f"exec(compile(src, {str(SOURCE)!r}, 'exec'), ns)\n"
        f"assert ns['Decoder']().decode({block!r}) == [('grpc-status', '0'), ('x', 'y')]\n"
        "ns['encode_headers']([('a', 'b')])\n"
        "print(*sorted(set(sys.modules) - before))\n"
    )
    assert set(python("-S", "-c", probe).split()) <= {"__future__"}


def test_h2_no_longer_imports_hpack() -> None:
    probe = (
        "import sys, msq.transport\n"
        "before = set(sys.modules)\n"
        "import msq.transport._hpack\n"
        "print(*sorted(set(sys.modules) - before))\n"
        "import msq.transport._h2\n"
        "print(*sorted(m for m in ('hpack', 'logging') if m in sys.modules))\n"
    )
    own, heavy = python("-c", probe).split("\n")[:2]
    assert own.split() == ["msq.transport._hpack"]
    assert heavy.split() == []
