"""scikit-learn's neural networks: what ``MLPClassifier``/``MLPRegressor`` train with.

They take no optimizer object: ``solver`` names it ("adam" by default, "sgd",
"lbfgs") and ``learning_rate_init`` is its rate (0.001 by default); the values a
script leaves out are reported as ``framework-default``.
"""

from __future__ import annotations

from ..card import Field
from ..vocab import canonical_optimizer
from .common import kwarg, number, resolve_at, to_field
from .index import CallSite, Index
from .resolve import Resolver

_MLP = ("MLPClassifier", "MLPRegressor")
_SOLVERS = ("adam", "sgd", "lbfgs")


def _mlp(ix: Index) -> CallSite | None:
    return next((cs for cs in ix.calls_named(*_MLP) if "sklearn" in cs.name), None)


def mlp_optimizer(ix: Index, r: Resolver) -> dict[str, Field]:
    """``optimizer`` and ``learning_rate`` of the file's scikit-learn MLP, if any."""
    cs = _mlp(ix)
    if cs is None:
        return {}
    out: dict[str, Field] = {}
    line = cs.node.lineno
    v = resolve_at(r, cs, kwarg(cs.node, "solver"))
    if v is None and kwarg(cs.node, "solver") is not None:
        return {}  # a solver the resolver cannot read: say nothing
    solver = v.value if v is not None and isinstance(v.value, str) else "adam"
    if solver.lower() not in _SOLVERS:
        return {}
    canon = canonical_optimizer(solver) or solver
    out["optimizer"] = (
        Field(canon, v.line or line, v.how, v.detail or "solver")
        if v is not None
        else Field(canon, line, "framework-default", f"{cs.raw} default solver")
    )
    if canon == "LBFGS":
        return out  # learning_rate_init is not used by lbfgs
    lr = number(resolve_at(r, cs, kwarg(cs.node, "learning_rate_init")))
    out["learning_rate"] = (
        to_field(lr)
        if lr is not None
        else Field(0.001, line, "framework-default", f"{cs.raw} default learning_rate_init")
    )
    return out
