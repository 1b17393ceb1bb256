"""Rendering of card values the way people write them.

One place decides how a learning rate, a size, a date or a component list is
written, so the table, the key differences, the prompt and the grounding facts
all agree on the same strings.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from typing import Any

from msqd.card import Component, Field, FieldValue

MISSING = "—"

# Display names for framework ids, so a sentence saying "PyTorch" can be checked.
FRAMEWORK_NAMES: dict[str, tuple[str, ...]] = {
    "pytorch": ("PyTorch", "torch"),
    "lightning": ("PyTorch Lightning", "Lightning", "PyTorch"),
    "tensorflow-keras": ("TensorFlow", "Keras", "tf.keras"),
    "jax-flax": ("JAX", "Flax", "Optax"),
    "sklearn": ("scikit-learn", "sklearn"),
    "transformers": ("Transformers", "HuggingFace", "Hugging Face", "PyTorch"),
    "diffusers": ("Diffusers", "HuggingFace", "PyTorch"),
    "xgboost": ("XGBoost",),
    "lightgbm": ("LightGBM",),
}


def format_number(x: float | int) -> str:
    """A number as people write it: ``2e-4``, ``0.01``, ``128``, ``1.5``.

    Small values (below 0.01) use the short scientific form common for learning
    rates; integral floats lose their ``.0``.
    """
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return str(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    ax = abs(x)
    if ax < 1e-2 or ax >= 1e6:
        mantissa, exp = f"{x:.6e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exp)}"
    return f"{x:.6g}"


def format_ratio(base: float, other: float) -> str:
    """``x5`` when ``other`` is five times ``base``, ``/2`` when half; "" if equal, or
    when either is zero or they differ in sign (weight decay 1e-4 against 0)."""
    if base == 0 or other == base:
        return ""
    r = other / base
    if r <= 0:
        return ""
    if r >= 1:
        return "x" + format_number(float(f"{r:.3g}"))
    return "/" + format_number(float(f"{1 / r:.3g}"))


def format_delta(base: float, other: float) -> str:
    """``+200`` or ``-64``; "" when equal."""
    d = other - base
    if d == 0:
        return ""
    if float(d).is_integer():
        return f"{int(d):+d}"
    return ("+" if d > 0 else "-") + format_number(abs(d))


def format_size(size: int) -> str:
    """File size in KB (one decimal), as the table shows it."""
    return f"{size / 1024:.1f} KB"


def format_date(ts: float | None) -> str:
    """Seconds since the epoch as a local ``YYYY-MM-DD``."""
    if not ts:
        return MISSING
    return time.strftime("%Y-%m-%d", time.localtime(ts))


def format_scalar(v: Any) -> str:
    """One scalar field value rendered for display."""
    if v is None:
        return MISSING
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int | float):
        return format_number(v)
    return str(v)


def format_value(v: FieldValue | None) -> str:
    """A field value (scalar or list) rendered for display."""
    if isinstance(v, list):
        return ", ".join(format_scalar(x) for x in v) if v else MISSING
    return format_scalar(v)


def format_field(f: Field | None) -> str:
    """A field with its competing values: ``Adam (also SGD)``."""
    if f is None:
        return MISSING
    main = format_value(f.value)
    alts = [format_value(a.value) for a in f.alternatives]
    alts = [a for a in dict.fromkeys(alts) if a != main]
    return f"{main} (also {', '.join(alts)})" if alts else main


def top_layers(layers: dict[str, int], limit: int = 6) -> list[tuple[str, int]]:
    """Layers ordered by count (descending) then name; the 'main' layers first."""
    return sorted(layers.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def format_layers(layers: dict[str, int], limit: int = 6) -> str:
    """``Conv2d x8, GroupNorm x8`` (+N more when cut)."""
    shown = top_layers(layers, limit)
    text = ", ".join(f"{k} x{v}" for k, v in shown)
    if len(layers) > len(shown):
        text += f", +{len(layers) - len(shown)} more"
    return text


def format_component(c: Component) -> str:
    """``UNet(Conv2d x8, GroupNorm x8, MultiheadAttention x2)``."""
    return f"{c.name}({format_layers(c.layers)})" if c.layers else c.name


def format_components(components: Iterable[Component], limit: int = 5) -> str:
    """All components of a card, ``; ``-separated, at most ``limit`` shown."""
    comps = list(components)
    if not comps:
        return MISSING
    text = "; ".join(format_component(c) for c in comps[:limit])
    if len(comps) > limit:
        text += f"; +{len(comps) - limit} more"
    return text


def total_layers(components: Iterable[Component]) -> dict[str, int]:
    """Layer type -> count summed over every component of a card."""
    out: dict[str, int] = {}
    for c in components:
        for k, v in c.layers.items():
            out[k] = out.get(k, 0) + v
    return out


def component_json(c: Component) -> dict[str, Any]:
    """The JSON-able value of a component, for DiffRow.values."""
    return {"name": c.name, "base": c.base, "layers": dict(c.layers)}
