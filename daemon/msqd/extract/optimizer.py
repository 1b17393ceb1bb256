"""The optimizer a script trains with, its learning rate, weight decay and scheduler.

Main value rule: of several optimizers, a GAN's generator optimizer is the main
one; otherwise the last one created (the main run follows any warm-up or
fine-tune stage), among those the default flags select. A string optimizer
(``compile(optimizer="adam")``), a scikit-learn MLP's solver, a hand-written
gradient step and transformers' ``Trainer`` default are read in that order when
no optimizer object is built. Competing values go to ``alternatives``.
"""

from __future__ import annotations

import ast
import re

from ..card import Field
from ..vocab import canonical_optimizer
from .branches import Branches
from .common import arg_or_kw, kwarg, number, resolve_at, to_field, with_alternatives
from .hyper import first_kwarg, hf_trainer, named_value, searched
from .index import CallSite, Index
from .names import HF_ARGS, LR_NAMES
from .resolve import Resolver, Val, unparse
from .wrappers import wrapper_optimizer

_DISC = re.compile(r"disc|netd|critic|(^|[^a-z])d([^a-z]|$)|_d\b|optimizerd|optd", re.I)
_GEN = re.compile(r"gen|netg|(^|[^a-z])g([^a-z]|$)|_g\b|optimizerg|optg", re.I)

_STR_OPT = {
    "adamw_torch": "AdamW",
    "adamw_hf": "AdamW",
    "adamw_torch_fused": "AdamW",
    "adafactor": "Adafactor",
    "sgd": "SGD",
    "adamw_8bit": "AdamW",
}

LR_SCHEDULERS = {
    "CosineAnnealingLR",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
    "CosineAnnealingWarmRestarts",
    "LambdaLR",
    "LinearLR",
    "CyclicLR",
    "PolynomialLR",
    "SequentialLR",
    "ExponentialDecay",
    "CosineDecay",
    "PiecewiseConstantDecay",
    "LearningRateScheduler",
    "CosineDecayRestarts",
    "InverseTimeDecay",
}
_HF_SCHED = {
    "get_linear_schedule_with_warmup": "linear warmup",
    "get_cosine_schedule_with_warmup": "cosine warmup",
    "get_constant_schedule_with_warmup": "constant warmup",
    "warmup_cosine_decay_schedule": "warmup cosine decay",
    "cosine_decay_schedule": "cosine decay",
    "exponential_decay": "exponential decay",
}
_HF_SCHED_TYPE = {
    "linear": "linear warmup",
    "cosine": "cosine warmup",
    "constant_with_warmup": "constant warmup",
    "polynomial": "polynomial",
}


_CANON_CACHE: dict[str, str | None] = {}


def _canonical(word: str) -> str | None:
    if word not in _CANON_CACHE:
        _CANON_CACHE[word] = canonical_optimizer(word) if len(word) < 20 else None
    return _CANON_CACHE[word]


# scikit-learn estimators trained by stochastic gradient descent. Their
# ``learning_rate`` is a schedule name ("optimal"), never a number to report.
_SKLEARN_SGD = {"SGDClassifier", "SGDRegressor", "SGDOneClassSVM"}


# Learning rates an optimizer trains at when the code gives none, per framework.
_TORCH_DEFAULT_LR = {
    "Adam": 1e-3,
    "AdamW": 1e-3,
    "RAdam": 1e-3,
    "NAdam": 2e-3,
    "Adamax": 2e-3,
    "RMSprop": 1e-2,
    "Adagrad": 1e-2,
    "Adadelta": 1.0,
    "SGD": 1e-3,
    "SparseAdam": 1e-3,
    "LBFGS": 1.0,
}
_KERAS_DEFAULT_LR = {
    "Adam": 1e-3,
    "AdamW": 1e-3,
    "Nadam": 1e-3,
    "Adamax": 1e-3,
    "RMSprop": 1e-3,
    "Adagrad": 1e-3,
    "Adadelta": 1e-3,
    "SGD": 1e-2,
}

# tf.compat.v1.train: AdamOptimizer(learning_rate=0.001), AdadeltaOptimizer(learning_rate=0.001).
_TF1_DEFAULT_LR = {"Adam": 1e-3, "Adadelta": 1e-3}


def _default_lr(cs: CallSite | None, canon: str) -> float | None:
    """The rate ``canon`` runs at when the call gives none (None: no known default)."""
    if cs is None or "keras" in cs.name or cs.name.startswith(("tf.", "tensorflow.")):
        if cs is not None and "Optimizer" in cs.last:
            # TF1's tf.train optimizers need the rate, but for Adam and Adadelta.
            return _TF1_DEFAULT_LR.get(canon)
        return _KERAS_DEFAULT_LR.get(canon)
    if cs.name.startswith("torch.optim") or cs.name.startswith("optim."):
        return _TORCH_DEFAULT_LR.get(canon)
    return None


def _opt_name(cs: CallSite) -> str | None:
    name, last = cs.name, cs.last
    if last in _SKLEARN_SGD and name.startswith("sklearn."):
        return "SGD"
    if last.endswith("Optimizer") and name.startswith(("tf.", "tensorflow.", "tf.compat")):
        last = last[: -len("Optimizer")]  # TF1: tf.train.AdamOptimizer
        if last == "GradientDescent":
            return "SGD"
    if name.startswith("lasagne.updates.") and last.lower() in ("sgd", "momentum"):
        return "SGD"
    canon = _canonical(last)
    if canon is None or "lr_scheduler" in name or "schedules" in name:
        return None
    if name.startswith(
        (
            "torch.optim",
            "optax.",
            "tensorflow.",
            "tf.",
            "keras.",
            "flax.",
            "bitsandbytes",
            "timm.optim",
            "transformers.",
            "lasagne.updates",
            "torch_optimizer",
            "schedulefree.",
        )
    ):
        return canon
    if "optimizers" in name or "optim." in name:
        return canon
    # A bare class imported from somewhere we could not see: accept exact spellings only.
    return canon if last == canon and "." not in cs.raw else None


def _lr_node(cs: CallSite) -> ast.expr | None:
    if cs.last in _SKLEARN_SGD:
        return None
    if cs.name.startswith("optax."):
        return arg_or_kw(cs.node, 0, "learning_rate")
    if "keras" in cs.name or cs.name.startswith(("tf.", "tensorflow.")):
        return arg_or_kw(cs.node, 0, "learning_rate", "lr")
    return arg_or_kw(cs.node, 1, "lr", "learning_rate")


def _schedule_start(r: Resolver, cs: CallSite, node: ast.expr | None) -> Val | None:
    """The rate a learning-rate schedule given to the optimizer starts at:
    ``Adam(learning_rate=ExponentialDecay(initial_learning_rate=1e-3, ...))``, optax's
    ``init_value``, ``PiecewiseConstantDecay(boundaries, values)``'s first value."""
    if isinstance(node, ast.Name):
        b = r.binding(node.id, cs.scope, node.lineno)
        node = b.value if b is not None else None
    if not isinstance(node, ast.Call):
        return None
    f = node.func
    last = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    start = kwarg(node, "initial_learning_rate", "init_value")
    if start is None and last == "PiecewiseConstantDecay":
        values = arg_or_kw(node, 1, "values")
        start = (
            values.elts[0] if isinstance(values, (ast.List, ast.Tuple)) and values.elts else None
        )
    elif start is None and last.endswith(("Decay", "DecayRestarts")) and node.args:
        start = node.args[0]
    return number(resolve_at(r, cs, start))


def _is_disc(cs: CallSite) -> bool:
    text = (cs.target or "") + " " + (unparse(cs.node.args[0]) if cs.node.args else "")
    return bool(_DISC.search(text)) and not re.search(r"gen|netg", text, re.I)


def _is_gen(cs: CallSite) -> bool:
    text = (cs.target or "") + " " + (unparse(cs.node.args[0]) if cs.node.args else "")
    return bool(_GEN.search(text)) and not _is_disc(cs)


def optimizer_fields(ix: Index, r: Resolver) -> dict[str, Field]:
    out: dict[str, Field] = {}
    implicit: tuple[float | None, int | None, str] = (None, None, "")
    sites = [(cs, n) for cs in ix.calls if (n := _opt_name(cs))]
    str_sites: list[tuple[Val, str]] = []
    for cs in ix.calls_named("compile"):
        v = resolve_at(r, cs, kwarg(cs.node, "optimizer"))
        if v is not None and isinstance(v.value, str) and canonical_optimizer(v.value):
            str_sites.append((v, canonical_optimizer(v.value) or ""))
    hf = ix.calls_named(*HF_ARGS)
    for cs in hf:
        v = resolve_at(r, cs, kwarg(cs.node, "optim"))
        if v is not None and isinstance(v.value, str):
            canon = _STR_OPT.get(v.value) or canonical_optimizer(v.value)
            if canon:
                str_sites.append((v, canon))
    pool = sites
    if len(sites) > 1:
        # if args.optimizer == "adam": Adam(...) elif ...: the branch the defaults take.
        br = Branches(ix.tree, r)
        pool = [s for s in sites if br.runs(s[0].node, s[0].scope) is not False] or sites
    if sites:
        gens = [s for s in pool if _is_gen(s[0])]
        rest = [s for s in pool if not _is_disc(s[0])] or pool
        main = gens[0] if gens else rest[-1]
        ordered = [main] + [s for s in sites if s is not main]
        fields = [Field(n, cs.node.lineno, "literal", cs.raw) for cs, n in ordered]
        out["optimizer"] = with_alternatives(fields[0], fields[1:])
        lrs = []
        wds = []
        for cs, n in ordered:
            node = _lr_node(cs)
            lr = number(resolve_at(r, cs, node)) or _schedule_start(r, cs, node)
            dflt = _default_lr(cs, n) if node is None else None
            if lr is None and dflt is not None:
                lrs.append(Field(dflt, cs.node.lineno, "framework-default", f"{cs.raw} default"))
            else:
                lrs.append(to_field(lr) if lr else None)
            wd = number(resolve_at(r, cs, kwarg(cs.node, "weight_decay")))
            wds.append(to_field(wd) if wd else None)
        if lrs[0] is not None:
            out["learning_rate"] = with_alternatives(lrs[0], [f for f in lrs[1:] if f])
        elif any(lrs):
            pass  # the main optimizer uses its default; others' rates are not the main one
        if wds[0] is not None:
            out["weight_decay"] = with_alternatives(wds[0], [f for f in wds[1:] if f])
    elif str_sites:
        v, canon = str_sites[-1]
        out["optimizer"] = Field(canon, v.line, v.how, v.detail or "optimizer")
        if not hf:
            implicit = _default_lr(None, canon), v.line, canon
    elif wrapped := wrapper_optimizer(ix, r):
        out.update(wrapped)
    elif not hf and (manual := _manual_update(ix, r)) is not None:
        # ``p.data += -lr * p.grad`` by hand (a lecture's MLP, a tutorial's RNN): plain
        # SGD at the rate it multiplies the gradient by.
        line, rate = manual
        out["optimizer"] = Field("SGD", line, "inferred", "manual update (param -= lr * grad)")
        if rate is not None:
            out["learning_rate"] = rate
    elif hf and (trainer := hf_trainer(ix)) is not None:
        # transformers' Trainer builds AdamW when neither ``optim`` nor ``optimizers``
        # says otherwise, at TrainingArguments' default rate of 5e-5.
        out["optimizer"] = Field(
            "AdamW", trainer.node.lineno, "framework-default", "Trainer default"
        )
        implicit = 5e-5, hf[0].node.lineno, "TrainingArguments"
    for cs in hf:
        lr = number(resolve_at(r, cs, kwarg(cs.node, "learning_rate")))
        if lr is not None and "learning_rate" not in out:
            out["learning_rate"] = to_field(lr)
        wd = number(resolve_at(r, cs, kwarg(cs.node, "weight_decay")))
        if wd is not None and "weight_decay" not in out:
            out["weight_decay"] = to_field(wd)
    if "learning_rate" not in out and not any(_lr_node(cs) is not None for cs, _ in sites):
        v = named_value(ix, r, LR_NAMES)
        v = number(v) or first_kwarg(ix, r, ("learning_rate", "lr"))
        if v is not None:
            out["learning_rate"] = to_field(v)
    if "learning_rate" not in out and implicit[0] is not None and not searched(ix, "learning_rate"):
        rate, line, canon = implicit
        out["learning_rate"] = Field(rate, line, "framework-default", f"{canon} default")
    sched = _scheduler(ix, r)
    if sched is not None:
        out["scheduler"] = sched
    return out


def _manual_update(ix: Index, r: Resolver) -> tuple[int, Field | None] | None:
    """(line, learning rate) of a hand-written gradient step in a file that trains:
    ``p.data += -lr * p.grad``, ``w -= lr * w.grad``, ``p.data.add_(-lr, p.grad)``, JAX's
    ``jax.tree.map(lambda w, g: w - 0.1 * g, params, grads)``."""
    if "grad" not in ix.names or not any(cs.last in _GRADIENTS for cs in ix.calls):
        return None  # no ``.grad`` read anywhere: skip the walk over the whole tree
    for node in ast.walk(ix.tree):
        factor = None
        if isinstance(node, ast.Call) and ast.unparse(node.func) in _TREE_MAPS:
            factor = _tree_step(node)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)):
            if _has_grad(node.value) and isinstance(node.value, ast.BinOp):
                factor = _other_factor(node.value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("add_", "sub_")
            and any(_grad_ref(a) or (isinstance(a, ast.BinOp) and _has_grad(a)) for a in node.args)
        ):
            alpha = kwarg(node, "alpha")
            first = node.args[0] if node.args else None
            factor = alpha if alpha is not None else first if not _has_grad(first) else None
            if factor is None and isinstance(first, ast.BinOp):
                factor = _other_factor(first)
        if factor is None:
            continue
        rate = _rate(ix, r, factor)
        if rate is not None:
            return node.lineno, rate
    return None


# Calls that compute gradients (a hand-written step follows one), and JAX's tree maps.
_GRADIENTS = frozenset({"backward", "grad", "value_and_grad"})
_TREE_MAPS = frozenset(
    {"jax.tree.map", "jax.tree_util.tree_map", "jax.tree_map", "tree_map", "tree.map"}
)


def _tree_step(call: ast.Call) -> ast.expr | None:
    """In ``tree_map(lambda w, g: w - lr * g, params, grads)`` the factor ``lr``."""
    lam = call.args[0] if call.args else None
    if not isinstance(lam, ast.Lambda) or len(lam.args.args) < 2:
        return None
    w, g = (a.arg for a in lam.args.args[:2])
    body = lam.body
    if not (
        isinstance(body, ast.BinOp)
        and isinstance(body.op, ast.Sub)
        and isinstance(body.left, ast.Name)
        and body.left.id == w
        and isinstance(body.right, ast.BinOp)
        and isinstance(body.right.op, ast.Mult)
    ):
        return None
    step = body.right
    for a, b in ((step.left, step.right), (step.right, step.left)):
        if isinstance(b, ast.Name) and b.id == g:
            return a
    return None


def _has_grad(node: ast.expr | None) -> bool:
    return node is not None and any(_grad_ref(n) for n in ast.walk(node))


def _other_factor(node: ast.BinOp) -> ast.expr | None:
    """In ``-lr * p.grad`` the factor that is not the gradient."""
    if not isinstance(node.op, ast.Mult):
        return None
    for a, b in ((node.left, node.right), (node.right, node.left)):
        if _grad_ref(b) and not _has_grad(a):
            return a
    return None


def _grad_ref(node: ast.AST) -> bool:
    """``p.grad`` or ``p.grad.data`` itself (not ``p.grad.norm()``), or a gradient a
    hand-written backward pass computed (``for p, grad in zip(parameters, grads)``)."""
    if isinstance(node, ast.Attribute) and node.attr == "data":
        node = node.value
    if isinstance(node, ast.Name):
        low = node.id.lower()
        return "grad" in low and "norm" not in low
    return isinstance(node, ast.Attribute) and node.attr == "grad"


def _rate(ix: Index, r: Resolver, node: ast.expr) -> Field | None:
    """A positive learning rate from ``-lr``, ``0.1`` or ``lr`` (``lr = 0.1 if i < n else
    0.01`` gives the rate it starts with)."""
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    if isinstance(node, ast.Constant):
        v = number(Val(node.value, "literal", "", node.lineno))
        return to_field(v) if v is not None and v.value > 0 else None
    if isinstance(node, ast.Name):
        for b in ix.bindings.get(node.id, ()):
            value = b.value.body if isinstance(b.value, ast.IfExp) else b.value
            if value is None:
                continue
            v = number(r.resolve(value, b.scope))
            if v is not None and v.value > 0:
                if v.how == "literal":
                    v = Val(v.value, "constant", node.id, b.line)
                return to_field(v)
    return None


def _scheduler(ix: Index, r: Resolver) -> Field | None:
    found: list[Field] = []
    for cs in ix.calls:
        if cs.last in LR_SCHEDULERS and not cs.name.startswith("diffusers"):
            found.append(Field(cs.last, cs.node.lineno, "literal", cs.raw))
        elif cs.last in _HF_SCHED:
            found.append(Field(_HF_SCHED[cs.last], cs.node.lineno, "literal", cs.raw))
        elif cs.last == "get_scheduler":
            v = resolve_at(r, cs, arg_or_kw(cs.node, 0, "name"))
            if v is not None and isinstance(v.value, str):
                found.append(
                    Field(_HF_SCHED_TYPE.get(v.value, v.value), v.line, v.how, v.detail or cs.raw)
                )
        elif cs.last in HF_ARGS:
            v = resolve_at(r, cs, kwarg(cs.node, "lr_scheduler_type"))
            if v is not None and isinstance(v.value, str):
                found.append(Field(_HF_SCHED_TYPE.get(v.value, v.value), v.line, v.how, v.detail))
    if not found:
        return None
    return with_alternatives(found[0], found[1:])
