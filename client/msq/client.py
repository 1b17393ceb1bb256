"""``msq.Client``: the Python API over msqd's gRPC socket, used by the CLI itself.

Example::

    from msq import Client

    with Client() as c:                      # or Client(home="/tmp/msq-test")
        for r in c.search("diffusion cifar").results:
            print(r.rank, r.card.model_id, r.card.value("learning_rate"))

Only grpc and the generated stubs are imported: no torch, no models.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import grpc

from . import errors
from .autostart import spawn, wait_serving
from .paths import Paths, paths_for, socket_address
from .types import Card, Progress, Root, SearchResults, Status
from .v1 import msq_pb2 as pb
from .v1 import msq_pb2_grpc as pb_grpc

SERVICE = "msq.v1.ModelSearch"
# The daemon refuses longer queries (INVALID_ARGUMENT); checking here first saves a
# round trip and, when the daemon is down, a pointless start.
MAX_QUERY_CHARS = 2000
# Reconnect quickly: a channel made while msqd starts must not sit in a 1 s backoff.
_CHANNEL_OPTIONS = [
    ("grpc.initial_reconnect_backoff_ms", 50),
    ("grpc.min_reconnect_backoff_ms", 50),
    ("grpc.max_reconnect_backoff_ms", 500),
]

# Codes a call gets from a daemon that is down (UNAVAILABLE), not serving our service
# yet (UNIMPLEMENTED) or still opening its store; health then says which.
_RETRY_AFTER_CHECK = (
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.UNIMPLEMENTED,
    grpc.StatusCode.UNKNOWN,
    grpc.StatusCode.INTERNAL,
    grpc.StatusCode.FAILED_PRECONDITION,
)

_CODES = {
    grpc.StatusCode.NOT_FOUND: errors.NotFound,
    grpc.StatusCode.INVALID_ARGUMENT: errors.InvalidRequest,
    grpc.StatusCode.ALREADY_EXISTS: errors.InvalidRequest,
    grpc.StatusCode.UNAVAILABLE: errors.DaemonError,
}


class Client:
    """A connection to msqd. Starts the daemon when needed unless ``autostart=False``."""

    def __init__(
        self,
        home: str | os.PathLike[str] | None = None,
        *,
        socket: str | os.PathLike[str] | None = None,
        autostart: bool | None = None,
        timeout: float = 30.0,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.paths: Paths = paths_for(home)
        self.socket = Path(socket) if socket else self._configured_socket()
        self.autostart = self._configured_autostart() if autostart is None else autostart
        self.timeout = timeout
        self.on_wait = on_wait
        self._channel: grpc.Channel | None = None
        self._stub: pb_grpc.ModelSearchStub | None = None

    def _settings(self) -> dict[str, Any]:
        from . import settings

        try:
            return settings.read(self.paths.config_file)
        except settings.SettingsError:
            return {}

    def _configured_socket(self) -> Path:
        raw = os.environ.get("MSQ_SOCKET") or self._settings().get("socket")
        return Path(raw).expanduser() if raw else self.paths.socket

    def _configured_autostart(self) -> bool:
        env = os.environ.get("MSQ_CLIENT_AUTOSTART", "").lower()
        if env:
            return env in ("1", "true", "yes", "on")
        return bool(self._settings().get("client.autostart", True))

    # ------------------------------------------------------------ connection

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
            self._stub = None

    def _probe(self) -> str:
        """What a plain connect() to the socket says: ok, missing, refused or denied.

        A real connect, not os.access: root passes every access check, and a socket in
        a folder the user cannot enter fails only at connect time.
        """
        import socket as so

        s = so.socket(so.AF_UNIX, so.SOCK_STREAM)
        try:
            s.connect(str(self.socket))
            return "ok"
        except FileNotFoundError:
            return "missing"
        except PermissionError:
            return "denied"
        except OSError:
            return "refused"
        finally:
            s.close()

    def _denied(self) -> errors.PermissionDenied:
        return errors.PermissionDenied(
            f"permission denied on the socket {self.socket}; it belongs to another user "
            "(use your own --home, or run msq as the daemon's user)"
        )

    def health(self) -> str:
        """SERVING, NOT_SERVING, or DOWN when nothing answers; PermissionDenied if refused."""
        try:
            exists = self.socket.exists()
        except PermissionError:
            raise self._denied() from None
        if not exists:
            if self.socket.parent.exists() and not os.access(self.socket.parent, os.X_OK):
                raise self._denied()
            return "DOWN"
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        ch = grpc.insecure_channel(socket_address(self.socket), options=_CHANNEL_OPTIONS)
        try:
            resp = health_pb2_grpc.HealthStub(ch).Check(
                health_pb2.HealthCheckRequest(service=SERVICE), timeout=2.0
            )
            return health_pb2.HealthCheckResponse.ServingStatus.Name(resp.status)
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.UNAVAILABLE:
                if self._probe() == "denied":
                    raise self._denied() from None
                return "DOWN"
            return "NOT_SERVING"
        finally:
            ch.close()

    def ensure_running(self) -> None:
        """Connect, starting the daemon if allowed; raise one clear error otherwise."""
        state = self.health()
        if state == "SERVING":
            return
        if state == "NOT_SERVING":
            try:
                wait_serving(self.health, None, self.paths, timeout=self.timeout, tick=self.on_wait)
            except errors.DaemonNotRunning:
                raise errors.DaemonStarting(
                    f"msqd is still starting (health NOT_SERVING on {self.socket} after "
                    f"{self.timeout:g} s); try again in a moment, or see 'msq status'"
                ) from None
            return
        if not self.autostart:
            raise errors.DaemonNotRunning(
                f"msqd is not running (no answer on {self.socket}); start it with "
                "'msq daemon start' or run 'msqd' in a terminal"
            )
        proc = spawn(self.paths)
        wait_serving(
            self.health, proc, self.paths, timeout=max(self.timeout, 90.0), tick=self.on_wait
        )

    @property
    def stub(self) -> pb_grpc.ModelSearchStub:
        if self._stub is None:
            self.ensure_running()
            self._channel = grpc.insecure_channel(
                socket_address(self.socket), options=_CHANNEL_OPTIONS
            )
            self._stub = pb_grpc.ModelSearchStub(self._channel)
        return self._stub

    def _call(self, method: str, request: Any, timeout: float | None = None) -> Any:
        """One unary call, optimistically: no health round trip when msqd is up.

        Only when the call fails in a way a down or starting daemon explains is health
        checked (starting msqd if allowed) and the call made once more.
        """
        for attempt in (0, 1):
            if self._stub is None:
                self._channel = grpc.insecure_channel(
                    socket_address(self.socket), options=_CHANNEL_OPTIONS
                )
                self._stub = pb_grpc.ModelSearchStub(self._channel)
            try:
                return getattr(self._stub, method)(request, timeout=timeout or self.timeout)
            except grpc.RpcError as e:
                if attempt == 0 and e.code() in _RETRY_AFTER_CHECK:
                    self.close()
                    if self.health() != "SERVING":
                        self.ensure_running()
                        continue
                raise _translate(e, self.socket) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _stream(self, method: str, request: Any, timeout: float | None = None) -> Iterator[Any]:
        try:
            yield from getattr(self.stub, method)(request, timeout=timeout)
        except grpc.RpcError as e:
            raise _translate(e, self.socket) from None

    # ------------------------------------------------------------ API

    def search(
        self,
        query: str,
        *,
        filter: str = "",
        limit: int = 10,
        all: bool = False,
        explain: bool = False,
        per_side: int = 0,
    ) -> SearchResults:
        """Ranked models for ``query`` (and per-side results for "A vs B")."""
        check_query(query)
        req = pb.SearchRequest(
            query=query, filter=filter, limit=limit, all=all, explain=explain, per_side=per_side
        )
        return SearchResults.from_pb(query, self._call("Search", req))

    def compare(
        self,
        query: str = "",
        *,
        sides: list[str] | tuple[str, ...] = (),
        ids: list[str] | tuple[str, ...] = (),
        per_side: int = 0,
        baseline: str = "",
        no_llm: bool = False,
        filter: str = "",
        max_tokens: int = 0,
    ) -> Iterator[Any]:
        """Compare events in order: sides, table, differences, results, narrative, done."""
        from .compare_types import event_from_pb

        for text in (query, *sides):
            check_query(text)
        req = pb.CompareRequest(
            query=query,
            sides=list(sides),
            ids=list(ids),
            per_side=per_side,
            baseline=baseline,
            no_llm=no_llm,
            filter=filter,
            max_tokens=max_tokens,
        )
        for ev in self._stream("Compare", req):
            yield event_from_pb(ev)

    def get(self, model_id: str) -> Card:
        """One card in full; NotFound names the closest ids."""
        return Card.from_pb(self._call("GetModel", pb.GetModelRequest(model_id=model_id)).card)

    def list(
        self,
        *,
        filter: str = "",
        sort: str = "",
        status: list[str] | tuple[str, ...] = (),
        prefix: str = "",
        ids_only: bool = False,
        page_size: int = 200,
    ) -> Iterator[Card]:
        """Every indexed card matching ``filter``, page by page."""
        token = ""
        while True:
            resp = self._call(
                "ListModels",
                pb.ListModelsRequest(
                    page_size=page_size,
                    page_token=token,
                    filter=filter,
                    sort=sort,
                    status=list(status),
                    prefix=prefix,
                    ids_only=ids_only,
                ),
            )
            for m in resp.models:
                yield Card.from_pb(m)
            token = resp.next_page_token
            if not token:
                return

    def status(self) -> Status:
        """Roots, counts, indexing progress, versions and models of the daemon."""
        return Status.from_pb(self._call("Status", pb.StatusRequest()))

    def add_root(self, path: str | os.PathLike[str]) -> list[Root]:
        """Watch ``path`` (kept in the daemon's config); returns every root."""
        p = str(Path(path).expanduser().absolute())
        return [Root.from_pb(r) for r in self._call("AddRoot", pb.AddRootRequest(path=p)).roots]

    def remove_root(self, path: str | os.PathLike[str]) -> list[Root]:
        """Stop watching ``path`` and drop its cards; returns the remaining roots."""
        p = str(Path(path).expanduser().absolute())
        return [
            Root.from_pb(r) for r in self._call("RemoveRoot", pb.RemoveRootRequest(path=p)).roots
        ]

    def reindex(self, root: str = "", *, force: bool = False) -> Iterator[Progress]:
        """Rescan (all roots or one) and stream progress until the queue drains."""
        if root:
            root = str(Path(root).expanduser().absolute())
        for p in self._stream("Reindex", pb.ReindexRequest(root=root, force=force)):
            yield Progress.from_pb(p)


def check_query(query: str) -> None:
    """InvalidRequest for a query the daemon would refuse as too long."""
    if len(query) > MAX_QUERY_CHARS:
        raise errors.InvalidRequest(
            f"the query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}"
        )


def _translate(e: grpc.RpcError, socket: Path) -> errors.MsqClientError:
    code = e.code()
    detail = e.details() or str(code)
    if code == grpc.StatusCode.UNAVAILABLE and (
        "connect" in detail.lower() or "socket" in detail.lower()
    ):
        return errors.DaemonNotRunning(f"msqd stopped answering on {socket}: {detail}")
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return errors.DaemonError(
            "msqd did not answer in time; it may be overloaded (see msq status)"
        )
    cls = _CODES.get(code, errors.DaemonError)
    return cls(detail)
