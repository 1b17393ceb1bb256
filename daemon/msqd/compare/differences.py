"""Key differences: short deterministic lines computed from the facts.

Each line names the models and the values it rests on, so it can be checked
against the table. Wording is fixed (tests assert it exactly):

    Attention: present in A/x (MultiheadAttention x2) and absent in B/y.
    Learning rate: A/x uses 2e-4, B/y uses 1e-3 (x5).

With more than two columns, columns with equal values are grouped, and a group
that is exactly the models of one side is written ``side 1 (A/x, A/z)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from msqd.card import ModelCard

from .render import format_delta, format_field, format_layers, format_ratio, total_layers


@dataclass
class KeyDifference:
    """One line of key differences (proto ``KeyDifference``)."""

    category: str  # architecture, data, training, hardware
    text: str
    model_ids: list[str] = field(default_factory=list)


Columns = list[tuple[ModelCard, int]]
CATEGORIES = ("architecture", "data", "training", "hardware")

# (field, label, category, how numbers compare: "ratio", "delta", "both" or "").
VALUE_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("framework", "Framework", "architecture", ""),
    ("arch_family", "Architecture family", "architecture", ""),
    ("timesteps", "Timesteps", "architecture", "delta"),
    ("beta_schedule", "Beta schedule", "architecture", ""),
    ("dataset", "Dataset", "data", ""),
    ("pretrained", "Pretrained weights", "training", ""),
    ("image_size", "Image size", "data", "delta"),
    ("batch_size", "Batch size", "training", "delta"),
    ("learning_rate", "Learning rate", "training", "ratio"),
    ("optimizer", "Optimizer", "training", ""),
    ("weight_decay", "Weight decay", "training", "ratio"),
    ("scheduler", "Scheduler", "training", ""),
    ("epochs", "Epochs", "training", "both"),
    ("loss", "Loss", "training", ""),
    ("mixed_precision", "Mixed precision", "training", ""),
    ("device", "Device", "hardware", ""),
)


def _matching(c: ModelCard, pred: Callable[[str], bool]) -> str | None:
    """Evidence for a component feature: matching class names, then layer counts."""
    classes = [comp.name for comp in c.components if pred(comp.name.lower())]
    layers = {k: v for k, v in total_layers(c.components).items() if pred(k.lower())}
    parts = list(dict.fromkeys(classes))
    if layers:
        parts.append(format_layers(layers))
    return "; ".join(parts) if parts else None


def _is_attention(n: str) -> bool:
    return "attention" in n or "attn" in n


def _is_residual(n: str) -> bool:
    return (
        "residual" in n
        or "resblock" in n
        or "resnet" in n
        or (n.startswith("res") and n.endswith("block"))
    )


def _is_autoencoder(n: str) -> bool:
    return "vae" in n or "autoencoder" in n or "auto_encoder" in n or "vqgan" in n


def _attention(c: ModelCard) -> str | None:
    return _matching(c, _is_attention)


def _residual(c: ModelCard) -> str | None:
    return _matching(c, _is_residual)


def _autoencoder(c: ModelCard) -> str | None:
    ev = _matching(c, _is_autoencoder)
    if ev is None and c.value("arch_family") == "latent-diffusion":
        names = [comp.name for comp in c.components if "encoder" in comp.name.lower()]
        ev = ", ".join(names) if names else "latent-diffusion"
    return ev


# (label, detector). A detector returns evidence text when present, None when absent.
FEATURES: tuple[tuple[str, Callable[[ModelCard], str | None]], ...] = (
    ("Attention", _attention),
    ("Residual blocks", _residual),
    ("Latent autoencoder", _autoencoder),
)


class _Namer:
    """Names a group of column indexes for a sentence."""

    def __init__(self, columns: Columns) -> None:
        self.ids = [c.model_id for c, _ in columns]
        self.sides: dict[int, list[int]] = {}
        for i, (_, s) in enumerate(columns):
            self.sides.setdefault(s, []).append(i)

    def __call__(self, idxs: list[int]) -> str:
        if len(self.ids) <= 2:
            return ", ".join(self.ids[i] for i in idxs)
        rest = set(idxs)
        parts: list[str] = []
        for s, members in sorted(self.sides.items()):
            if len(members) > 1 and set(members) <= rest:
                parts.append(f"side {s + 1} ({', '.join(self.ids[i] for i in members)})")
                rest -= set(members)
        parts.extend(self.ids[i] for i in idxs if i in rest)
        return ", ".join(parts)


def _group(values: list[Any]) -> list[tuple[Any, list[int]]]:
    """Columns grouped by equal value, in order of first appearance."""
    groups: list[tuple[Any, list[int]]] = []
    for i, v in enumerate(values):
        for gv, members in groups:
            if gv == v:
                members.append(i)
                break
        else:
            groups.append((v, [i]))
    return groups


def _presence(label: str, evidence: list[str | None], unknown: list[bool], name: _Namer) -> str:
    present = [i for i, e in enumerate(evidence) if e is not None and not unknown[i]]
    absent = [i for i, e in enumerate(evidence) if e is None and not unknown[i]]
    unk = [i for i, u in enumerate(unknown) if u]
    pres = ", ".join(f"{name([i])} ({evidence[i]})" for i in present)
    parts = [f"present in {pres}"]
    if absent:
        parts.append(f"absent in {name(absent)}")
    if unk:
        parts.append(f"unknown for {name(unk)} (no components found)")
    if len(parts) == 2:
        return f"{label}: {parts[0]} and {parts[1]}."
    return f"{label}: {', '.join(parts[:-1])}, and {parts[-1]}."


def _architecture(columns: Columns, name: _Namer) -> list[KeyDifference]:
    cards = [c for c, _ in columns]
    ids = [c.model_id for c in cards]
    out: list[KeyDifference] = []
    unknown = [not c.components for c in cards]
    for label, detect in FEATURES:
        ev = [detect(c) for c in cards]
        # Latent diffusion is known from the family even without components.
        unk = [u and ev[i] is None for i, u in enumerate(unknown)]
        known = [e is not None for i, e in enumerate(ev) if not unk[i]]
        if any(known) and not all(known):
            out.append(KeyDifference("architecture", _presence(label, ev, unk, name), ids))
    cond = [c.value("conditional") for c in cards]
    if any(v is True for v in cond) and any(v is not True for v in cond):
        ev_c = ["conditional" if v is True else None for v in cond]
        unk_c = [v is None for v in cond]
        text = (
            _presence("Class conditioning", ev_c, unk_c, name)
            .replace(" (no components found)", " (not found)")
            .replace(" (conditional)", "")
        )
        out.append(KeyDifference("architecture", text, ids))
    if not any(unknown):
        out.extend(_structure(cards, name))
    return out


def _structure(cards: list[ModelCard], name: _Namer) -> list[KeyDifference]:
    """Component classes and layer counts, when every model has components."""
    ids = [c.model_id for c in cards]
    out: list[KeyDifference] = []
    classes = [tuple(dict.fromkeys(comp.name for comp in c.components)) for c in cards]
    if len(set(classes)) > 1:
        parts = [f"{name(m)} defines {', '.join(v)}" for v, m in _group(classes)]
        out.append(KeyDifference("architecture", f"Components: {'; '.join(parts)}.", ids))
    totals = [total_layers(c.components) for c in cards]
    kinds = sorted({k for t in totals for k in t})
    differing = [k for k in kinds if len({t.get(k, 0) for t in totals}) > 1]
    if differing:
        differing.sort(key=lambda k: (-max(t.get(k, 0) for t in totals), k))
        differing = differing[:6]
        shown = [{k: t[k] for k in differing if t.get(k)} for t in totals]
        parts = [
            f"{name(m)} has {format_layers(v) if v else 'none of these'}" for v, m in _group(shown)
        ]
        out.append(KeyDifference("architecture", f"Layer counts: {'; '.join(parts)}.", ids))
    return out


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def _compare_note(kind: str, base: Any, other: Any) -> str:
    b, o = _num(base), _num(other)
    if not kind or b is None or o is None:
        return ""
    if kind == "ratio":
        return format_ratio(b, o)
    if kind == "delta":
        return format_delta(b, o)
    return ", ".join(x for x in (format_delta(b, o), format_ratio(b, o)) if x)


def _values_line(label: str, kind: str, columns: Columns, fname: str, name: _Namer) -> str | None:
    cards = [c for c, _ in columns]
    values = [c.value(fname) for c in cards]
    shown = [format_field(c.fields.get(fname)) for c in cards]
    groups = _group(list(zip(values, shown, strict=True)))
    if len(groups) < 2:
        return None
    known = [(v, s, m) for (v, s), m in groups if v is not None]
    missing = [i for (v, _s), m in groups if v is None for i in m]
    # "; " between groups when a value or a group name itself contains commas.
    plural = any(len(m) > 1 for _v, _s, m in known)
    sep = "; " if plural or any("," in s for _v, s, _m in known) else ", "
    parts: list[str] = []
    for n, (v, s, members) in enumerate(known):
        verb = "uses" if len(members) == 1 else "use"
        note = _compare_note(kind, known[0][0], v) if n else ""
        parts.append(f"{name(members)} {verb} {s}" + (f" ({note})" if note else ""))
    text = sep.join(parts)
    if missing:
        text += ("; " if text else "") + f"none found in {name(missing)}"
    return f"{label}: {text}."


def key_differences(columns: Columns, sides: list[str] | None = None) -> list[KeyDifference]:
    """The key differences between ``(card, side index)`` columns, in a fixed order.

    Categories: architecture (family, framework, attention, residual blocks, latent
    autoencoder, class conditioning, diffusion timesteps/schedule, components, layer
    counts), data, training, hardware. ``sides`` (side summaries such as
    "diffusion + CIFAR-10") is accepted for the caller's convenience; groups are
    named by side number. Deterministic: same input, same lines.
    """
    del sides  # the side index in ``columns`` is what groups lines
    if len(columns) < 2:
        return []
    name = _Namer(columns)
    ids = [c.model_id for c, _ in columns]
    out: list[KeyDifference] = []
    arch = _architecture(columns, name)
    by_cat: dict[str, list[KeyDifference]] = {c: [] for c in CATEGORIES}
    for fname, label, cat, kind in VALUE_FIELDS:
        line = _values_line(label, kind, columns, fname, name)
        if line:
            by_cat[cat].append(KeyDifference(cat, line, ids))
    # Family and framework first, then the component features, then the diffusion process.
    lead = ("Framework", "Architecture family")
    fam = [d for d in by_cat["architecture"] if d.text.split(":")[0] in lead]
    rest = [d for d in by_cat["architecture"] if d not in fam]
    out.extend(fam + arch + rest)
    for cat in ("data", "training", "hardware"):
        out.extend(by_cat[cat])
    return out
