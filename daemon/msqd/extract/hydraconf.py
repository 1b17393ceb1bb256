"""Hydra apps: the values in the config ``@hydra.main(config_path=..., config_name=...)``
composes.

A Hydra entry point names almost nothing itself: ``main(cfg)`` hands ``cfg.data``,
``cfg.model`` and ``cfg.trainer`` to ``hydra.utils.instantiate``, and the values sit
in the YAML files the decorator names and its ``defaults`` list pulls in
(``- data: mnist`` is ``configs/data/mnist.yaml`` placed under ``data``; a file that
starts with ``# @package _global_`` is placed at the root). The files are read with
the same small safe reader as every other config (``configfile.py``), never run;
interpolations (``${paths.data_dir}``) stay unresolved strings.

The values a training card needs are then read by key, last definition winning (the
defaults list's order is Hydra's merge order): a batch size, the optimizer's
``_target_`` and ``lr``, ``max_epochs``, the trainer's ``accelerator``, and the data
set named by the ``data`` option or its module's ``_target_``.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from typing import Any

from ..card import Field
from ..vocab import canonical_optimizer
from .configfile import MAX_CONFIG_BYTES, Node, load_config
from .datanames import names_in
from .index import Index, dotted
from .names import BATCH_NAMES, EPOCH_NAMES, LR_NAMES

# Defaults lists nest (an experiment pulling in a trainer); deeper chains are rare.
_MAX_DEPTH = 3
_MAX_FILES = 40


@dataclass
class Entry:
    """One value of the composed config, where it was written."""

    key: str  # dotted path in the composed config: "data.batch_size"
    value: Any
    line: int
    file: str


def hydra_entries(ix: Index, base_dir: str | None) -> tuple[list[Entry], list[str]]:
    """The scalar values of the config a ``@hydra.main`` function composes, in merge
    order, and the config files it names that could not be read (missing, too large,
    malformed, a symlink loop): they cost their values, never the card."""
    if base_dir is None:
        return [], []
    found = _main_config(ix)
    if found is None:
        return [], []
    config_path, config_name = found
    folder = os.path.normpath(os.path.join(base_dir, config_path))
    out: list[Entry] = []
    problems: list[str] = []
    _compose(folder, config_name, "", out, 0, [0], problems, required=True)
    return out, problems


def _main_config(ix: Index) -> tuple[str, str] | None:
    """(config_path, config_name) of the file's ``@hydra.main(...)`` decorator."""
    for defs in ix.functions.values():
        for fn, _cls in defs:
            for dec in fn.decorator_list:
                if not isinstance(dec, ast.Call):
                    continue
                name = ix.expand(dotted(dec.func) or "")
                if name not in ("hydra.main", "hydra.main.main"):
                    continue
                kw = {k.arg: k.value for k in dec.keywords}
                path, cfg = kw.get("config_path"), kw.get("config_name")
                if (
                    isinstance(path, ast.Constant)
                    and isinstance(cfg, ast.Constant)
                    and isinstance(path.value, str)
                    and isinstance(cfg.value, str)
                ):
                    return path.value, cfg.value
    return None


def _compose(
    folder: str,
    name: str,
    prefix: str,
    out: list[Entry],
    depth: int,
    count: list[int],
    problems: list[str],
    required: bool,
) -> None:
    path = os.path.join(folder, name if name.endswith((".yaml", ".yml")) else name + ".yaml")
    count[0] += 1
    if depth > _MAX_DEPTH or count[0] > _MAX_FILES:
        return
    node = load_config(path)
    if node is None or not isinstance(node.value, dict):
        if required:
            problems.append(f"hydra config {os.path.basename(path)} could not be read")
        return
    if _global_package(path):
        prefix = ""
    own = dict(node.value)
    defaults = own.pop("defaults", None)
    groups = _defaults(defaults)
    # ``_self_`` marks where the file's own values merge; by default, before the groups
    # (Hydra 1.1+ with ``_self_`` listed first, as the templates do).
    if "_self_" not in [g for g, _o, _opt in groups]:
        groups.insert(0, ("_self_", "", False))
    for group, option, optional in groups:
        if group == "_self_":
            _flatten(own, prefix, path, out)
            continue
        sub = group.replace("/", ".")
        _compose(
            os.path.join(folder, group),
            option,
            f"{prefix}{sub}.",
            out,
            depth + 1,
            count,
            problems,
            required=not optional,
        )


def _defaults(node: Node | None) -> list[tuple[str, str, bool]]:
    """(group, option, optional) of a defaults list; ``_self_`` as ("_self_", "", False)."""
    if node is None or not isinstance(node.value, list):
        return []
    out: list[tuple[str, str, bool]] = []
    for item in node.value:
        text = str(item.value).strip() if item.value is not None else ""
        if text == "_self_":
            out.append(("_self_", "", False))
            continue
        group, sep, option = text.partition(":")
        # ``optional`` files may be absent; ``override`` entries pick configs that
        # plugins ship (hydra/job_logging: colorlog), often not in the project.
        optional = group.strip().startswith(("optional ", "override "))
        group = group.replace("optional ", "").replace("override ", "").strip().lstrip("/")
        option = option.strip()
        if not sep or not group or option in ("", "null", "None", "~") or "@" in group:
            continue
        if group == "hydra" or group.startswith("hydra/"):
            continue  # Hydra's own settings (run dirs, logging): no training values
        out.append((group, option, optional))
    return out


def _global_package(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(min(MAX_CONFIG_BYTES, 400))
    except OSError:
        return False
    return "@package _global_" in head


def _flatten(values: dict[str, Node], prefix: str, path: str, out: list[Entry]) -> None:
    for key, child in values.items():
        if isinstance(child.value, dict):
            _flatten(child.value, f"{prefix}{key}.", path, out)
        elif not isinstance(child.value, list):
            out.append(Entry(f"{prefix}{key}", child.value, child.line, path))


def hydra_fields(entries: list[Entry]) -> dict[str, Field]:
    """Card fields read from a composed Hydra config (``how = "config-file"``)."""
    out: dict[str, Field] = {}

    def put(name: str, e: Entry, value: Any) -> None:
        out[name] = Field(value, e.line, "config-file", e.key, file=e.file)

    for e in entries:  # later entries override earlier ones, as Hydra merges
        leaf = e.key.rsplit(".", 1)[-1]
        v = e.value
        number = isinstance(v, (int, float)) and not isinstance(v, bool)
        if leaf in BATCH_NAMES and isinstance(v, int) and number and v > 0:
            put("batch_size", e, v)
        elif leaf in ("max_epochs", *EPOCH_NAMES) and isinstance(v, int) and number and v > 0:
            put("epochs", e, v)
        elif leaf in LR_NAMES and number and 0 < v < 1 and "sched" not in e.key:
            put("learning_rate", e, float(v))
        elif leaf == "_target_" and isinstance(v, str):
            if e.key.startswith("model.optimizer") or e.key.endswith("optimizer._target_"):
                canon = canonical_optimizer(v.rsplit(".", 1)[-1])
                if canon:
                    put("optimizer", e, canon)
            elif e.key == "data._target_":
                # The module path names it more often than the class: mnist_datamodule.
                named = names_in(v)
                if named:
                    put("dataset", e, named[0])
        elif (
            leaf == "accelerator"
            and isinstance(v, str)
            and v in ("cpu", "gpu", "cuda", "mps", "tpu")
        ):
            put("device", e, ["cuda" if v in ("gpu", "cuda") else v])
    return out


__all__ = ["Entry", "hydra_entries", "hydra_fields"]
