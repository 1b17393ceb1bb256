"""FieldTable masks on per-card (plain) fields: numbers compared in numpy, exactly as matches."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np

from msqd.card import Field, ModelCard
from msqd.search.fieldtable import PLAIN, FieldTable
from msqd.search.filterlang import parse_filter
from msqd.search.values import card_getter
from msqd.store.db import Store

# Besides numbers on both sides of every bound and the bounds themselves, what a
# malformed card could hold instead (text with a leading number, a boolean).
ODD: list[Any] = ["12kb", "n/a", True, 0, -1.5]


def _store(tmp_path: Path, n: int = 400) -> Store:
    store = Store(tmp_path / "t.sqlite3")
    store.open()
    rng = random.Random(7)
    day = 86_400.0
    may1 = 1_714_521_600.0  # 2024-05-01 00:00 UTC
    for i in range(n):
        card = ModelCard(model_id=f"p{i}/m", path=f"/x/p{i}/m.py", sha256=f"s{i}")
        card.modified = may1 + rng.choice([-day, -1.0, 0.0, 1.0, day - 1, day, 5 * day])
        card.created = rng.choice([None, may1 - 30 * day, may1, may1 + 0.5])
        card.size = rng.choice([0, 19_999, 20_000, 20_001, 10**6, *ODD])  # type: ignore[assignment]
        card.fields = {"epochs": Field(rng.choice([1, 50, 51, 100]))}
        store.upsert(
            card, root="/x", mtime=0.0, embed_text="x", lexical_text="x", vector=None, model="h"
        )
    return store


FILTERS = [
    "size > 20000",
    "size >= 20000",
    "size < 20000",
    "size <= 20000",
    "size >= 0",
    "size < -1",
    "size > 10.5",
    "modified > 2024-05-01",
    "modified >= 2024-05-01",
    "modified < 2024-05-01",
    "modified <= 2024-05-01",
    "modified = 2024-05-01",
    "created >= 2024-05-01",
    "created < 2024-05-01",
    "not created >= 2024-05-01",
    "created < 2024-05-01 or epochs > 50",
    # Not interval leaves: the per-card path, for comparison.
    "size = 20000",
    "size != 20000",
    'size ~ "kb"',
]


def test_plain_field_masks_equal_matches_on_every_card(tmp_path: Path) -> None:
    assert {"size", "modified", "created"} <= PLAIN
    store = _store(tmp_path)
    table = FieldTable(store)
    table.refresh()
    truth = dict(store.iter_cards())
    for text in FILTERS:
        expr = parse_filter(text)
        got = {table.rowids[s] for s in np.flatnonzero(table.mask(expr) & table.alive)}
        want = {rid for rid, card in truth.items() if expr.matches(card_getter(card))}
        assert got == want, text
        # The filters split the cards: a filter passing all or none would prove little.
        if text not in ("size >= 0", "size < -1"):
            assert 0 < len(want) < len(truth), text
    store.close()


def test_plain_field_values_read_back_as_stored(tmp_path: Path) -> None:
    store = _store(tmp_path, n=60)
    table = FieldTable(store)
    table.refresh()
    for rid, card in store.iter_cards():
        slot = table.slot_of(rid)
        assert slot is not None
        get = table.getter(slot)
        for name in ("size", "modified", "created", "epochs", "path"):
            assert get(name) == card_getter(card)(name), name
    store.close()
