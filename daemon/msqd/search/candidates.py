"""Building blocks of a ranking: dense candidates, constraint groups, a comparison's axis."""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..store.vindex import VectorIndex
from .fieldtable import FieldTable
from .reading import Constraint
from .score import Evidence, Group


def groups_of(t: FieldTable, constraints: list[Constraint]) -> list[Group]:
    """Soft constraints grouped by field, with their match and presence masks."""
    by_field: dict[str, list[Constraint]] = {}
    for c in constraints:
        if not c.hard:
            by_field.setdefault(c.field, []).append(c)
    groups = []
    for f, cs in by_field.items():
        match = np.zeros(len(t.rowids), dtype=bool)
        for c in cs:
            match |= t.mask(c.to_expr())
        groups.append(Group(f, cs, match, t.present(f)))
    return groups


def newest(t: FieldTable, mask: np.ndarray, n: int) -> np.ndarray:
    """Up to ``n`` slots of ``mask``, most recently modified first."""
    slots = np.flatnonzero(mask)
    if len(slots) <= n:
        return slots
    mod = np.nan_to_num(t.numbers("modified")[slots], nan=0.0)
    return slots[np.argsort(-mod, kind="stable")[:n]]


def axis_fields(sides: list[list[Constraint]]) -> frozenset[str]:
    """The fields a comparison contrasts: two or more sides name them, with different values.

    "diffusion cifar vs mnist" contrasts datasets: a diffusion card that names no
    dataset says nothing about either side and is shown on neither.
    """
    values: dict[str, set[object]] = {}
    counts: Counter[str] = Counter()
    for cons in sides:
        soft = [c for c in cons if not c.hard]
        counts.update({c.field for c in soft})
        for c in soft:
            values.setdefault(c.field, set()).add(str(c.value))
    # "gcn vs gat on cora": both sides say Cora, so Cora is context, not the contrast.
    return frozenset(f for f, n in counts.items() if n >= 2 and len(values[f]) >= 2)


def dense_into(
    vindex: VectorIndex | None,
    t: FieldTable,
    qvec: np.ndarray | None,
    allowed: np.ndarray | None,
    pool: int,
    cands: dict[int, Evidence],
    keep: bool = False,
) -> None:
    """Nearest cards (within ``allowed``) into ``cands``; ``keep`` leaves known ones be."""
    if qvec is None or vindex is None:
        return
    labels = None
    if allowed is not None:
        labels = t.label_array()[allowed]
        labels = labels[labels >= 0]
        if not len(labels):
            return
    for rank, (label, d) in enumerate(vindex.search(qvec, pool, allowed=labels)):
        slot = t.slot_of_label(label)
        if slot is None or (allowed is not None and not allowed[slot]):
            continue
        if not (keep and slot in cands):
            cands[slot] = Evidence(dense_rank=rank, distance=d)


def fill_distances(
    vindex: VectorIndex | None, t: FieldTable, qvec: np.ndarray, cands: dict[int, Evidence]
) -> None:
    """Exact distances for candidates the dense list did not reach (for floor + explain)."""
    todo = {t.labels[s]: s for s, ev in cands.items() if ev.distance < 0}
    todo.pop(None, None)
    if vindex is None or not todo:
        return
    for label, d in vindex.distances(qvec, list(todo)).items():  # type: ignore[arg-type]
        cands[todo[label]].distance = d
