"""VectorTable: rows by label, reuse and growth, exact distances and nearest."""

from __future__ import annotations

import numpy as np

from msqd.store.vectors import VectorTable


def _vecs(n: int, dim: int = 8, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)


def test_reset_normalises_and_maps_labels_to_rows() -> None:
    t = VectorTable(8)
    vecs = _vecs(5) * 3.0
    t.reset(np.array([10, 2, 7, 0, 4]), vecs)
    assert len(t) == 5
    labels, rows = t.present(np.array([7, 99, -1, 3, 10]))
    assert labels.tolist() == [7, 10] and rows.tolist() == [2, 0]
    d = t.distances(vecs[2] * 5.0, rows)  # the query's length does not matter
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    assert abs(d[0]) < 1e-6
    assert abs(d[1] - (1.0 - float(unit[0] @ unit[2]))) < 1e-6


def test_add_replaces_in_place_reuses_removed_rows_and_grows() -> None:
    t = VectorTable(8)
    vecs = _vecs(200, seed=1)
    t.add([5], vecs[:1])
    t.add([5], vecs[1:2])  # a new vector for the same label: same row, new value
    assert len(t) == 1
    assert abs(t.distances(vecs[1], t.present(np.array([5]))[1])[0]) < 1e-6
    t.remove([5, 12345])  # an absent label is ignored
    assert len(t) == 0 and len(t.present(np.array([5]))[0]) == 0
    t.add([9], vecs[2:3])
    assert t.present(np.array([9]))[1].tolist() == [0]  # the freed row, reused
    t.add(list(range(1000, 1199)), vecs[1:200])  # grows the matrix and the label map
    assert len(t) == 200
    labels, rows = t.present(np.arange(1000, 1199))
    assert len(labels) == 199 and len(set(rows.tolist())) == 199
    d = t.distances(vecs[150], rows)
    assert labels[int(np.argmin(d))] == 1149


def test_nearest_is_exact_with_ties_to_the_lower_label() -> None:
    t = VectorTable(8)
    vecs = _vecs(50, seed=2)
    vecs[30] = vecs[20]  # a duplicate: equal distance to any query
    t.reset(np.arange(50), vecs)
    labels, rows = t.present(np.arange(50))
    got = t.nearest(vecs[20], labels, rows, 3)
    assert [label for label, _ in got][:2] == [20, 30]
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    want = np.argsort(1.0 - unit @ unit[20], kind="stable")[:3].tolist()
    assert [label for label, _ in got] == want
    assert len(t.nearest(vecs[0], labels, rows, 500)) == 50
    assert t.nearest(vecs[0], labels[:0], rows[:0], 5) == []
