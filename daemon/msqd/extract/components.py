"""Model classes a file defines (and those it imports from sibling files).

Counting rule: every syntactic layer-constructor call in ``__init__``, ``setup``,
``build`` (and in ``__call__`` when it is ``@nn.compact``) counts once. A call
inside a ``for`` loop or comprehension is multiplied by the loop's length when
that length resolves to a number (``range(4)``, ``range(N_BLOCKS)`` with a
constant, a literal list); otherwise it counts once. Containers (Sequential,
ModuleList, ...) are not layers; their contents are.
"""

from __future__ import annotations

import ast
import math
import os

from ..card import Component
from .index import CallSite, Index
from .resolve import Resolver

_MODEL_BASES = {
    "Module",
    "LightningModule",
    "Model",
    "Layer",
    "ModelMixin",
    "PreTrainedModel",
    "Sequential",
    "HybridBlock",
    "Block",
}
_CONTAINERS = {
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "ParameterList",
    "ParameterDict",
    "Parameter",
}
_LAYER_PREFIXES = (
    "torch.nn.",
    "flax.linen.",
    "keras.layers.",
    "tensorflow.keras.layers.",
    "tf.keras.layers.",
    "haiku.",
    "torchvision.models.",
    "timm.",
    "diffusers.",
    "transformers.",
    "tensorflow.keras.applications.",
    "keras.applications.",
    "torchvision.ops.",
    "layers.",
    "nn.",
    "linen.",
    "tfa.layers.",
)
_BUILD_METHODS = {"__init__", "setup", "build"}
MAX_SIBLING_BYTES = 1_000_000


def is_layer(cs: CallSite) -> bool:
    if cs.last in _CONTAINERS or not cs.name.startswith(_LAYER_PREFIXES):
        return False
    if cs.name.startswith(("torchvision.models.", "timm.")):
        return True
    if cs.name.startswith(("transformers.", "diffusers.")):
        return cs.last[:1].isupper() and cs.last not in ("Trainer", "TrainingArguments")
    return cs.last[:1].isupper() and not cs.name.startswith(
        ("torch.nn.functional", "torch.nn.init", "torch.nn.utils")
    )


def model_classes(ix: Index) -> list[ast.ClassDef]:
    """Classes whose base is a model base, including subclasses of those (transitively)."""
    found: dict[str, ast.ClassDef] = {}
    changed = True
    while changed:
        changed = False
        for name, cls in ix.classes.items():
            if name in found:
                continue
            for base in cls.bases:
                text = ast.unparse(base) if isinstance(base, (ast.Name, ast.Attribute)) else ""
                last = text.rsplit(".", 1)[-1]
                if last in found or (last in _MODEL_BASES and last != name):
                    found[name] = cls
                    changed = True
                    break
    return sorted(found.values(), key=lambda c: c.lineno)


def _loop_len(loop: ast.AST, r: Resolver, cs: CallSite) -> int:
    iters: list[ast.expr] = []
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        iters = [loop.iter]
    elif isinstance(loop, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        iters = [g.iter for g in loop.generators]
    total = 1
    for it in iters:
        n = 1
        if (
            isinstance(it, ast.Call)
            and isinstance(it.func, ast.Name)
            and it.func.id in ("zip", "enumerate", "reversed", "list")
            and it.args
        ):
            it = it.args[0]
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range":
            vals = [r.resolve(a, cs.scope) for a in it.args]
            nums = [v.value for v in vals if v is not None and isinstance(v.value, int)]
            if len(nums) == len(it.args) and 1 <= len(nums) <= 3:
                try:
                    n = len(range(*nums))
                except (ValueError, OverflowError):
                    n = 1
        else:
            v = r.resolve(it, cs.scope)
            if v is not None and isinstance(v.value, list):
                n = len(v.value)
        total *= max(n, 1) if n < 10_000 else 1
    return total


def _loop_expr(loop: ast.AST) -> str:
    """The loop count as written: ``cfg.n_layer`` for ``range(cfg.n_layer)``."""
    it: ast.expr | None = None
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        it = loop.iter
    elif isinstance(loop, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        it = loop.generators[0].iter if loop.generators else None
    if it is None or isinstance(it, (ast.List, ast.Tuple, ast.Constant)):
        return ""  # a literal list: its length is the count itself
    name = it.func.id if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) else ""
    if name == "range" and isinstance(it, ast.Call) and len(it.args) == 1:
        return ast.unparse(it.args[0])[:40]
    if name in ("zip", "enumerate", "reversed") and isinstance(it, ast.Call):
        return f"len({ast.unparse(it.args[0])[:32]})" if it.args else ""
    return f"len({ast.unparse(it)[:32]})"


def _count_use(comp: Component, cs: CallSite, lens: list[int]) -> None:
    """Record that ``comp`` builds the class ``cs`` calls once per iteration of the
    loops around it (``lens``: their lengths, 1 when one does not resolve)."""
    name = cs.last
    if name in comp.repeats:
        # Built at several places: the total is the count, no one loop explains it.
        comp.repeat_exprs[name] = ""
    elif cs.loops:
        expr = " * ".join(e for e in (_loop_expr(lp) for lp in cs.loops) if e)
        if expr and not expr.isdigit():
            comp.repeat_exprs[name] = expr
    # A running total; counts of 1 are dropped when the class is done. A loop whose
    # length does not resolve (_loop_len gives 1) makes the total unknown.
    unknown = any(n == 1 for n in lens)
    total = comp.repeats.get(name, 0) + math.prod(lens)
    comp.repeats[name] = -(1 << 30) if unknown else total


def _helper(ix: Index, cs: CallSite) -> str | None:
    """Name of a plain function of this file called as ``helper(...)``, else None."""
    if "." in cs.raw or cs.last not in ix.functions:
        return None
    return cs.last if any(c is None for _, c in ix.functions[cs.last]) else None


def _build_scopes(cls: ast.ClassDef) -> set[str]:
    out = set()
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            stmt.name in _BUILD_METHODS
            or any("compact" in ast.unparse(d) for d in stmt.decorator_list)
        ):
            out.add(stmt.name)
    return out


def components(
    ix: Index,
    r: Resolver,
    extra_names: set[str] | frozenset[str] = frozenset(),
    file: str | None = None,
    only: set[str] | None = None,
) -> list[Component]:
    """Components of the classes in ``ix`` (``only`` restricts to those names)."""
    classes = model_classes(ix)
    own = {c.name for c in classes} | set(extra_names)
    by_scope: dict[tuple[str | None, str | None], list[CallSite]] = {}
    for cs in ix.calls:
        by_scope.setdefault(cs.scope, []).append(cs)
    out: list[Component] = []
    for cls in classes:
        if only is not None and cls.name not in only:
            continue
        base = ast.unparse(cls.bases[0]) if cls.bases else ""
        comp = Component(cls.name, base, cls.lineno, file=file)
        scopes = [(cls.name, m) for m in _build_scopes(cls)] + [(cls.name, None)]
        sites = sorted(
            (cs for s in scopes for cs in by_scope.get(s, ())),
            key=lambda c: (c.node.lineno, c.node.col_offset),
        )
        for cs in sites:
            lens = [_loop_len(loop, r, cs) for loop in cs.loops]
            mult = math.prod(lens)
            if cs.last in own and "." not in cs.raw:
                if cs.last != cls.name:
                    if cs.last not in comp.uses:
                        comp.uses.append(cs.last)
                    _count_use(comp, cs, lens)
                continue
            if is_layer(cs):
                comp.layers[cs.last] = comp.layers.get(cs.last, 0) + mult
                continue
            helper = _helper(ix, cs)
            if helper is None:
                continue
            # A helper function (conv_bn(...), block(...)) builds layers for this class:
            # its layer calls count once per call of the helper.
            for inner in by_scope.get((None, helper), ()):
                if is_layer(inner):
                    k = mult
                    for loop in inner.loops:
                        k *= _loop_len(loop, r, inner)
                    comp.layers[inner.last] = comp.layers.get(inner.last, 0) + k
                elif inner.last in own and inner.last not in comp.uses and "." not in inner.raw:
                    comp.uses.append(inner.last)
        comp.repeats = {k: v for k, v in comp.repeats.items() if v > 1}
        comp.repeat_exprs = {k: v for k, v in comp.repeat_exprs.items() if v}
        out.append(comp)
    return out


def sequential_components(ix: Index) -> list[Component]:
    """Models built without a class: ``model = keras.Sequential([...])`` or a builder function."""
    out: list[Component] = []
    scoped: dict[tuple[str | None, str | None], list[CallSite]] = {}
    for cs in ix.calls:
        scoped.setdefault(cs.scope, []).append(cs)
    for cs in ix.calls:
        if cs.scope[0] is not None or cs.target is None or cs.last != "Sequential":
            continue
        comp = Component(cs.target, cs.raw, cs.node.lineno, kind="sequential")
        inside = {id(n) for n in ast.walk(cs.node)}
        for other in scoped.get(cs.scope, ()):
            if (
                other.last == "add"
                and other.node.args
                and isinstance(other.node.func, ast.Attribute)
                and ast.unparse(other.node.func.value) == cs.target
            ):
                inside.update(id(n) for n in ast.walk(other.node.args[0]))
        for other in scoped.get(cs.scope, ()):
            if other is not cs and id(other.node) in inside and is_layer(other):
                comp.layers[other.last] = comp.layers.get(other.last, 0) + 1
        if comp.layers:
            out.append(comp)
    for cs in ix.calls:
        if (
            cs.last == "Model"
            and cs.scope[0] is None
            and cs.scope[1]
            and (
                {k.arg for k in cs.node.keywords} & {"inputs", "outputs"} or len(cs.node.args) == 2
            )
            and "keras" in cs.name
        ):
            comp = Component(
                cs.scope[1], "keras.Model (functional)", cs.node.lineno, kind="functional"
            )
            for other in scoped.get(cs.scope, ()):
                if is_layer(other) and other.last not in ("Model", "Input"):
                    comp.layers[other.last] = comp.layers.get(other.last, 0) + 1
            if comp.layers:
                out.append(comp)
    return out


_NOT_SIBLINGS = {"torch", "tensorflow", "keras", "numpy", "jax", "flax", "sklearn", "tkinter"}


def sibling_modules(
    ix: Index, base_dir: str | None, project_dir: str | None
) -> list[tuple[str, str, set[str] | None]]:
    """(module path on disk, import text, imported names or None for all) of own modules."""
    if base_dir is None:
        return []
    dirs = search_dirs(base_dir, project_dir)
    wanted: dict[str, set[str] | None] = {}
    for alias, full in ix.imports.items():
        mod, _, name = full.rpartition(".")
        if full == alias and "." not in full:
            wanted.setdefault(full, None)
        elif mod and name[:1].isupper():
            cur = wanted.get(mod.lstrip("."), set())
            if cur is not None:
                cur.add(name)
                wanted[mod.lstrip(".")] = cur
    if ix.star_imports:
        # ``from models import *``: the classes this file calls that it neither defines
        # nor imports by name come from there (a package's __init__ re-exports them).
        called = {
            cs.last
            for cs in ix.calls
            if cs.raw == cs.last and cs.last[:1].isupper() and cs.last not in ix.classes
        } - set(ix.imports)
        for mod in ix.star_imports:
            if mod.lstrip(".").split(".")[0] not in _NOT_SIBLINGS:
                wanted[mod.lstrip(".")] = set(called)
    out = []
    for mod, names in wanted.items():
        found = module_file(mod, dirs)
        if found is not None:
            out.append((found, mod, names))
    return out


def factory_classes(
    sib: Index, path: str, names: set[str], project_dir: str | None
) -> list[tuple[str, str, set[str]]]:
    """Classes that the functions ``names`` of the module at ``path`` construct
    (``utils.get_model(args)`` building ``vit.ViT``), as (module path, import text,
    class names): a model built by a project's factory is a model of its caller."""
    out: list[tuple[str, str, set[str]]] = []
    dirs = search_dirs(os.path.dirname(path), project_dir)
    for cs in sib.calls:
        if cs.scope[0] is not None or cs.scope[1] not in names or not cs.last[:1].isupper():
            continue
        if cs.raw in sib.classes:
            out.append((path, "", {cs.raw}))
            continue
        full = sib.imports.get(cs.raw.split(".")[0])
        if full is None or full.split(".")[0] in _NOT_SIBLINGS:
            continue
        mod = full.rpartition(".")[0] if cs.raw == cs.last else full
        found = module_file(mod, dirs) if mod else None
        if found is not None:
            out.append((found, mod, {cs.last}))
    return out


def search_dirs(base_dir: str, project_dir: str | None) -> list[str]:
    """The folders an import of a project's own module is looked up in, nearest first."""
    dirs = [base_dir]
    if project_dir and os.path.abspath(project_dir) != os.path.abspath(base_dir):
        d = os.path.dirname(base_dir)
        while d.startswith(os.path.abspath(project_dir)) and d not in dirs:
            dirs.append(d)
            d = os.path.dirname(d)
    return dirs


def module_file(mod: str, dirs: list[str]) -> str | None:
    """The file of the dotted module ``mod`` under the first of ``dirs`` that holds it."""
    rel = mod.lstrip(".").replace(".", os.sep)
    if not rel:
        return None
    for d in dirs:
        for cand in (os.path.join(d, rel + ".py"), os.path.join(d, rel, "__init__.py")):
            if os.path.isfile(cand):
                return cand
    return None


# The extraction under way (new_round): memos of an earlier one are not reused.
_ROUND = [0]


def new_round() -> None:
    """Start one file's extraction: what earlier ones learnt about the disk is stale."""
    _ROUND[0] += 1


def imported_calls(ix: Index, base_dir: str | None, project_dir: str | None) -> dict[str, set[str]]:
    """Own module file -> the names of it this file calls (``engine.train(...)``,
    ``from dqn_agent import Agent`` then ``Agent(...)``)."""
    return {
        path: set(by_name) for path, by_name in imported_callers(ix, base_dir, project_dir).items()
    }


def imported_callers(
    ix: Index, base_dir: str | None, project_dir: str | None
) -> dict[str, dict[str, set[str | None]]]:
    """Own module file -> name of it called -> the functions of this file calling it
    (``None``: module level)."""
    if base_dir is None:
        return {}
    # Kept for one extraction only: the answer depends on which module files exist,
    # and a cached sibling's index outlives files created or deleted beside it.
    if ix.memo.get("round") != _ROUND[0]:
        ix.memo.clear()
        ix.memo["round"] = _ROUND[0]
    key = ("imported_callers", base_dir, project_dir)
    if key in ix.memo:
        return ix.memo[key]  # type: ignore[return-value]
    dirs = search_dirs(base_dir, project_dir)
    called: dict[str, dict[str, set[str | None]]] = {}
    ix.memo[key] = called
    for cs in ix.calls:
        head, _, rest = cs.raw.partition(".")
        full = ix.imports.get(head)
        if full is None or full.split(".")[0] in _NOT_SIBLINGS:
            continue
        if rest:  # module.func(...) or module.Class(...)
            path, name = module_file(full, dirs), rest.split(".")[0]
        else:  # a name imported from a module
            mod, _, name = full.rpartition(".")
            path = module_file(mod, dirs) if mod else None
        if path is not None:
            called.setdefault(path, {}).setdefault(name, set()).add(cs.scope[1])
    if ix.star_imports:
        # ``from data import *``: the bare calls this file neither defines nor imports
        # by name may come from there (which ones, the module's own index knows).
        local = set(ix.functions) | set(ix.classes) | set(ix.imports)
        bare = [cs for cs in ix.calls if cs.raw == cs.last and cs.last not in local]
        for mod in ix.star_imports:
            if mod.lstrip(".").split(".")[0] in _NOT_SIBLINGS:
                continue
            path = module_file(mod, dirs)
            if path is not None:
                names = called.setdefault(path, {})
                for cs in bare:
                    names.setdefault(cs.last, set()).add(cs.scope[1])
    return called
