"""msq.Client's grpc transport: streams, and the fallback for unary calls and health.

Why a module of its own: ``import grpc`` costs 55-80 ms, so msq.client imports this
only when grpc is needed (a stream, ``MSQ_TRANSPORT=grpc``, or an answer msq.transport._h2 did
not understand). A non-OK status comes out as :class:`msq.transport._h2.Status`, as it does from
msq.transport._h2, so that msq.client handles a failure the same way over either transport.
"""

from __future__ import annotations

import grpc

from ..paths import socket_address
from . import _h2

# Not typing.TYPE_CHECKING: importing typing costs ~4 ms of a CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from typing import Any

    from ..v1 import msq_pb2_grpc as pb_grpc

# Reconnect quickly: a channel made while msqd starts must not sit in a 1 s backoff.
CHANNEL_OPTIONS = [
    ("grpc.initial_reconnect_backoff_ms", 50),
    ("grpc.min_reconnect_backoff_ms", 50),
    ("grpc.max_reconnect_backoff_ms", 500),
]


def connect(socket: Path) -> tuple[grpc.Channel, pb_grpc.ModelSearchStub]:
    """A channel to msqd on ``socket`` and the ModelSearch stub over it."""
    from ..v1 import msq_pb2_grpc as pb_grpc

    ch = grpc.insecure_channel(socket_address(socket), options=CHANNEL_OPTIONS)
    return ch, pb_grpc.ModelSearchStub(ch)


def health(socket: Path, service: str, timeout: float) -> str:
    """grpc.health.v1.Health/Check on a channel of its own, as msq.transport._h2.health answers."""
    # Only the health stubs: this runs before (and without) any ModelSearch call.
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    ch = grpc.insecure_channel(socket_address(socket), options=CHANNEL_OPTIONS)
    try:
        resp = health_pb2_grpc.HealthStub(ch).Check(
            health_pb2.HealthCheckRequest(service=service), timeout=timeout
        )
        return health_pb2.HealthCheckResponse.ServingStatus.Name(resp.status)
    except grpc.RpcError as e:
        raise _h2.Status(e.code().value[0], e.details() or "") from None
    finally:
        ch.close()


def unary(
    stub: pb_grpc.ModelSearchStub,
    method: str,
    type_name: str,
    fields: dict[str, Any],
    timeout: float,
) -> Any:
    """The response (a protobuf message) of one unary call of ``stub``."""
    try:
        return getattr(stub, method)(request(type_name, fields), timeout=timeout)
    except grpc.RpcError as e:
        raise _h2.Status(e.code().value[0], e.details() or "") from None


def stream(
    stub: pb_grpc.ModelSearchStub,
    method: str,
    type_name: str,
    fields: dict[str, Any],
    timeout: float | None,
) -> Iterator[Any]:
    """The messages of one server-streaming call of ``stub``, as they arrive."""
    try:
        yield from getattr(stub, method)(request(type_name, fields), timeout=timeout)
    except grpc.RpcError as e:
        raise _h2.Status(e.code().value[0], e.details() or str(e.code())) from None


def request(type_name: str, fields: dict[str, Any]) -> Any:
    """Request message ``type_name`` (e.g. "msq.v1.SearchRequest") made from ``fields``."""
    from ..v1 import msq_pb2

    return getattr(msq_pb2, type_name.rsplit(".", 1)[1])(**fields)
