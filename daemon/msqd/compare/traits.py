"""What a card says about one comparable trait, in a form sides and rankings share.

A *trait* is a card field (``learning_rate``), a component feature (attention,
residual blocks, a latent autoencoder) or the layer types a model builds. Each
trait reads one hashable value per card (None when the card does not say), and
knows whether its values are numbers (so a side is summarised as a range
``1e-4–3e-4``) or words (a set, ``Adam, AdamW``) or yes/no (a count, ``1 of 3``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from msqd.card import ModelCard

from .differences import FEATURES
from .facts import dataset_parts
from .render import format_field, format_number, format_scalar, total_layers

# Ranges are written with an en dash so "1e-4–3e-4" never reads as a negative number.
DASH = "–"


@dataclass(frozen=True)
class Trait:
    """One comparable property of a card."""

    name: str  # card field name, or "attention", "residual", "latent", "layers"
    label: str  # "Learning rate"
    short: str  # "lr", for side summaries
    category: str  # architecture, data, training, hardware
    kind: str  # "number", "word" or "flag"
    read: Callable[[ModelCard], Any]

    def value(self, card: ModelCard) -> Any:
        """The card's value (hashable), or None when unknown."""
        return self.read(card)


def _field(name: str) -> Callable[[ModelCard], Any]:
    def read(card: ModelCard) -> Any:
        f = card.fields.get(name)
        if f is None:
            return None
        v = f.value
        if isinstance(v, list):
            return tuple(v) if v else None
        return v

    return read


def _display_field(name: str) -> Callable[[ModelCard], Any]:
    """Value as displayed for word fields: a list joined with " + " (``diffusion + unet``),
    competing values after it (``Adam (also SGD)``), a dataset with its class subset."""

    def read(card: ModelCard) -> Any:
        f = card.fields.get(name)
        if f is None or f.value in (None, [], ""):
            return None
        if isinstance(f.value, list):
            main = " + ".join(format_scalar(x) for x in f.value)
            alts = [format_field(a) for a in f.alternatives]
            return main + (f" (also {', '.join(alts)})" if alts else "")
        return format_field(f)

    return read


def _feature(detect: Callable[[ModelCard], str | None]) -> Callable[[ModelCard], Any]:
    def read(card: ModelCard) -> Any:
        ev = detect(card)
        if ev is not None:
            return True
        # No components found: unknown, never "absent".
        return False if card.components else None

    return read


def _numeric(name: str) -> Callable[[ModelCard], Any]:
    def read(card: ModelCard) -> Any:
        v = card.value(name)
        if isinstance(v, bool) or not isinstance(v, int | float):
            return None
        return v

    return read


def _flag(name: str) -> Callable[[ModelCard], Any]:
    def read(card: ModelCard) -> Any:
        v = card.value(name)
        return v if isinstance(v, bool) else None

    return read


_FEATURE_DETECT = dict(FEATURES)

# (name, label, short, category, kind), in display order.
_SPEC: tuple[tuple[str, str, str, str, str], ...] = (
    ("framework", "Framework", "framework", "architecture", "word"),
    ("arch_family", "Architecture", "arch", "architecture", "word"),
    ("conditional", "Class conditioning", "conditional", "architecture", "flag"),
    ("attention", "Attention", "attention", "architecture", "flag"),
    ("residual", "Residual blocks", "residual", "architecture", "flag"),
    ("latent", "Latent autoencoder", "latent", "architecture", "flag"),
    ("timesteps", "Timesteps", "timesteps", "architecture", "number"),
    ("beta_schedule", "Beta schedule", "beta", "architecture", "word"),
    ("dataset", "Dataset", "dataset", "data", "word"),
    ("pretrained", "Pretrained weights", "pretrained", "training", "flag"),
    ("image_size", "Image size", "image", "data", "number"),
    ("batch_size", "Batch size", "batch", "training", "number"),
    ("learning_rate", "Learning rate", "lr", "training", "number"),
    ("optimizer", "Optimizer", "optimizer", "training", "word"),
    ("weight_decay", "Weight decay", "wd", "training", "number"),
    ("scheduler", "Scheduler", "scheduler", "training", "word"),
    ("epochs", "Epochs", "epochs", "training", "number"),
    ("loss", "Loss", "loss", "training", "word"),
    ("mixed_precision", "Mixed precision", "precision", "training", "word"),
    ("device", "Device", "device", "hardware", "word"),
)
_FEATURE_LABELS = {
    "attention": "Attention",
    "residual": "Residual blocks",
    "latent": "Latent autoencoder",
}


def _reader(name: str, kind: str) -> Callable[[ModelCard], Any]:
    if name in _FEATURE_LABELS:
        return _feature(_FEATURE_DETECT[_FEATURE_LABELS[name]])
    if kind == "number":
        return _numeric(name)
    if kind == "flag":
        return _flag(name)
    return _display_field(name)


TRAITS: tuple[Trait, ...] = tuple(Trait(*spec, _reader(spec[0], spec[4])) for spec in _SPEC)
BY_NAME = {t.name: t for t in TRAITS}


def canonical_dataset(card: ModelCard) -> str | None:
    """The card's dataset without its class subset (``CIFAR-10`` for cat/dog CIFAR-10)."""
    v = card.value("dataset")
    if not isinstance(v, str) or not v:
        return None
    return dataset_parts(v)[0] or v


def layer_types(card: ModelCard) -> frozenset[str]:
    """Layer types the card's components build (empty when none were found)."""
    return frozenset(total_layers(card.components))


def fmt(v: Any) -> str:
    """One trait value for display."""
    if isinstance(v, tuple):
        return ", ".join(format_scalar(x) for x in v)
    if isinstance(v, float | int) and not isinstance(v, bool):
        return format_number(v)
    return format_scalar(v)


def numeric_range(values: list[Any]) -> str:
    """``1e-4–3e-4`` (or one value when all are equal) over the known values."""
    nums = sorted({float(v) for v in values if v is not None})
    if not nums:
        return "—"
    lo, hi = nums[0], nums[-1]
    if lo == hi:
        return format_number(lo)
    return f"{format_number(lo)}{DASH}{format_number(hi)}"


def word_set(values: list[Any]) -> list[str]:
    """Distinct known values in first-seen order, for display."""
    out: list[str] = []
    for v in values:
        if v is not None and fmt(v) not in out:
            out.append(fmt(v))
    return out


def near_identical_key(card: ModelCard) -> tuple[Any, ...]:
    """Cards with the same key are versions of one script: every trait and the layer
    counts agree (file size, dates and paths are ignored)."""
    return (
        tuple(t.value(card) for t in TRAITS),
        tuple(sorted(total_layers(card.components).items())),
    )
