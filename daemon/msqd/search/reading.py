"""What a question was read as: free text, implied constraints, comparison sides.

These are plain dataclasses produced by :func:`msqd.search.query.read_query`.
A :class:`Constraint` converts to the filter language's :class:`Expr`, so a hard
constraint read from "lr above 0.01" is applied by the exact same code as
``--filter 'lr > 0.01'``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from msqd.search.filterlang import And, Compare, Expr, InList
from msqd.search.values import FIELDS, Literal, parse_date

ConstraintValue = str | int | float | bool | tuple[str, ...]

# Short names used in summaries ("lr > 0.01", "batch = 256").
_SHORT = {
    "learning_rate": "lr",
    "batch_size": "batch",
    "weight_decay": "wd",
    "image_size": "image size",
}
_FLAG_WORDS = {
    ("conditional", True): "class-conditional",
    ("conditional", False): "unconditional",
    ("pretrained", True): "pretrained",
    ("pretrained", False): "from scratch",
    ("mixed_precision", True): "mixed precision",
    ("mixed_precision", False): "no mixed precision",
}
# Fields whose implied value is just named in a summary ("CIFAR-10", not "dataset = CIFAR-10").
_NAMED_FIELDS = frozenset({"dataset", "arch_family", "framework", "optimizer", "device"})


def _fmt(value: ConstraintValue) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return "/".join(value)
    return str(value)


@dataclass(frozen=True)
class Constraint:
    """``field op value`` implied by the question.

    ``op`` is one of = != < <= > >= ~ in (``in`` takes a tuple). ``hard``
    constraints are applied exactly (rows failing them are dropped); soft ones
    only rerank (see docs/search.md). ``source`` is the words it was read from,
    with any typo correction noted. ``span`` (character offsets into the
    question) is for highlighting and is ignored by equality.
    """

    field: str
    op: str
    value: ConstraintValue
    source: str
    hard: bool
    span: tuple[int, int] = field(default=(0, 0), compare=False)

    def to_expr(self) -> Expr:
        """This constraint as a filter-language expression."""
        if self.op == "in":
            values = self.value if isinstance(self.value, tuple) else (self.value,)
            return InList(self.field, tuple(values))
        assert not isinstance(self.value, tuple)
        value: Literal = self.value
        if FIELDS[self.field].kind == "date" and isinstance(value, str):
            # Dates travel as text ("2024-05-01") and compare as a day range.
            value = parse_date(value) or value
        return Compare(self.field, self.op, value)

    def to_filter(self) -> str:
        """The canonical ``--filter`` text for this constraint."""
        return str(self.to_expr())

    def summary(self) -> str:
        """A short human label: "CIFAR-10", "lr > 0.01", "class-conditional"."""
        flag = _FLAG_WORDS.get((self.field, self.value)) if isinstance(self.value, bool) else None
        if flag and self.op == "=":
            return flag
        if self.field in _NAMED_FIELDS and self.op in ("=", "in"):
            return _fmt(self.value)
        return f"{_SHORT.get(self.field, self.field)} {self.op} {_fmt(self.value)}"

    def to_json(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {
            "field": self.field,
            "op": self.op,
            "value": value,
            "source": self.source,
            "hard": self.hard,
            "span": list(self.span),
        }


def summarize(constraints: list[Constraint], fallback: str = "") -> str:
    """ "diffusion + CIFAR-10", or ``fallback`` when there are no constraints."""
    # "transfer learning with a pretrained resnet" reads pretrained twice: say it once.
    return " + ".join(dict.fromkeys(c.summary() for c in constraints)) or fallback


@dataclass
class SideReading:
    """One side of a comparison: its own words plus the shared context."""

    label: str
    text: str
    constraints: list[Constraint]
    summary: str

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "text": self.text,
            "constraints": [c.to_json() for c in self.constraints],
            "summary": self.summary,
        }


@dataclass
class QueryReading:
    """The whole question as read.

    For a comparison, ``constraints`` holds only what applies to every side;
    each side carries its full list.
    """

    query: str
    text: str
    constraints: list[Constraint]
    summary: str
    is_comparison: bool = False
    sides: list[SideReading] = field(default_factory=list)

    def hard_constraints(self) -> list[Constraint]:
        return [c for c in self.constraints if c.hard]

    def soft_constraints(self) -> list[Constraint]:
        return [c for c in self.constraints if not c.hard]

    def hard_filter(self) -> Expr | None:
        """All hard constraints as one expression, or None when there are none."""
        return constraints_filter(self.constraints)

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "text": self.text,
            "constraints": [c.to_json() for c in self.constraints],
            "summary": self.summary,
            "is_comparison": self.is_comparison,
            "sides": [s.to_json() for s in self.sides],
        }


def constraints_filter(constraints: list[Constraint]) -> Expr | None:
    """The hard constraints of a list joined with ``and`` (None when there are none)."""
    exprs = [c.to_expr() for c in constraints if c.hard]
    if not exprs:
        return None
    return exprs[0] if len(exprs) == 1 else And(tuple(exprs))
