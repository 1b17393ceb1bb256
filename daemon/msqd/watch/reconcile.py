"""Reconcile: compare a root on disk with the store and queue what differs.

Runs at start-up, on a schedule, after an inotify overflow, for polling roots
and for Reindex. Files are compared by size and mtime first; when only the
mtime differs the content hash decides (a touch or a checkout of identical
content updates the mtime and costs no extraction). Files the store has but
the disk has not (deleted while the daemon was down) are removed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from ..errors import StorageError
from ..index.indexer import Indexer
from ..store.db import FileState, Store
from .watcher import Watcher

log = logging.getLogger(__name__)


@dataclass
class ReconcileResult:
    """What one pass found."""

    queued: int = 0
    removed: int = 0
    touched: int = 0


def sha256_of(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


class Reconciler:
    """Walks roots with their ignore rules and repairs the store's view of them."""

    def __init__(self, store: Store, indexer: Indexer, watcher: Watcher) -> None:
        self.store = store
        self.indexer = indexer
        self.watcher = watcher
        self._lock = threading.Lock()  # one pass at a time: passes touch the same rows
        self.passes = 0

    def owner(self, path: str) -> Path | None:
        rw = self.watcher.root_for(Path(path))
        return rw.root if rw else None

    def run(self, roots: list[Path], force: bool = False) -> ReconcileResult:
        """Reconcile ``roots`` (each over its own folders, not its nested roots')."""
        total = ReconcileResult()
        with self._lock:
            for r in roots:
                try:
                    res = self._one(r, force)
                except StorageError as e:
                    log.error("reconcile of %s stopped: %s", r, e)
                    continue
                total.queued += res.queued
                total.removed += res.removed
                total.touched += res.touched
            self.passes += 1
        if total.queued or total.removed:
            log.info(
                "reconcile: %d queued, %d removed, %d touched",
                total.queued,
                total.removed,
                total.touched,
            )
        return total

    def _one(self, r: Path, force: bool) -> ReconcileResult:
        res = ReconcileResult()
        rw = self.watcher.roots.get(r)
        if rw is None or not r.is_dir():
            return res
        known = self.store.file_states(str(r))
        seen: set[str] = set()
        items: list[tuple[str, str]] = []
        nested = self.watcher.nested_in(r)
        for _d, files in rw.rules.walk(prune=nested):
            for f in files:
                p = str(f)
                seen.add(p)
                if self._changed(f, known.get(p), str(r), force, res):
                    items.append((p, str(r)))
        # Cards under nested roots belong to those roots' passes.
        gone = [
            p
            for p in known
            if p not in seen and not any(n == Path(p) or n in Path(p).parents for n in nested)
        ]
        if gone:
            self.indexer.drop(gone)
            res.removed = len(gone)
        self.indexer.enqueue_many(items)
        res.queued = len(items)
        return res

    def _changed(
        self, f: Path, known: FileState | None, root: str, force: bool, res: ReconcileResult
    ) -> bool:
        if force or known is None or known.root != root:
            return True
        if known.extractor != self.indexer.extractor_version:
            return True  # written by another extractor: its facts may be stale
        if f.is_symlink():
            # Followed or not depends on the config and the roots, which may have
            # changed since: the indexer decides again (a followed file's embedding
            # is cached by content, so this costs a read, not a model call).
            return True
        if known.status == "error" and not known.sha256 and os.access(f, os.R_OK):
            # Nothing could be read last time (permission denied) and now it can: a
            # chmod leaves size and mtime as they were.
            return True
        try:
            st = f.stat()
        except OSError:
            return False
        if known.size != st.st_size:
            return True
        if known.mtime == st.st_mtime:
            return False
        # Same size, new mtime: the hash decides whether the content changed.
        if known.status != "error" and sha256_of(f) == known.sha256:
            self.store.set_mtime(str(f), st.st_mtime)
            res.touched += 1
            return False
        return True
