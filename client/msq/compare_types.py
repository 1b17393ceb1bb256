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


@dataclass
class SideTrait:
    """A value every model of a side shares, or a spread inside the side."""

    field: str
    label: str
    text: str
    model_ids: list[str]
    value: str
    kind: str


@dataclass
class SideFold:
    """Near-identical models (versions of one script) shown as one entry."""

    name: str
    model_ids: list[str]


@dataclass
class SideSummary:
    """One side: its models, what they share, how they spread."""

    side: int
    name: str
    reading: str
    model_ids: list[str]
    shared: list[SideTrait]
    spread: list[SideTrait]
    folds: list[SideFold]
    named_by: list[str]

    def to_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["shared"] = [t.__dict__ for t in self.shared]
        out["spread"] = [t.__dict__ for t in self.spread]
        out["folds"] = [f.__dict__ for f in self.folds]
        return out


@dataclass
class SideValues:
    """What one side holds for one ranked difference: the facts the line rests on."""

    side: int
    name: str
    text: str
    model_ids: list[str]
    missing: list[str]
    values: list[Any]


@dataclass
class RankedDifference:
    """A difference between sides; ``kind`` is separates, separates-where-known or overlaps."""

    field: str
    label: str
    category: str
    kind: str
    text: str
    sides: list[SideValues]
    rank: int

    def to_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["sides"] = [sv.__dict__ for sv in self.sides]
        return out


@dataclass
class ArchView:
    """The architecture of one model from its component graph."""

    model_id: str
    name: str
    backbone: str
    depth: str
    width: str
    attention: str
    normalization: str
    residual: str
    conditioning: str
    parameters: int
    unsized: list[str]
    unsized_layers: int
    model_ids: list[str]
    lines: list[str]


@dataclass
class OverviewEvent:
    """The one-screen answer: side summaries, ranked differences, summary paragraph."""

    sides: list[SideSummary]
    ranked: list[RankedDifference]
    default_count: int
    summary: list[str]
    architecture: bool
    arch: list[ArchView]

    def to_json(self) -> dict[str, Any]:
        return {
            "sides": [s.to_json() for s in self.sides],
            "ranked": [d.to_json() for d in self.ranked],
            "default_count": self.default_count,
            "summary": list(self.summary),
            "architecture": self.architecture,
            "arch": [a.__dict__ for a in self.arch],
        }


def _trait(t: Any) -> SideTrait:
    return SideTrait(t.field, t.label, t.text, list(t.model_ids), t.value, t.kind)


def _overview(o: Any) -> OverviewEvent:
    return OverviewEvent(
        [
            SideSummary(
                s.side,
                s.name,
                s.reading,
                list(s.model_ids),
                [_trait(t) for t in s.shared],
                [_trait(t) for t in s.spread],
                [SideFold(f.name, list(f.model_ids)) for f in s.folds],
                list(s.named_by),
            )
            for s in o.sides
        ],
        [
            RankedDifference(
                d.field,
                d.label,
                d.category,
                d.kind,
                d.text,
                [
                    SideValues(
                        sv.side,
                        sv.name,
                        sv.text,
                        list(sv.model_ids),
                        list(sv.missing),
                        [value_from_pb(v) for v in sv.values],
                    )
                    for sv in d.sides
                ],
                d.rank,
            )
            for d in o.ranked
        ],
        o.default_count,
        list(o.summary.sentences),
        o.architecture,
        [
            ArchView(
                a.model_id,
                a.name,
                a.backbone,
                a.depth,
                a.width,
                a.attention,
                a.normalization,
                a.residual,
                a.conditioning,
                a.parameters,
                list(a.unsized),
                a.unsized_layers,
                list(a.model_ids),
                list(a.lines),
            )
            for a in o.arch
        ],
    )


CompareEvent = (
    SidesEvent
    | TableEvent
    | DifferencesEvent
    | OverviewEvent
    | NarrativeStatusEvent
    | TokenEvent
    | DoneEvent
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
    if kind == "overview":
        return _overview(ev.overview)
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
