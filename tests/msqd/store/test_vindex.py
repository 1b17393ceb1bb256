"""VectorIndex: filtered search, exact distances, reuse of deleted slots, persistence."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from msqd.store import vindex
from msqd.store.vindex import MIN_CAPACITY, VectorIndex


def _vecs(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_search_finds_itself_and_respects_allowed() -> None:
    vi = VectorIndex(16)
    vecs = _vecs(200)
    vi.build(np.arange(200), vecs)
    assert vi.search(vecs[7], 1)[0][0] == 7
    allowed = np.array([3, 50, 150, 9999])  # 9999 is in no index: ignored
    got = vi.search(vecs[7], 3, allowed=allowed)
    assert len(vi.search(vecs[7], 10, allowed=allowed)) == 3  # k > allowed: all of them
    assert {label for label, _ in got} == {3, 50, 150}
    assert vi.search(vecs[7], 5, allowed=np.array([9999])) == []


def _exact(vecs: np.ndarray, labels: np.ndarray, q: np.ndarray, k: int) -> list[int]:
    d = 1.0 - vecs[labels] @ q
    return [int(x) for x in labels[np.argsort(d, kind="stable")[:k]]]


@pytest.mark.parametrize("way", ["exact", "post-filter", "filtered walk"])
def test_each_way_of_a_restricted_search_finds_the_exact_top_k(
    way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = 3000
    vecs = _vecs(n, dim=32, seed=4)
    vi = VectorIndex(32, ef=n)  # a beam as wide as the index: hnswlib is exact too
    vi.build(np.arange(n), vecs)
    # Every third label (post-filter can fill k from the beam) or a sparse set.
    allowed = np.arange(0, n, 3) if way == "post-filter" else np.arange(5, n, 97)
    monkeypatch.setattr(vindex, "EXACT_SMALL", 0 if way == "post-filter" else n)
    monkeypatch.setattr(vindex, "EXACT_MAX", n if way == "exact" else 0)
    monkeypatch.setattr(vindex, "POST_FILTER_EF", n if way == "post-filter" else 0)
    calls = []
    real = vindex._label_filter
    monkeypatch.setattr(vindex, "_label_filter", lambda x: calls.append(len(x)) or real(x))
    for qi in (0, 17, 555):
        got = vi.search(vecs[qi], 10, allowed=allowed)
        assert [label for label, _ in got] == _exact(vecs, allowed, vecs[qi], 10)
        for label, d in got:
            assert abs(d - (1.0 - float(vecs[label] @ vecs[qi]))) < 1e-5
    assert bool(calls) == (way == "filtered walk")


def test_post_filter_falls_back_when_the_allowed_are_far_from_the_query() -> None:
    # The allowed are common but all far away: the unrestricted beam holds none
    # of them, and the restricted answer must still be the exact one.
    rng = np.random.default_rng(5)
    near = _vecs(6000, dim=8, seed=6) + 4.0  # a tight cluster far from the others
    far = -np.abs(rng.normal(size=(6000, 8)))
    vecs = np.vstack([near, far]).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    vi = VectorIndex(8)
    vi.build(np.arange(len(vecs)), vecs)
    allowed = np.arange(6000, 12000)
    got = vi.search(vecs[0], 10, allowed=allowed)
    assert [label for label, _ in got] == _exact(vecs, allowed, vecs[0], 10)


def test_label_filter_is_one_byte_per_label() -> None:
    allow = vindex._label_filter(np.array([3, 5]))
    assert [allow(x) for x in range(8)] == [False, False, False, True, False, True, False, False]
    assert allow(10_000) is False


def test_distances_are_exact_cosine() -> None:
    vi = VectorIndex(16)
    vecs = _vecs(50)
    vi.build(np.arange(50), vecs)
    d = vi.distances(vecs[0], [0, 1, 99])
    assert set(d) == {0, 1}
    assert abs(d[0]) < 1e-5
    assert abs(d[1] - (1 - float(vecs[0] @ vecs[1]))) < 1e-5


def test_deleted_slots_are_reused_and_capacity_grows() -> None:
    vi = VectorIndex(16)
    vi.add(list(range(MIN_CAPACITY)), _vecs(MIN_CAPACITY))
    vi.remove([0, 1, 2])
    assert vi.deleted == 3 and len(vi) == MIN_CAPACITY - 3
    vi.add([5000, 5001], _vecs(2, seed=1))
    assert vi.deleted == 1
    vi.add(list(range(6000, 6100)), _vecs(100, seed=2))
    assert len(vi) == MIN_CAPACITY - 3 + 102
    assert all(label not in (0, 1, 2) for label, _ in vi.search(_vecs(1)[0], 50))


def test_save_load_round_trip_and_damage(tmp_path: Path) -> None:
    vi = VectorIndex(16)
    vecs = _vecs(30)
    vi.build(np.arange(30), vecs)
    path = tmp_path / "v.hnsw"
    vi.save(path, generation=9)
    loaded = VectorIndex.load(path, 16, np.arange(30), vecs)
    assert loaded is not None
    vi2, gen = loaded
    assert gen == 9 and vi2.labels() == set(range(30))
    assert vi2.search(vecs[4], 1)[0][0] == 4
    assert vi2.search(vecs[4], 1, allowed=np.arange(30))[0][0] == 4
    path.write_bytes(b"garbage")
    assert VectorIndex.load(path, 16, np.arange(30), vecs) is None


def test_a_loaded_index_repaired_by_labels_keeps_its_vector_copy_in_step(
    tmp_path: Path,
) -> None:
    # Saved with labels 0-29; the database has since dropped 0-4 and added 30-34.
    vecs = _vecs(35)
    old = VectorIndex(16)
    old.build(np.arange(30), vecs[:30])
    path = tmp_path / "v.hnsw"
    old.save(path, generation=1)
    db = np.arange(5, 35)
    loaded = VectorIndex.load(path, 16, db, vecs[5:35])
    assert loaded is not None
    vi = loaded[0]
    vi.remove(list(range(5)))
    vi.add(list(range(30, 35)), vecs[30:35])
    assert vi.labels() == set(range(5, 35))
    assert set(vi.distances(vecs[0], list(range(35)))) == set(range(5, 35))
    for way in (None, np.arange(35)):
        got = {label for label, _ in vi.search(vecs[32], 35, allowed=way)}
        assert got == set(range(5, 35))


def test_an_index_built_with_other_graph_parameters_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "v.hnsw"
    old = VectorIndex(16, m=16, ef_construction=100)
    old.build(np.arange(30), _vecs(30))
    old.save(path, generation=3)
    db = (np.arange(30), _vecs(30))
    assert VectorIndex.load(path, 16, *db, m=16, ef_construction=100) is not None
    assert VectorIndex.load(path, 16, *db) is None  # the defaults differ: rebuild from BLOBs
    meta = path.with_name(path.name + ".json")
    meta.write_text(meta.read_text().replace('"m": 16, ', ""))  # written before M was kept
    assert VectorIndex.load(path, 16, *db, m=16, ef_construction=100) is None


def test_searches_of_every_way_run_safely_beside_adds_removes_and_rebuilds() -> None:
    # hnswlib and the vector copy are not safe for mixed use; the index's lock is
    # what makes them so. Writers grow, shrink and rebuild while readers search.
    dim = 16
    vecs = _vecs(4000, dim=dim, seed=9)
    vi = VectorIndex(dim)
    vi.build(np.arange(1000), vecs[:1000])
    errors: list[BaseException] = []
    stop = threading.Event()
    ways = [None, np.arange(0, 4000, 400), np.arange(0, 4000, 3), np.arange(4000)]

    def reader(seed: int) -> None:
        rng = np.random.default_rng(seed)
        try:
            while not stop.is_set():
                allowed = ways[int(rng.integers(len(ways)))]
                q = vecs[int(rng.integers(4000))]
                for label, _d in vi.search(q, 20, allowed=allowed):
                    assert 0 <= label < 4000
                    assert allowed is None or label in set(allowed.tolist())
                vi.distances(q, [int(x) for x in rng.integers(0, 4000, 30)])
        except BaseException as e:  # any failure in a reader fails the test
            errors.append(e)

    readers = [threading.Thread(target=reader, args=(i,)) for i in range(3)]
    for t in readers:
        t.start()
    try:
        for _cycle in range(2):
            for start in range(1000, 4000, 250):
                vi.add(list(range(start, start + 250)), vecs[start : start + 250])
                vi.remove(list(range(start - 1000, start - 900)))
                if start % 1000 == 0:
                    labels = np.array(sorted(vi.labels()))
                    vi.build(labels, vecs[labels])
            vi.add(list(range(1000)), vecs[:1000])
            vi.remove(list(range(1000, 4000)))
    finally:
        stop.set()
        for t in readers:
            t.join(timeout=30)
    assert not errors, errors[:3]
    assert len(vi) == len(vi.labels())
    assert vi.labels() == set(range(1000))
    assert vi.search(vecs[999], 1, allowed=np.array([999, 3999]))[0][0] == 999
