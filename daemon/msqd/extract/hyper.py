"""Training hyper-parameters: optimizer, learning rate, weight decay, scheduler, batch, epochs.

Main value rule: of several optimizers, a GAN's generator optimizer is the main
one; otherwise the last one created (the main run follows any warm-up or
fine-tune stage). Batch size comes from the training loader (the one with
``shuffle=True``, else the first); epochs from the last training loop or fit
call. Competing values go to ``alternatives``. Defaults are never invented.
"""

from __future__ import annotations

import ast
import re

from ..card import Field
from ..vocab import canonical_optimizer
from . import lightning
from .branches import Branches
from .common import arg_or_kw, kwarg, number, resolve_at, to_field, with_alternatives
from .index import MODULE, CallSite, Index
from .names import BATCH_NAMES, EPOCH_NAMES, HF_ARGS, LR_NAMES
from .resolve import Resolver, Val, unparse
from .role import training_scopes
from .sklearn_mlp import mlp_optimizer

_DISC = re.compile(r"disc|netd|critic|(^|[^a-z])d([^a-z]|$)|_d\b|optimizerd|optd", re.I)
_GEN = re.compile(r"gen|netg|(^|[^a-z])g([^a-z]|$)|_g\b|optimizerg|optg", re.I)
# Loop counts that mention epochs or episodes but are not the training's: the steps of
# one epoch (``range(steps_per_epoch)``) and evaluation runs (``range(eval_episodes)``).
_NOT_TRAINING_COUNT = re.compile(
    r"per_?epoch|(^|[^a-z])(test|eval|evaluation|val|valid|validation)_?(episode|epoch)"
)

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


def _default_lr(cs: CallSite | None, canon: str) -> float | None:
    """The rate ``canon`` runs at when the call gives none (None: no known default)."""
    if cs is None or "keras" in cs.name or cs.name.startswith(("tf.", "tensorflow.")):
        if cs is not None and "Optimizer" in cs.last:
            return None  # TF1 optimizers need the rate
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
    if canon is None:
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
    elif mlp := mlp_optimizer(ix, r):
        out.update(mlp)
    elif not hf and (manual := _manual_update(ix, r)) is not None:
        # ``p.data += -lr * p.grad`` by hand (a lecture's MLP, a tutorial's RNN): plain
        # SGD at the rate it multiplies the gradient by.
        line, rate = manual
        out["optimizer"] = Field("SGD", line, "inferred", "manual update (param -= lr * grad)")
        if rate is not None:
            out["learning_rate"] = rate
    elif hf and (trainer := _hf_trainer(ix)) is not None:
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
    if (
        "learning_rate" not in out
        and implicit[0] is not None
        and not _searched(ix, "learning_rate")
    ):
        rate, line, canon = implicit
        out["learning_rate"] = Field(rate, line, "framework-default", f"{canon} default")
    sched = _scheduler(ix, r)
    if sched is not None:
        out["scheduler"] = sched
    return out


def _manual_update(ix: Index, r: Resolver) -> tuple[int, Field | None] | None:
    """(line, learning rate) of a hand-written gradient step in a file that trains:
    ``p.data += -lr * p.grad``, ``w -= lr * w.grad``, ``p.data.add_(-lr, p.grad)``."""
    if "grad" not in ix.names or not any(cs.last == "backward" for cs in ix.calls):
        return None  # no ``.grad`` read anywhere: skip the walk over the whole tree
    for node in ast.walk(ix.tree):
        factor = None
        if isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)):
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


def _hf_trainer(ix: Index) -> CallSite | None:
    """transformers' ``Trainer(...)`` (or a subclass call) given no ``optimizers=``."""
    for cs in ix.calls_named("Trainer", "Seq2SeqTrainer"):
        if cs.name.startswith("transformers") and kwarg(cs.node, "optimizers") is None:
            return cs
    return None


def _searched(ix: Index, name: str) -> bool:
    """A hyper-parameter search samples ``name`` (``trial.suggest_float("learning_rate", ...)``):
    no single value runs."""
    for cs in ix.calls:
        if cs.last.startswith("suggest_") and cs.node.args:
            a = cs.node.args[0]
            if isinstance(a, ast.Constant) and a.value == name:
                return True
    return False


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


def named_value(ix: Index, r: Resolver, names: tuple[str, ...]) -> Val | None:
    """The value of the first variable, argparse option or config key with one of ``names``."""
    for n in names:
        if n in r.args:
            # ``args.batch_size = int(args.num_envs * args.num_steps)`` after parsing is
            # what runs, not the option's placeholder default.
            v = _override(ix, r, n) or r._arg_val(n, f"args.{n}", (None, None), 0)
            if v is not None:
                return v
    for n in names:
        # args.batch_size = 12 after parse_args() (or tyro.cli(Args)): an override the
        # script runs with, over the dataclass field's placeholder.
        ov = _override(ix, r, n)
        if ov is not None:
            return ov
        for key in (n, f"self.{n}", f"args.{n}", f"opt.{n}", f"config.{n}", f"cfg.{n}"):
            for b in ix.bindings.get(key, ()):
                if b.value is None:
                    continue
                v = r.resolve(b.value, b.scope)
                if v is None:
                    continue
                if v.how == "literal":
                    if b.scope[0] is not None and b.scope[1] is None:
                        return Val(v.value, "class-attribute", f"{b.scope[0]}.{n}", b.line)
                    return Val(v.value, "constant", key, b.line)
                return v
    for n in names:
        # Reads such as cfg["train"]["batch_size"] or hp.batch_size passed straight to a call.
        for node, scope in ix.accesses.get(n, ()):
            if isinstance(node.ctx, ast.Load):  # type: ignore[attr-defined]
                v = r.resolve(node, scope)
                if v is not None and v.how != "literal":
                    return v
    return None


def _override(ix: Index, r: Resolver, n: str) -> Val | None:
    """The value a module-level ``args.n = ...`` assignment gives a parsed option."""
    for key in (f"args.{n}", f"opt.{n}", f"config.{n}", f"cfg.{n}"):
        for b in ix.bindings.get(key, ()):
            if b.value is not None and b.scope == MODULE:
                v = r.resolve(b.value, b.scope)
                if v is not None:
                    return v
    return None


def batch_field(ix: Index, r: Resolver, defaults: bool = True) -> Field | None:
    """The training batch size; ``defaults``: fall back on a training function's default."""
    found: list[tuple[Field, bool, bool]] = []
    for cs in ix.calls:
        node = None
        train = False
        if cs.last.endswith("DataLoader"):  # InfiniteDataLoader, a project's wrapper
            node = arg_or_kw(cs.node, 1, "batch_size")
            sh = kwarg(cs.node, "shuffle")
            sv = resolve_at(r, cs, sh)
            train = bool(sv is not None and sv.value is True)
        elif cs.last in ("fit", "fit_generator"):
            node = kwarg(cs.node, "batch_size")
            train = True
        elif cs.last in HF_ARGS:
            node = kwarg(cs.node, "per_device_train_batch_size", "train_batch_size")
            train = True
        elif cs.last == "batch" and isinstance(cs.node.func, ast.Attribute):
            node = arg_or_kw(cs.node, 0, "batch_size")
        elif cs.last in ("image_dataset_from_directory", "flow_from_directory", "flow"):
            node = kwarg(cs.node, "batch_size")
        if node is None:
            continue
        v = number(resolve_at(r, cs, node), int)
        if v is not None:
            evaluates = bool(
                _EVAL_SCOPE.match(cs.scope[1] or "") or _EVAL_NAME.search(unparse(node))
            )
            found.append((to_field(v), train, evaluates))
    if found:
        # A loader that shuffles trains; one in evaluate() or fed EVAL_BATCH_SIZE does not.
        ranked = sorted(found, key=lambda x: (x[2], not x[1]))
        main = ranked[0][0]
        return with_alternatives(main, [f for f, _, _ in found if f is not main])
    v = number(named_value(ix, r, BATCH_NAMES), int) or first_kwarg(ix, r, ("batch_size",), int)
    if v is None and defaults:
        v = training_default(ix, BATCH_NAMES)
    if v is None and _hf_trainer(ix) is not None:
        for cs in ix.calls_named(*HF_ARGS):
            if not _searched(ix, "per_device_train_batch_size"):
                # per_device_train_batch_size defaults to 8.
                return Field(8, cs.node.lineno, "framework-default", "TrainingArguments default")
    if v is None and defaults:
        one = _one_example_per_step(ix)
        if one is not None:
            return Field(1, one.node.lineno, "inferred", f"one random example per step ({one.raw})")
    return to_field(v) if v is not None else None


# Where a batch size is an evaluation's: inside evaluate()/test()/predict(), or a
# value named for it (EVAL_BATCH_SIZE, args.test_batch_size).
_EVAL_SCOPE = re.compile(r"_*(eval|test|val|predict|infer)", re.I)  # a prefix: evaluate()
_EVAL_NAME = re.compile(r"(^|[^a-z])(eval|test|val|valid|validation)_?batch", re.I)


# Drawing one training example at random (the char-RNN tutorials' randomTrainingPair(),
# random_training_set(), draw_random_sample()): each step sees a batch of one.
_ONE_EXAMPLE = re.compile(
    r"^(random(training)?(pair|example|sample|choice|set|chunk)|drawrandom\w*|"
    r"randomtraining\w*)$"
)


def _one_example_per_step(ix: Index, batches: bool = False) -> CallSite | None:
    """The call drawing one example per optimizer step (``batches``: or one random
    batch), in a file that trains by hand with no data loader; None otherwise."""
    if not any(cs.last == "backward" for cs in ix.calls):
        return None
    if any(cs.last in ("DataLoader", "fit", "batch") for cs in ix.calls):
        return None
    for cs in ix.calls:
        if not cs.loops:
            continue
        squashed = cs.last.lower().replace("_", "")
        if _ONE_EXAMPLE.match(squashed) or (batches and squashed == "randombatch"):
            return cs
        # random.choice(pairs) in the training loop: one sentence pair per step.
        arg = cs.node.args[0] if cs.node.args else None
        if cs.name == "random.choice" and isinstance(arg, ast.Name) and _EXAMPLES.search(arg.id):
            return cs
    return None


_EXAMPLES = re.compile(r"pairs|examples|samples|sentences|lines", re.I)


def training_default(ix: Index, names: tuple[str, ...]) -> Val | None:
    """The default of a ``names`` parameter of a function that trains, when nothing
    calls it with another value in the file: TD3's ``def train(self, replay_buffer,
    batch_size=256)`` in a module its entry point imports."""
    trainers = training_scopes(ix)
    for fname, defs in ix.functions.items():
        for fn, cls in defs:
            if (cls, fname) not in trainers:
                continue
            a = fn.args
            params = a.posonlyargs + a.args
            pairs = list(zip(params[len(params) - len(a.defaults) :], a.defaults, strict=True))
            pairs += [(k, d) for k, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d]
            for arg, default in pairs:
                if arg.arg in names and isinstance(default, ast.Constant):
                    value = default.value
                    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                        return Val(value, "function-default", f"def {fname}(...)", fn.lineno)
    return None


def first_kwarg(ix: Index, r: Resolver, names: tuple[str, ...], kind: type = float) -> Val | None:
    """Last resort: the first call anywhere passing one of ``names`` as a keyword,
    also inside a ``**params`` dict (``GradientBoostingRegressor(**params)``)."""
    for cs in ix.calls:
        node = kwarg(cs.node, *names)
        if node is not None:
            v = number(resolve_at(r, cs, node), kind)
            if v is not None:
                return v
            continue
        for k in cs.node.keywords:
            if k.arg is not None or not isinstance(k.value, ast.Name):
                continue
            for name in names:
                key = ast.copy_location(ast.Subscript(k.value, ast.Constant(name), ast.Load()), k)
                v = number(resolve_at(r, cs, key), kind)
                if v is not None:
                    return v
    return None


def _unwrap_range(node: ast.expr) -> ast.Call | None:
    while isinstance(node, ast.Call):
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        if name in ("range", "trange"):
            return node
        if name in ("tqdm", "enumerate", "iter") and node.args:
            node = node.args[0]
            continue
        return None
    return None


def epochs_field(ix: Index, r: Resolver) -> Field | None:
    if _one_example_per_step(ix, batches=True) is not None:
        # Examples drawn at random step after step: its "epochs" count steps, and
        # step-based training has no epochs.
        return None
    # (line of the loop or call, field): the last training site is the main one.
    found: list[tuple[int, Field]] = []
    loops = [loop for loop, _ in ix.fors]
    for loop, scope in ix.fors:
        rng = _unwrap_range(loop.iter)
        if rng is None or not rng.args:
            continue
        tname = loop.target.id if isinstance(loop.target, ast.Name) else ""
        text = (tname + " " + unparse(rng)).lower()
        # An RL agent's episodes count as its epochs (LABELING.md).
        if not any(w in text for w in ("epoch", "epoq", "epoc", "episode", "n_epi")):
            continue
        if _NOT_TRAINING_COUNT.search(text):
            continue  # steps within an epoch, or evaluation episodes
        if any(_inside(loop, outer) and not _epochish(outer) for outer in loops):
            continue  # PPO's update epochs inside the iteration loop are not the training's
        v = _range_count(r, rng, scope)
        if v is not None:
            found.append((loop.lineno, to_field(v)))
    for cs in ix.calls:
        node = None
        if cs.last in ("fit", "fit_generator"):
            node = kwarg(cs.node, "epochs", "nb_epoch")
        elif cs.last == "Trainer":
            node = kwarg(cs.node, "max_epochs")
        elif cs.last in HF_ARGS:
            node = kwarg(cs.node, "num_train_epochs")
        elif cs.last in _SKLEARN_EPOCHS and "sklearn" in cs.name:
            node = kwarg(cs.node, "max_iter")  # an MLP's max_iter is its epoch count
        elif cs.last == "LightningCLI":
            # LightningCLI(Model, trainer_defaults={"max_epochs": 10})
            d = kwarg(cs.node, "trainer_defaults")
            if isinstance(d, ast.Dict):
                node = next(
                    (v for k, v in zip(d.keys, d.values, strict=True)
                     if isinstance(k, ast.Constant) and k.value == "max_epochs"),
                    None,
                )  # fmt: skip
        if node is None:
            continue
        v = number(resolve_at(r, cs, node), int)
        if v is not None:
            found.append((cs.node.lineno, to_field(v)))
    found.sort(key=lambda x: x[0])
    if found:
        return with_alternatives(found[-1][1], [f for _, f in found[:-1]])
    v = number(named_value(ix, r, EPOCH_NAMES), int)
    if v is not None:
        return to_field(v)
    return (
        _while_epochs(ix, r)
        or _module_epoch(ix, r)
        or _hf_default_epochs(ix)
        or lightning.default_epochs(ix, r)
    )


def _hf_default_epochs(ix: Index) -> Field | None:
    """TrainingArguments' ``num_train_epochs`` defaults to 3 (unless ``max_steps`` counts)."""
    if _hf_trainer(ix) is None:
        return None
    for cs in ix.calls_named(*HF_ARGS):
        if kwarg(cs.node, "max_steps") is None and not _searched(ix, "num_train_epochs"):
            return Field(3, cs.node.lineno, "framework-default", "TrainingArguments default")
    return None


_SKLEARN_EPOCHS = {"MLPClassifier", "MLPRegressor"}


def _inside(inner: ast.For, outer: ast.For) -> bool:
    end = getattr(outer, "end_lineno", None) or outer.lineno
    return inner is not outer and outer.lineno < inner.lineno <= end


def _epochish(loop: ast.For) -> bool:
    text = unparse(loop.target) + " " + unparse(loop.iter)
    return bool(re.search(r"epoch|episode|n_epi|trial|fold|run|seed", text, re.I))


def _while_epochs(ix: Index, r: Resolver) -> Field | None:
    """``while epoch < niter:``: the bound of a while loop counting epochs."""
    for node in ast.walk(ix.tree):
        if not isinstance(node, ast.While) or not isinstance(node.test, ast.Compare):
            continue
        t = node.test
        if (
            isinstance(t.left, ast.Name)
            and "epoch" in t.left.id.lower()
            and len(t.ops) == 1
            and isinstance(t.ops[0], (ast.Lt, ast.LtE))
        ):
            v = number(r.resolve(t.comparators[0], MODULE), int)
            if v is not None and v.value > 0:
                return to_field(v)
    return None


def _module_epoch(ix: Index, r: Resolver) -> Field | None:
    """``epoch = 50`` at module level (a count, not a loop variable's start)."""
    for b in ix.bindings.get("epoch", ()):
        if b.scope == MODULE and isinstance(b.value, ast.Constant):
            v = b.value.value
            if isinstance(v, int) and not isinstance(v, bool) and v > 0:
                return Field(v, b.line, "constant", "epoch")
    return None


def _range_count(r: Resolver, rng: ast.Call, scope: tuple[str | None, str | None]) -> Val | None:
    args = rng.args
    if len(args) == 1:
        return number(r.resolve(args[0], scope), int)
    start = number(r.resolve(args[0], scope), int)
    stop_node = args[1]
    if (
        isinstance(stop_node, ast.BinOp)
        and isinstance(stop_node.op, ast.Add)
        and unparse(stop_node.left) == unparse(args[0])
    ):
        # range(start_epoch, start_epoch + 200): 200 epochs whatever the start.
        return number(r.resolve(stop_node.right, scope), int)
    if (
        start is not None
        and start.value == 1
        and isinstance(stop_node, ast.BinOp)
        and isinstance(stop_node.op, ast.Add)
        and isinstance(stop_node.right, ast.Constant)
        and stop_node.right.value == 1
    ):
        return number(r.resolve(stop_node.left, scope), int)
    stop = number(r.resolve(stop_node, scope), int)
    if stop is None or start is None:
        return None
    stop.value = stop.value - start.value
    return stop
