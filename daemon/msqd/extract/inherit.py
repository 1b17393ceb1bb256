"""Values a training entry point takes from its own project's modules.

Real projects keep the loop, the optimizer or the data loading in ``engine.py``,
``utils.py`` or a ``train.py`` that ``main.py`` runs; the entry point is what a
person starts, so its card carries the values found there, marked with the file
they came from. Only fields the entry point leaves unset are filled, and modules
whose called functions or classes train are read first.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ..card import Field, ModelCard
from . import components as comp_mod
from . import data, device, family, framework, hyper, optimizer
from .index import Index
from .resolve import Resolver
from .role import training_names
from .role import trains as trains_itself

# Fields read from a module the entry point calls, in card order.
INHERITED = ("dataset", "batch_size", "learning_rate", "optimizer", "epochs", "device")
_MAX_MODULES = 6


def _fields(sib: Index, r: Resolver, path: str, project_dir: str | None) -> dict[str, Field]:
    out: dict[str, Field] = {}
    f = data.dataset_field(sib, r, path, project_dir, trains=False)
    if f is not None:
        out["dataset"] = f
    for name, fn in (
        ("batch_size", hyper.batch_field),
        ("epochs", hyper.epochs_field),
        ("device", device.device_field),
    ):
        got = fn(sib, r)
        if got is not None:
            out[name] = got
    out.update(optimizer.optimizer_fields(sib, r))
    return out


def trains_through(
    sib: Index, path: str, project_dir: str | None, sibling_index: Callable[[str], Index | None]
) -> dict[str, set[str]]:
    """Modules the module at ``path`` trains through -> its functions calling their
    training code (``run_lib.train`` calling ``losses.get_step_fn``)."""
    out: dict[str, set[str]] = {}
    found = comp_mod.imported_callers(sib, os.path.dirname(path), project_dir)
    for path2, callers in found.items():
        sib2 = sibling_index(path2)
        if sib2 is None:
            continue
        trained = training_names(sib2)
        for name, scopes in callers.items():
            if name in trained:
                out.setdefault(path2, set()).update(s for s in scopes if s is not None)
    return out


def step_modules(
    sib: Index,
    path: str,
    names: set[str],
    project_dir: str | None,
    sibling_index: Callable[[str], Index | None],
) -> list[str]:
    """The modules holding the training step that ``names`` of the module at ``path``
    run (``run_lib.train`` -> ``losses.py``)."""
    through = trains_through(sib, path, project_dir, sibling_index)
    return [p for p, callers in through.items() if names & callers]


# TensorFlow's file, device and logging API: used by launchers of any framework.
_TF_UTILITY = ("tensorflow.io.", "tensorflow.config.", "tensorflow.compat.v1.logging.")


def _file_api_only(ix: Index) -> bool:
    """TensorFlow is imported, and only its file/device/logging API is called."""
    tf = [cs.name for cs in ix.calls if cs.name.startswith("tensorflow.")]
    return bool(tf) and all(n.startswith(_TF_UTILITY) for n in tf)


def _mark(f: Field, path: str) -> Field:
    if f.file is None:
        f.file = path
        for a in f.alternatives:
            a.file = a.file or path
    return f


def inherit_values(
    card: ModelCard,
    ix: Index,
    base_dir: str | None,
    project_dir: str | None,
    sibling_index: Callable[[str], Index | None],
) -> None:
    """Fill the unset training values of ``card`` (an entry point) from the
    project modules it calls."""
    missing = [k for k in INHERITED if k not in card.fields]
    if not missing or base_dir is None:
        return
    called = comp_mod.imported_calls(ix, base_dir, project_dir)
    ranked: list[tuple[int, str, Index]] = []
    for path, names in called.items():
        sib = sibling_index(path)
        if sib is None:
            continue
        if names & training_names(sib):
            ranked.append((0, path, sib))
            continue
        # The modules holding the training step this one runs come right after it
        # (run_lib.train -> losses.get_step_fn: the optimizer is built in losses.py).
        steps = [
            p
            for p in step_modules(sib, path, names, project_dir, sibling_index)
            if p not in called and all(p != r[1] for r in ranked)
        ]
        ranked.append((0 if steps else 1, path, sib))
        ranked += [(0, p, got) for p in steps if (got := sibling_index(p)) is not None]
    ranked.sort(key=lambda t: t[0])
    fams = card.fields.get("arch_family")
    if (fams is None or fams.value in (["other"], [])) and ranked and ranked[0][0] == 0:
        # main.py builds runners.Diffusion(args).train(): what it trains is what that
        # module's code computes (its schedule, its losses), read without its classes.
        _rank, path, sib = ranked[0]
        # Followed one module further when that one holds the training step
        # (main.py -> run_lib.train -> losses.get_step_fn, the SDE's loss).
        for p in [path, *trains_through(sib, path, project_dir, sibling_index)]:
            got = sib if p == path else sibling_index(p)
            if got is None:
                continue
            fam = family.family_field(family.family_evidence(got, [], p), [], False)
            if fam is not None and fam.value not in (["other"], []):
                card.fields["arch_family"] = _mark(fam, p)
                break
    launcher = not trains_itself(ix) and not any(c.file is None for c in card.components)
    if ranked and ranked[0][0] == 0 and launcher:
        # A launcher that defines and trains nothing itself (``run_lib.train(config)``,
        # tf imported for its file API) is written in the framework of what it runs.
        _rank, path, sib = ranked[0]
        fw = framework.framework_field(sib.import_lines)
        own = card.fields.get("framework")
        if fw is not None and (own is None or _file_api_only(ix)):
            fw.detail = f"{fw.detail} (the module it runs)"
            card.fields["framework"] = _mark(fw, path)
    for _rank, path, sib in ranked[:_MAX_MODULES]:
        got = _fields(sib, Resolver(sib, os.path.dirname(path)), path, project_dir)
        for k in list(missing):
            f = got.get(k)
            if f is not None and f.value not in (None, []):
                card.fields[k] = _mark(f, path)
                missing.remove(k)
        # The optimizer's companions (weight decay, scheduler) come with it.
        for k in ("weight_decay", "momentum", "scheduler"):
            if (
                k in got
                and k not in card.fields
                and card.fields.get("optimizer") is got.get("optimizer")
            ):
                card.fields[k] = _mark(got[k], path)
        if not missing:
            return
