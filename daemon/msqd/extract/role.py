"""What a file is: a training entry point, a model definition, data, config, a helper,
or a framework's own source.

Decided from what the code does (a backward pass, ``fit``, ``learn``, an optimizer
step), what it defines (model classes, dataset classes), and where it sits (inside a
framework's package folder). Search ranks training entry points first and ``msq ls
--role`` filters on it.
"""

from __future__ import annotations

import ast
import itertools
import os
import re

from ..card import Component
from .components import is_layer
from .index import CallSite, Index

ROLES = ("train", "model", "config", "data", "util", "library")

# Package folders of frameworks and libraries: a file inside one is the library's own
# source, not a person's training code (unless it sits under an examples folder).
_LIBRARY_PACKAGES = {
    "torch",
    "torchvision",
    "tensorflow",
    "keras",
    "flax",
    "optax",
    "jax",
    "sklearn",
    "transformers",
    "diffusers",
    "accelerate",
    "timm",
    "lightning",
    "pytorch_lightning",
    "lightning_fabric",
    "stable_baselines3",
    "torch_geometric",
    "dgl",
    "optuna",
    "gymnasium",
    "peft",
    "trl",
}
_EXAMPLE_DIRS = {"examples", "example", "tutorials", "notebooks", "scripts", "docs"}

# Calls that train: a backward pass, an optimizer step, Keras/sklearn fit, SB3 learn,
# TF1 minimize, optax/flax updates, a Trainer's train().
_TRAIN_LAST = {
    "backward",
    "fit",
    "fit_generator",
    "train_on_batch",
    "learn",
    "apply_gradients",
    "apply_updates",
    "minimize",
    "optimize_parameters",
    "manual_backward",
    "train_and_evaluate",
    "LightningCLI",
    "cross_val_score",
    "cross_validate",
    "hyperparameter_search",  # transformers' Trainer: trains once per trial
    "create_supervised_trainer",  # ignite: the engine whose run() trains
}
# Libraries whose module-level ``train(...)`` trains: xgb.train(params, dtrain).
_TRAIN_MODULES = ("xgboost", "lightgbm", "catboost", "xgb.", "lgb.")
_TRAIN_STEMS = re.compile(r"(^|_)(train|training|finetune|fine_tune|main)($|_)")
_UTIL_STEMS = re.compile(r"(^|_)(utils?|helpers?|common|misc|tools)($|_)")
_MODEL_DIRS = {"models", "model", "networks", "nets", "archs", "modules", "definitions"}
_TRAINER = re.compile(r"trainer|learner|agent|fabric|accelerator", re.I)
_OPTISH = re.compile(r"opt|optim|solver|updater", re.I)
_DATA_BASES = re.compile(
    r"(^|\.)(Dataset|IterableDataset|DataLoader|LightningDataModule|DataModule|Sampler|"
    r"Sequence|GeneratorBasedBuilder|DatasetBuilder)$"
)
_DATA_NAMES = re.compile(
    r"(^|_)(dataset|datasets|data|dataloader|loader|input_pipeline|transforms?|augment\w*)"
    r"($|_)",
    re.I,
)
# The one function a project's data helpers are called through.
_DATA_ENTRY = frozenset({"load_data", "get_data"})
_DATA_FUNCS = re.compile(r"^(load|get|make|build|create|prepare|read|download)_?\w*(data|dataset)")


def _training_call(cs: CallSite) -> bool:
    last = cs.last
    if last in _TRAIN_LAST:
        return last != "fit" or isinstance(cs.node.func, ast.Attribute)
    if last == "step" and isinstance(cs.node.func, ast.Attribute):
        owner = ast.unparse(cs.node.func.value)
        return bool(_OPTISH.search(owner) and not re.search(r"sched|env", owner, re.I))
    if (
        last == "train"
        and isinstance(cs.node.func, ast.Attribute)
        and _TRAINER.search(ast.unparse(cs.node.func.value))
    ):
        return True
    if last in ("grad", "value_and_grad") and cs.name.startswith(("jax", "flax")):
        return True
    if last == "train" and cs.name.startswith(_TRAIN_MODULES):
        return True
    if last == "get_updates":
        return True  # Keras 2: optimizer.get_updates(...) fed to K.function
    # theano.function(..., updates=...), K.function(..., updates=...)
    return last == "function" and any(k.arg == "updates" for k in cs.node.keywords)


def trains(ix: Index) -> bool:
    """The module's own code trains (a backward pass, ``fit``, an optimizer step...)."""
    if any(_training_call(cs) for cs in ix.calls):
        return True
    # A class of the file's own that extends a trainer (``class MyCLI(LightningCLI)``),
    # then built: the same as building the trainer.
    trainers = {
        name
        for name, cls in ix.classes.items()
        if any(ast.unparse(b).split(".")[-1] in _TRAIN_LAST for b in cls.bases)
    }
    return bool(trainers) and any(cs.last in trainers for cs in ix.calls)


def training_names(ix: Index) -> set[str]:
    """Functions and classes of a module whose code trains, directly or through the
    module's own functions and methods (``train`` calling ``train_one_epoch``)."""
    found = training_scopes(ix)
    return {c for c, _f in found if c is not None} | {f for c, f in found if c is None and f}


def training_scopes(ix: Index) -> set[tuple[str | None, str | None]]:
    """(class, function) scopes whose code trains, directly or through local calls."""
    found = {cs.scope for cs in ix.calls if cs.scope != (None, None) and _training_call(cs)}
    for _ in range(4):  # a few levels of local calls; deeper chains are rare
        grown = set(found)
        names = {f for _c, f in found if f is not None}
        for cs in ix.calls:
            local = cs.raw in (cs.last, f"self.{cs.last}")
            if cs.scope != (None, None) and cs.last in names and local:
                grown.add(cs.scope)
        if grown == found:
            break
        found = grown
    if found:
        # A factory that defines the training step and returns it (``get_step_fn``,
        # ``make_train_step``): calling the factory is building the trainer.
        names = {f for _c, f in found if f is not None}
        for fname, defs in ix.functions.items():
            for node, cls in defs:
                if (cls, fname) not in found and any(
                    isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and n is not node
                    and n.name in names
                    for n in ast.walk(node)
                ):
                    found.add((cls, fname))
    return found


def _module_level(ix: Index, language: str) -> bool:
    """The file runs something when executed: top-level calls or a notebook's cells."""
    return language == "ipynb" or any(
        cs.scope == (None, None) for cs in ix.calls if cs.last not in _SETUP_CALLS
    )


# Module-level calls that only set a module up (``device = torch.device(...)``, a
# logger, a path, a seed): a models module that makes them still runs nothing.
_SETUP_CALLS = {
    "print", "device", "is_available", "getLogger", "get_logger", "namedtuple", "TypeVar",
    "getenv", "get", "compile", "Path", "join", "dirname", "abspath", "basename",
    "expanduser", "filterwarnings", "seed", "manual_seed", "set_printoptions",
    "set_num_threads", "getcwd", "dataclass", "field", "register", "NewType",
}  # fmt: skip


def _library(ix: Index, rel_parts: list[str]) -> bool:
    """Inside a folder named for a library, importing that package or its siblings
    relatively: the library's own source (an ``examples/sklearn/`` folder is not)."""
    dirs = rel_parts[:-1]
    if any(d in _EXAMPLE_DIRS or re.search(r"example|tutorial", d, re.I) for d in dirs):
        return False
    pkgs = [d for d in dirs if d in _LIBRARY_PACKAGES]
    if not pkgs:
        return False
    if any(a == "src" and b in _LIBRARY_PACKAGES for a, b in itertools.pairwise(dirs)):
        return True  # src/<package>/ layout
    return any(
        mod.startswith(".") or any(mod == p or mod.startswith(p + ".") for p in pkgs)
        for mod, _ in ix.import_lines
    )


def _config_like(ix: Index) -> bool:
    """A module of settings: only assignments, or a ``get_config()`` returning them."""
    body = [
        s
        for s in ix.tree.body
        if not isinstance(s, (ast.Import, ast.ImportFrom))
        and not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    if not body:
        return False
    funcs = [s for s in body if isinstance(s, ast.FunctionDef)]
    if all(isinstance(s, (ast.Assign, ast.AnnAssign)) for s in body):
        return len(body) >= 3
    return bool(funcs) and all(
        isinstance(s, (ast.Assign, ast.AnnAssign)) or f_is_config(s) for s in body
    )


def f_is_config(s: ast.stmt) -> bool:
    return isinstance(s, ast.FunctionDef) and s.name in ("get_config", "get_hyper_parameters")


def _data(ix: Index, stem: str) -> bool:
    for cls in ix.classes.values():
        if any(_DATA_BASES.search(ast.unparse(b)) for b in cls.bases):
            return True
    if _DATA_NAMES.search(stem):
        return True
    if _DATA_ENTRY & set(ix.functions):
        return True  # utils.py defining the project's load_data(): its data module
    if _UTIL_STEMS.search(stem):
        return False
    if any(_transform(cls) for cls in ix.classes.values()):
        return True
    return any(_DATA_FUNCS.match(name) for name in ix.functions)


def _transform(cls: ast.ClassDef) -> bool:
    """A class called on an image or a batch (an augmentation, CutMix, a collate)."""
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and node.name == "__call__":
            args = [a.arg for a in node.args.args[1:]]
            return bool(args) and args[0] in _TRANSFORM_ARGS
    return False


_TRANSFORM_ARGS = {"img", "image", "images", "pic", "sample", "batch"}


def _builds_layers(ix: Index) -> bool:
    """Functions that stack framework layers (``def generator(z): ... Conv2DTranspose``)."""
    return sum(1 for cs in ix.calls if cs.scope[1] is not None and is_layer(cs)) >= 3


def _calls_training(ix: Index) -> bool:
    """A call of a project's own training function: ``train_model(...)``, ``fit_gan(...)``."""
    return any(
        isinstance(cs.node.func, ast.Name) and re.match(r"(train|fit)(_|$)", cs.last.lower())
        for cs in ix.calls
    )


def file_role(
    ix: Index | None,
    comps: list[Component],
    path: str,
    project_dir: str | None,
    language: str,
    sibling_trains: bool = False,
) -> str:
    """One of :data:`ROLES` for the file at ``path``.

    ``sibling_trains``: the file calls something of its own project's modules that
    trains (``engine.train(...)``, an ``Agent`` whose ``step`` runs the optimizer).
    """
    rel = os.path.relpath(path, project_dir) if project_dir else os.path.basename(path)
    parts = rel.replace(os.sep, "/").split("/")
    if ix is None:
        return "util"
    examples = project_dir is not None and re.search(
        r"example|tutorial", os.path.basename(project_dir), re.I
    )
    if language != "ipynb" and not examples and _library(ix, parts):
        return "library"
    stem = os.path.splitext(parts[-1])[0]
    runs = _module_level(ix, language)
    if trains(ix) or _calls_training(ix):
        # Training code that nothing in the file runs is a module an entry point
        # imports (engine.py, dqn_agent.py), unless its name says it is the trainer.
        if runs or (_TRAIN_STEMS.search(stem) and not _UTIL_STEMS.search(stem)):
            return "train"
    elif runs and sibling_trains:
        return "train"
    own = [c for c in comps if c.file is None]
    if own or (not _UTIL_STEMS.search(stem) and _builds_layers(ix)):
        return "model"
    if (
        stem == "__init__"
        and any(d in _MODEL_DIRS for d in parts[:-1])
        and (ix.import_lines or ix.star_imports)
    ):
        return "model"  # models/__init__.py, models/cifar/__init__.py: the models package
    if _config_like(ix) or re.search(r"(^|_)(config|configs|settings|hparams)($|_)", stem):
        return "config"
    if _data(ix, stem):
        return "data"
    return "util"
