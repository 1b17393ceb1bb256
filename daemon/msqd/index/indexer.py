"""The change queue and the worker that turns files into stored, embedded cards.

Paths arrive from the watcher, the reconciler and Reindex; each is queued once
(deduplicated by path). One worker thread takes batches, extracts each file
(never running it), embeds only content it has not embedded before (cache keyed
by sha256 and model, valid while the text it embeds is the same), and writes
card, text and vector in one transaction before updating the vector index. One
bad file becomes an error card, never a dead worker; a database that cannot be
written (locked, disk full) pauses the worker, keeps the batch queued and is
retried, while searches go on.
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

from ..card import ModelCard
from ..errors import StorageError
from ..extract import EXTRACTOR_VERSION
from ..extract.ids import model_id_for, project_for
from ..store.db import Store, text_hash
from ..store.vindex import VectorIndex
from .cardtext import embedding_text, lexical_text
from .embed import Embedder

log = logging.getLogger(__name__)

Extract = Callable[..., ModelCard]

# Seconds between attempts while the database cannot be written.
RETRY_SECONDS = 2.0


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

    # Stored with each card; a reconcile re-extracts cards another version wrote.
    extractor_version: int = EXTRACTOR_VERSION

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
        self._queue: OrderedDict[str, str] = OrderedDict()  # path -> root (bulk: scans)
        # Paths from the watcher: someone just saved them and may search next, so they
        # go first, newest first, ahead of a bulk scan or an older burst.
        self._hot: OrderedDict[str, str] = OrderedDict()
        # Queued paths the store has no card for: they make the index less complete
        # than its card count says (see completeness()).
        self._new: set[str] = set()
        self._cond = threading.Condition()
        self._stop = False
        self._busy = False
        self._thread: threading.Thread | None = None
        self.progress = Progress()
        self._recent: deque[float] = deque(maxlen=200)
        self.embeddings_computed = 0
        self.embeddings_reused = 0
        self.moves = 0  # new paths whose content (and first-seen time) came from a moved file
        self.dirty_since: float | None = None
        self.last_error = ""
        self.paused_since: float | None = None
        self.on_change: Callable[[], None] | None = None
        # path -> None (extract it) or (status, message): "drop" for no card, else a
        # card that records why nothing was read (a symlink not followed, a folder
        # that may not be listed). Set by the app from the watcher's link policy.
        self.classify: Callable[[str], tuple[str, str] | None] | None = None

    # ------------------------------------------------------------ control

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="msqd-indexer", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop after the batch in hand; queued items are dropped (reconcile finds them)."""
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

    def enqueue(self, path: str, root: str, hot: bool = False) -> None:
        self.enqueue_many([(path, root)], hot=hot)

    def drop(self, paths: list[str]) -> None:
        """Remove the cards at ``paths`` and their vectors (a deleted file leaves nothing).

        Before the index has loaded only the store changes; loading repairs the index
        from the store's labels.
        """
        labels = self.store.delete_paths(paths)
        if self.vindex is not None:
            self.vindex.remove(labels)

    def enqueue_many(self, items: list[tuple[str, str]], hot: bool = False) -> None:
        """Queue (path, root) pairs; a path already queued is not queued twice.

        ``hot`` items (watcher events) are taken before bulk ones, newest first.
        """
        if not items:
            return
        # Outside the lock: one indexed lookup per path, on the caller's read connection.
        fresh = [p for p, _ in items if not self._known(p)]
        with self._cond:
            if not self._queue and not self._hot and not self._busy:
                self.progress = Progress(started=time.time())
            for path, root in items:
                if path not in self._queue and path not in self._hot:
                    self.progress.seen += 1
                if hot:
                    self._queue.pop(path, None)
                    self._hot.pop(path, None)
                    self._hot[path] = root
                elif path not in self._hot:
                    self._queue[path] = root
            self._new.update(fresh)
            self._cond.notify_all()

    def _known(self, path: str) -> bool:
        try:
            return self.store.has_path(path)
        except StorageError:
            return True

    @property
    def queued(self) -> int:
        with self._cond:
            return len(self._queue) + len(self._hot)

    @property
    def active(self) -> bool:
        with self._cond:
            return bool(self._queue or self._hot) or self._busy

    def completeness(self, total_cards: int) -> float:
        """How much of the known tree the index reflects, 0..1.

        Cards waiting to be re-read count as stale, files never indexed as missing:
        (cards - stale) / (cards + missing).
        """
        with self._cond:
            queued = len(self._queue) + len(self._hot)
            missing = len(self._new)
        if not queued and not self._busy:
            return 1.0
        stale = max(0, queued - missing)
        denom = total_cards + missing
        return max(0.0, min(1.0, (total_cards - stale) / denom)) if denom else 0.0

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
            # No timeout: an idle daemon's worker costs nothing; enqueue, attach and
            # stop all notify.
            while not self._stop and (not (self._queue or self._hot) or self.embedder is None):
                self._cond.wait()
            if self._stop:
                return []
            batch = []
            # Small batches while saves are waiting: a batch in progress is what a
            # fresh save waits behind, so its size bounds the latency.
            size = max(1, self.batch_size // 4) if self._hot else self.batch_size
            while self._hot and len(batch) < size:
                batch.append(self._hot.popitem(last=True))
            if self._hot:
                self._busy = True
                return batch
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
                if self.paused_since is not None:
                    log.info("indexing resumed")
                self.last_error, self.paused_since = "", None
            except StorageError as e:
                # Disk full or locked: keep the items for a later attempt, keep serving.
                hint = ""
                if "disk" in str(e) or "full" in str(e):
                    hint = " (is the disk full, or a file-size limit reached?)"
                self.last_error = (
                    f"indexing paused, retrying every {RETRY_SECONDS:.0f} s: {e}{hint}"
                )
                self.paused_since = self.paused_since or time.time()
                log.error("%s", self.last_error)
                with self._cond:
                    for path, root in batch:
                        self._queue.setdefault(path, root)
                    self._busy = False
                    self._cond.wait(RETRY_SECONDS)
            except Exception:  # a bug must not kill the worker; reconcile repairs later
                log.exception("indexer batch failed")
                self.progress.failed += len(batch)
                with self._cond:
                    self._new.difference_update(p for p, _ in batch)
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
            verdict = self.classify(path) if self.classify is not None else None
            if verdict is not None:
                if verdict[0] == "drop":
                    gone.append(path)
                else:
                    cards.append(placeholder(path, root, *verdict))
                continue
            try:
                st = os.stat(path)
            except OSError as e:
                if not isinstance(e, FileNotFoundError):
                    log.warning("cannot stat %s: %s", path, e)
                gone.append(path)
                continue
            card = self.extract(path, root or None, max_bytes=self.max_file_bytes)
            if card.status == "error" and not os.path.lexists(path):
                gone.append(path)  # vanished between stat and read
                continue
            cards.append((card, root, st.st_mtime))
        if gone:
            self.drop(gone)
        if cards:
            self._store_cards(cards)
        failed = sum(1 for c, _, _ in cards if c.status == "error")
        with self._cond:
            self._new.difference_update(p for p, _ in batch)
        self._mark_done(len(batch), failed)

    def _vectors(self, cards: list[ModelCard], texts: list[str]) -> list[np.ndarray | None]:
        """Cached vectors by (sha256, model); the rest embedded in one batch."""
        assert self.embedder is not None
        model = self.embedder.name
        vectors: list[np.ndarray | None] = []
        to_embed: list[int] = []
        for i, card in enumerate(cards):
            if card.status in ("error", "skipped") or not card.sha256:
                vectors.append(None)
                continue
            cached = self.store.embedding(card.sha256, model, text_hash(texts[i]))
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
                    cards[i].status = "partial"
                    cards[i].message = f"embedding failed: {e}"
        return vectors

    def _adopt_moved(self, card: ModelCard) -> None:
        """A new path with the content of a card whose file is gone is that file moved.

        Delete the old card now (its own event may come later or never), so the
        store hands its first-seen time to the new card.
        """
        if not card.sha256 or self.store.has_path(card.path):
            return
        olds = [p for p in self.store.paths_with_sha(card.sha256) if not os.path.lexists(p)]
        if olds:
            self.drop(olds)
            self.moves += 1

    def _store_cards(self, cards: list[tuple[ModelCard, str, float]]) -> None:
        assert self.embedder is not None and self.vindex is not None
        model = self.embedder.name
        for card, _, _ in cards:
            self._adopt_moved(card)
            if card.sha256 and not card.llm_description:
                card.llm_description = self.store.llm_description(card.sha256) or ""
        texts = [embedding_text(c) for c, _, _ in cards]
        vectors = self._vectors([c for c, _, _ in cards], texts)
        have = self.vindex.labels()  # once per batch: it is a copy
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
                extractor=self.extractor_version,
            )
            if res.old_label is not None:
                self.vindex.remove([res.old_label])
            if vec is not None and res.vec_label is not None and res.vec_label not in have:
                self.vindex.add([res.vec_label], vec.reshape(1, -1))
                have.add(res.vec_label)

    def _mark_done(self, n: int, failed: int) -> None:
        now = time.time()
        self.progress.done += n
        self.progress.failed += failed
        self._recent.extend([now] * n)
        self.dirty_since = self.dirty_since or now


def placeholder(path: str, root: str, status: str, message: str) -> tuple[ModelCard, str, float]:
    """A card for a path that was not read, with why; size and times of what it names."""
    try:
        st = os.stat(path)  # what reconcile compares against: the target's
    except OSError:
        try:
            st = os.lstat(path)
        except OSError:
            st = None
    card = ModelCard(
        model_id=model_id_for(path, root or None),
        path=path,
        project=project_for(path, root or None),
        status=status,  # type: ignore[arg-type]
        message=message,
        size=st.st_size if st else 0,
        modified=st.st_mtime if st else 0.0,
    )
    return card, root, card.modified


def is_indexable(path: Path) -> bool:
    """Only Python scripts and notebooks are indexed."""
    return path.suffix in (".py", ".ipynb")
