"""VectorIndex: filtered search, exact distances, reuse of deleted slots, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from msqd.vindex import MIN_CAPACITY, VectorIndex


def _vecs(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_search_finds_itself_and_respects_allow() -> None:
    vi = VectorIndex(16)
    vecs = _vecs(200)
    vi.build(np.arange(200), vecs)
    assert vi.search(vecs[7], 1)[0][0] == 7
    allowed = {3, 50, 150}
    got = vi.search(vecs[7], 3, allow=allowed.__contains__)
    assert len(vi.search(vecs[7], 10, allow=allowed.__contains__)) == 2  # k > allowed: fewer
    assert {label for label, _ in got} == allowed


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
    loaded = VectorIndex.load(path, 16)
    assert loaded is not None
    vi2, gen = loaded
    assert gen == 9 and vi2.labels() == set(range(30))
    assert vi2.search(vecs[4], 1)[0][0] == 4
    path.write_bytes(b"garbage")
    assert VectorIndex.load(path, 16) is None


def test_an_index_built_with_other_graph_parameters_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "v.hnsw"
    old = VectorIndex(16, m=16, ef_construction=100)
    old.build(np.arange(30), _vecs(30))
    old.save(path, generation=3)
    assert VectorIndex.load(path, 16, m=16, ef_construction=100) is not None
    assert VectorIndex.load(path, 16) is None  # the defaults differ: rebuild from the BLOBs
    meta = path.with_name(path.name + ".json")
    meta.write_text(meta.read_text().replace('"m": 16, ', ""))  # written before M was kept
    assert VectorIndex.load(path, 16, m=16, ef_construction=100) is None
