"""HPACK (RFC 7541) for msq.transport._h2: a literal-only encoder and a complete decoder.

Why not the ``hpack`` package: importing it costs 5-7 ms (mostly ``logging``), a real
share of a CLI call that should feel instant. A unary call needs little of HPACK. Our
requests go out as plain literals, which keeps the encoder stateless. grpc-core's
responses, however, use the dynamic table and Huffman coding, so the decoder must be
complete.

This module imports nothing beyond ``__future__``, so importing it costs about as much
as loading its two constant tables (tests check that it pulls in no module). The Huffman
table is RFC 7541 Appendix B as transcribed by the ``hpack`` package (MIT); tests compare
both tables with hpack's.
"""

from __future__ import annotations

# RFC 7541 Appendix A: index 1 is _STATIC[0].
# fmt: off
_STATIC: tuple[tuple[bytes, bytes], ...] = (
    (b":authority", b""), (b":method", b"GET"), (b":method", b"POST"), (b":path", b"/"),  # 1-4
    (b":path", b"/index.html"), (b":scheme", b"http"), (b":scheme", b"https"),  # 5-7
    (b":status", b"200"), (b":status", b"204"), (b":status", b"206"), (b":status", b"304"),  # 8-11
    (b":status", b"400"), (b":status", b"404"), (b":status", b"500"),  # 12-14
    (b"accept-charset", b""), (b"accept-encoding", b"gzip, deflate"),  # 15-16
    (b"accept-language", b""), (b"accept-ranges", b""), (b"accept", b""),  # 17-19
    (b"access-control-allow-origin", b""), (b"age", b""), (b"allow", b""),  # 20-22
    (b"authorization", b""), (b"cache-control", b""), (b"content-disposition", b""),  # 23-25
    (b"content-encoding", b""), (b"content-language", b""), (b"content-length", b""),  # 26-28
    (b"content-location", b""), (b"content-range", b""), (b"content-type", b""),  # 29-31
    (b"cookie", b""), (b"date", b""), (b"etag", b""), (b"expect", b""), (b"expires", b""),  # 32-36
    (b"from", b""), (b"host", b""), (b"if-match", b""), (b"if-modified-since", b""),  # 37-40
    (b"if-none-match", b""), (b"if-range", b""), (b"if-unmodified-since", b""),  # 41-43
    (b"last-modified", b""), (b"link", b""), (b"location", b""), (b"max-forwards", b""),  # 44-47
    (b"proxy-authenticate", b""), (b"proxy-authorization", b""), (b"range", b""),  # 48-50
    (b"referer", b""), (b"refresh", b""), (b"retry-after", b""), (b"server", b""),  # 51-54
    (b"set-cookie", b""), (b"strict-transport-security", b""),  # 55-56
    (b"transfer-encoding", b""), (b"user-agent", b""), (b"vary", b""), (b"via", b""),  # 57-60
    (b"www-authenticate", b""),  # 61
)
# fmt: on

# RFC 7541 Appendix B: (code, bit length) of symbols 0-255 and of EOS (256).
# fmt: off
_HUFFMAN: tuple[tuple[int, int], ...] = (
    (0x1FF8, 13), (0x7FFFD8, 23), (0xFFFFFE2, 28), (0xFFFFFE3, 28), (0xFFFFFE4, 28),  # 0-4
    (0xFFFFFE5, 28), (0xFFFFFE6, 28), (0xFFFFFE7, 28), (0xFFFFFE8, 28), (0xFFFFEA, 24),  # 5-9
    (0x3FFFFFFC, 30), (0xFFFFFE9, 28), (0xFFFFFEA, 28), (0x3FFFFFFD, 30), (0xFFFFFEB, 28),  # 10-14
    (0xFFFFFEC, 28), (0xFFFFFED, 28), (0xFFFFFEE, 28), (0xFFFFFEF, 28), (0xFFFFFF0, 28),  # 15-19
    (0xFFFFFF1, 28), (0xFFFFFF2, 28), (0x3FFFFFFE, 30), (0xFFFFFF3, 28), (0xFFFFFF4, 28),  # 20-24
    (0xFFFFFF5, 28), (0xFFFFFF6, 28), (0xFFFFFF7, 28), (0xFFFFFF8, 28), (0xFFFFFF9, 28),  # 25-29
    (0xFFFFFFA, 28), (0xFFFFFFB, 28), (0x14, 6), (0x3F8, 10), (0x3F9, 10), (0xFFA, 12),  # 30-35
    (0x1FF9, 13), (0x15, 6), (0xF8, 8), (0x7FA, 11), (0x3FA, 10), (0x3FB, 10), (0xF9, 8),  # 36-42
    (0x7FB, 11), (0xFA, 8), (0x16, 6), (0x17, 6), (0x18, 6), (0x0, 5), (0x1, 5), (0x2, 5),  # 43-50
    (0x19, 6), (0x1A, 6), (0x1B, 6), (0x1C, 6), (0x1D, 6), (0x1E, 6), (0x1F, 6), (0x5C, 7),  # 51-58
    (0xFB, 8), (0x7FFC, 15), (0x20, 6), (0xFFB, 12), (0x3FC, 10), (0x1FFA, 13), (0x21, 6),  # 59-65
    (0x5D, 7), (0x5E, 7), (0x5F, 7), (0x60, 7), (0x61, 7), (0x62, 7), (0x63, 7), (0x64, 7),  # 66-73
    (0x65, 7), (0x66, 7), (0x67, 7), (0x68, 7), (0x69, 7), (0x6A, 7), (0x6B, 7), (0x6C, 7),  # 74-81
    (0x6D, 7), (0x6E, 7), (0x6F, 7), (0x70, 7), (0x71, 7), (0x72, 7), (0xFC, 8), (0x73, 7),  # 82-89
    (0xFD, 8), (0x1FFB, 13), (0x7FFF0, 19), (0x1FFC, 13), (0x3FFC, 14), (0x22, 6),  # 90-95
    (0x7FFD, 15), (0x3, 5), (0x23, 6), (0x4, 5), (0x24, 6), (0x5, 5), (0x25, 6),  # 96-102
    (0x26, 6), (0x27, 6), (0x6, 5), (0x74, 7), (0x75, 7), (0x28, 6), (0x29, 6),  # 103-109
    (0x2A, 6), (0x7, 5), (0x2B, 6), (0x76, 7), (0x2C, 6), (0x8, 5), (0x9, 5), (0x2D, 6),  # 110-117
    (0x77, 7), (0x78, 7), (0x79, 7), (0x7A, 7), (0x7B, 7), (0x7FFE, 15), (0x7FC, 11),  # 118-124
    (0x3FFD, 14), (0x1FFD, 13), (0xFFFFFFC, 28), (0xFFFE6, 20), (0x3FFFD2, 22),  # 125-129
    (0xFFFE7, 20), (0xFFFE8, 20), (0x3FFFD3, 22), (0x3FFFD4, 22), (0x3FFFD5, 22),  # 130-134
    (0x7FFFD9, 23), (0x3FFFD6, 22), (0x7FFFDA, 23), (0x7FFFDB, 23), (0x7FFFDC, 23),  # 135-139
    (0x7FFFDD, 23), (0x7FFFDE, 23), (0xFFFFEB, 24), (0x7FFFDF, 23), (0xFFFFEC, 24),  # 140-144
    (0xFFFFED, 24), (0x3FFFD7, 22), (0x7FFFE0, 23), (0xFFFFEE, 24), (0x7FFFE1, 23),  # 145-149
    (0x7FFFE2, 23), (0x7FFFE3, 23), (0x7FFFE4, 23), (0x1FFFDC, 21), (0x3FFFD8, 22),  # 150-154
    (0x7FFFE5, 23), (0x3FFFD9, 22), (0x7FFFE6, 23), (0x7FFFE7, 23), (0xFFFFEF, 24),  # 155-159
    (0x3FFFDA, 22), (0x1FFFDD, 21), (0xFFFE9, 20), (0x3FFFDB, 22), (0x3FFFDC, 22),  # 160-164
    (0x7FFFE8, 23), (0x7FFFE9, 23), (0x1FFFDE, 21), (0x7FFFEA, 23), (0x3FFFDD, 22),  # 165-169
    (0x3FFFDE, 22), (0xFFFFF0, 24), (0x1FFFDF, 21), (0x3FFFDF, 22), (0x7FFFEB, 23),  # 170-174
    (0x7FFFEC, 23), (0x1FFFE0, 21), (0x1FFFE1, 21), (0x3FFFE0, 22), (0x1FFFE2, 21),  # 175-179
    (0x7FFFED, 23), (0x3FFFE1, 22), (0x7FFFEE, 23), (0x7FFFEF, 23), (0xFFFEA, 20),  # 180-184
    (0x3FFFE2, 22), (0x3FFFE3, 22), (0x3FFFE4, 22), (0x7FFFF0, 23), (0x3FFFE5, 22),  # 185-189
    (0x3FFFE6, 22), (0x7FFFF1, 23), (0x3FFFFE0, 26), (0x3FFFFE1, 26), (0xFFFEB, 20),  # 190-194
    (0x7FFF1, 19), (0x3FFFE7, 22), (0x7FFFF2, 23), (0x3FFFE8, 22), (0x1FFFFEC, 25),  # 195-199
    (0x3FFFFE2, 26), (0x3FFFFE3, 26), (0x3FFFFE4, 26), (0x7FFFFDE, 27), (0x7FFFFDF, 27),  # 200-204
    (0x3FFFFE5, 26), (0xFFFFF1, 24), (0x1FFFFED, 25), (0x7FFF2, 19), (0x1FFFE3, 21),  # 205-209
    (0x3FFFFE6, 26), (0x7FFFFE0, 27), (0x7FFFFE1, 27), (0x3FFFFE7, 26), (0x7FFFFE2, 27),  # 210-214
    (0xFFFFF2, 24), (0x1FFFE4, 21), (0x1FFFE5, 21), (0x3FFFFE8, 26), (0x3FFFFE9, 26),  # 215-219
    (0xFFFFFFD, 28), (0x7FFFFE3, 27), (0x7FFFFE4, 27), (0x7FFFFE5, 27), (0xFFFEC, 20),  # 220-224
    (0xFFFFF3, 24), (0xFFFED, 20), (0x1FFFE6, 21), (0x3FFFE9, 22), (0x1FFFE7, 21),  # 225-229
    (0x1FFFE8, 21), (0x7FFFF3, 23), (0x3FFFEA, 22), (0x3FFFEB, 22), (0x1FFFFEE, 25),  # 230-234
    (0x1FFFFEF, 25), (0xFFFFF4, 24), (0xFFFFF5, 24), (0x3FFFFEA, 26), (0x7FFFF4, 23),  # 235-239
    (0x3FFFFEB, 26), (0x7FFFFE6, 27), (0x3FFFFEC, 26), (0x3FFFFED, 26), (0x7FFFFE7, 27),  # 240-244
    (0x7FFFFE8, 27), (0x7FFFFE9, 27), (0x7FFFFEA, 27), (0x7FFFFEB, 27), (0xFFFFFFE, 28),  # 245-249
    (0x7FFFFEC, 27), (0x7FFFFED, 27), (0x7FFFFEE, 27), (0x7FFFFEF, 27), (0x7FFFFF0, 27),  # 250-254
    (0x3FFFFEE, 26), (0x3FFFFFFF, 30),  # 255-256
)
# fmt: on
_EOS = 256

# Integers with more continuation octets than this (values past ~2**35) are refused, as
# RFC 7541 5.1 asks, rather than read from an endless run of zero-valued octets. The
# hpack package has the same bound, so msq.transport._h2 accepts exactly what it accepted before.
_MAX_CONTINUATION = 5
_ENTRY_OVERHEAD = 32  # RFC 7541 4.1


class HPACKError(Exception):
    """A malformed header block; the connection's HPACK state is now unusable."""


def _integer_bytes(value: int, prefix_bits: int) -> bytes:
    """RFC 7541 5.1, with the bits above the prefix left zero."""
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes((value,))
    out = bytearray((limit,))
    value -= limit
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def encode_headers(headers: list[tuple[str, str]]) -> bytes:
    """A header block of literals without indexing, new names, no Huffman (RFC 7541 6.2.2).

    The least compact valid encoding, and it needs no state: a request of ours is the
    only block on its connection, so indexing would save nothing.
    """
    out = bytearray()
    for name, value in headers:
        out.append(0x00)
        for text in (name, value):
            raw = text.encode("utf-8")
            out += _integer_bytes(len(raw), 7)
            out += raw
    return bytes(out)


def _integer(data: bytes, pos: int, prefix_bits: int) -> tuple[int, int]:
    """The integer at ``data[pos]`` with a ``prefix_bits`` prefix; it and the next position."""
    if pos >= len(data):
        raise HPACKError("truncated header block")
    limit = (1 << prefix_bits) - 1
    value = data[pos] & limit
    pos += 1
    if value < limit:
        return value, pos
    for shift in range(0, 7 * _MAX_CONTINUATION, 7):
        if pos >= len(data):
            raise HPACKError("truncated integer")
        octet = data[pos]
        pos += 1
        value += (octet & 0x7F) << shift
        if not octet & 0x80:
            return value, pos
    raise HPACKError("integer too large")


# Built on first use: (bit length, {code: symbol}) per length, shortest first.
_decode_table: list[tuple[int, dict[int, int]]] = []


def _huffman_decode(data: bytes) -> bytes:
    """RFC 7541 5.2: Huffman-coded octets, padded with at most 7 one bits."""
    if not _decode_table:
        by_length: dict[int, dict[int, int]] = {}
        for symbol, (code, length) in enumerate(_HUFFMAN):
            by_length.setdefault(length, {})[code] = symbol
        _decode_table.extend(sorted(by_length.items()))
    out = bytearray()
    acc = bits = 0  # the next ``bits`` undecoded bits, in the low end of ``acc``
    pos, end = 0, len(data)
    while True:
        # Keep at least 30 bits (the longest code) in hand while input lasts.
        while bits < 30 and pos < end:
            acc = acc << 8 | data[pos]
            pos += 1
            bits += 8
        # What is left at the end must be padding: a prefix of EOS, so all ones (no
        # code is all ones, so a shorter code cannot be mistaken for it).
        if pos == end and bits < 8 and acc == (1 << bits) - 1:
            return bytes(out)
        # The code is prefix-free, so the shortest match is the only one.
        symbol = None
        for length, codes in _decode_table:
            if length > bits:
                break
            symbol = codes.get(acc >> (bits - length))
            if symbol is not None:
                break
        if symbol is None:  # the input ended inside a code, or in bad padding
            raise HPACKError("bad Huffman code or padding")
        if symbol == _EOS:
            raise HPACKError("EOS inside a Huffman-coded string")
        out.append(symbol)
        bits -= length
        acc &= (1 << bits) - 1


def _string(data: bytes, pos: int) -> tuple[bytes, int]:
    """The string literal (RFC 7541 5.2) at ``data[pos]``; it and the next position."""
    if pos >= len(data):
        raise HPACKError("truncated header block")
    huffman = data[pos] & 0x80
    length, pos = _integer(data, pos, 7)
    end = pos + length
    if end > len(data):
        raise HPACKError("truncated string")
    raw = data[pos:end]
    return (_huffman_decode(raw) if huffman else raw), end


class Decoder:
    """Decodes the header blocks of one connection, in order: they share a dynamic table.

    After an HPACKError the table is in an unknown state, so the connection must be
    dropped (RFC 7541 makes decoding errors connection errors).
    """

    def __init__(self, max_table_size: int = 4096, max_header_list_size: int = 2**16) -> None:
        # The SETTINGS_HEADER_TABLE_SIZE we announced (4096 unless we said otherwise):
        # the encoder may shrink the table below it, never grow it above.
        self.max_table_size = max_table_size
        # Bounds what a small block can expand to by repeating big table entries;
        # hpack's default, so msq.transport._h2 refuses what it refused before.
        self.max_header_list_size = max_header_list_size
        self._limit = max_table_size  # the size the encoder last chose
        self._size = 0
        self._entries: list[tuple[bytes, bytes]] = []  # newest (index 62) first

    def decode(self, block: bytes) -> list[tuple[str, str]]:
        """The (name, value) fields of a complete header block; HPACKError if malformed."""
        fields: list[tuple[bytes, bytes]] = []
        total = 0
        pos, end = 0, len(block)
        while pos < end:
            first = block[pos]
            if first & 0x80:  # indexed header field (6.1)
                index, pos = _integer(block, pos, 7)
                field = self._field(index)
            elif first & 0x40:  # literal with incremental indexing (6.2.1)
                field, pos = self._literal(block, pos, 6)
                self._add(field)
            elif first & 0x20:  # dynamic table size update (6.3)
                if fields:  # RFC 7541 4.2: only at the start of a block
                    raise HPACKError("dynamic table size update after a header field")
                size, pos = _integer(block, pos, 5)
                if size > self.max_table_size:
                    raise HPACKError(f"table size {size} exceeds {self.max_table_size}")
                self._limit = size
                self._evict(0)
                continue
            else:  # literal without indexing (6.2.2) or never indexed (6.2.3)
                field, pos = self._literal(block, pos, 4)
            fields.append(field)
            total += len(field[0]) + len(field[1]) + _ENTRY_OVERHEAD
            if total > self.max_header_list_size:
                raise HPACKError(f"header list larger than {self.max_header_list_size}")
        try:
            return [(name.decode("utf-8"), value.decode("utf-8")) for name, value in fields]
        except UnicodeDecodeError as e:
            raise HPACKError(f"header not UTF-8: {e}") from None

    def _field(self, index: int) -> tuple[bytes, bytes]:
        if 0 < index <= len(_STATIC):
            return _STATIC[index - 1]
        dynamic = index - len(_STATIC) - 1
        if 0 <= dynamic < len(self._entries):
            return self._entries[dynamic]
        raise HPACKError(f"header index {index} is outside the tables")

    def _literal(self, block: bytes, pos: int, prefix_bits: int) -> tuple[tuple[bytes, bytes], int]:
        index, pos = _integer(block, pos, prefix_bits)
        if index:
            name = self._field(index)[0]
        else:
            name, pos = _string(block, pos)
        value, pos = _string(block, pos)
        return (name, value), pos

    def _add(self, field: tuple[bytes, bytes]) -> None:
        size = len(field[0]) + len(field[1]) + _ENTRY_OVERHEAD
        self._evict(size)
        # An entry larger than the whole table empties it and is not added (4.4).
        if size <= self._limit:
            self._entries.insert(0, field)
            self._size += size

    def _evict(self, room: int) -> None:
        """Drop the oldest entries until ``room`` more octets fit the table (4.3, 4.4)."""
        while self._entries and self._size + room > self._limit:
            name, value = self._entries.pop()
            self._size -= len(name) + len(value) + _ENTRY_OVERHEAD
