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
