"""A minimal gRPC unary caller over HTTP/2 (h2c, prior knowledge) on a unix socket.

Why: ``import grpc`` costs 55-80 ms (its cython core pulls in asyncio), more than a
whole ``msq search`` should take. A unary call is one request and one response, which
needs only a small part of HTTP/2; this module speaks that part with the stdlib plus
msq.transport._hpack (grpc-core answers with Huffman-coded, dynamically indexed
headers, and the ``hpack`` package would cost 5-7 ms of imports).

The contract with the caller (msq.client): :func:`call` returns the serialized response,
raises :class:`Status` for a gRPC status the server (or the socket) gave, and raises
:class:`ProtocolError` for anything this small implementation does not expect. A
ProtocolError is never shown to a user: the caller repeats the call over real grpc, so
correctness never depends on this fast path.

One connection per call: the CLI makes one or two calls per process, and a fresh
connection keeps the state machine trivial (stream 1 only, nothing stale to resume).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from . import _hpack

# gRPC status codes (google.rpc.Code); names as grpc.StatusCode spells them.
CODE_NAMES = (
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
)
DEADLINE_EXCEEDED = 4
UNAVAILABLE = 14

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
# Frame types (RFC 9113 section 6).
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS = 0, 1, 2, 3, 4
PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = 5, 6, 7, 8, 9
# Flags.
END_STREAM = ACK = 0x1
END_HEADERS, PADDED, PRIORITY_FLAG = 0x4, 0x8, 0x20
STREAM = 1
MAX_WINDOW = 2**31 - 1
# Largest frame we accept; advertised so that grpc-core sends big responses in few frames.
MAX_FRAME = 2**24 - 1
# The server's windows are 65535 until its SETTINGS arrive; we do not wait for them, so a
# request must fit in the default window (queries are capped at 2000 characters anyway).
MAX_REQUEST = 65535 - 5
# A response this large is not one msqd sends; refuse it rather than buffer without bound.
MAX_RESPONSE = 256 * 2**20
_HEX = frozenset(b"0123456789abcdefABCDEF")


class ProtocolError(Exception):
    """The peer did something this small client does not handle; retry over grpc."""


def code_name(code: int) -> str:
    """NOT_FOUND for 5, as grpc.StatusCode spells it."""
    return CODE_NAMES[code] if 0 <= code < len(CODE_NAMES) else str(code)


class Status(Exception):
    """A non-OK gRPC status: from the server's trailers or from connecting."""

    def __init__(self, code: int, details: str) -> None:
        details = details or f"StatusCode.{code_name(code)}"  # as str(grpc.StatusCode.X)
        super().__init__(code, details)
        self.code = code
        self.details = details

    @property
    def name(self) -> str:
        return code_name(self.code)


def call(sock_path: str | os.PathLike[str], path: str, request: bytes, timeout: float) -> bytes:
    """Call ``path`` (``/pkg.Service/Method``) with a serialized request; the response bytes.

    ``timeout`` bounds the whole call (connect included) and is sent as grpc-timeout so
    the server gives up too.
    """
    if len(request) > MAX_REQUEST:
        raise ProtocolError(f"request of {len(request)} bytes exceeds the initial window")
    deadline = time.monotonic() + timeout
    out = _request_bytes(path, request, timeout)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        try:
            sock.connect(os.fspath(sock_path))
        except TimeoutError:
            raise Status(DEADLINE_EXCEEDED, "Deadline Exceeded") from None
        except OSError as e:
            # The wording grpc uses ("failed to connect"), which msq.errors looks for.
            raise Status(
                UNAVAILABLE, f"failed to connect to unix:{sock_path}: {e.strerror or e}"
            ) from None
        try:
            sock.sendall(out)
            return _Reader(sock, deadline).response()
        except TimeoutError:
            raise Status(DEADLINE_EXCEEDED, "Deadline Exceeded") from None
        except OSError as e:  # reset, broken pipe: a transport surprise
            raise ProtocolError(f"connection failed: {e}") from None
    finally:
        sock.close()


def _frame(ftype: int, flags: int, stream: int, payload: bytes = b"") -> bytes:
    return (
        len(payload).to_bytes(3, "big")
        + bytes((ftype, flags))
        + stream.to_bytes(4, "big")
        + payload
    )


def _grpc_timeout(seconds: float) -> str:
    ms = max(1, int(seconds * 1000 + 0.999))
    return f"{ms}m" if ms < 10**8 else f"{min(int(seconds) + 1, 10**8 - 1)}S"


def _request_bytes(path: str, request: bytes, timeout: float) -> bytes:
    """Preface, SETTINGS, a connection WINDOW_UPDATE, HEADERS and DATA: all we ever send."""
    settings = b"".join(
        k.to_bytes(2, "big") + v.to_bytes(4, "big")
        # ENABLE_PUSH off; a window the server never exhausts; big frames.
        for k, v in ((0x2, 0), (0x4, MAX_WINDOW), (0x5, MAX_FRAME))
    )
    block = _hpack.encode_headers(
        [
            (":method", "POST"),
            (":scheme", "http"),
            (":path", path),
            (":authority", "localhost"),
            ("content-type", "application/grpc"),
            ("te", "trailers"),
            ("grpc-timeout", _grpc_timeout(timeout)),
            ("user-agent", "msq-h2"),
        ]
    )
    body = b"\x00" + len(request).to_bytes(4, "big") + request
    out = [
        PREFACE,
        _frame(SETTINGS, 0, 0, settings),
        _frame(WINDOW_UPDATE, 0, 0, (MAX_WINDOW - 65535).to_bytes(4, "big")),
        _frame(HEADERS, END_HEADERS, STREAM, block),
    ]
    # 16384 is the smallest SETTINGS_MAX_FRAME_SIZE a server may have.
    chunks = [body[i : i + 16384] for i in range(0, len(body), 16384)]
    for i, chunk in enumerate(chunks):
        out.append(_frame(DATA, END_STREAM if i == len(chunks) - 1 else 0, STREAM, chunk))
    return b"".join(out)


def _unpadded(payload: bytes, flags: int, priority: bool = False) -> bytes:
    """The fragment of a DATA or HEADERS payload, without padding and priority fields."""
    start, end = 0, len(payload)
    if flags & PADDED:
        if not payload:
            raise ProtocolError("padded frame without a pad length")
        start, end = 1, end - payload[0]
    if priority and flags & PRIORITY_FLAG:
        start += 5
    if end < start:
        raise ProtocolError("padding longer than the frame")
    return payload[start:end]


def unpercent(text: str) -> str:
    """grpc-message is percent-encoded UTF-8 (the gRPC spec); decode it leniently."""
    if "%" not in text:
        return text
    parts = text.encode("utf-8", "surrogateescape").split(b"%")
    out = bytearray(parts[0])
    for p in parts[1:]:
        if len(p) >= 2 and p[0] in _HEX and p[1] in _HEX:
            out.append(int(p[:2], 16))
            out += p[2:]
        else:
            out += b"%" + p
    return out.decode("utf-8", "replace")


class _Reader:
    """Reads frames for stream 1 until its END_STREAM, keeping the connection healthy."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self.buf = bytearray()
        # Our SETTINGS leave HEADER_TABLE_SIZE at 4096, the Decoder's default limit.
        self.decoder = _hpack.Decoder()
        self.first = True

    def _fill(self, n: int) -> None:
        while len(self.buf) < n:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self.sock.settimeout(left)
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise ProtocolError("the server closed the connection mid-response")
            self.buf += chunk

    def frame(self) -> tuple[int, int, int, bytes]:
        self._fill(9)
        length = int.from_bytes(self.buf[0:3], "big")  # <= MAX_FRAME, which we advertise
        ftype, flags = self.buf[3], self.buf[4]
        if self.first:
            # A server's preface is a SETTINGS frame; anything else is not HTTP/2, and
            # its "length" must not make us wait for megabytes that never come.
            if ftype != SETTINGS or flags & ACK:
                raise ProtocolError(f"not an HTTP/2 server (first bytes {bytes(self.buf[:9])!r})")
            self.first = False
        stream = int.from_bytes(self.buf[5:9], "big") & 0x7FFFFFFF
        self._fill(9 + length)
        payload = bytes(self.buf[9 : 9 + length])
        del self.buf[: 9 + length]
        return ftype, flags, stream, payload

    def _decode(self, block: bytes) -> dict[str, str]:
        try:
            return dict(self.decoder.decode(block))
        except _hpack.HPACKError as e:
            raise ProtocolError(f"bad header block: {e}") from None

    def response(self) -> bytes:
        """The single response message of stream 1, or Status / ProtocolError."""
        blocks: list[dict[str, str]] = []
        data = bytearray()
        block: bytearray | None = None  # a header block awaiting CONTINUATION
        ends = False  # whether that header block ends the stream
        while True:
            ftype, flags, stream, payload = self.frame()
            if block is not None and ftype != CONTINUATION:
                raise ProtocolError("header block interrupted")
            if ftype == SETTINGS:
                if stream != 0 or (not flags & ACK and len(payload) % 6):
                    raise ProtocolError("malformed SETTINGS")
                if not flags & ACK:
                    self.sock.sendall(_frame(SETTINGS, ACK, 0))
            elif ftype == PING:
                if not flags & ACK:  # grpc-core measures bandwidth with pings: answer them
                    self.sock.sendall(_frame(PING, ACK, 0, payload))
            elif ftype == GOAWAY:
                last = int.from_bytes(payload[0:4], "big") & 0x7FFFFFFF
                code = int.from_bytes(payload[4:8], "big")
                # A graceful GOAWAY that covers our stream still lets it finish.
                if code != 0 or last < STREAM:
                    raise ProtocolError(f"GOAWAY (last stream {last}, error {code})")
            elif ftype == RST_STREAM:
                if stream == STREAM:
                    raise ProtocolError(f"stream reset (error {int.from_bytes(payload, 'big')})")
            elif ftype in (HEADERS, CONTINUATION):
                if stream != STREAM:
                    raise ProtocolError(f"headers on stream {stream}")
                if ftype == HEADERS:
                    block, ends = bytearray(_unpadded(payload, flags, True)), bool(flags & 1)
                elif block is None:
                    raise ProtocolError("CONTINUATION without HEADERS")
                else:
                    block += payload
                if flags & END_HEADERS:
                    blocks.append(self._decode(bytes(block)))
                    block = None
                    if ends:
                        return _message(blocks, data)
                    if len(blocks) > 1:
                        raise ProtocolError("trailers without END_STREAM")
            elif ftype == DATA:
                if stream != STREAM or not blocks:
                    raise ProtocolError(f"DATA on stream {stream} before headers")
                if flags & END_STREAM:
                    raise ProtocolError("the stream ended without trailers")
                data += _unpadded(payload, flags)
                if len(data) > MAX_RESPONSE:
                    raise ProtocolError("response too large")
            elif ftype == PUSH_PROMISE:
                raise ProtocolError("PUSH_PROMISE although push is disabled")
            # WINDOW_UPDATE and PRIORITY need nothing (all we send fits the initial
            # windows); unknown frame types must be ignored (RFC 9113 section 4.1).


def _message(blocks: list[dict[str, str]], data: bytearray) -> bytes:
    """Check status and trailers; unwrap the one length-prefixed message."""
    head, trailers = blocks[0], blocks[-1]
    if head.get(":status") != "200":
        raise ProtocolError(f"HTTP status {head.get(':status')}")
    status = trailers.get("grpc-status", "")
    if not status.isdigit():
        raise ProtocolError("no grpc-status in the trailers")
    code = int(status)
    if code != 0:
        raise Status(code, unpercent(trailers.get("grpc-message", "")))
    if len(blocks) < 2 or not head.get("content-type", "").startswith("application/grpc"):
        raise ProtocolError("OK without a response message")
    if len(data) < 5 or data[0] != 0:
        raise ProtocolError("missing or compressed response message")
    size = int.from_bytes(data[1:5], "big")
    if len(data) != 5 + size:
        raise ProtocolError(f"{len(data) - 5} bytes for a message of {size}")
    return bytes(data[5:])


# grpc.health.v1's two messages as msq.transport._wire reads them (health_pb2 imports protobuf).
_HEALTH_SCHEMA = {
    "grpc.health.v1.HealthCheckRequest": {1: ("service", "string", None, 0, None, None)},
    "grpc.health.v1.HealthCheckResponse": {1: ("status", "enum", None, 0, None, None)},
}
# HealthCheckResponse.ServingStatus, by number.
SERVING_STATUS = ("UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN")


def health(sock_path: str | os.PathLike[str] | Path, service: str, timeout: float) -> str:
    """grpc.health.v1.Health/Check: SERVING, NOT_SERVING, UNKNOWN or SERVICE_UNKNOWN."""
    from ._wire import Schema, WireError

    schema = Schema(_HEALTH_SCHEMA)
    req = schema.encode("grpc.health.v1.HealthCheckRequest", {"service": service})
    raw = call(sock_path, "/grpc.health.v1.Health/Check", req, timeout)
    try:
        status = schema.decode("grpc.health.v1.HealthCheckResponse", raw).status
    except WireError as e:  # garbage that framed well
        raise ProtocolError(f"bad health response: {e}") from None
    if not 0 <= status < len(SERVING_STATUS):
        raise ProtocolError(f"unknown serving status {status}")
    return SERVING_STATUS[status]
