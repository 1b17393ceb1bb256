"""The hnswlib vector index: a rebuildable cache of the embeddings in SQLite.

hnswlib is not safe for concurrent reads and writes, so every call goes through
a readers-writer lock: searches share it, adds and deletes take it alone.
Deleted slots are reused (``replace_deleted``); when they pass a fraction of the
index it is compacted by a rebuild. Capacity grows geometrically.

A VectorTable (vectors.py) holds the same vectors as a numpy matrix: exact
distances come from it, and a search restricted to a set of labels picks the
cheapest exact-enough way (see ``search``).

On disk the index sits next to a small JSON file recording the database
generation it matches. At start-up a missing or unreadable index is rebuilt
from the BLOBs; one from an older generation is repaired by comparing labels.
The matrix is not saved: it is filled from the BLOBs the repair reads anyway.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import hnswlib
import numpy as np

from msq.private import write_private

from .vectors import VectorTable

log = logging.getLogger(__name__)

COMPACT_FRACTION = 0.25
MIN_CAPACITY = 1024
# Restricted searches (see VectorIndex.search), measured at 100,000 cards: an
# exact scan costs ~0.4 µs a vector (cold), one graph walk at ef=512 ~0.6 ms, and
# hnswlib's filtered walk ~1 µs a visited node, 5,000-11,000 nodes for filters
# letting 2-25% of the cards through.
EXACT_SMALL = 2048  # always exact below this: no dearer than one graph walk
EXACT_MAX = 10_000  # exact rather than the filtered walk up to this
POST_FILTER_EF = 2048


class RWLock:
    """Many readers or one writer; writers are not starved by a stream of readers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._waiting_writers += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class VectorIndex:
    """Cosine HNSW index over card vectors, keyed by the store's ``vec_label``."""

    def __init__(self, dim: int, *, m: int = 32, ef_construction: int = 200, ef: int = 512) -> None:
        # Defaults from bench/search_bench.py at 100,000 cards: questions sit far from
        # the cards' vectors, and M=16/ef=128 found only ~0.85 of their exact top 10.
        # With M=32, ef_construction=200 each build differs (threads): ef=256 found
        # 0.93-0.997 over builds, ef=512 1.000 in all four, for ~0.55 ms a search.
        self.dim = dim
        self.m = m
        self.ef_construction = ef_construction
        self.ef = ef
        self.lock = RWLock()
        self._index = self._new(MIN_CAPACITY)
        self._labels: set[int] = set()
        self._deleted = 0
        self._table = VectorTable(dim)

    def _new(self, capacity: int) -> hnswlib.Index:
        idx = hnswlib.Index(space="cosine", dim=self.dim)
        idx.init_index(
            max_elements=capacity,
            ef_construction=self.ef_construction,
            M=self.m,
            allow_replace_deleted=True,
        )
        idx.set_ef(self.ef)
        idx.set_num_threads(1)
        return idx

    def __len__(self) -> int:
        return len(self._labels)

    @property
    def deleted(self) -> int:
        return self._deleted

    # ------------------------------------------------------------ writes

    def build(self, labels: np.ndarray, vectors: np.ndarray) -> None:
        """Replace the whole index with these vectors."""
        capacity = max(MIN_CAPACITY, int(len(labels) * 1.5))
        idx = self._new(capacity)
        if len(labels):
            idx.set_num_threads(os.cpu_count() or 1)
            idx.add_items(vectors, labels)
            idx.set_num_threads(1)
        table = VectorTable(self.dim)
        table.reset(labels, vectors.reshape(-1, self.dim))
        with self.lock.write():
            self._index = idx
            self._labels = {int(x) for x in labels}
            self._deleted = 0
            self._table = table

    def add(self, labels: list[int], vectors: np.ndarray) -> None:
        """Add vectors, reusing deleted slots and growing capacity geometrically."""
        if not labels:
            return
        with self.lock.write():
            need = len(self._labels) + self._deleted + len(labels)
            cap = self._index.get_max_elements()
            if need > cap:
                self._index.resize_index(max(need, cap * 2))
            reuse = min(self._deleted, len(labels))
            self._index.add_items(vectors, labels, replace_deleted=reuse > 0)
            self._deleted -= reuse
            self._labels.update(labels)
            self._table.add(labels, vectors)

    def remove(self, labels: list[int]) -> None:
        """Mark vectors deleted; their slots are reused by later adds."""
        with self.lock.write():
            for label in labels:
                if label in self._labels:
                    self._index.mark_deleted(label)
                    self._labels.discard(label)
                    self._deleted += 1
            self._table.remove(labels)

    def needs_compaction(self) -> bool:
        total = len(self._labels) + self._deleted
        return self._deleted > MIN_CAPACITY // 4 and self._deleted > COMPACT_FRACTION * total

    # ------------------------------------------------------------ reads

    def search(
        self,
        vector: np.ndarray,
        k: int,
        ef: int | None = None,
        allowed: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """(label, cosine distance) of the ``k`` nearest vectors.

        ``allowed`` (an array of labels) restricts the search to those labels and
        never returns fewer rows than it holds, up to ``k``. The cheapest of three
        ways is taken: an exact scan of the allowed vectors when they are few; the
        unrestricted graph walk with a wider beam, keeping the allowed rows, when
        they are common enough to fill ``k`` from it; else hnswlib's filtered walk.
        """
        with self.lock.read():
            n = len(self._labels)
            if n == 0:
                return []
            want = max(ef if ef is not None else self.ef, k)
            if allowed is None:
                labels, dists = self._knn(vector, min(k, n), want, None)
                return _pairs(labels, dists)
            labels, rows = self._table.present(allowed)
            k = min(k, len(labels))
            if k == 0:
                return []
            if len(labels) > EXACT_SMALL:
                # A beam wide enough to hold three times k allowed rows if they are
                # spread like the rest; when they are not, the next way runs.
                beam = max(want, -(-3 * k * n // len(labels)))
                if beam <= POST_FILTER_EF:
                    found, dists = self._knn(vector, min(beam, n), beam, None)
                    ok = _member(found[0].astype(np.int64), labels)
                    if int(ok.sum()) >= k:
                        return _pairs(found[:, ok][:, :k], dists[:, ok][:, :k])
            if len(labels) <= EXACT_MAX:
                return self._table.nearest(vector, labels, rows, k)
            found, dists = self._knn(vector, k, want, _label_filter(labels))
            return _pairs(found, dists)

    def _knn(
        self, vector: np.ndarray, k: int, ef: int, allow: Callable[[int], bool] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        # ef is one int on the shared index; a concurrent search that sets a
        # different value only changes how hard that search looks, never safety.
        if ef != self._index.ef:
            self._index.set_ef(ef)
        try:
            return self._index.knn_query(vector.reshape(1, -1), k=k, filter=allow)
        except RuntimeError:
            # Fewer reachable (non-deleted, allowed) elements than k: ask for fewer.
            return self._knn_fewer(vector, k, allow)

    def _knn_fewer(
        self, vector: np.ndarray, k: int, allow: Callable[[int], bool] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        # One less first (a single unreachable element is the common case), then halve.
        for kk in sorted({k - 1, *(k >> i for i in range(1, 16))} - {0}, reverse=True):
            try:
                return self._index.knn_query(vector.reshape(1, -1), k=kk, filter=allow)
            except RuntimeError:
                continue
        return np.zeros((1, 0), dtype=np.uint64), np.zeros((1, 0), dtype=np.float32)

    def distances(self, vector: np.ndarray, labels: list[int]) -> dict[int, float]:
        """Exact cosine distance from ``vector`` to each present label."""
        with self.lock.read():
            present, rows = self._table.present(np.asarray(labels, dtype=np.int64))
            d = self._table.distances(vector, rows)
        return {int(label): float(x) for label, x in zip(present, d, strict=True)}

    def labels(self) -> set[int]:
        with self.lock.read():
            return set(self._labels)

    # ------------------------------------------------------------ persistence

    def save(self, path: Path, generation: int) -> None:
        """Write index + sidecar atomically (sidecar last: it vouches for the index)."""
        tmp = path.with_name(path.name + ".tmp")
        with self.lock.read():
            self._index.save_index(str(tmp))
            meta = {
                "generation": generation,
                "dim": self.dim,
                "m": self.m,
                "ef_construction": self.ef_construction,
                "labels": sorted(self._labels),
                "deleted": self._deleted,
            }
        # hnswlib creates the file with the process umask: owner-only before it is
        # renamed into place (the vectors encode the user's scripts).
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        side = _sidecar(path)
        stmp = side.with_name(side.name + ".tmp")
        write_private(stmp, json.dumps(meta))
        os.replace(stmp, side)

    @classmethod
    def load(
        cls, path: Path, dim: int, labels: np.ndarray, vectors: np.ndarray, **kw: int
    ) -> tuple[VectorIndex, int] | None:
        """The saved index and the generation it matches, or None if missing or damaged.

        ``labels``/``vectors`` are the database's vectors: they fill the matrix
        copy. A caller that finds the index older than the database repairs it
        with ``remove``/``add``, which keep both copies in step.
        """
        side = _sidecar(path)
        try:
            meta = json.loads(side.read_text())
            if int(meta["dim"]) != dim or not path.exists():
                return None
            vi = cls(dim, **kw)
            built = (meta.get("m"), meta.get("ef_construction"))
            if built != (vi.m, vi.ef_construction):
                # Built with other graph parameters (an older msq): rebuild once.
                log.info("vector index at %s was built with M, ef_construction = %s", path, built)
                return None
            idx = hnswlib.Index(space="cosine", dim=dim)
            idx.load_index(str(path), allow_replace_deleted=True)
            idx.set_ef(vi.ef)
            idx.set_num_threads(1)
            saved = {int(x) for x in meta["labels"]}
            if idx.get_current_count() != len(saved) + int(meta["deleted"]):
                return None
            vi._index = idx
            vi._labels = saved
            vi._deleted = int(meta["deleted"])
            vi._table.reset(labels, vectors.reshape(-1, dim))
            return vi, int(meta["generation"])
        except (OSError, ValueError, KeyError, RuntimeError, TypeError) as e:
            log.warning("vector index at %s is unusable (%s); it will be rebuilt", path, e)
            return None


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _pairs(labels: np.ndarray, dists: np.ndarray) -> list[tuple[int, float]]:
    return [(int(label), float(d)) for label, d in zip(labels[0], dists[0], strict=True)]


def _member(found: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Which of ``found`` are among ``labels`` (both non-negative label arrays)."""
    size = int(max(found.max(initial=0), labels.max(initial=0))) + 1
    mask = np.zeros(size, dtype=bool)
    mask[labels] = True
    return mask[found]


def _label_filter(labels: np.ndarray) -> Callable[[int], bool]:
    """hnswlib's filter for a set of labels: one byte per label, built in numpy."""
    size = int(labels.max()) + 1
    ok = bytearray(size)
    np.frombuffer(ok, dtype=np.uint8)[labels] = 1
    # hnswlib calls this for every node it visits.
    return lambda label: label < size and ok[label] == 1
