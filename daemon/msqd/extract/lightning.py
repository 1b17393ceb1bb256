"""Epochs of a Lightning run that sets none: the framework's own default.

``Trainer()`` with neither ``max_epochs`` nor ``max_steps`` (nor ``max_time``)
trains for 1000 epochs; so does a ``LightningCLI`` unless its parser defaults or
``trainer_defaults`` set ``trainer.max_epochs``. A Trainer built from ``**kwargs``
or ``from_argparse_args`` takes its limits from elsewhere, and gets no default.
"""

from __future__ import annotations

import ast

from ..card import Field
from .common import number, to_field
from .index import MODULE, Index
from .resolve import Resolver

DEFAULT_MAX_EPOCHS = 1000
_LIMITS = ("max_epochs", "max_steps", "max_time", "min_epochs")
_LIGHTNING = ("pl.", "pytorch_lightning", "lightning", "L.")


def _from_lightning(ix: Index, name: str) -> bool:
    if name.startswith(_LIGHTNING):
        return True
    return "." not in name and ix.has_module("pytorch_lightning", "lightning")


def _cli_default(ix: Index, r: Resolver) -> Field | None:
    """``parser.set_defaults({"trainer.max_epochs": 15})`` in a LightningCLI subclass."""
    for node in ast.walk(ix.tree):
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if isinstance(k, ast.Constant) and k.value == "trainer.max_epochs" and v:
                    got = number(r.resolve(v, MODULE), int)
                    if got is not None:
                        return to_field(got)
    return None


def default_epochs(ix: Index, r: Resolver) -> Field | None:
    """Lightning's 1000 epochs, or a LightningCLI's parser default, when the code sets no limit."""
    # class MyCLI(LightningCLI): built, it is the CLI.
    own = {
        name: base
        for name, cls in ix.classes.items()
        for base in (ast.unparse(b).rsplit(".", 1)[-1] for b in cls.bases)
        if base in ("Trainer", "LightningCLI")
    }
    for cs in ix.calls:
        last = own.get(cs.last, cs.last) if cs.raw == cs.last else cs.last
        if last not in ("Trainer", "LightningCLI") or not _from_lightning(ix, cs.name):
            continue
        node = cs.node
        if any(k.arg is None or k.arg in _LIMITS for k in node.keywords):
            return None  # Trainer(**cfg), or a limit the other rules read
        if last == "LightningCLI" and any(s == "trainer.max_epochs" for s, _ in ix.strings):
            f = _cli_default(ix, r)
            if f is not None:
                return f
            if "trainer_defaults" in {k.arg for k in node.keywords}:
                return None
        return Field(
            DEFAULT_MAX_EPOCHS,
            node.lineno,
            "framework-default",
            f"{cs.last} default (max_epochs={DEFAULT_MAX_EPOCHS})",
        )
    return None
