"""Typed results of searches and cards, converted from the gRPC messages.

Map fields come out sorted by key: protobuf does not keep a map's order on the wire,
and ``--json`` output must not change from one run to the next.

``Card.to_json()`` gives the same shape as ``msqd extract --json`` (documented
in docs/modelcard.md); the result types' ``to_json()`` give the shapes
documented in docs/json.md.

The daemon's own state (``Status``, ``Root``) is in msq.status_types, which a search
never needs; both names still import from here. ``Progress``, which both a search and
the daemon's state carry, is in msq.progress_types, below the two; it imports from
here too.
"""

from __future__ import annotations

from ._record import factory, record
from .progress_types import Progress

# Not typing.TYPE_CHECKING: importing typing costs ~4 ms of a CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:  # the stubs are imported only where messages are converted
    from typing import Any

    from google.protobuf import struct_pb2

    # The lazy re-exports below, spelled out for type checkers.
    from .status_types import Root as Root
    from .status_types import Status as Status


def __getattr__(name: str) -> Any:
    # Loaded on first use, so that the search path does not build records it never uses.
    if name in ("Root", "Status"):
        from . import status_types

        return getattr(status_types, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def value_from_pb(v: struct_pb2.Value) -> Any:
    """google.protobuf.Value as a plain Python value (ints stay ints)."""
    kind = v.WhichOneof("kind")
    if kind == "number_value":
        n = v.number_value
        return int(n) if n.is_integer() and abs(n) < 2**53 and "e" not in repr(n) else n
    if kind == "string_value":
        return v.string_value
    if kind == "bool_value":
        return v.bool_value
    if kind == "list_value":
        return [value_from_pb(x) for x in v.list_value.values]
    if kind == "struct_value":
        return {k: value_from_pb(x) for k, x in sorted(v.struct_value.fields.items())}
    return None


def _ts(msg: Any, name: str) -> float | None:
    if not msg.HasField(name):
        return None
    t = getattr(msg, name)
    return t.seconds + t.nanos / 1e9


@record
class FieldInfo:
    """A card field: value and provenance."""

    value: Any
    line: int | None
    how: str
    detail: str = ""
    cell: int | None = None
    file: str | None = None
    alternatives: list[FieldInfo] = factory(list)

    @classmethod
    def from_pb(cls, m: Any) -> FieldInfo:
        return cls(
            value=value_from_pb(m.value),
            line=m.line or None,
            how=m.how,
            detail=m.detail,
            cell=m.cell or None,
            file=m.file or None,
            alternatives=[cls.from_pb(a) for a in m.alternatives],
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "line": self.line, "how": self.how}
        if self.detail:
            out["detail"] = self.detail
        if self.cell is not None:
            out["cell"] = self.cell
        if self.file:
            out["file"] = self.file
        if self.alternatives:
            out["alternatives"] = [a.to_json() for a in self.alternatives]
        return out

    def where(self) -> str:
        """'line 12, constant LEARNING_RATE' style provenance."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.cell:
            parts.append(f"cell {self.cell}")
        if self.line:
            parts.append(f"line {self.line}")
        how = self.how + (f" {self.detail}" if self.detail else "")
        return ", ".join([*parts, how]) if parts else how


@record
class ComponentInfo:
    name: str
    base: str
    line: int | None
    layers: dict[str, int]
    uses: list[str]
    file: str | None = None
    cell: int | None = None
    # Used class -> how many this one builds (when > 1 and the count resolves), and
    # the loop count as written ("config.n_layer").
    repeats: dict[str, int] = factory(dict)
    repeat_exprs: dict[str, str] = factory(dict)

    @classmethod
    def from_pb(cls, m: Any) -> ComponentInfo:
        return cls(
            m.name,
            m.base,
            m.line or None,
            dict(sorted(m.layers.items())),
            list(m.uses),
            m.file or None,
            m.cell or None,
            dict(m.repeats.items()),
            dict(m.repeat_exprs.items()),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "base": self.base,
            "line": self.line,
            "layers": self.layers,
            "uses": self.uses,
        }
        if self.file:
            out["file"] = self.file
        if self.cell is not None:
            out["cell"] = self.cell
        if self.repeats:
            out["repeats"] = self.repeats
        if self.repeat_exprs:
            out["repeat_exprs"] = self.repeat_exprs
        return out


@record
class ParamInfo:
    """A parameter-count estimate from the layers whose sizes resolve statically."""

    total: int = 0
    sized: int = 0
    unsized: list[str] = factory(list)
    channels: list[int] = factory(list)
    unsized_layers: int = 0

    @classmethod
    def from_pb(cls, m: Any) -> ParamInfo:
        return cls(int(m.total), m.sized, list(m.unsized), list(m.channels), m.unsized_layers)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "sized": self.sized,
            "unsized": list(self.unsized),
            "channels": list(self.channels),
            "unsized_layers": self.unsized_layers,
        }


@record
class Card:
    """One indexed script or notebook."""

    model_id: str
    path: str
    project: str = ""
    size: int = 0
    created: float | None = None
    created_source: str = ""
    modified: float | None = None
    sha256: str = ""
    language: str = ""
    role: str = ""
    status: str = ""
    message: str = ""
    description: str = ""
    llm_description: str = ""
    fields: dict[str, FieldInfo] = factory(dict)
    components: list[ComponentInfo] = factory(list)
    param_estimate: ParamInfo | None = None

    def value(self, name: str) -> Any:
        f = self.fields.get(name)
        return None if f is None else f.value

    @classmethod
    def from_pb(cls, m: Any) -> Card:
        return cls(
            model_id=m.model_id,
            path=m.path,
            project=m.project,
            size=m.size,
            created=_ts(m, "created"),
            created_source=m.created_source,
            modified=_ts(m, "modified"),
            sha256=m.sha256,
            language=m.language,
            role=m.role,
            status=m.status,
            message=m.message,
            description=m.description,
            llm_description=m.llm_description,
            fields={k: FieldInfo.from_pb(v) for k, v in sorted(m.fields.items())},
            components=[ComponentInfo.from_pb(c) for c in m.components],
            param_estimate=(
                ParamInfo.from_pb(m.param_estimate) if m.HasField("param_estimate") else None
            ),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model_id": self.model_id,
            "path": self.path,
            "project": self.project,
            "size": self.size,
            "created": self.created,
            "created_source": self.created_source,
            "modified": self.modified,
            "sha256": self.sha256,
            "language": self.language,
            "role": self.role,
            "status": self.status,
            "message": self.message,
            "description": self.description,
            "llm_description": self.llm_description,
            "fields": {k: v.to_json() for k, v in self.fields.items()},
            "components": [c.to_json() for c in self.components],
        }
        if self.param_estimate is not None:
            out["param_estimate"] = self.param_estimate.to_json()
        return out


@record
class Constraint:
    field: str
    op: str
    value: Any
    source: str
    hard: bool

    @classmethod
    def from_pb(cls, m: Any) -> Constraint:
        return cls(m.field, m.op, value_from_pb(m.value), m.source, m.hard)

    def __str__(self) -> str:
        return f"{self.field} {self.op} {self.value}"


@record
class SideReading:
    label: str
    text: str
    constraints: list[Constraint]
    summary: str

    @classmethod
    def from_pb(cls, m: Any) -> SideReading:
        return cls(m.label, m.text, [Constraint.from_pb(c) for c in m.constraints], m.summary)


@record
class SearchResult:
    rank: int
    card: Card
    score: float
    distance: float | None
    lexical: float
    explain: list[str]

    @classmethod
    def from_pb(cls, m: Any) -> SearchResult:
        return cls(
            m.rank,
            Card.from_pb(m.card),
            m.score,
            None if m.distance < 0 else m.distance,
            m.lexical,
            list(m.explain),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": self.score,
            "distance": self.distance,
            "lexical": self.lexical,
            "explain": self.explain,
            "card": self.card.to_json(),
        }


@record
class Side:
    reading: SideReading
    results: list[SearchResult]
    matched: int

    @classmethod
    def from_pb(cls, m: Any) -> Side:
        return cls(
            SideReading.from_pb(m.side), [SearchResult.from_pb(r) for r in m.results], m.matched
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.reading.label,
            "text": self.reading.text,
            "summary": self.reading.summary,
            "constraints": [c.__dict__ for c in self.reading.constraints],
            "matched": self.matched,
            "results": [r.to_json() for r in self.results],
        }


@record
class SearchResults:
    query: str
    results: list[SearchResult]
    summary: str
    constraints: list[Constraint]
    is_comparison: bool
    sides: list[Side]
    hidden: int
    notice: str
    progress: Progress
    server_ms: float
    dense: bool
    # No row passed the relevance floor: these are the closest matches (notice says so).
    closest: bool = False

    @classmethod
    def from_pb(cls, query: str, m: Any) -> SearchResults:
        return cls(
            query=query,
            results=[SearchResult.from_pb(r) for r in m.results],
            summary=m.reading.summary,
            constraints=[Constraint.from_pb(c) for c in m.reading.constraints],
            is_comparison=m.reading.is_comparison,
            sides=[Side.from_pb(s) for s in m.sides],
            hidden=m.hidden,
            notice=m.notice,
            progress=Progress.from_pb(m.progress),
            server_ms=m.server_ms,
            dense=m.dense,
            closest=getattr(m, "closest", False),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "reading": {
                "summary": self.summary,
                "constraints": [c.__dict__ for c in self.constraints],
                "is_comparison": self.is_comparison,
            },
            "results": [r.to_json() for r in self.results],
            "sides": [s.to_json() for s in self.sides],
            "hidden": self.hidden,
            "notice": self.notice,
            "completeness": self.progress.completeness,
            "server_ms": self.server_ms,
            "dense": self.dense,
            "closest": self.closest,
        }
