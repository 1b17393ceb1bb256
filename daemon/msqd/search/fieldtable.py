"""An in-memory table of every card's filterable values, for exact filters at scale.

Parsing 100,000 card JSON documents for every query that says "lr above 0.01"
would take seconds. This table keeps each card's filterable values in slots
(one per card, reused in place when the card changes) and is refreshed
incrementally when the store's generation moves: only rows whose ``updated``
stamp changed are re-read.

Filters are evaluated by value groups: each field keeps its distinct values (a
field like ``optimizer`` has a handful) and, per slot, the number of its value
(an int32 array kept up to date row by row as cards change, so nothing is rebuilt
when a file is indexed). A filter leaf is evaluated once per distinct value with
the filter language's own ``matches``, and the mask is one numpy lookup of the
passing values by slot. So ``--filter`` and implied constraints keep exactly the
semantics of filterlang/values, at the cost of one leaf evaluation per distinct
value instead of per card. Fields that hold one value per card are kept as plain
lists instead (see PLAIN). The masks themselves are fieldmasks.py's.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..store.db import Store
from ..store.vindex import RWLock
from .fieldmasks import FieldMasks
from .names import NameIndex, card_keys
from .values import CARD_ATTRS, FIELDS

# Every field a filter or constraint can name (canonical names).
COLUMNS: tuple[str, ...] = tuple(FIELDS)
# Fields whose values are (nearly) one per card. Grouping them by value saves no
# evaluations, and their key dicts cost ~120 MB at 100,000 cards: they are kept
# as plain per-slot lists. Every other field keeps only its distinct values and
# one value number per slot, so a value shared by many cards is held once.
PLAIN: frozenset[str] = frozenset(
    {"model_id", "path", "project", "description", "created", "modified", "size"}
)
GROUPED: tuple[str, ...] = tuple(c for c in COLUMNS if c not in PLAIN)
# Not a filter field: a card's model class names, for the name index only.
_CLASSES = "_classes"
_FOLLOWED = "_followed"  # classes used from a sibling file
_IDENTS = "_idents"  # names the code defines (card.identifiers)


def _key(value: Any) -> Any:
    """A hashable group key that keeps 1, 1.0 and True apart."""
    if isinstance(value, list):
        return ("list", tuple(_key(v) for v in value))
    return (type(value).__name__, value)


class FieldTable(FieldMasks):
    """Slots of (row id, vector label, field values), refreshed from the store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()  # one refresh at a time
        self.rw = RWLock()  # searches read, refresh writes
        self._generation = -1
        self.rowids: list[int] = []
        self.labels: list[int | None] = []
        self._label_arr = np.zeros(0, np.int64)  # the same labels, -1 for none
        self._updated: list[float] = []
        self._cols: dict[str, list[Any]] = {c: [] for c in COLUMNS if c in PLAIN}
        self._slot: dict[int, int] = {}  # row id -> slot
        self._by_label: dict[int, int] = {}  # vector label -> slot
        self.alive = np.zeros(0, dtype=bool)
        # Per grouped field: distinct values, their numbers, each slot's value number.
        self._values: dict[str, list[Any]] = {c: [] for c in GROUPED}
        self._numbers: dict[str, dict[Any, int]] = {c: {} for c in GROUPED}
        self._codes: dict[str, np.ndarray] = {c: np.zeros(0, np.int32) for c in GROUPED}
        self._arrays: dict[str, np.ndarray] = {}  # per-slot arrays, until the next refresh
        # Leaf masks and presence by field, until the next refresh: the same constraints
        # ("dataset = CIFAR-10") come back query after query. Read-only arrays.
        self._masks: dict[Any, np.ndarray] = {}
        # File, folder, project and class names by key (names.py), slot by slot.
        self.names = NameIndex()

    def __len__(self) -> int:
        return int(self.alive.sum())

    # ------------------------------------------------------------ refresh

    def refresh(self) -> None:
        """Catch up with the store: re-read changed rows, drop deleted ones."""
        gen = self.store.generation
        if gen == self._generation:
            return
        with self._lock:
            gen = self.store.generation
            if gen == self._generation:
                return
            # A cheap scan of (id, updated): only changed rows have their JSON parsed.
            rows = self.store.row_versions()
            meta = {rid: (upd, label) for rid, upd, label in rows}
            changed: list[int] = []
            for rid, (upd, _label) in meta.items():
                slot = self._slot.get(rid)
                if slot is None or self._updated[slot] != upd:
                    changed.append(rid)
            parsed: list[tuple[int, dict[str, Any]]] = []
            with _gc_paused():
                # In chunks: only a chunk's JSON text is held at once (~150 MB in all
                # at 100,000 cards), and memory once taken is rarely given back.
                for start in range(0, len(changed), 2000):
                    docs = self.store.card_json_by_rowid(changed[start : start + 2000])
                    parsed += [(rid, _values(json.loads(doc))) for rid, doc in docs]
            # Searches read slots for their whole run; renumbering or growing the
            # table under them would hand back the wrong rows.
            with self.rw.write():
                alive = np.zeros(len(self.rowids) + len(changed), dtype=bool)
                alive[: len(self.alive)] = self.alive
                for rid in [r for r in self._slot if r not in meta]:
                    slot = self._slot.pop(rid)
                    alive[slot] = False
                    self._by_label.pop(self.labels[slot], None)
                    self.names.drop(slot)
                with _gc_paused():
                    alive[self._put_rows(parsed, meta)] = True
                self.alive = alive[: len(self.rowids)]
                self._arrays.clear()
                self._masks.clear()
                self._generation = gen
                if len(self.rowids) > 1000 and len(self) < len(self.rowids) // 2:
                    self._compact()

    def _put_rows(
        self, parsed: list[tuple[int, dict[str, Any]]], meta: dict[int, tuple[float, int | None]]
    ) -> list[int]:
        """Write changed rows into their slots (new rows get new ones); their slots.

        Column by column, not row by row: the first load at 100,000 cards writes
        2.6 million values, and per-value Python overhead is what it costs.
        """
        if not parsed:
            return []
        slots = []
        for rid, vals in parsed:
            updated, label = meta[rid]
            slot = self._slot.get(rid)
            if slot is None:
                slot = len(self.rowids)
                self._slot[rid] = slot
                self.rowids.append(rid)
                self.labels.append(None)
                self._updated.append(0.0)
            old = self.labels[slot]
            if old is not None and self._by_label.get(old) == slot:
                del self._by_label[old]
            self.labels[slot] = label
            if label is not None:
                self._by_label[label] = slot
            self._updated[slot] = updated
            slots.append(slot)
            self.names.put(
                slot,
                card_keys(
                    vals["path"] or "",
                    vals["project"] or "",
                    vals[_CLASSES],
                    vals[_FOLLOWED],
                    vals.get(_IDENTS) or (),
                ),
            )
        n = len(self.rowids)
        at = np.array(slots, dtype=np.int64)
        self._label_arr = _fit(self._label_arr, n, -1)
        self._label_arr[at] = [-1 if self.labels[s] is None else self.labels[s] for s in slots]
        # New rows (the whole first load) take consecutive slots: slice assignment.
        run = slice(slots[0], slots[-1] + 1) if slots == list(range(slots[0], n)) else None
        for c, col in self._cols.items():
            col.extend([None] * (n - len(col)))
            vals = [v.get(c) for _rid, v in parsed]
            if run is not None:
                col[run] = vals
            else:
                for slot, v in zip(slots, vals, strict=True):
                    col[slot] = v
        for c in GROUPED:
            vals = [v.get(c) for _rid, v in parsed]
            codes = self._codes[c] = _fit(self._codes[c], n, 0)
            codes[at] = np.fromiter(map(self._numberer(c), vals), np.int32, len(vals))
        return slots

    def _code(self, field: str) -> np.ndarray:
        """The field's slot -> value-number array, grown to hold every slot."""
        codes = self._codes[field] = _fit(self._codes[field], len(self.rowids), 0)
        return codes

    def _numberer(self, field: str) -> Callable[[Any], int]:
        """value -> its number among ``field``'s distinct values (new values get one)."""
        numbers, values = self._numbers[field], self._values[field]

        def number(value: Any) -> int:
            # Strings and None (most values) are their own keys: no tuple equals them.
            k = value if value is None or type(value) is str else _key(value)
            n = numbers.get(k)
            if n is None:
                n = numbers[k] = len(values)
                values.append(value)
            return n

        return number

    def _compact(self) -> None:
        keep = np.flatnonzero(self.alive)
        self.rowids = [self.rowids[i] for i in keep]
        self.labels = [self.labels[i] for i in keep]
        self._label_arr = self._label_arr[keep]
        self._updated = [self._updated[i] for i in keep]
        self._cols = {c: [col[i] for i in keep] for c, col in self._cols.items()}
        # Values no card holds any more are dropped with the dead slots.
        for c in GROUPED:
            old, codes = self._values[c], self._codes[c][keep]
            self._values[c], self._numbers[c] = [], {}
            number = self._numberer(c)
            self._codes[c] = np.fromiter((number(old[k]) for k in codes), np.int32, len(codes))
        self._slot = {rid: i for i, rid in enumerate(self.rowids)}
        self._by_label = {lb: i for i, lb in enumerate(self.labels) if lb is not None}
        self.alive = np.ones(len(keep), dtype=bool)
        self.names.renumber([int(i) for i in keep])

    # ------------------------------------------------------------ lookups

    def slot_of(self, rowid: int) -> int | None:
        return self._slot.get(rowid)

    def slot_of_label(self, label: int) -> int | None:
        return self._by_label.get(label)

    def value(self, slot: int, field: str) -> Any:
        col = self._cols.get(field)
        if col is not None:
            return col[slot]
        return self._values[field][self._codes[field][slot]]

    def distinct(self, field: str) -> list[Any]:
        """The distinct values of a grouped field seen so far (read only)."""
        return self._values[field]

    def getter(self, slot: int) -> Any:
        return lambda name: self.value(slot, name)

    def label_array(self) -> np.ndarray:
        """The vector label of every slot (-1: none) as one int64 array (read only)."""
        return self._label_arr[: len(self.rowids)]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a refresh allocates.

    Parsing 100,000 cards allocates millions of dicts and lists that outlive
    the young generation; each collection then walks everything alive, and the
    first load took 8.0 s instead of 1.4 s for its JSON alone. What a refresh
    builds holds no reference cycles, so nothing is left for a collector to find.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _fit(arr: np.ndarray, n: int, fill: int) -> np.ndarray:
    """``arr``, or a copy grown (doubling) to at least ``n`` slots, new ones ``fill``."""
    if len(arr) >= n:
        return arr
    grown = np.full(max(n, 2 * len(arr), 64), fill, arr.dtype)
    grown[: len(arr)] = arr
    return grown


def _values(doc: dict[str, Any]) -> dict[str, Any]:
    """Filterable values straight from a card's JSON (what ``card_getter`` would return).

    Building ModelCard objects with every provenance record costs ~10x more and
    the table only needs values; tests check both paths agree.
    """
    out = {a: doc.get(a) for a in CARD_ATTRS}
    comps = doc.get("components", [])
    out[_CLASSES] = [c.get("name", "") for c in comps if not c.get("file")]
    out[_FOLLOWED] = [c.get("name", "") for c in comps if c.get("file")]
    out[_IDENTS] = doc.get("identifiers", [])
    for name, f in doc.get("fields", {}).items():
        out[name] = f.get("value")
    return out
