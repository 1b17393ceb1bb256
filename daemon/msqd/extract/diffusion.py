"""Diffusion specifics: number of timesteps and the beta (noise) schedule."""

from __future__ import annotations

import ast

from ..card import Field
from .common import kwarg, number, resolve_at, to_field
from .hyper import named_value
from .index import Index
from .resolve import Resolver, unparse

_T_KWARGS = (
    "num_train_timesteps",
    "noise_steps",
    "timesteps",
    "num_timesteps",
    "n_steps",
    "diffusion_steps",
    "T",
    "n_timesteps",
    "num_diffusion_steps",
)
_T_NAMES = (
    "T",
    "TIMESTEPS",
    "timesteps",
    "num_timesteps",
    "NUM_TIMESTEPS",
    "noise_steps",
    "NOISE_STEPS",
    "n_steps",
    "N_STEPS",
    "diffusion_steps",
    "DIFFUSION_STEPS",
    "num_train_timesteps",
    "n_timesteps",
    "N_TIMESTEPS",
    "num_diffusion_steps",
)
_SCHEDULES = {
    "linear": "linear",
    "cosine": "cosine",
    "squaredcos_cap_v2": "cosine",
    "quadratic": "quadratic",
    "sigmoid": "sigmoid",
    "scaled_linear": "scaled_linear",
    "cos": "cosine",
    "quad": "quadratic",
}


def timesteps_field(ix: Index, r: Resolver) -> Field | None:
    for cs in ix.calls:
        if cs.last.endswith("Scheduler") or cs.last in ix.classes:
            v = number(resolve_at(r, cs, kwarg(cs.node, *_T_KWARGS)), int)
            if v is not None and v.value > 1:
                return to_field(v)
    v = number(named_value(ix, r, _T_NAMES), int)
    if v is not None and v.value > 1:
        return to_field(v)
    return None


def _from_expr(node: ast.expr, ix: Index, depth: int = 0) -> tuple[str, str] | None:
    """Schedule word and evidence for the expression that builds betas."""
    if depth > 6:
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        inner = _from_expr(node.left, ix, depth + 1)
        if inner is not None and inner[0] == "linear":
            return "quadratic", "linspace(...) ** 2"
    if isinstance(node, ast.Call):
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        low = name.lower()
        if name == "linspace":
            return "linear", unparse(f)
        if name == "sigmoid":
            return "sigmoid", unparse(f)
        for word in ("cosine", "sigmoid", "quadratic", "linear"):
            if word in low:
                return word, name
        if low.startswith("cos"):
            return "cosine", name
        for fn, _ in ix.functions.get(name, ()):
            for ret in (n for n in ast.walk(fn) if isinstance(n, ast.Return)):
                if ret.value is not None and ret.value is not node:
                    hit = _from_expr(ret.value, ix, depth + 1)
                    if hit is not None:
                        return hit[0], f"{name}() -> {hit[1]}"
        if name in ("clip", "clamp", "clip_by_value", "float", "to", "astype") and (
            node.args or isinstance(f, ast.Attribute)
        ):
            inner_node = (
                node.args[0]
                if node.args and name != "to"
                else (f.value if isinstance(f, ast.Attribute) else None)
            )
            if inner_node is not None:
                return _from_expr(inner_node, ix, depth + 1)
    return None


def beta_schedule_field(ix: Index, r: Resolver) -> Field | None:
    for cs in ix.calls:
        v = resolve_at(r, cs, kwarg(cs.node, "beta_schedule"))
        if v is not None and isinstance(v.value, str) and v.value in _SCHEDULES:
            return to_field(v, _SCHEDULES[v.value])
    named = named_value(
        ix,
        r,
        (
            "beta_schedule",
            "BETA_SCHEDULE",
            "schedule",
            "noise_schedule",
            "SCHEDULE",
            "NOISE_SCHEDULE",
            "schedule_name",
        ),
    )
    if named is not None and isinstance(named.value, str) and named.value in _SCHEDULES:
        return to_field(named, _SCHEDULES[named.value])
    for key in ("betas", "self.betas", "beta", "self.beta", "BETAS", "self.beta_t", "beta_t"):
        for b in ix.bindings.get(key, ()):
            if b.value is None:
                continue
            value = b.value
            if isinstance(value, ast.Name):
                inner = r.binding(value.id, b.scope, b.line)
                if inner is not None and inner.value is not None:
                    value = inner.value
            hit = _from_expr(value, ix)
            if hit is not None:
                return Field(hit[0], b.line, "inferred", f"{b.key} = {hit[1]}")
    return None
