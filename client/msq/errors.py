"""Errors of the Python API. Each message is one sentence that says what to do."""

from __future__ import annotations


class MsqClientError(Exception):
    """Base of every error ``msq.Client`` raises."""

    exit_code = 1


class DaemonNotRunning(MsqClientError):
    """No daemon answers on the socket and autostart is off (or failed)."""


class DaemonStarting(MsqClientError):
    """The daemon answers but is not serving yet."""


class PermissionDenied(MsqClientError):
    """The socket exists but belongs to someone else."""


class NotFound(MsqClientError):
    """An unknown model id or root."""


class InvalidRequest(MsqClientError):
    """The daemon rejected the request: a malformed filter, a query too long ..."""

    exit_code = 2


class DaemonError(MsqClientError):
    """The daemon failed while answering."""


# The gRPC status codes (google.rpc.Code) that get an error class of their own.
INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, UNAVAILABLE = 3, 4, 5, 6, 14
_CODES: dict[int, type[MsqClientError]] = {
    NOT_FOUND: NotFound,
    INVALID_ARGUMENT: InvalidRequest,
    ALREADY_EXISTS: InvalidRequest,
    UNAVAILABLE: DaemonError,
}


def from_status(code: int, detail: str, socket: object) -> MsqClientError:
    """The error for a non-OK gRPC status ``code`` (an int) with its message ``detail``."""
    if code == UNAVAILABLE and ("connect" in detail.lower() or "socket" in detail.lower()):
        return DaemonNotRunning(f"msqd stopped answering on {socket}: {detail}")
    if code == DEADLINE_EXCEEDED:
        return DaemonError("msqd did not answer in time; it may be overloaded (see msq status)")
    return _CODES.get(code, DaemonError)(detail)
