"""The Status response: roots, counts, progress, versions, models."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

import grpc

from msq.v1 import msq_pb2 as pb

from .progress import progress_pb

if TYPE_CHECKING:
    from ..app.root import App, RootInfo


def roots_pb(roots: list[RootInfo]) -> list[pb.RootStatus]:
    return [
        pb.RootStatus(path=r.path, state=r.state, message=r.message, files=r.files, errors=r.errors)
        for r in roots
    ]


def status_pb(app: App) -> pb.StatusResponse:
    """Everything `msq status` shows, in one message."""
    roots = app.roots()
    problems = list(app.problems)
    for r in roots:
        if r.state != "watching" and r.message:
            problems.append(f"{r.path}: {r.message}")
    if app.indexer.last_error:
        problems.append(app.indexer.last_error)
    narrator = getattr(app, "narrator", None)
    return pb.StatusResponse(
        roots=roots_pb(roots),
        counts=app.store.counts(),
        queue_depth=app.indexer.queued,
        progress=progress_pb(app),
        version=app.version,
        embedding_model=app.config.get("embedding.model"),
        embedding_ready=app.embedder is not None,
        llm_model=getattr(narrator, "model_name", "") or "",
        llm_state=getattr(narrator, "state", "unconfigured") or "unconfigured",
        socket_path=str(app.config.socket_path),
        uptime_seconds=time.time() - app.started,
        pid=os.getpid(),
        home=str(app.config.paths.home or ""),
        data_dir=str(app.config.paths.data_dir),
        embeddings_computed=app.indexer.embeddings_computed,
        embeddings_reused=app.indexer.embeddings_reused,
        cards_total=app.store.total(),
        problems=problems,
        grpc_version=grpc.__version__,
        index_state=app.index_state,
        vectors=len(app.vindex) if app.vindex is not None else 0,
    )
