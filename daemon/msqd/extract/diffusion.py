"""Diffusion specifics: number of timesteps and the beta (noise) schedule."""

from __future__ import annotations

import ast

from ..card import Field
from .common import kwarg, number, resolve_at, to_field
from .hyper import named_value
from .index import Binding, Index
from .names import SCHEDULE_NAMES, TIMESTEP_NAMES
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
    v = number(named_value(ix, r, TIMESTEP_NAMES), int)
    if v is not None and v.value > 1:
        return to_field(v)
    return _schedule_length(ix, r)


def _schedule_length(ix: Index, r: Resolver) -> Field | None:
    """The number of steps the noise schedule is built with: ``linspace(b0, b1, N)`` or
    ``schedule_fn(N)`` assigned to betas/alpha-bar (whatever the variable that holds N
    is called, e.g. ``args.steps``)."""
    for b, _ in _schedule_bindings(ix):
        value = b.value
        if not isinstance(value, ast.Call):
            continue
        name = value.func.attr if isinstance(value.func, ast.Attribute) else ""
        name = name or (value.func.id if isinstance(value.func, ast.Name) else "")
        if name == "to" and isinstance(value.func, ast.Attribute):
            value = value.func.value  # linspace(...).to(device)
            if not isinstance(value, ast.Call):
                continue
            f = value.func
            name = (
                f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            )
        if name == "linspace":
            node = kwarg(value, "steps", "num") or (value.args[2] if len(value.args) > 2 else None)
        elif name in ix.functions and value.args:
            node = value.args[0]
        else:
            continue
        v = number(r.resolve(node, b.scope), int)
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
        SCHEDULE_NAMES,
    )
    if named is not None and isinstance(named.value, str) and named.value in _SCHEDULES:
        return to_field(named, _SCHEDULES[named.value])
    for b, is_beta in _schedule_bindings(ix):
        value = b.value
        assert value is not None
        if isinstance(value, ast.Name):
            inner = r.binding(value.id, b.scope, b.line)
            if inner is not None and inner.value is not None:
                value = inner.value
        hit = _from_expr(value, ix)
        if hit is None or (not is_beta and hit[0] in ("linear", "quadratic")):
            # A linspace of alpha-bar is not a linear *beta* schedule: only named
            # schedule functions (cosine_alpha_bar, ...) say what alpha-bar follows.
            continue
        return Field(hit[0], b.line, "inferred", f"{b.key} = {hit[1]}")
    return None


_BETA_KEYS = ("betas", "beta", "BETAS", "beta_t")


def _schedule_bindings(ix: Index) -> list[tuple[Binding, bool]]:
    """Assignments that build the noise schedule, each with whether it holds betas: the
    usual beta names and ``x`` of ``cumprod(1 - x)`` (betas), then the alpha-bar names
    and what ``cumprod`` produces (alpha-bar)."""
    betas = [*_BETA_KEYS, *(f"self.{k}" for k in _BETA_KEYS)]
    alphas = ["alphas_cumprod", "alpha_bar", "alpha_hat", "alphas_bar"]
    alphas += [f"self.{k}" for k in alphas]
    for cs in ix.calls_named("cumprod"):
        arg = cs.node.args[0] if cs.node.args else None
        if (
            isinstance(arg, ast.BinOp)
            and isinstance(arg.op, ast.Sub)
            and isinstance(arg.right, ast.Name)
            and arg.right.id not in betas
        ):
            betas.append(arg.right.id)
        if cs.target and cs.target not in alphas:
            alphas.append(cs.target)
    out = [(b, True) for k in betas for b in ix.bindings.get(k, ()) if b.value is not None]
    out += [(b, False) for k in alphas for b in ix.bindings.get(k, ()) if b.value is not None]
    return out
