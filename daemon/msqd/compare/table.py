"""The side-by-side difference table: one column per model, one row per field.

The dataclasses map 1:1 onto the proto messages ``DiffTable``, ``DiffRow`` and
``DiffColumn`` (``values`` holds JSON-able values for ``google.protobuf.Value``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from msqd.card import Field, ModelCard

from .render import (
    MISSING,
    component_json,
    format_components,
    format_date,
    format_delta,
    format_field,
    format_ratio,
    format_size,
    format_value,
)


@dataclass
class DiffColumn:
    """One compared model (proto ``DiffColumn``)."""

    model_id: str
    side: int
    path: str


@dataclass
class DiffRow:
    """One field across all columns (proto ``DiffRow``)."""

    field: str
    label: str
    cells: list[str]
    values: list[Any]
    differs: bool
    deltas: list[str] = field(default_factory=list)


@dataclass
class DiffTable:
    """The whole table (proto ``DiffTable``); ``baseline`` is "" when none."""

    columns: list[DiffColumn]
    rows: list[DiffRow]
    baseline: str = ""

    def diff_only(self) -> DiffTable:
        """The same table keeping only the rows whose values differ."""
        return replace(self, rows=[r for r in self.rows if r.differs])

    def row(self, name: str) -> DiffRow:
        """The row for field ``name`` (KeyError when absent)."""
        for r in self.rows:
            if r.field == name:
                return r
        raise KeyError(name)


# (field, label). Rows in ``OPTIONAL_ROWS`` appear only when some column has a value.
ROWS: tuple[tuple[str, str], ...] = (
    ("framework", "Framework"),
    ("arch_family", "Architecture"),
    ("conditional", "Conditional"),
    ("pretrained", "Pretrained"),
    ("components", "Components"),
    ("dataset", "Dataset"),
    ("image_size", "Image size"),
    ("batch_size", "Batch size"),
    ("learning_rate", "Learning rate"),
    ("optimizer", "Optimizer"),
    ("weight_decay", "Weight decay"),
    ("scheduler", "Scheduler"),
    ("epochs", "Epochs"),
    ("loss", "Loss"),
    ("mixed_precision", "Mixed precision"),
    ("seed", "Seed"),
    ("timesteps", "Timesteps"),
    ("beta_schedule", "Beta schedule"),
    ("device", "Device"),
    ("size", "Size"),
    ("modified", "Modified"),
)
OPTIONAL_ROWS = frozenset({"pretrained", "weight_decay", "mixed_precision", "seed"})
# Fields whose baseline delta is a ratio (x10, /2); the other numeric ones are +/-.
RATIO_FIELDS = frozenset({"learning_rate", "weight_decay"})


def _field_value(f: Field | None) -> Any:
    """JSON value of a field including its alternatives (for equality and ``values``)."""
    if f is None:
        return None
    if f.alternatives:
        return {"value": f.value, "alternatives": [a.value for a in f.alternatives]}
    return f.value


def _cell(card: ModelCard, name: str) -> tuple[str, Any]:
    if name == "components":
        if not card.components:
            return MISSING, None
        return format_components(card.components), [component_json(c) for c in card.components]
    if name == "size":
        return format_size(card.size), card.size
    if name == "modified":
        return format_date(card.modified), card.modified or None
    f = card.fields.get(name)
    return format_field(f), _field_value(f)


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def _set_delta(base: list[str], other: list[str]) -> str:
    added = [x for x in other if x not in base]
    removed = [x for x in base if x not in other]
    return ", ".join([f"+{x}" for x in added] + [f"-{x}" for x in removed])


def _component_names(value: Any) -> list[str]:
    """Component names and layer types of a components value, for +/- deltas."""
    if not value:
        return []
    names: list[str] = []
    for c in value:
        names.append(c["name"])
        names.extend(c["layers"])
    return list(dict.fromkeys(names))


def _delta(name: str, base: Any, other: Any, other_cell: str) -> str:
    """How ``other`` differs from ``base`` for one row; "" when equal."""
    if base == other:
        return ""
    if other is None:
        return "(none)"
    if base is None:
        return other_cell
    if name == "components":
        return _set_delta(_component_names(base), _component_names(other)) or other_cell
    if name == "modified":
        days = round((other - base) / 86400)
        return f"{days:+d} d" if days else "same day"
    if name == "size":
        return f"{(other - base) / 1024:+.1f} KB"
    b, o = _number(base), _number(other)
    if b is not None and o is not None:
        return format_ratio(b, o) if name in RATIO_FIELDS else format_delta(b, o)
    if isinstance(base, list) and isinstance(other, list):
        return _set_delta([format_value(x) for x in base], [format_value(x) for x in other])
    return other_cell


def build_table(columns: list[tuple[ModelCard, int]], baseline: str | None = None) -> DiffTable:
    """Build the comparison table for ``(card, side index)`` columns, in order.

    With ``baseline`` (a model id among the columns), ``DiffRow.deltas`` express
    every other column against it (``x5``, ``+200``, ``-64``, ``+MultiheadAttention``);
    the baseline's own delta cells are "". Raises ValueError for an unknown baseline.
    """
    ids = [c.model_id for c, _ in columns]
    base_idx: int | None = None
    if baseline:
        if baseline not in ids:
            raise ValueError(f"baseline {baseline!r} is not among the compared models: {ids}")
        base_idx = ids.index(baseline)
    table = DiffTable(
        columns=[DiffColumn(model_id=c.model_id, side=s, path=c.path) for c, s in columns],
        rows=[],
        baseline=baseline or "",
    )
    for name, label in ROWS:
        pairs = [_cell(card, name) for card, _ in columns]
        cells = [p[0] for p in pairs]
        values = [p[1] for p in pairs]
        if name in OPTIONAL_ROWS and all(v is None for v in values):
            continue
        differs = any(v != values[0] for v in values[1:])
        deltas: list[str] = []
        if base_idx is not None:
            deltas = [
                "" if i == base_idx else _delta(name, values[base_idx], v, cells[i])
                for i, v in enumerate(values)
            ]
        table.rows.append(DiffRow(name, label, cells, values, differs, deltas))
    return table
