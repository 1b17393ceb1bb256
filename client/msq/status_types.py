"""Typed state of the daemon itself (``msq status``, roots), converted from the gRPC messages.

Kept apart from msq.types because a search never reads it: building these records
costs start-up time that ``msq QUERY`` does not have to pay. msq.types still answers
``from msq.types import Status, Root``, so this module must not import msq.types: what
both need (``Progress``) is in msq.progress_types.
"""

from __future__ import annotations

from ._record import as_dict, record
from .progress_types import Progress

# Not typing.TYPE_CHECKING: importing typing costs ~4 ms of a CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@record
class Root:
    path: str
    state: str
    message: str
    files: int
    errors: int

    @classmethod
    def from_pb(cls, m: Any) -> Root:
        return cls(m.path, m.state, m.message, m.files, m.errors)


@record
class Status:
    roots: list[Root]
    counts: dict[str, int]
    queue_depth: int
    progress: Progress
    version: str
    embedding_model: str
    embedding_ready: bool
    llm_model: str
    llm_state: str
    socket_path: str
    uptime_seconds: float
    pid: int
    home: str
    data_dir: str
    embeddings_computed: int
    embeddings_reused: int
    cards_total: int
    problems: list[str]
    index_state: str
    vectors: int
    grpc_version: str = ""

    @classmethod
    def from_pb(cls, m: Any) -> Status:
        return cls(
            roots=[Root.from_pb(r) for r in m.roots],
            counts=dict(sorted(m.counts.items())),
            queue_depth=m.queue_depth,
            progress=Progress.from_pb(m.progress),
            version=m.version,
            embedding_model=m.embedding_model,
            embedding_ready=m.embedding_ready,
            llm_model=m.llm_model,
            llm_state=m.llm_state,
            socket_path=m.socket_path,
            uptime_seconds=m.uptime_seconds,
            pid=m.pid,
            home=m.home,
            data_dir=m.data_dir,
            embeddings_computed=m.embeddings_computed,
            embeddings_reused=m.embeddings_reused,
            cards_total=m.cards_total,
            problems=list(m.problems),
            index_state=m.index_state,
            vectors=m.vectors,
            grpc_version=m.grpc_version,
        )

    def to_json(self) -> dict[str, Any]:
        return as_dict(self)  # type: ignore[no-any-return]
