"""Side summaries: what the models of one side share, and how they spread.

For each side: how many models it holds, what every one of them shares (family,
framework, dataset, optimizer, the layer types all of them build ...), how the
others spread (``lr 1e-4–3e-4``, ``attention in 1 of 3``), and which models are
near-identical versions of one script (folded into one entry with a count).
Everything is read from the cards; nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from msqd.card import ModelCard

from .facts import short_name
from .traits import (
    TRAITS,
    canonical_dataset,
    layer_types,
    near_identical_key,
    numeric_range,
    word_set,
)

Columns = list[tuple[ModelCard, int]]
# Features whose absence from every model of a side is worth saying.
_SAY_ABSENT = frozenset({"attention", "residual", "conditional"})
# Shared values that read well without their field name.
_BARE = frozenset({"framework", "arch_family", "dataset"})


@dataclass
class SideTrait:
    """One shared value or one spread of a side (proto ``SideTrait``)."""

    field: str
    label: str
    text: str  # "CIFAR-10", "1e-4–3e-4", "1 of 3"
    model_ids: list[str] = field(default_factory=list)  # the models the text rests on
    value: str = ""  # the bare value or range, "1e-4–3e-4" ("" for yes/no counts)
    kind: str = ""  # the trait's kind: number, word or flag


@dataclass
class SideFold:
    """Near-identical models shown as one entry (proto ``SideFold``)."""

    name: str  # the first model's short name
    model_ids: list[str]


@dataclass
class SideSummary:
    """One side of a comparison (proto ``SideSummary``)."""

    side: int  # 0-based
    name: str  # "CIFAR-10 models", "side 2" or a model's short name
    reading: str  # how the question was read for this side, "" when not given
    model_ids: list[str]
    shared: list[SideTrait] = field(default_factory=list)
    spread: list[SideTrait] = field(default_factory=list)
    folds: list[SideFold] = field(default_factory=list)
    # The fields the side's name rests on (the dataset for "CIFAR-10 models").
    named_by: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.model_ids)

    @property
    def verb_s(self) -> str:
        """ "s" for a side of one model ("uses"), "" otherwise ("use")."""
        return "s" if self.count == 1 else ""


def _side_cards(columns: Columns) -> dict[int, list[ModelCard]]:
    out: dict[int, list[ModelCard]] = {}
    for card, s in columns:
        out.setdefault(s, []).append(card)
    return out


def _names(
    by_side: dict[int, list[ModelCard]], all_ids: list[str]
) -> dict[int, tuple[str, list[str]]]:
    """A side is named by its one dataset when no other side has it, else by number;
    a side of one model by the model's short name."""
    shared: dict[int, str | None] = {}
    for s, cards in by_side.items():
        names = {canonical_dataset(c) for c in cards}
        shared[s] = names.pop() if len(names) == 1 else None
    out: dict[int, tuple[str, list[str]]] = {}
    for s, cards in by_side.items():
        v = shared[s]
        others = [shared[o] for o in by_side if o != s]
        if len(cards) == 1:
            # One model: its own name says more than its dataset.
            out[s] = (short_name(cards[0].model_id, all_ids), [])
        elif isinstance(v, str) and v not in others:
            # "CIFAR-10 models" / "the MNIST model" are names the grounding check knows.
            out[s] = (f"{v} model{'s' if len(cards) != 1 else ''}", ["dataset"])
        else:
            out[s] = (f"side {s + 1}", [])
    return out


def _folds(cards: list[ModelCard], all_ids: list[str]) -> list[SideFold]:
    groups: dict[tuple[object, ...], list[ModelCard]] = {}
    for c in cards:
        groups.setdefault(near_identical_key(c), []).append(c)
    return [
        SideFold(short_name(g[0].model_id, all_ids), [c.model_id for c in g])
        for g in groups.values()
        if len(g) > 1
    ]


def summarize_side(side: int, cards: list[ModelCard], name: str, all_ids: list[str]) -> SideSummary:
    """The summary of one side's cards."""
    out = SideSummary(side, name, "", [c.model_id for c in cards])
    n = len(cards)
    for t in TRAITS:
        vals = [t.value(c) for c in cards]
        known = [(c.model_id, v) for c, v in zip(cards, vals, strict=True) if v is not None]
        if not known:
            continue
        ids = [i for i, _ in known]
        if len(known) == n and len({v for _, v in known}) == 1:
            v = known[0][1]
            if t.kind == "flag" and not v and t.name not in _SAY_ABSENT:
                continue
            if t.kind == "flag":
                text = value = t.short if v else f"no {t.short}"
            else:
                value = numeric_range([v]) if t.kind == "number" else word_set([v])[0]
                text = value if t.name in _BARE else f"{t.short} {value}"
            out.shared.append(SideTrait(t.name, t.label, text, ids, value, t.kind))
            continue
        if t.kind == "flag":
            yes = [i for i, v in known if v]
            if not yes:
                continue  # none has it, the rest unknown: nothing spreads
            of = f"{len(yes)} of {n}"
            out.spread.append(SideTrait(t.name, t.label, f"{t.short} in {of}", yes, "", t.kind))
            continue
        if t.kind == "number":
            value = numeric_range([v for _, v in known])
        else:
            value = " / ".join(word_set([v for _, v in known]))
        text = f"{t.short} {value}"
        if len(known) < n:
            text += f" ({len(known)} of {n})"
        out.spread.append(SideTrait(t.name, t.label, text, ids, value, t.kind))
    if n > 1 and all(c.components for c in cards):
        common = frozenset.intersection(*(layer_types(c) for c in cards))
        if common:
            shown = sorted(common)[:5]
            more = f" +{len(common) - 5}" if len(common) > 5 else ""
            out.shared.append(
                SideTrait(
                    "layers",
                    "Layers in every model",
                    "layers " + ", ".join(shown) + more,
                    out.model_ids,
                    ", ".join(shown) + more,
                    "word",
                )
            )
    out.folds = _folds(cards, all_ids)
    return out


def side_summaries(columns: Columns, readings: list[str] | None = None) -> list[SideSummary]:
    """One summary per side of ``(card, side index)`` columns, in side order."""
    by_side = _side_cards(columns)
    all_ids = [c.model_id for c, _ in columns]
    names = _names(by_side, all_ids)
    out = []
    for s in sorted(by_side):
        name, named_by = names[s]
        summary = summarize_side(s, by_side[s], name, all_ids)
        summary.named_by = named_by
        if readings and s < len(readings):
            summary.reading = readings[s]
        out.append(summary)
    return out
