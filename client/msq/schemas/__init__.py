"""JSON Schemas (draft 2020-12) of the ``--json`` output of each command.

``card.json`` is referenced by the others through its ``$id``; load them all into one
registry (e.g. ``referencing.Registry``) to validate. docs/json.md describes each shape.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

NAMES = ("card", "search", "compare", "show", "ls", "status")


def load(name: str) -> dict[str, Any]:
    """The schema for ``name`` (one of NAMES) as a dict."""
    if name not in NAMES:
        raise KeyError(f"no schema {name!r}; choose from {', '.join(NAMES)}")
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def load_all() -> dict[str, dict[str, Any]]:
    """Every schema, keyed by its ``$id``."""
    return {s["$id"]: s for s in (load(n) for n in NAMES)}
