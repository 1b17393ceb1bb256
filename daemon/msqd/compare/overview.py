"""The one-screen answer of a comparison, in one call.

Side summaries, the ranked differences, the deterministic summary paragraph and
(when the question asks about architecture) the architecture view, all computed
from the cards. Maps 1:1 onto the proto ``CompareOverview``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from msqd.card import ModelCard

from .arch import ArchView, arch_view, asks_architecture
from .facts import short_name
from .ranking import RankedDifference, default_differences, ranked_differences
from .sides import SideSummary, side_summaries
from .summary import summary_paragraph
from .traits import near_identical_key

Columns = list[tuple[ModelCard, int]]


@dataclass
class Overview:
    """Everything the default compare output shows (proto ``CompareOverview``)."""

    sides: list[SideSummary]
    ranked: list[RankedDifference]
    default_count: int
    summary: list[str]
    architecture: bool = False
    arch: list[ArchView] = field(default_factory=list)


def short_names(columns: Columns) -> dict[str, str]:
    """Model id -> the shortest unambiguous name used in lines."""
    ids = [c.model_id for c, _ in columns]
    return {i: short_name(i, ids) for i in ids}


def _arch_views(columns: Columns, short: dict[str, str]) -> list[ArchView]:
    """One view per model; near-identical models of one side share one view."""
    out: list[ArchView] = []
    seen: dict[tuple[int, tuple[object, ...]], ArchView] = {}
    for card, s in columns:
        key = (s, near_identical_key(card))
        if key in seen and card.components:
            seen[key].model_ids.append(card.model_id)
            continue
        view = arch_view(card, short[card.model_id])
        seen[key] = view
        out.append(view)
    return out


def build_overview(
    columns: Columns, readings: list[str] | None = None, question: str = ""
) -> Overview:
    """The overview of ``(card, side index)`` columns.

    ``readings`` are the sides as the question was read ("diffusion + CIFAR-10");
    ``question`` (the query and side texts) decides whether the architecture view
    leads.
    """
    short = short_names(columns)
    sides = side_summaries(columns, readings)
    architecture = asks_architecture(question, *(readings or []))
    ranked = ranked_differences(columns, sides, architecture_first=architecture)
    shown = default_differences(ranked)
    paragraph = summary_paragraph(sides, ranked, short)
    arch = _arch_views(columns, short) if architecture else []
    return Overview(sides, ranked, len(shown), paragraph, architecture, arch)
