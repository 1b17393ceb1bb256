"""One call for the servicer: table, key differences, overview, facts and the prompt."""

from __future__ import annotations

from dataclasses import dataclass

from msqd.card import ModelCard

from .differences import KeyDifference, key_differences
from .facts import Facts
from .overview import Overview, build_overview
from .prompt import Messages, build_prompt
from .table import DiffTable, build_table


@dataclass
class ComparisonFacts:
    """Everything compare computes before (and for) the narrative."""

    columns: list[tuple[ModelCard, int]]
    table: DiffTable
    differences: list[KeyDifference]
    facts: Facts
    messages: Messages
    overview: Overview


def columns_of(sides: list[list[ModelCard]]) -> list[tuple[ModelCard, int]]:
    """Flatten sides into ``(card, side index)`` columns; a card already shown for an
    earlier side is not repeated."""
    seen: set[str] = set()
    out: list[tuple[ModelCard, int]] = []
    for s, cards in enumerate(sides):
        for c in cards:
            if c.model_id not in seen:
                seen.add(c.model_id)
                out.append((c, s))
    return out


def compare_columns(
    sides: list[list[ModelCard]],
    baseline: str | None = None,
    readings: list[str] | None = None,
    question: str = "",
) -> ComparisonFacts:
    """Compare the top models of each side (in order). Raises ValueError for an
    unknown baseline id. ``readings`` (each side as read) and ``question`` feed the
    overview: side names and whether the architecture view leads."""
    columns = columns_of(sides)
    table = build_table(columns, baseline)
    differences = key_differences(columns)
    facts = Facts.from_columns(columns)
    descriptions = {c.model_id: c.description for c, _ in columns if c.description}
    messages = build_prompt(table, differences, descriptions)
    overview = build_overview(columns, readings, question)
    return ComparisonFacts(columns, table, differences, facts, messages, overview)
