"""Training libraries that build the optimizer themselves: scikit-learn's MLPs, skorch,
fastai, Stable-Baselines3.

scikit-learn's ``MLPClassifier``/``MLPRegressor`` take no optimizer object: ``solver``
names it ("adam" by default, "sgd", "lbfgs") and ``learning_rate_init`` is its rate
(0.001 by default). skorch's ``NeuralNet*`` estimators take the optimizer as a class
(``optimizer=torch.optim.Adam``; SGD by default) with ``lr`` (0.01), ``batch_size``
(128) and ``max_epochs`` (10) beside it. fastai's ``Learner`` and its ``*_learner``
factories take ``opt_func`` (Adam by default) and train at ``lr`` (0.001) unless
``fit(n, lr=...)`` or ``fit_one_cycle(n, lr_max=...)`` says otherwise. A
Stable-Baselines3 algorithm trains with RMSprop (A2C) or Adam (the others) at its own
default ``learning_rate``. Values a script leaves out are reported as
``framework-default``, as for any optimizer's default rate.
"""

from __future__ import annotations

import ast

from ..card import Field
from ..vocab import canonical_optimizer
from .common import kwarg, number, resolve_at, to_field
from .index import CallSite, Index
from .resolve import Resolver

_MLP = ("MLPClassifier", "MLPRegressor")
_SOLVERS = ("adam", "sgd", "lbfgs")
_SKORCH = ("NeuralNet", "NeuralNetClassifier", "NeuralNetRegressor", "NeuralNetBinaryClassifier")
_SKORCH_DEFAULT = {"optimizer": "SGD", "lr": 0.01, "batch_size": 128, "max_epochs": 10}
_FASTAI_LEARNERS = (
    "Learner",
    "vision_learner",
    "cnn_learner",
    "unet_learner",
    "tabular_learner",
    "text_classifier_learner",
    "language_model_learner",
    "collab_learner",
)
# The fit methods of a fastai learner and the keyword that sets their rate.
_FASTAI_FITS = {"fit": "lr", "fit_one_cycle": "lr_max", "fit_flat_cos": "lr", "fit_sgdr": "lr_max"}
_FASTAI_LR = 1e-3  # fastai.learner.defaults.lr
# Stable-Baselines3 algorithms: the optimizer their policy builds and their default rate.
_SB3 = {
    "A2C": ("RMSprop", 7e-4),
    "PPO": ("Adam", 3e-4),
    "DQN": ("Adam", 1e-4),
    "SAC": ("Adam", 3e-4),
    "TD3": ("Adam", 1e-3),
    "DDPG": ("Adam", 1e-3),
}


def _mlp(ix: Index) -> CallSite | None:
    return next((cs for cs in ix.calls_named(*_MLP) if "sklearn" in cs.name), None)


def _mlp_optimizer(r: Resolver, cs: CallSite) -> dict[str, Field]:
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
        else _default(canon, cs, "solver")
    )
    if canon == "LBFGS":
        return out  # learning_rate_init is not used by lbfgs
    lr = number(resolve_at(r, cs, kwarg(cs.node, "learning_rate_init")))
    out["learning_rate"] = (
        to_field(lr) if lr is not None else _default(0.001, cs, "learning_rate_init")
    )
    return out


def _skorch(ix: Index) -> CallSite | None:
    return next((cs for cs in ix.calls_named(*_SKORCH) if cs.name.startswith("skorch")), None)


def _learner(ix: Index) -> CallSite | None:
    return next(
        (cs for cs in ix.calls_named(*_FASTAI_LEARNERS) if cs.name.startswith("fastai")), None
    )


def _optimizer_class(r: Resolver, cs: CallSite, node: ast.expr | None) -> str | None:
    """The optimizer a class reference names: ``torch.optim.Adam``, ``optim.SGD``, ``Adam``."""
    if node is None:
        return None
    if isinstance(node, (ast.Name, ast.Attribute)):
        named = canonical_optimizer(ast.unparse(node).split(".")[-1])
        if named:
            return named
    v = resolve_at(r, cs, node)
    if v is not None and isinstance(v.value, str):
        return canonical_optimizer(v.value.split(".")[-1])
    return None


def _default(value: object, cs: CallSite, what: str) -> Field:
    return Field(value, cs.node.lineno, "framework-default", f"{cs.raw} default {what}")


def _named_optimizer(
    r: Resolver, cs: CallSite, node: ast.expr | None, default: str, what: str
) -> Field | None:
    """The optimizer the class reference ``node`` names, or ``default`` when the call
    gives none; None when it gives one the resolver cannot read (say nothing then)."""
    if node is None:
        return _default(default, cs, what)
    named = _optimizer_class(r, cs, node)
    return Field(named, cs.node.lineno, "literal", ast.unparse(node)) if named else None


def _value(r: Resolver, cs: CallSite, name: str, kind: type) -> Field | None:
    """``name=`` of the call; None when absent or unreadable."""
    v = number(resolve_at(r, cs, kwarg(cs.node, name)), kind)
    return to_field(v) if v is not None else None


def wrapper_optimizer(ix: Index, r: Resolver) -> dict[str, Field]:
    """``optimizer`` and ``learning_rate`` of the file's scikit-learn MLP, skorch net,
    fastai learner or Stable-Baselines3 algorithm, in that order."""
    if (cs := _mlp(ix)) is not None and (got := _mlp_optimizer(r, cs)):
        return got
    if (cs := _skorch(ix)) is not None:
        node = kwarg(cs.node, "optimizer")
        opt = _named_optimizer(r, cs, node, _SKORCH_DEFAULT["optimizer"], "optimizer")
        if opt is None:
            return {}
        lr = _value(r, cs, "lr", float)
        if lr is None and kwarg(cs.node, "lr") is None:
            lr = _default(_SKORCH_DEFAULT["lr"], cs, "lr")
        return {"optimizer": opt} | ({"learning_rate": lr} if lr is not None else {})
    if (cs := _learner(ix)) is not None:
        opt = _named_optimizer(r, cs, kwarg(cs.node, "opt_func"), "Adam", "opt_func")
        if opt is None:
            return {}
        out = {"optimizer": opt}
        lr = _fastai_rate(ix, r, cs)
        if lr is not None:
            out["learning_rate"] = lr
        return out
    if (cs := _sb3(ix)) is not None:
        return _sb3_optimizer(r, cs)
    return {}


def _sb3(ix: Index) -> CallSite | None:
    return next(
        (cs for cs in ix.calls_named(*_SB3) if cs.name.startswith("stable_baselines3")), None
    )


def _sb3_optimizer(r: Resolver, cs: CallSite) -> dict[str, Field]:
    canon, rate = _SB3[cs.last]
    pk = kwarg(cs.node, "policy_kwargs")
    given = None
    if isinstance(pk, ast.Dict):
        for k, v in zip(pk.keys, pk.values, strict=True):
            if isinstance(k, ast.Constant) and k.value == "optimizer_class":
                given = v
    elif isinstance(pk, ast.Call) and ast.unparse(pk.func) == "dict":
        given = kwarg(pk, "optimizer_class")
    rms = resolve_at(r, cs, kwarg(cs.node, "use_rms_prop"))
    if cs.last == "A2C" and rms is not None and rms.value is False:
        canon = "Adam"
    opt = _named_optimizer(r, cs, given, canon, "policy optimizer")
    if opt is None:
        return {}
    out = {"optimizer": opt}
    node = kwarg(cs.node, "learning_rate")
    if node is not None:
        v = number(resolve_at(r, cs, node))
        if v is not None:
            out["learning_rate"] = to_field(v)
    elif not any(k.arg is None for k in cs.node.keywords):  # A2C(**kwargs) may set it
        out["learning_rate"] = _default(rate, cs, "learning_rate")
    return out


def _fastai_rate(ix: Index, r: Resolver, learner: CallSite) -> Field | None:
    """The rate of the learner's last fit call, else the learner's ``lr``, else fastai's."""
    own = learner.target
    fits = [
        cs
        for cs in ix.calls
        if cs.last in _FASTAI_FITS
        and cs.raw != cs.last
        and (own is None or cs.raw.split(".")[0] == own)
    ]
    if not fits:
        return None  # fine_tune or a loop fastai does not run: no single rate to report
    fit = fits[-1]
    key = _FASTAI_FITS[fit.last]
    node = kwarg(fit.node, key) or (fit.node.args[1] if len(fit.node.args) > 1 else None)
    if node is None:
        node = kwarg(learner.node, "lr")
        if node is None:
            return _default(_FASTAI_LR, learner, "lr")
        fit = learner
    v = number(resolve_at(r, fit, node))
    return to_field(v) if v is not None else None


def _skorch_int(ix: Index, r: Resolver, name: str) -> Field | None:
    """A skorch net's integer argument ``name``, or its documented default."""
    cs = _skorch(ix)
    if cs is None:
        return None
    if kwarg(cs.node, name) is None:
        return _default(_SKORCH_DEFAULT[name], cs, name)
    return _value(r, cs, name, int)


def wrapper_batch(ix: Index, r: Resolver) -> Field | None:
    """A skorch net's ``batch_size`` (128 when not given)."""
    return _skorch_int(ix, r, "batch_size")


def wrapper_epochs(ix: Index, r: Resolver) -> Field | None:
    """A skorch net's ``max_epochs`` (10 when not given)."""
    return _skorch_int(ix, r, "max_epochs")
