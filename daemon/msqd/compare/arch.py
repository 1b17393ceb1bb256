"""The architecture view: what the component graph of each compared model says.

Shown first when the question asks about architecture (or structure, layers,
backbone, components). Per model: the backbone (the component no other component
uses), its depth (blocks, down/up-sampling layers), width (channel sizes where
they resolve statically), attention and where it sits, normalization, residual
paths, the conditioning mechanism, and the parameter estimate (marked as one,
with how many layers could not be sized). Only what the card records is said;
"unknown" when the card has no components.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from msqd.card import Component, ModelCard

from .differences import _is_attention, _is_residual
from .render import format_layers, total_layers

_ARCH_WORDS = re.compile(
    r"\b(architectures?|architectural|structures?|structural|layers?|backbones?|components?|"
    r"blocks?|params?|parameters?|depth|width|channels?)\b",
    re.I,
)
_DOWN = ("MaxPool", "AvgPool", "Downsample", "PixelUnshuffle")
_UP = ("ConvTranspose", "Upsample", "PixelShuffle")
_CONV = ("Conv1d", "Conv2d", "Conv3d", "Conv2D", "Conv1D", "Conv3D", "Conv")


def asks_architecture(*texts: str) -> bool:
    """True when the question talks about architecture, structure, layers or backbone."""
    return any(_ARCH_WORDS.search(t or "") for t in texts)


@dataclass
class ArchView:
    """The architecture of one model (proto ``ArchView``)."""

    model_id: str
    name: str  # short name used in lines
    backbone: str  # "CondUNet (nn.Module)", "" when no components
    depth: str  # "Conv2d x4, 2 up-sampling (ConvTranspose2d x2)"
    width: str  # "channels 64–256" or ""
    attention: str  # "none", "in AttnBlock (MultiheadAttention x1)"
    normalization: str  # "BatchNorm2d x5" or "none"
    residual: str  # "ResBlock" or "none"
    conditioning: str  # "class embedding (Embedding x1)", "none", "not found"
    parameters: int = 0  # estimate, 0 when none
    unsized: list[str] = field(default_factory=list)  # layer types that could not be sized
    unsized_layers: int = 0
    model_ids: list[str] = field(default_factory=list)  # near-identical models folded in

    def lines(self) -> list[str]:
        """Two display lines: the structure and size, then the mechanisms."""
        if not self.backbone:
            return [f"{self.name}: no components found (architecture unknown)"]
        fold = f" (x{len(self.model_ids)} near-identical)" if len(self.model_ids) > 1 else ""
        first = f"{self.name}{fold}: {self.backbone.split(' (')[0]} · {self.depth}"
        if self.width:
            first += f" · {self.width}"
        if self.parameters:
            n = self.unsized_layers
            left = f"; {n} layer{'s' if n != 1 else ''} not sized" if n else ""
            first += f" · params ≈ {format_params(self.parameters)} (estimate{left})"
        second = (
            f"    attention {self.attention} · norm {self.normalization} · residual "
            f"{self.residual} · conditioning {self.conditioning}"
        )
        return [first, second]


def format_params(n: int) -> str:
    """``1.2M``, ``530K``, ``12``."""
    if n >= 1_000_000_000:
        return f"{n / 1e9:.1f}B"
    if n >= 1_000_000:
        return f"{n / 1e6:.1f}M"
    if n >= 1_000:
        return f"{n / 1e3:.0f}K"
    return str(n)


def _backbone(comps: list[Component]) -> Component:
    used = {u for c in comps for u in c.uses}
    roots = [c for c in comps if c.name not in used]
    # The root that builds the most (directly or through what it uses) is the model.
    by_name = {c.name: c for c in comps}

    def size(c: Component, seen: frozenset[str] = frozenset()) -> int:
        n = sum(c.layers.values())
        for u in c.uses:
            if u in by_name and u not in seen:
                n += size(by_name[u], seen | {c.name})
        return n

    return max(roots or comps, key=lambda c: (size(c), -comps.index(c)))


def _pick(layers: dict[str, int], pred) -> dict[str, int]:
    return {k: v for k, v in layers.items() if pred(k)}


def _conditioning(card: ModelCard, layers: dict[str, int], comps: list[Component]) -> str:
    names = [c.name.lower() for c in comps] + [k.lower() for k in layers]
    cross = any("cross" in n for n in names)
    cond = card.value("conditional")
    if cross:
        return "cross-attention"
    if cond is True:
        emb = _pick(layers, lambda k: "Embedding" in k)
        return (
            f"class embedding ({format_layers(emb)})"
            if emb
            else "conditional (mechanism not found)"
        )
    if cond is False:
        return "none"
    return "not found"


def arch_view(card: ModelCard, name: str) -> ArchView:
    """The architecture view of one card."""
    comps = card.components
    if not comps:
        return ArchView(card.model_id, name, "", "", "", "", "", "", "", model_ids=[card.model_id])
    root = _backbone(comps)
    layers = total_layers(comps)
    conv = _pick(layers, lambda k: k.startswith(_CONV) and "Transpose" not in k)
    down = _pick(layers, lambda k: k.startswith(_DOWN))
    up = _pick(layers, lambda k: k.startswith(_UP))
    depth = [format_layers(conv, 2) if conv else "no conv layers"]
    blocks = [c.name for c in comps if c is not root]
    if blocks:
        depth.insert(0, "blocks " + ", ".join(blocks[:3]) + (" …" if len(blocks) > 3 else ""))
    if down:
        depth.append(f"down {format_layers(down, 2)}")
    if up:
        depth.append(f"up {format_layers(up, 2)}")
    att_comps = [c.name for c in comps if _is_attention(c.name.lower())]
    att_layers = _pick(layers, lambda k: _is_attention(k.lower()))
    holders = [c.name for c in comps if any(_is_attention(k.lower()) for k in c.layers)]
    where = list(dict.fromkeys(att_comps + holders))
    attention = "none"
    if where or att_layers:
        attention = f"in {', '.join(where)}" + (
            f" ({format_layers(att_layers)})" if att_layers else ""
        )
    norm = _pick(layers, lambda k: "Norm" in k)
    residual = [c.name for c in comps if _is_residual(c.name.lower())]
    params = card.param_estimate
    width = ""
    if params is not None and params.channels:
        # Widths below 8 are image or output channels, not the network's width.
        wide = [c for c in params.channels if c >= 8] or params.channels
        lo, hi = min(wide), max(wide)
        width = f"channels {lo}–{hi}" if lo != hi else f"channels {lo}"
    return ArchView(
        card.model_id,
        name,
        f"{root.name} ({root.base})" if root.base else root.name,
        ", ".join(depth),
        width,
        attention,
        format_layers(norm) if norm else "none",
        ", ".join(residual) if residual else "none",
        _conditioning(card, layers, comps),
        params.total if params is not None else 0,
        list(params.unsized) if params is not None else [],
        params.unsized_layers if params is not None else 0,
        [card.model_id],
    )
