"""``msq.Client``: the Python API over msqd's gRPC socket, used by the CLI itself.

Example::

    from msq import Client

    with Client() as c:                      # or Client(home="/tmp/msq-test")
        for r in c.search("diffusion cifar").results:
            print(r.rank, r.card.model_id, r.card.value("learning_rate"))

Unary calls and health use msq.transport._h2, a small HTTP/2 caller, and
msq.transport._wire, which reads and writes the protobuf wire format from a table
generated from msq.proto: the CLI is spared the start-up cost of ``import grpc`` and of
protobuf. A transport or decoding surprise repeats the call over grpc with the generated
stubs (msq.transport._grpc), and streams (compare, reindex) use grpc.
``MSQ_TRANSPORT=grpc`` (or ``transport=``) forces grpc; ``h2`` forbids the fallback
(tests, debugging). Starting the daemon is msq.autostart's. No torch, no models.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from . import errors
from .paths import Paths, paths_for
from .transport import _h2, _wire
from .types import Card, Progress, SearchResults
from .v1.msq_wire import SERVICES

# Not typing.TYPE_CHECKING: importing typing costs ~4 ms of a CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    import grpc

    from .status_types import Root, Status
    from .v1 import msq_pb2_grpc as pb_grpc

SERVICE = "msq.v1.ModelSearch"
# method -> (request type, response type, client streaming, server streaming)
METHODS = SERVICES[SERVICE]
TRANSPORTS = ("auto", "h2", "grpc")
# The daemon refuses longer queries (INVALID_ARGUMENT); checking here first saves a
# round trip and, when the daemon is down, a pointless start.
MAX_QUERY_CHARS = 2000

# Status codes (ints, as grpc.StatusCode.X.value[0]) a call gets from a daemon that is
# down (UNAVAILABLE), not serving our service yet (UNIMPLEMENTED) or still opening its
# store (UNKNOWN, INTERNAL, FAILED_PRECONDITION); health then says which.
_RETRY_AFTER_CHECK = frozenset({14, 12, 2, 13, 9})


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
        transport: str | None = None,
    ) -> None:
        self.paths: Paths = paths_for(home)
        self._config: dict[str, Any] | None = None
        self.socket = Path(socket) if socket else self._configured_socket()
        self.autostart = self._configured_autostart() if autostart is None else autostart
        self.timeout = timeout
        self.on_wait = on_wait
        self.transport = self._configured_transport(transport)
        # Why the fast path gave up (for debugging and the tests); after the first time
        # this client stays on grpc rather than pay for a failing attempt on every call.
        self.fallbacks: list[str] = []
        self._channel: grpc.Channel | None = None
        self._stub: pb_grpc.ModelSearchStub | None = None

    def _settings(self) -> dict[str, Any]:
        """The settings the client reads (``socket``, ``client.autostart``) from the file."""
        if self._config is None:
            self._config = {}
            try:
                with open(self.paths.config_file, encoding="utf-8") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError):
                return self._config  # missing, or `msq config`'s to report
            # The TOML parser costs ~9 ms of every command's start-up. A file where
            # neither key's name appears (nor an escape, which could spell one) cannot
            # set them, so it needs no parsing.
            if any(word in text for word in ("socket", "autostart", "\\")):
                from . import settings

                try:
                    self._config = settings.read(self.paths.config_file)
                except settings.SettingsError:
                    self._config = {}  # a broken file is `msq config`'s to report
        return self._config

    def _configured_socket(self) -> Path:
        raw = os.environ.get("MSQ_SOCKET") or self._settings().get("socket")
        return Path(raw).expanduser() if raw else self.paths.socket

    def _configured_autostart(self) -> bool:
        env = os.environ.get("MSQ_CLIENT_AUTOSTART", "").lower()
        if env:
            return env in ("1", "true", "yes", "on")
        return bool(self._settings().get("client.autostart", True))

    @staticmethod
    def _configured_transport(transport: str | None) -> str:
        value = (transport or os.environ.get("MSQ_TRANSPORT") or "auto").lower()
        if value not in TRANSPORTS:
            raise errors.InvalidRequest(
                f"unknown transport {value!r} (MSQ_TRANSPORT); use one of {', '.join(TRANSPORTS)}"
            )
        return value

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
        if self.transport != "grpc" and not self.fallbacks:
            try:
                return _h2.health(self.socket, SERVICE, 2.0)
            except _h2.Status as e:
                return self._health_failed(e.code)
            except _h2.ProtocolError as e:
                self._fell_back(e)
        from .transport import _grpc

        try:
            return _grpc.health(self.socket, SERVICE, 2.0)
        except _h2.Status as e:
            return self._health_failed(e.code)

    def _health_failed(self, code: int) -> str:
        if code == _h2.UNAVAILABLE:
            if self._probe() == "denied":
                raise self._denied() from None
            return "DOWN"
        return "NOT_SERVING"

    def _fell_back(self, e: Exception) -> None:
        """Note why the fast path gave up; in strict ``h2`` mode that is the error."""
        if self.transport == "h2":
            raise errors.DaemonError(
                f"msqd's answer on {self.socket} was not understood (MSQ_TRANSPORT=h2): {e}"
            ) from None
        self.fallbacks.append(str(e))

    def ensure_running(self) -> None:
        """Connect, starting the daemon if allowed; raise one clear error otherwise."""
        from .autostart import ensure_running  # subprocess: only when needed

        ensure_running(self)

    @property
    def stub(self) -> pb_grpc.ModelSearchStub:
        """The grpc stub (streams and the fallback); imports grpc on first use."""
        if self._stub is None:
            self.ensure_running()
        return self._grpc_stub()

    def _grpc_stub(self) -> pb_grpc.ModelSearchStub:
        if self._stub is None:
            from .transport import _grpc

            self._channel, self._stub = _grpc.connect(self.socket)
        return self._stub

    def _call(self, method: str, request: dict[str, Any], timeout: float | None = None) -> Any:
        """One unary call, optimistically: no health round trip when msqd is up.

        Only when the call fails in a way a down or starting daemon explains is health
        checked (starting msqd if allowed) and the call made once more.
        """
        for attempt in (0, 1):
            try:
                return self._unary(method, request, timeout or self.timeout)
            except _h2.Status as e:
                if attempt == 0 and e.code in _RETRY_AFTER_CHECK:
                    self.close()
                    if self.health() != "SERVING":
                        self.ensure_running()
                        continue
                raise errors.from_status(e.code, e.details, self.socket) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _unary(self, method: str, request: dict[str, Any], timeout: float) -> Any:
        """The response message over msq.transport._h2, else over grpc; non-OK is _h2.Status.

        Over _h2 the response is a msq.transport._wire message, over grpc a protobuf one; the
        ``from_pb`` converters in msq.types read both alike.
        """
        in_type, out_type = METHODS[method][:2]
        if self.transport != "grpc" and not self.fallbacks:
            try:
                raw = _h2.call(
                    self.socket, f"/{SERVICE}/{method}", _wire.encode(in_type, request), timeout
                )
                return _wire.decode(out_type, raw)
            except (_h2.ProtocolError, _wire.WireError) as e:  # WireError: framed, not ours
                self._fell_back(e)
        from .transport import _grpc

        return _grpc.unary(self._grpc_stub(), method, in_type, request, timeout)

    def _stream(
        self, method: str, request: dict[str, Any], timeout: float | None = None
    ) -> Iterator[Any]:
        from .transport import _grpc

        try:
            yield from _grpc.stream(self.stub, method, METHODS[method][0], request, timeout)
        except _h2.Status as e:
            raise errors.from_status(e.code, e.details, self.socket) from None

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
        req = dict(
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
        llm: bool = False,
    ) -> Iterator[Any]:
        """Compare events in order: sides, table, differences, overview, results,
        narrative, done. ``llm`` asks for the narrative even from the bundled model."""
        from .compare_types import event_from_pb

        for text in (query, *sides):
            check_query(text)
        req = dict(
            query=query,
            sides=list(sides),
            ids=list(ids),
            per_side=per_side,
            baseline=baseline,
            no_llm=no_llm,
            filter=filter,
            max_tokens=max_tokens,
            llm=llm,
        )
        for ev in self._stream("Compare", req):
            yield event_from_pb(ev)

    def get(self, model_id: str) -> Card:
        """One card in full; NotFound names the closest ids."""
        return Card.from_pb(self._call("GetModel", {"model_id": model_id}).card)

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
                dict(
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
        from .status_types import Status  # off the search path

        return Status.from_pb(self._call("Status", {}))

    def add_root(self, path: str | os.PathLike[str]) -> list[Root]:
        """Watch ``path`` (kept in the daemon's config); returns every root."""
        from .status_types import Root

        p = str(Path(path).expanduser().absolute())
        return [Root.from_pb(r) for r in self._call("AddRoot", {"path": p}).roots]

    def remove_root(self, path: str | os.PathLike[str]) -> list[Root]:
        """Stop watching ``path`` and drop its cards; returns the remaining roots."""
        from .status_types import Root

        p = str(Path(path).expanduser().absolute())
        return [Root.from_pb(r) for r in self._call("RemoveRoot", {"path": p}).roots]

    def reindex(self, root: str = "", *, force: bool = False) -> Iterator[Progress]:
        """Rescan (all roots or one) and stream progress until the queue drains."""
        if root:
            root = str(Path(root).expanduser().absolute())
        for p in self._stream("Reindex", {"root": root, "force": force}):
            yield Progress.from_pb(p)


def check_query(query: str) -> None:
    """InvalidRequest for a query the daemon would refuse as too long."""
    if len(query) > MAX_QUERY_CHARS:
        raise errors.InvalidRequest(
            f"the query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}"
        )
