"""Indexing progress as reported by Status, Search and the Reindex stream."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msq.v1 import msq_pb2 as pb

if TYPE_CHECKING:
    from ..app.root import App


def progress_pb(app: App) -> pb.IndexProgress:
    """Files seen/done/failed in the current indexing session, rate and ETA."""
    ix = app.indexer
    p = ix.progress
    queued = ix.queued
    active = ix.active or app.embedder is None
    rate = ix.rate()
    eta = queued / rate if rate > 0 and queued else 0.0
    seen = max(p.seen, p.done + queued)
    # How much of the known tree the index reflects: cards queued for re-reading
    # are stale, files never indexed are missing (see Indexer.completeness).
    completeness = ix.completeness(app.store.total())
    return pb.IndexProgress(
        seen=seen,
        done=p.done,
        failed=p.failed,
        queued=queued,
        rate=rate,
        eta_seconds=eta,
        active=active,
        completeness=completeness,
        current_path=p.current if ix.active else "",
    )
