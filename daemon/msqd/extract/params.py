"""A parameter-count estimate from the layers whose sizes resolve statically.

For every component class, each layer constructor in its build methods is sized
from its resolved int arguments (``nn.Linear(128, 256)``, ``nn.Conv2d(C, 2 * C, 3)``
with ``C`` a constant): weights plus biases, times the enclosing loop's length.
Own classes instantiated in a build method (``ResBlock(...)`` four times) add
their own estimate that many times, from the root model down. Parameter-free
layers (activations, pooling, dropout) count as sized with 0. A layer whose
arguments do not resolve (channels passed in by the caller, keras layers that
infer their input size) is listed as not sized and adds nothing, so the total is
an estimate, never a measurement. Nothing is executed.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable

from ..card import ModelCard, ParamEstimate
from .components import _build_scopes, _loop_len, is_layer
from .index import CallSite, Index
from .resolve import Resolver

# Layers without trainable parameters (their arguments do not matter).
_FREE = {
    "ReLU", "ReLU6", "LeakyReLU", "SiLU", "GELU", "ELU", "SELU", "Mish", "Tanh", "Sigmoid",
    "Softmax", "LogSoftmax", "Softplus", "Hardswish", "Hardtanh", "Identity", "Dropout",
    "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "Flatten", "Unflatten",
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool2d",
    "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "PixelShuffle",
    "PixelUnshuffle", "ZeroPad2d", "ReflectionPad2d", "ReplicationPad2d", "ConstantPad2d",
    "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
}  # fmt: skip
MAX_COMPONENT_DEPTH = 12

Sizer = Callable[[list[int | None], dict[str, int | bool | None]], tuple[int, int] | None]


def _arg(pos: list[int | None], kw: dict[str, int | bool | None], i: int, name: str) -> int | None:
    v = kw.get(name, pos[i] if i < len(pos) else None)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _bias(kw: dict[str, int | bool | None], default: bool = True) -> bool:
    v = kw.get("bias", default)
    return bool(v) if v is not None else default


def _linear(pos, kw):  # type: ignore[no-untyped-def]
    i, o = _arg(pos, kw, 0, "in_features"), _arg(pos, kw, 1, "out_features")
    if i is None or o is None:
        return None
    return i * o + (o if _bias(kw) else 0), o


def _conv(dims: int) -> Sizer:
    def size(pos, kw):  # type: ignore[no-untyped-def]
        i, o = _arg(pos, kw, 0, "in_channels"), _arg(pos, kw, 1, "out_channels")
        k = kw.get("kernel_size", pos[2] if len(pos) > 2 else None)
        g = kw.get("groups", 1)
        if i is None or o is None or not isinstance(k, int) or not isinstance(g, int) or g < 1:
            return None
        return (i // g) * o * k**dims + (o if _bias(kw) else 0), o

    return size


def _embedding(pos, kw):  # type: ignore[no-untyped-def]
    n, d = _arg(pos, kw, 0, "num_embeddings"), _arg(pos, kw, 1, "embedding_dim")
    return None if n is None or d is None else (n * d, d)


def _norm(index: int, name: str) -> Sizer:
    def size(pos, kw):  # type: ignore[no-untyped-def]
        c = _arg(pos, kw, index, name)
        if c is None:
            return None
        affine = kw.get("affine", kw.get("elementwise_affine", True))
        return (2 * c if affine is not False else 0), c

    return size


def _mha(pos, kw):  # type: ignore[no-untyped-def]
    d = _arg(pos, kw, 0, "embed_dim")
    if d is None:
        return None
    # in_proj (3d x d + 3d) and out_proj (d x d + d)
    return 4 * d * d + (4 * d if _bias(kw) else 0), d


SIZERS: dict[str, Sizer] = {
    "Linear": _linear,
    "Conv1d": _conv(1),
    "Conv2d": _conv(2),
    "Conv3d": _conv(3),
    "ConvTranspose1d": _conv(1),
    "ConvTranspose2d": _conv(2),
    "ConvTranspose3d": _conv(3),
    "Embedding": _embedding,
    "LayerNorm": _norm(0, "normalized_shape"),
    "BatchNorm1d": _norm(0, "num_features"),
    "BatchNorm2d": _norm(0, "num_features"),
    "BatchNorm3d": _norm(0, "num_features"),
    "GroupNorm": _norm(1, "num_channels"),
    "MultiheadAttention": _mha,
}


def _ints(cs: CallSite, r: Resolver) -> tuple[list[int | None], dict[str, int | bool | None]]:
    def one(node: ast.AST) -> int | bool | None:
        v = r.resolve(node, cs.scope)
        if v is None:
            return None
        x = v.value
        if isinstance(x, bool):
            return x
        if isinstance(x, float) and x.is_integer():
            return int(x)
        return x if isinstance(x, int) else None

    pos = [one(a) for a in cs.node.args if not isinstance(a, ast.Starred)]
    kw = {k.arg: one(k.value) for k in cs.node.keywords if k.arg}
    return [p if not isinstance(p, bool) else None for p in pos], kw


class _Estimator:
    def __init__(self, where: Callable[[str | None], tuple[Index, Resolver] | None]) -> None:
        self.where = where
        self.unsized: dict[str, int] = {}
        # Whole models built by a library factory (resnet18(), timm.create_model):
        # millions of parameters no layer call shows, so no sum would be honest.
        self.whole_models = 0
        self.channels: set[int] = set()
        self.sized = 0

    def component(self, name: str, file: str | None, own: dict[str, str | None], depth: int) -> int:
        """Parameters of one class: its sized layers plus the own classes it builds."""
        got = self.where(file)
        if got is None or depth > MAX_COMPONENT_DEPTH:
            return 0
        ix, r = got
        cls = ix.classes.get(name)
        if cls is None:
            return 0
        scopes = {(name, m) for m in _build_scopes(cls)}
        total = 0
        for cs in ix.calls:
            if cs.scope not in scopes:
                continue
            mult = 1
            for loop in cs.loops:
                mult *= _loop_len(loop, r, cs)
            if cs.last in own and "." not in cs.raw and cs.last != name:
                total += mult * self.component(cs.last, own[cs.last], own, depth + 1)
            elif is_layer(cs):
                total += mult * self._layer(cs, r, mult)
        return total

    def _layer(self, cs: CallSite, r: Resolver, mult: int) -> int:
        if cs.name.startswith(_WHOLE_MODELS):
            self.whole_models += mult
        if cs.last in _FREE:
            self.sized += mult
            return 0
        sizer = SIZERS.get(cs.last)
        got = sizer(*_ints(cs, r)) if sizer else None
        if got is None:
            self.unsized[cs.last] = self.unsized.get(cs.last, 0) + mult
            return 0
        self.sized += mult
        self.channels.add(got[1])
        return got[0]


_WHOLE_MODELS = (
    "torchvision.models.",
    "timm.",
    "transformers.",
    "diffusers.",
    "keras.applications.",
    "tensorflow.keras.applications.",
)


def estimate(
    card: ModelCard,
    ix: Index,
    r: Resolver,
    sibling: Callable[[str], Index | None],
) -> ParamEstimate | None:
    """The estimate for ``card``'s components (None when no layer could be sized).

    ``ix``/``r`` are the file's own index and resolver; ``sibling(path)`` gives the
    index of a sibling file a component was followed into.
    """
    comps = [c for c in card.components if c.kind == "class"]
    if not comps:
        return None
    cache: dict[str | None, tuple[Index, Resolver] | None] = {None: (ix, r)}

    def where(file: str | None) -> tuple[Index, Resolver] | None:
        if file not in cache:
            six = sibling(file) if file else None
            cache[file] = None if six is None else (six, Resolver(six, os.path.dirname(file)))
        return cache[file]

    own = {c.name: c.file for c in comps}
    used = {u for c in comps for u in c.uses}
    roots = [c for c in comps if c.name not in used] or comps[:1]
    est = _Estimator(where)
    total = sum(est.component(c.name, c.file, own, 0) for c in roots)
    if est.sized == 0 or total <= 0 or est.whole_models:
        return None
    unsized = [f"{k} x{v}" for k, v in sorted(est.unsized.items(), key=lambda kv: (-kv[1], kv[0]))]
    n_unsized = sum(est.unsized.values())
    return ParamEstimate(total, est.sized, unsized, sorted(est.channels), n_unsized)


def attach(card: ModelCard, ix: Index, r: Resolver, sibling: Callable[[str], Index | None]) -> None:
    """Set ``card.param_estimate`` (the hook core.py calls after card assembly)."""
    card.param_estimate = estimate(card, ix, r, sibling)
