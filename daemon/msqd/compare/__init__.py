"""Compare: the difference table, key differences and the grounded narrative.

Facts first, prose second: the table and key differences are computed from the
cards; the optional narrative from a local LLM is checked sentence by sentence
against the same facts before anything is shown.

Works on cards it is handed: may import only msqd.card, msqd.vocab and msqd.errors
(llama_cpp lazily, in ``llm.py``); msqd.serve's compare stream feeds it search results.
"""

from __future__ import annotations

from .arch import ArchView, asks_architecture
from .compose import ComparisonFacts, columns_of, compare_columns
from .differences import KeyDifference, key_differences
from .facts import Facts, ModelFacts
from .grounding import GroundingResult, check_sentence, split_sentences
from .llm import HOW_TO_CONFIGURE, default_model_path, load_llama, resolve_model_path
from .narrative import (
    NarrativeEvent,
    NarrativeState,
    NarrativeSummary,
    NarrativeToken,
    Narrator,
    describe_with_llm,
)
from .overview import Overview, build_overview
from .prompt import build_description_prompt, build_prompt
from .ranking import RankedDifference, SideValues, ranked_differences
from .sides import SideFold, SideSummary, SideTrait, side_summaries
from .summary import summary_paragraph
from .table import DiffColumn, DiffRow, DiffTable, build_table

__all__ = [
    "HOW_TO_CONFIGURE",
    "ArchView",
    "ComparisonFacts",
    "DiffColumn",
    "DiffRow",
    "DiffTable",
    "Facts",
    "GroundingResult",
    "KeyDifference",
    "ModelFacts",
    "NarrativeEvent",
    "NarrativeState",
    "NarrativeSummary",
    "NarrativeToken",
    "Narrator",
    "Overview",
    "RankedDifference",
    "SideFold",
    "SideSummary",
    "SideTrait",
    "SideValues",
    "asks_architecture",
    "build_description_prompt",
    "build_overview",
    "build_prompt",
    "build_table",
    "check_sentence",
    "columns_of",
    "compare_columns",
    "default_model_path",
    "describe_with_llm",
    "key_differences",
    "load_llama",
    "ranked_differences",
    "resolve_model_path",
    "side_summaries",
    "split_sentences",
    "summary_paragraph",
]
