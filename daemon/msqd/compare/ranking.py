"""Differences that separate the sides, ranked.

For every trait, each side's values are collected. A difference *separates* the
sides when every model of each side has a value and no value (no number range)
of one side is shared with another: that holds between every model of one side
and every model of the other, and ranks first. It separates *where known* when the
same is true of the models that have a value. Otherwise the sides *overlap* on it
and it is a spread inside the sides (the side summaries say so), listed only with
``--all-differences``.

Lines name sides, not ids: "Timesteps: CIFAR-10 models 500–1000; MNIST models 300–400."
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from msqd.card import ModelCard

from .sides import SideSummary
from .traits import TRAITS, Trait, fmt, numeric_range, word_set

Columns = list[tuple[ModelCard, int]]

KINDS = ("separates", "separates-where-known", "overlaps")
DEFAULT_LIMIT = 6

# Order among differences of the same kind: what a person asks about first.
_PRIORITY = (
    "arch_family",
    "framework",
    "attention",
    "conditional",
    "pretrained",
    "residual",
    "latent",
    "timesteps",
    "beta_schedule",
    "image_size",
    "learning_rate",
    "epochs",
    "batch_size",
    "optimizer",
    "weight_decay",
    "scheduler",
    "loss",
    "mixed_precision",
    "dataset",
    "device",
)
_ARCH_FIRST = ("attention", "residual", "latent", "conditional", "arch_family", "framework")


@dataclass
class SideValues:
    """What one side holds for one trait (proto ``SideValues``)."""

    side: int
    name: str
    text: str  # "500–1000", "Adam, AdamW", "yes in 1 of 3"
    model_ids: list[str]  # models with a value
    missing: list[str] = field(default_factory=list)  # models without one
    values: list[Any] = field(default_factory=list)  # per model in ``model_ids``


@dataclass
class RankedDifference:
    """One ranked difference (proto ``RankedDifference``)."""

    field: str
    label: str
    category: str
    kind: str  # one of KINDS
    text: str
    sides: list[SideValues]
    rank: int = 0


def _side_values(t: Trait, s: SideSummary, cards: dict[str, ModelCard]) -> SideValues:
    vals = [(i, t.value(cards[i])) for i in s.model_ids]
    known = [(i, v) for i, v in vals if v is not None]
    missing = [i for i, v in vals if v is None]
    vs = [v for _, v in known]
    if t.kind == "number":
        text = numeric_range(vs)
    elif t.kind == "flag":
        yes = sum(1 for v in vs if v)
        if yes == len(vs) and not missing:
            text = "yes"
        elif yes == 0 and not missing:
            text = "no"
        else:
            text = f"{yes} of {len(vals)}"
            if missing:
                text += f" (unknown for {len(missing)})"
    else:
        text = " / ".join(word_set(vs)) or "—"
    if missing and t.kind != "flag" and known:
        text += f" ({len(known)} of {len(vals)})"
    if not known:
        text = "not found"
    return SideValues(s.side, s.name, text, [i for i, _ in known], missing, vs)


def _disjoint(t: Trait, per_side: list[SideValues]) -> bool:
    if t.kind == "number":
        spans = sorted((min(map(float, sv.values)), max(map(float, sv.values))) for sv in per_side)
        return all(a[1] < b[0] for a, b in itertools.pairwise(spans))
    sets = [{fmt(v) for v in sv.values} for sv in per_side]
    return all(not (sets[i] & sets[j]) for i in range(len(sets)) for j in range(i + 1, len(sets)))


def _kind(t: Trait, per_side: list[SideValues]) -> str | None:
    """How a trait's values across sides relate; None when every model agrees."""
    all_vals = [fmt(v) for sv in per_side for v in sv.values]
    any_missing = any(sv.missing for sv in per_side)
    if len(set(all_vals)) <= 1 and not (any_missing and all_vals):
        return None
    if any(not sv.values for sv in per_side):
        # One side has no value at all: "none found" on a side is not a separation.
        return "overlaps"
    if _disjoint(t, per_side):
        return "separates-where-known" if any_missing else "separates"
    return "overlaps"


def _text(t: Trait, per_side: list[SideValues]) -> str:
    return f"{t.label}: {'; '.join(f'{sv.name} {sv.text}' for sv in per_side)}."


def ranked_differences(
    columns: Columns, sides: list[SideSummary], architecture_first: bool = False
) -> list[RankedDifference]:
    """Every trait on which the sides differ, best separating first.

    Needs two or more sides; a single side has no differences between sides (its
    spreads are in its summary). Fields a side's name rests on ("CIFAR-10 models")
    rank last among their kind: the question already said so.
    """
    if len(sides) < 2:
        return []
    cards = {c.model_id: c for c, _ in columns}
    named = {f for s in sides for f in s.named_by}
    order = list(_PRIORITY)
    if architecture_first:
        order = list(_ARCH_FIRST) + [f for f in order if f not in _ARCH_FIRST]
    out: list[RankedDifference] = []
    for t in TRAITS:
        per_side = [_side_values(t, s, cards) for s in sides]
        kind = _kind(t, per_side)
        if kind is None:
            continue
        out.append(
            RankedDifference(t.name, t.label, t.category, kind, _text(t, per_side), per_side)
        )

    def key(d: RankedDifference) -> tuple[int, int, int]:
        return (KINDS.index(d.kind), d.field in named, order.index(d.field))

    out.sort(key=key)
    for i, d in enumerate(out, 1):
        d.rank = i
    return out


def default_differences(
    ranked: list[RankedDifference], limit: int = DEFAULT_LIMIT
) -> list[RankedDifference]:
    """The few lines shown by default: those that separate the sides, at most ``limit``;
    when none separate, the first overlapping ones so the answer is never empty."""
    sep = [d for d in ranked if d.kind != "overlaps"]
    return (sep or ranked)[:limit]
