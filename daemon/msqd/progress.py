"""Indexing progress as reported by Status, Search and the Reindex stream."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msq.v1 import msq_pb2 as pb

if TYPE_CHECKING:
    from .app import App


def progress_pb(app: App) -> pb.IndexProgress:
    """Files seen/done/failed in the current indexing session, rate and ETA."""
    ix = app.indexer
    p = ix.progress
    queued = ix.queued
    active = ix.active or app.embedder is None
    rate = ix.rate()
    eta = queued / rate if rate > 0 and queued else 0.0
    seen = max(p.seen, p.done + queued)
    completeness = 1.0 if not ix.active else (p.done / seen if seen else 0.0)
    if app.embedder is None:
        # Until the model has loaded nothing new is indexed.
        completeness = 0.0 if queued else 1.0
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
