"""Reading a file's own project modules: parsed (never imported), cached by mtime.

The extractor follows what a file imports from its project: the model classes it
uses (and the classes those use), the classes a project factory function builds,
and whether something it calls trains. Each module is parsed once per change
(``sibling_index``), whichever file asks.
"""

from __future__ import annotations

import os
import stat

from ..card import Component
from . import components as comp_mod
from . import family, inherit, role
from .index import Index, build
from .resolve import Resolver
from .source import decode, parse


def followed_models(
    ix: Index, base_dir: str | None, project_dir: str | None, own: set[str]
) -> tuple[list[Component], list[family.Evidence]]:
    """The model classes ``ix`` takes from its project's modules (not already in
    ``own``, which grows), and the family evidence of the code they come with."""
    comps: list[Component] = []
    evidence: list[family.Evidence] = []
    todo_mods = list(comp_mod.sibling_modules(ix, base_dir, project_dir))
    built: dict[str, tuple[str, set[str]]] = {}
    for path, names in comp_mod.imported_calls(ix, base_dir, project_dir).items():
        sib = sibling_index(path)
        if sib is not None and (funcs := {n for n in names if n in sib.functions}):
            for p, mod, classes in comp_mod.factory_classes(sib, path, funcs, project_dir):
                built.setdefault(p, (mod, set()))[1].update(classes)
    for path, (mod, classes) in built.items():
        # One entry per module: a module is read once (seen_paths below).
        at = next((i for i, t in enumerate(todo_mods) if t[0] == path), None)
        if at is None:
            todo_mods.append((path, mod, classes))
        elif (names := todo_mods[at][2]) is not None:
            todo_mods[at] = (path, todo_mods[at][1], names | classes)
    seen_paths: set[str] = set()
    while todo_mods:
        path, _mod, names = todo_mods.pop(0)
        sib = sibling_index(path) if path not in seen_paths else None
        seen_paths.add(path)
        if sib is None:
            continue
        if path.endswith("__init__.py") and sib.star_imports and len(seen_paths) < 40:
            # A package re-exporting its modules (``from .vgg import *``).
            pkg = os.path.dirname(path)
            for m in sib.star_imports:
                cand = os.path.join(pkg, m.lstrip(".").replace(".", os.sep) + ".py")
                if m.startswith(".") and os.path.isfile(cand):
                    todo_mods.append((cand, m, names))
        sr = Resolver(sib, os.path.dirname(path))
        sib_comps = comp_mod.components(sib, sr, file=path)
        wanted = set(names) if names is not None else {c.name for c in sib_comps}
        # Also what the imported classes use, transitively.
        by_name = {c.name: c for c in sib_comps}
        todo = [n for n in wanted if n in by_name]
        while todo:
            for u in by_name[todo.pop()].uses:
                if u in by_name and u not in wanted:
                    wanted.add(u)
                    todo.append(u)
        for c in sib_comps:
            if c.name in wanted and c.name not in own:
                comps.append(c)
                own.add(c.name)
        used = [c for c in sib_comps if c.name in wanted]
        if names is not None and not used:
            continue  # nothing of that module is used here: its code says nothing
        evidence.extend(family.family_evidence(sib, used, path))
    return comps, evidence


def sibling_trains(ix: Index, base_dir: str | None, project_dir: str | None) -> bool:
    """Whether the file calls a function or class of its own modules whose code trains,
    there or one module further (``main.py`` -> ``run_lib.train`` -> ``losses.get_step_fn``)."""
    try:
        for path, names in comp_mod.imported_calls(ix, base_dir, project_dir).items():
            sib = sibling_index(path)
            if sib is None:
                continue
            if names & role.training_names(sib):
                return True
            if inherit.step_modules(sib, path, names, project_dir, sibling_index):
                return True
    except (RecursionError, ValueError):
        return False
    return False


_cache: dict[tuple[str, float, int], Index | None] = {}


def sibling_index(path: str) -> Index | None:
    """The index of the module at ``path``; None when unreadable, too big or not a file."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > comp_mod.MAX_SIBLING_BYTES:
            return None
        key = (path, st.st_mtime, st.st_size)
        if key in _cache:
            return _cache[key]
        with open(path, "rb") as fh:
            raw = fh.read(comp_mod.MAX_SIBLING_BYTES + 1)
        text, _ = decode(raw)
        tree, _problems = parse(text)
        ix = build(tree) if tree is not None else None
    except (OSError, RecursionError, MemoryError, ValueError):
        return None
    if len(_cache) > 512:
        _cache.clear()
    _cache[key] = ix
    return ix
