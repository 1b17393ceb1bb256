"""Typed events of ``Client.compare``, in the order the daemon sends them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .types import Side, value_from_pb


@dataclass
class SidesEvent:
    """How the question was read: one entry per side, with its matches."""

    sides: list[Side]
    summary: str
    kind: str = "sides"  # "sides" first, "results" (ranked tables) later


@dataclass
class DiffRow:
    field: str
    label: str
    cells: list[str]
    values: list[Any]
    differs: bool
    deltas: list[str]


@dataclass
class DiffColumn:
    model_id: str
    side: int
    path: str


@dataclass
class TableEvent:
    columns: list[DiffColumn]
    rows: list[DiffRow]
    baseline: str

    def to_json(self) -> dict[str, Any]:
        return {
            "columns": [c.__dict__ for c in self.columns],
            "rows": [r.__dict__ for r in self.rows],
            "baseline": self.baseline,
        }


@dataclass
class KeyDifference:
    category: str
    text: str
    model_ids: list[str]


@dataclass
class DifferencesEvent:
    items: list[KeyDifference]


@dataclass
class NarrativeStatusEvent:
    state: str
    message: str
    model: str


@dataclass
class TokenEvent:
    text: str


@dataclass
class DoneEvent:
    dropped_sentences: int
    kept_sentences: int
    first_table_ms: float
    first_token_ms: float
    tokens_per_second: float
    dropped: list[str]


CompareEvent = (
    SidesEvent | TableEvent | DifferencesEvent | NarrativeStatusEvent | TokenEvent | DoneEvent
)


def event_from_pb(ev: Any) -> CompareEvent:
    """One gRPC CompareEvent as a typed event."""
    kind = ev.WhichOneof("event")
    if kind in ("sides", "results"):
        m = getattr(ev, kind)
        return SidesEvent([Side.from_pb(s) for s in m.sides], m.summary, kind)
    if kind == "table":
        t = ev.table
        return TableEvent(
            [DiffColumn(c.model_id, c.side, c.path) for c in t.columns],
            [
                DiffRow(
                    r.field,
                    r.label,
                    list(r.cells),
                    [value_from_pb(v) for v in r.values],
                    r.differs,
                    list(r.deltas),
                )
                for r in t.rows
            ],
            t.baseline,
        )
    if kind == "differences":
        return DifferencesEvent(
            [KeyDifference(d.category, d.text, list(d.model_ids)) for d in ev.differences.items]
        )
    if kind == "narrative_status":
        s = ev.narrative_status
        return NarrativeStatusEvent(s.state, s.message, s.model)
    if kind == "token":
        return TokenEvent(ev.token.text)
    d = ev.done
    return DoneEvent(
        d.dropped_sentences,
        d.kept_sentences,
        d.first_table_ms,
        d.first_token_ms,
        d.tokens_per_second,
        list(d.dropped),
    )
