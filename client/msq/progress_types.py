"""Indexing progress, converted from the gRPC message: the one record a search result
(msq.types) and the daemon's state (msq.status_types) both carry.

A module of its own, below both, so that msq.status_types does not import msq.types
(which re-exports ``Root`` and ``Status`` from it). ``from msq.types import Progress``
still works. Imports only msq._record.
"""

from __future__ import annotations

from ._record import record

# Not typing.TYPE_CHECKING: importing typing costs ~4 ms of a CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@record
class Progress:
    seen: int
    done: int
    failed: int
    queued: int
    rate: float
    eta_seconds: float
    active: bool
    completeness: float
    current_path: str
    finished: bool

    @classmethod
    def from_pb(cls, m: Any) -> Progress:
        return cls(
            m.seen,
            m.done,
            m.failed,
            m.queued,
            m.rate,
            m.eta_seconds,
            m.active,
            m.completeness,
            m.current_path,
            m.finished,
        )
