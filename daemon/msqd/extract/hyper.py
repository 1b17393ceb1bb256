"""Training hyper-parameters: batch size and epochs, and the named-value lookups they share.

Batch size comes from the training loader (the one with ``shuffle=True``, else
the first); epochs from the last training loop or fit call. Competing values go
to ``alternatives``. Defaults are never invented. The optimizer and its rate
live in ``optimizer.py``.
"""

from __future__ import annotations

import ast
import re

from ..card import Field
from . import lightning
from .common import arg_or_kw, kwarg, number, resolve_at, to_field, with_alternatives
from .index import MODULE, CallSite, Index
from .names import BATCH_NAMES, EPOCH_NAMES, HF_ARGS
from .resolve import Resolver, Val, unparse
from .role import training_scopes
from .wrappers import wrapper_batch, wrapper_epochs

# Loop counts that mention epochs or episodes but are not the training's: the steps of
# one epoch (``range(steps_per_epoch)``) and evaluation runs (``range(eval_episodes)``).
_NOT_TRAINING_COUNT = re.compile(
    r"per_?epoch|(^|[^a-z])(test|eval|evaluation|val|valid|validation)_?(episode|epoch)"
)


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


def batch_field(ix: Index, r: Resolver) -> Field | None:
    """The training batch size, falling back on a training function's default."""
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
                _EVAL_SCOPE.search(cs.scope[1] or "") or _EVAL_NAME.search(unparse(node))
            )
            found.append((to_field(v), train, evaluates))
    if found and all(x[2] for x in found):
        # Only evaluation batches (build_test_set's .batch(10000)): not the training's.
        found = []
    if found:
        # A loader that shuffles trains; one in evaluate() or fed EVAL_BATCH_SIZE does not.
        ranked = sorted(found, key=lambda x: (x[2], not x[1]))
        main = ranked[0][0]
        return with_alternatives(main, [f for f, _, _ in found if f is not main])
    wrapped = wrapper_batch(ix, r)
    if wrapped is not None:
        return wrapped
    v = number(named_value(ix, r, BATCH_NAMES), int) or first_kwarg(ix, r, ("batch_size",), int)
    if v is None:
        v = _random_minibatch(ix, r)
    if v is None:
        v = training_default(ix, BATCH_NAMES)
    if v is None and hf_trainer(ix) is not None:
        for cs in ix.calls_named(*HF_ARGS):
            if not searched(ix, "per_device_train_batch_size"):
                # per_device_train_batch_size defaults to 8.
                return Field(8, cs.node.lineno, "framework-default", "TrainingArguments default")
    if v is None:
        one = _one_example_per_step(ix)
        if one is not None:
            return Field(1, one.node.lineno, "inferred", f"one random example per step ({one.raw})")
    return to_field(v) if v is not None else None


def _random_minibatch(ix: Index, r: Resolver) -> Val | None:
    """The size of random minibatch indices drawn in a loop or a batch generator:
    ``torch.randint(0, N, (32,))``, ``np.random.randint(0, len(X), size=batch)``,
    ``np.random.choice(len(X), size=batch)`` (hand-written training without a loader)."""
    for cs in ix.calls:
        if not (
            (cs.last == "randint" and cs.name.startswith(("torch.", "numpy.")))
            or (cs.last == "choice" and cs.name.startswith("numpy."))
        ):
            continue
        # In a loop, or in a generator yielding batches (``while True: ... yield``).
        if not (cs.loops or _generator(ix, cs.scope)):
            continue
        size = kwarg(cs.node, "size")
        if size is None:
            tup = [a for a in cs.node.args if isinstance(a, (ast.Tuple, ast.List))]
            size = tup[0] if tup else None
        if isinstance(size, (ast.Tuple, ast.List)):
            if len(size.elts) != 1:
                continue  # (B, T) token windows: the first is the batch, but say nothing
            size = size.elts[0]
        if size is None:
            continue
        v = number(resolve_at(r, cs, size), int)
        if v is not None and v.value > 1:
            return v
    return None


def _generator(ix: Index, scope: tuple[str | None, str | None]) -> bool:
    defs = ix.functions.get(scope[1] or "", [])
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for d, _ in defs for n in ast.walk(d))


# Where a batch size is an evaluation's: inside a function named for one (evaluate(),
# test_epoch(), build_test_set(), get_val_loader()), or a value named for it
# (EVAL_BATCH_SIZE, args.test_batch_size).
_EVAL_SCOPE = re.compile(r"(^|_)(eval\w*|test\w*|val|valid\w*|predict\w*|infer\w*)($|_)", re.I)
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
    wrapped = wrapper_epochs(ix, r)
    if wrapped is not None:
        return wrapped
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
    if hf_trainer(ix) is None:
        return None
    for cs in ix.calls_named(*HF_ARGS):
        if kwarg(cs.node, "max_steps") is None and not searched(ix, "num_train_epochs"):
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


def hf_trainer(ix: Index) -> CallSite | None:
    """transformers' ``Trainer(...)`` (or a subclass call) given no ``optimizers=``."""
    for cs in ix.calls_named("Trainer", "Seq2SeqTrainer"):
        if cs.name.startswith("transformers") and kwarg(cs.node, "optimizers") is None:
            return cs
    return None


def searched(ix: Index, name: str) -> bool:
    """A hyper-parameter search samples ``name`` (``trial.suggest_float("learning_rate", ...)``):
    no single value runs."""
    for cs in ix.calls:
        if cs.last.startswith("suggest_") and cs.node.args:
            a = cs.node.args[0]
            if isinstance(a, ast.Constant) and a.value == name:
                return True
    return False
