"""Fields a filter can name and how their values compare.

One table says, for every card field and card attribute, what kind of value it
holds and which vocabulary canonicalizes it; the comparison helpers below are the
single place where "cifar10" == "CIFAR-10 (cat, dog)" and "gpu" == "cuda" are
decided. Both the filter language and query reading use them, so an implied
constraint and the same constraint typed with ``--filter`` behave identically.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from msqd import vocab
from msqd.card import ModelCard

# field name -> the card's value or None; filters see cards only through this.
Getter = Callable[[str], Any]


@dataclass(frozen=True)
class DateValue:
    """A date or date-time literal: the instants in ``[start, end)`` (epoch seconds).

    A bare date is the whole (local) day, so ``modified = 2024-05-01`` means "on
    that day" and ``modified > 2024-05-01`` means "after that day".
    """

    text: str
    start: float
    end: float


Literal = str | int | float | bool | DateValue


@dataclass(frozen=True)
class FieldSpec:
    """How one filterable field behaves. ``kind``: str, num, bool, date or dataset."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    # Canonical name -> aliases; equality compares canonical names.
    vocabulary: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _vocab(table: dict[str, tuple[str, ...]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(table.items())


_SPECS = (
    FieldSpec("framework", "str", ("fw", "frameworks", "library", "lib"), _vocab(vocab.FRAMEWORKS)),
    FieldSpec(
        "arch_family",
        "str",
        ("arch", "architecture", "family", "arch-family"),
        _vocab(vocab.ARCH_FAMILIES),
    ),
    FieldSpec("conditional", "bool", ("cond", "class_conditional")),
    FieldSpec("pretrained", "bool", ("pretrain", "transfer", "finetuned", "fine_tuned")),
    FieldSpec("dataset", "dataset", ("data", "ds")),
    FieldSpec("image_size", "num", ("img_size", "resolution", "res")),
    FieldSpec("batch_size", "num", ("bs", "batch", "batchsize")),
    FieldSpec("learning_rate", "num", ("lr",)),
    FieldSpec("optimizer", "str", ("opt", "optim"), _vocab(vocab.OPTIMIZERS)),
    FieldSpec("weight_decay", "num", ("wd",)),
    FieldSpec("scheduler", "str", ("sched", "lr_scheduler")),
    FieldSpec("epochs", "num", ("epoch",)),
    FieldSpec("loss", "str", ("losses",)),
    FieldSpec("seed", "num"),
    FieldSpec("mixed_precision", "bool", ("amp", "fp16", "precision")),
    FieldSpec("timesteps", "num", ("steps",)),
    FieldSpec("beta_schedule", "str", ("betas",)),
    FieldSpec("device", "str", ("devices", "hw", "hardware"), _vocab(vocab.DEVICES)),
    FieldSpec("model_id", "str", ("id", "model")),
    FieldSpec("path", "str", ("file",)),
    FieldSpec("project", "str"),
    FieldSpec("size", "num"),
    FieldSpec("created", "date"),
    FieldSpec("modified", "date", ("mtime",)),
    FieldSpec("status", "str"),
    FieldSpec("language", "str", ("lang",)),
    FieldSpec("role", "str", ("file_role", "kind")),
    FieldSpec("description", "str", ("desc",)),
)

FIELDS: dict[str, FieldSpec] = {s.name: s for s in _SPECS}
# Every accepted spelling (lower case) -> canonical field name.
ALIASES: dict[str, str] = {a: s.name for s in _SPECS for a in (s.name, *s.aliases)}

# Per field: lower-case alias -> lower-case canonical value, built once.
_CANON: dict[str, dict[str, str]] = {
    s.name: {
        alias: name.lower() for name, aliases in s.vocabulary for alias in (name.lower(), *aliases)
    }
    for s in _SPECS
    if s.vocabulary
}
_DATASET_CANON: dict[str, str] = {
    alias: name.lower()
    for name, aliases in vocab.DATASETS.items()
    for alias in (name.lower(), *aliases)
}
_SUBSET_RE = re.compile(r"^(.*?)\s*\((.*)\)\s*$")
_LEADING_NUMBER_RE = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")
_FALSY = frozenset({"", "false", "no", "none", "off", "0", "fp32", "float32"})


def is_present(value: Any) -> bool:
    """Missing, empty strings and empty lists all count as "no value"."""
    return value is not None and value != "" and value != []


def parse_date(text: str) -> DateValue | None:
    """An ISO date (a whole local day) or date-time (one second), or None."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    start = moment.timestamp()
    span = 86400.0 if len(text) == 10 else 1.0
    return DateValue(text, start, start + span)


def format_literal(value: Literal) -> str:
    """The canonical spelling of a literal in a filter string (re-parses to itself)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = value.text if isinstance(value, DateValue) else value
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_number(value: Any) -> float | None:
    """A card value as a number: numbers as is, strings by their leading number ("32x32")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        m = _LEADING_NUMBER_RE.match(value)
        return float(m.group(1)) if m else None
    return None


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def split_dataset(name: str) -> tuple[str, frozenset[str]]:
    """("CIFAR-10 (cat, dog)") -> ("cifar-10", {"cat", "dog"}); the base is canonical lower."""
    m = _SUBSET_RE.match(name.strip())
    base, subset = (m.group(1), m.group(2)) if m else (name.strip(), "")
    low = base.lower()
    classes = frozenset(c.strip().lower() for c in subset.split(",") if c.strip())
    return _DATASET_CANON.get(low, low), classes


def canonical_value(field: str, text: str) -> str:
    """The lower-case canonical form of a text value of ``field`` (aliases resolved)."""
    low = text.strip().lower()
    return _CANON.get(field, {}).get(low, low)


def values_equal(field: str, value: Any, lit: Literal) -> bool:
    """Equality of one card value (a scalar) with a literal, under the field's rules."""
    if isinstance(lit, DateValue):
        num = to_number(value)
        return num is not None and lit.start <= num < lit.end
    if isinstance(lit, bool):
        if isinstance(value, bool):
            return value == lit
        if isinstance(value, str):
            return (value.strip().lower() not in _FALSY) == lit
        return isinstance(value, (int, float)) and bool(value) == lit
    if isinstance(lit, (int, float)):
        num = to_number(value)
        return num is not None and math.isclose(num, lit, rel_tol=1e-9, abs_tol=0.0)
    text = _as_text(value)
    if FIELDS[field].kind == "dataset":
        base, classes = split_dataset(text)
        want_base, want_classes = split_dataset(lit)
        # A subset of a dataset is still that dataset; a subset asked for must match.
        return base == want_base and (not want_classes or classes == want_classes)
    return canonical_value(field, text) == canonical_value(field, lit)


def compare_values(field: str, value: Any, op: str, lit: Literal) -> bool:
    """Ordered comparison (< <= > >=) or substring (~) of one card value with a literal."""
    if op == "~":
        return str(lit).lower() in _as_text(value).lower()
    if isinstance(lit, DateValue):
        num = to_number(value)
        if num is None:
            return False
        # The literal is a span: "< day" is before it starts, "<= day" before it ends.
        if op == "<":
            return num < lit.start
        if op == "<=":
            return num < lit.end
        return num >= lit.end if op == ">" else num >= lit.start
    if isinstance(lit, bool):
        return False
    left: Any
    right: Any
    if isinstance(lit, (int, float)):
        left, right = to_number(value), float(lit)
        if left is None:
            return False
    else:
        if not isinstance(value, str):
            return False
        left, right = value.lower(), lit.lower()
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


CARD_ATTRS = frozenset(
    {
        "model_id",
        "path",
        "project",
        "size",
        "created",
        "modified",
        "status",
        "language",
        "role",
        "description",
    }
)


def card_getter(card: ModelCard) -> Getter:
    """A getter over a ModelCard: card attributes first, then extracted fields."""

    def get(name: str) -> Any:
        if name in CARD_ATTRS:
            return getattr(card, name)
        return card.value(name)

    return get
