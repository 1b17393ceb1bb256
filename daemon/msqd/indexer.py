"""The change queue and the worker that turns files into stored, embedded cards.

Paths arrive from the watcher, the reconciler and Reindex; each is queued once
(deduplicated by path). One worker thread takes batches, extracts each file
(never running it), embeds only content it has not embedded before (cache keyed
by sha256 and model), and writes card, text and vector in one transaction
before updating the vector index. One bad file becomes an error card, never a
dead worker.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .card import ModelCard
from .cardtext import embedding_text, lexical_text
from .embed import Embedder
from .errors import StorageError
from .store import Store
from .vindex import VectorIndex

log = logging.getLogger(__name__)

Extract = Callable[..., ModelCard]


@dataclass
class Progress:
    """Counters of the current indexing session (reset when the queue drains and refills)."""

    seen: int = 0
    done: int = 0
    failed: int = 0
    started: float = 0.0
    current: str = ""


class Indexer:
    """Queue + worker: extract, embed, store, index."""

    def __init__(
        self,
        store: Store,
        extract: Extract,
        *,
        max_file_bytes: int = 2_000_000,
        batch_size: int = 32,
    ) -> None:
        self.store = store
        self.extract = extract
        self.max_file_bytes = max_file_bytes
        self.batch_size = batch_size
        self.embedder: Embedder | None = None
        self.vindex: VectorIndex | None = None
        self._queue: OrderedDict[str, str] = OrderedDict()  # path -> root
        self._cond = threading.Condition()
        self._stop = False
        self._busy = False
        self._thread: threading.Thread | None = None
        self.progress = Progress()
        self._recent: deque[float] = deque(maxlen=200)
        self.embeddings_computed = 0
        self.embeddings_reused = 0
        self.dirty_since: float | None = None
        self.last_error = ""
        self.on_change: Callable[[], None] | None = None

    # ------------------------------------------------------------ control

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="msqd-indexer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop after the item in hand; queued items are dropped (reconcile finds them)."""
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread:
            self._thread.join(timeout)

    def attach(self, embedder: Embedder, vindex: VectorIndex) -> None:
        """Give the worker its embedder and index once they are loaded."""
        with self._cond:
            self.embedder = embedder
            self.vindex = vindex
            self._cond.notify_all()

    def enqueue(self, path: str, root: str) -> None:
        with self._cond:
            if not self._queue and not self._busy:
                self.progress = Progress(started=time.time())
            if path not in self._queue:
                self.progress.seen += 1
            self._queue[path] = root
            self._cond.notify_all()

    def enqueue_many(self, items: list[tuple[str, str]]) -> None:
        for path, root in items:
            self.enqueue(path, root)

    @property
    def queued(self) -> int:
        with self._cond:
            return len(self._queue)

    @property
    def active(self) -> bool:
        with self._cond:
            return bool(self._queue) or self._busy

    def rate(self) -> float:
        """Files per second over the recent window."""
        now = time.time()
        recent = [t for t in self._recent if now - t < 30]
        if len(recent) < 2:
            return 0.0
        span = max(now - recent[0], 1e-3)
        return len(recent) / span

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not self.active:
                return True
            time.sleep(0.05)
        return not self.active

    # ------------------------------------------------------------ worker

    def _take(self) -> list[tuple[str, str]]:
        with self._cond:
            while not self._stop and (not self._queue or self.embedder is None):
                self._cond.wait(0.5)
            if self._stop:
                return []
            batch = []
            while self._queue and len(batch) < self.batch_size:
                batch.append(self._queue.popitem(last=False))
            self._busy = True
            return batch

    def _run(self) -> None:
        while True:
            batch = self._take()
            if not batch:
                return
            try:
                self._process(batch)
            except StorageError as e:
                # Disk full or locked: keep the items for a later attempt, keep serving.
                self.last_error = str(e)
                log.error("indexing paused: %s", e)
                with self._cond:
                    for path, root in batch:
                        self._queue.setdefault(path, root)
                time.sleep(2.0)
            except Exception:  # pragma: no cover - a bug must not kill the worker
                log.exception("indexer batch failed")
                self.progress.failed += len(batch)
            finally:
                with self._cond:
                    self._busy = False
                if self.on_change:
                    self.on_change()

    def _process(self, batch: list[tuple[str, str]]) -> None:
        assert self.embedder is not None and self.vindex is not None
        gone: list[str] = []
        cards: list[tuple[ModelCard, str, float]] = []
        for path, root in batch:
            self.progress.current = path
            try:
                st = os.stat(path)
            except FileNotFoundError:
                gone.append(path)
                continue
            except OSError as e:
                log.warning("cannot stat %s: %s", path, e)
                gone.append(path)
                continue
            card = self.extract(path, root or None, max_bytes=self.max_file_bytes)
            cards.append((card, root, st.st_mtime))
        if gone:
            self.vindex.remove(self.store.delete_paths(gone))
            self._mark_done(len(gone), 0)
        if not cards:
            return
        model = self.embedder.name
        texts = [embedding_text(c) for c, _, _ in cards]
        vectors: list[np.ndarray | None] = []
        to_embed: list[int] = []
        for i, (card, _, _) in enumerate(cards):
            if card.status in ("error", "skipped") or not card.sha256:
                vectors.append(None)
                continue
            cached = self.store.embedding(card.sha256, model)
            if cached is not None and cached.shape[0] == self.embedder.dim:
                self.embeddings_reused += 1
                vectors.append(cached)
            else:
                vectors.append(None)
                to_embed.append(i)
        if to_embed:
            try:
                fresh = self.embedder.embed([texts[i] for i in to_embed])
                for j, i in enumerate(to_embed):
                    vectors[i] = fresh[j]
                self.embeddings_computed += len(to_embed)
            except Exception as e:  # an embedding failure is recorded, not fatal
                log.exception("embedding failed")
                for i in to_embed:
                    cards[i][0].status = "partial"
                    cards[i][0].message = f"embedding failed: {e}"
        failed = 0
        for i, (card, root, mtime) in enumerate(cards):
            vec = vectors[i]
            res = self.store.upsert(
                card,
                root=root,
                mtime=mtime,
                embed_text=texts[i],
                lexical_text=lexical_text(card),
                vector=vec,
                model=model,
            )
            if res.old_label is not None:
                self.vindex.remove([res.old_label])
            if (
                vec is not None
                and res.vec_label is not None
                and res.vec_label not in self.vindex.labels()
            ):
                self.vindex.add([res.vec_label], vec.reshape(1, -1))
            if card.status == "error":
                failed += 1
        self._mark_done(len(cards), failed)

    def _mark_done(self, n: int, failed: int) -> None:
        now = time.time()
        self.progress.done += n
        self.progress.failed += failed
        self._recent.extend([now] * n)
        self.dirty_since = self.dirty_since or now


def is_indexable(path: Path) -> bool:
    """Only Python scripts and notebooks are indexed."""
    return path.suffix in (".py", ".ipynb")
