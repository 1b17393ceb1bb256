"""The hnswlib vector index: a rebuildable cache of the embeddings in SQLite.

hnswlib is not safe for concurrent reads and writes, so every call goes through
a readers-writer lock: searches share it, adds and deletes take it alone.
Deleted slots are reused (``replace_deleted``); when they pass a fraction of the
index it is compacted by a rebuild. Capacity grows geometrically.

On disk the index sits next to a small JSON file recording the database
generation it matches. At start-up a missing or unreadable index is rebuilt
from the BLOBs; one from an older generation is repaired by comparing labels.
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

log = logging.getLogger(__name__)

COMPACT_FRACTION = 0.25
MIN_CAPACITY = 1024


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
        with self.lock.write():
            self._index = idx
            self._labels = {int(x) for x in labels}
            self._deleted = 0

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

    def remove(self, labels: list[int]) -> None:
        """Mark vectors deleted; their slots are reused by later adds."""
        with self.lock.write():
            for label in labels:
                if label in self._labels:
                    self._index.mark_deleted(label)
                    self._labels.discard(label)
                    self._deleted += 1

    def needs_compaction(self) -> bool:
        total = len(self._labels) + self._deleted
        return self._deleted > MIN_CAPACITY // 4 and self._deleted > COMPACT_FRACTION * total

    # ------------------------------------------------------------ reads

    def search(
        self,
        vector: np.ndarray,
        k: int,
        ef: int | None = None,
        allow: Callable[[int], bool] | None = None,
    ) -> list[tuple[int, float]]:
        """(label, cosine distance) of the ``k`` nearest vectors.

        ``allow`` restricts the search to labels it accepts (hnswlib's filtered
        search: the graph walk skips rejected labels instead of returning fewer
        rows after the fact, so an exact filter never empties a page of results).
        """
        with self.lock.read():
            n = len(self._labels)
            if n == 0:
                return []
            k = min(k, n)
            # ef is one int on the shared index; a concurrent search that sets a
            # different value only changes how hard that search looks, never safety.
            want = max(ef if ef is not None else self.ef, k)
            if want != self._index.ef:
                self._index.set_ef(want)
            try:
                labels, dists = self._index.knn_query(vector.reshape(1, -1), k=k, filter=allow)
            except RuntimeError:
                # Fewer reachable (non-deleted, allowed) elements than k: ask for fewer.
                labels, dists = self._knn_fewer(vector, k, allow)
        return [(int(label), float(d)) for label, d in zip(labels[0], dists[0], strict=True)]

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
            present = [label for label in labels if label in self._labels]
            if not present:
                return {}
            mat = np.asarray(self._index.get_items(present), dtype=np.float32)
        # hnswlib's cosine space stores normalised vectors: distance = 1 - dot.
        d = 1.0 - mat @ (vector / (np.linalg.norm(vector) or 1.0))
        return {label: float(x) for label, x in zip(present, d, strict=True)}

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
        os.replace(tmp, path)
        side = _sidecar(path)
        stmp = side.with_name(side.name + ".tmp")
        stmp.write_text(json.dumps(meta))
        os.replace(stmp, side)

    @classmethod
    def load(cls, path: Path, dim: int, **kw: int) -> tuple[VectorIndex, int] | None:
        """The saved index and the generation it matches, or None if missing or damaged."""
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
            labels = {int(x) for x in meta["labels"]}
            if idx.get_current_count() != len(labels) + int(meta["deleted"]):
                return None
            vi._index = idx
            vi._labels = labels
            vi._deleted = int(meta["deleted"])
            return vi, int(meta["generation"])
        except (OSError, ValueError, KeyError, RuntimeError, TypeError) as e:
            log.warning("vector index at %s is unusable (%s); it will be rebuilt", path, e)
            return None


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")
