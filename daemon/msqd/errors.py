"""One error hierarchy for the daemon, mapped to gRPC status codes in one place.

Core code raises these; the servicer's interceptor turns them into a status and
one clear sentence. Anything else becomes INTERNAL and is logged with a trace.
"""

from __future__ import annotations

import grpc


class MsqError(Exception):
    """Base of every error msqd reports to a client."""

    code: grpc.StatusCode = grpc.StatusCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(MsqError):
    """A malformed request: bad filter, query too long, bad path."""

    code = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(MsqError):
    """An unknown model id or root."""

    code = grpc.StatusCode.NOT_FOUND


class NotReady(MsqError):
    """The daemon is still starting (store loading)."""

    code = grpc.StatusCode.UNAVAILABLE


class Conflict(MsqError):
    """A root that is already watched, or another daemon on the same home."""

    code = grpc.StatusCode.ALREADY_EXISTS


class StorageError(MsqError):
    """The database could not be read or written (disk full, locked ...)."""

    code = grpc.StatusCode.UNAVAILABLE


def to_status(exc: BaseException) -> tuple[grpc.StatusCode, str]:
    """The gRPC status and message for ``exc``."""
    if isinstance(exc, MsqError):
        return exc.code, exc.message
    return grpc.StatusCode.INTERNAL, f"internal error in msqd: {type(exc).__name__}: {exc}"
