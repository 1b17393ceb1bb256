"""The component hierarchy of a card: a tree from the main model down.

Built from the card alone (its components' ``uses`` and ``layers``), never from the
code. The main model is the class that nothing else uses and that reaches the most of
the file's classes (ties: a class defined in the file itself over one followed into a
sibling file, a generator over its discriminator, more layers, defined later, since a
script defines its model after the blocks it is built from). Each class is expanded
once; a class met again (a block two classes share, or a cycle) is a reference to the
first. Classes the main model does not reach are their own trees, listed after it.

A class built in a loop shows how many: ``Block x n_layer (12)`` (the count as written
and, when it resolves, its value).

``build_hierarchy`` gives the data (``Hierarchy.to_json()`` is the ``hierarchy`` of
``msq show --json``, docs/json.md); ``tree_lines`` draws it with ``|--`` / `` `-- ``
in a pipe and box-drawing characters only on a terminal.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..types import ComponentInfo

# Where a card or component carries a parameter estimate (``Card.param_estimate`` is a
# ParamInfo with ``total``); rendered when present, omitted otherwise.
_PARAM_ATTRS = ("params", "param_estimate", "parameters")


@dataclass
class Node:
    """One class in the tree (or a reference to one already shown)."""

    name: str
    base: str = ""
    file: str | None = None
    line: int | None = None
    cell: int | None = None
    layers: dict[str, int] = field(default_factory=dict)
    params: int | None = None
    children: list[Node] = field(default_factory=list)
    # "" a class of the card, "ref" already shown above, "missing" used but not on the card
    kind: str = ""
    # How many the parent builds (when > 1 and resolved) and the loop count as written.
    count: int | None = None
    count_expr: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.count is not None:
            out["count"] = self.count
        if self.count_expr:
            out["count_expr"] = self.count_expr
        if self.kind:
            out["ref" if self.kind == "ref" else "missing"] = True
            return out
        out.update(base=self.base, file=self.file, line=self.line, layers=dict(self.layers))
        if self.cell is not None:
            out["cell"] = self.cell
        if self.params is not None:
            out["params"] = self.params
        out["children"] = [c.to_json() for c in self.children]
        return out


@dataclass
class Hierarchy:
    """The main model's tree and the trees of the classes it does not reach."""

    root: Node | None
    others: list[Node] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "root": None if self.root is None else self.root.to_json(),
            "others": [o.to_json() for o in self.others],
        }

    def names(self) -> list[str]:
        """Every class shown, in tree order (each once)."""
        out: list[str] = []

        def walk(n: Node) -> None:
            if not n.kind and n.name not in out:
                out.append(n.name)
            for c in n.children:
                walk(c)

        for top in [self.root, *self.others]:
            if top is not None:
                walk(top)
        return out


def param_estimate(obj: Any) -> int | None:
    """The parameter estimate a card or component carries, if any."""
    for attr in _PARAM_ATTRS:
        v = getattr(obj, attr, None)
        v = getattr(v, "total", v)  # Card.param_estimate is a ParamInfo
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0:
            return int(v)
    return None


def _reach(name: str, by_name: dict[str, ComponentInfo]) -> set[str]:
    seen: set[str] = set()
    stack = [name]
    while stack:
        cur = stack.pop()
        for u in by_name[cur].uses if cur in by_name else ():
            if u not in seen and u != name:
                seen.add(u)
                stack.append(u)
    return seen


def main_component(components: Sequence[ComponentInfo]) -> str | None:
    """The name of the card's main (trained, top-level) model, or None without components."""
    if not components:
        return None
    by_name = {c.name: c for c in components}
    used = {u for c in components for u in c.uses if u != c.name}
    tops = [c for c in components if c.name not in used] or list(components)
    has_disc = any("discrim" in c.name.lower() for c in tops)

    def score(c: ComponentInfo) -> tuple[int, int, int, int, int]:
        gen = has_disc and ("generat" in c.name.lower() or c.name.lower() in ("netg", "g"))
        return (
            len(_reach(c.name, by_name) & set(by_name)),
            int(not c.file),
            int(gen),
            sum(c.layers.values()),
            c.line or 0,
        )

    return max(tops, key=score).name


def build_hierarchy(components: Sequence[ComponentInfo]) -> Hierarchy:
    """The tree of ``components`` from the main model down (see the module docstring).

    A node's ``params`` is set only when its component carries its own estimate: the
    card's ``param_estimate`` sums every top-level class, so it is not the main model's.
    """
    main = main_component(components)
    if main is None:
        return Hierarchy(None)
    by_name = {c.name: c for c in components}
    shown: set[str] = set()

    def node(name: str, parent: ComponentInfo | None = None) -> Node:
        n = _node(name)
        if parent is not None:
            n.count = (getattr(parent, "repeats", None) or {}).get(name)
            n.count_expr = (getattr(parent, "repeat_exprs", None) or {}).get(name, "")
        return n

    def _node(name: str) -> Node:
        c = by_name.get(name)
        if c is None:
            return Node(name, kind="missing")
        if name in shown:
            return Node(name, kind="ref")
        shown.add(name)
        n = Node(c.name, c.base, c.file, c.line, c.cell, dict(c.layers), param_estimate(c))
        n.children = [node(u, c) for u in c.uses if u != name]
        return n

    root = node(main)
    used = {u for c in components for u in c.uses if u != c.name}
    others = [node(c.name) for c in components if c.name not in shown and c.name not in used]
    # Classes only reachable from each other (a cycle nothing else uses).
    others += [node(c.name) for c in components if c.name not in shown]
    return Hierarchy(root, others)


# ---------------------------------------------------------------- text


def fmt_params(n: int) -> str:
    """1234567 -> '1.2M'."""
    for unit, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= size:
            return f"{n / size:.1f}".rstrip("0").rstrip(".") + unit
    return str(n)


def place(n: Node, card_path: str = "") -> str:
    """'train.py:120', or the sibling file relative to the card's folder."""
    if n.file:
        base = os.path.dirname(card_path) if card_path else ""
        where = os.path.relpath(n.file, base) if base and os.path.isabs(n.file) else n.file
        if where.startswith(".." + os.sep + ".."):
            where = n.file
    else:
        where = os.path.basename(card_path) if card_path else ""
    if n.cell:
        where = f"{where} cell {n.cell}".strip()
    if n.line:
        where = f"{where}:{n.line}" if where else f"line {n.line}"
    return where


def layer_items(layers: dict[str, int]) -> list[tuple[str, int]]:
    """Layers, most built first, then by name."""
    return sorted(layers.items(), key=lambda kv: (-kv[1], kv[0]))


def repeat_text(n: Node, times: str = "x") -> str:
    """' x n_layer (12)', ' x 12' or ' x depth' for a block built in a loop, else ''."""
    if n.count_expr and n.count is not None:
        return f" {times} {n.count_expr} ({n.count})"
    if n.count_expr or n.count is not None:
        return f" {times} {n.count_expr or n.count}"
    return ""


def _label(n: Node, card_path: str, times: str = "x") -> str:
    rep = repeat_text(n, times)
    if n.kind == "ref":
        return f"{n.name}{rep} (shown above)"
    if n.kind == "missing":
        return f"{n.name}{rep} (not on the card)"
    text = (f"{n.name}({n.base})" if n.base else n.name) + rep
    where = place(n, card_path)
    if n.params is not None:
        text += f"  ≈{fmt_params(n.params)} params"
    return f"{text}  {where}" if where else text


def tree_lines(h: Hierarchy, card_path: str = "", *, unicode: bool = False) -> list[str]:
    """The hierarchy as text lines: the main tree, then the classes it does not use."""
    tee, last, bar = ("├── ", "└── ", "│   ") if unicode else ("|-- ", "`-- ", "|   ")
    times = "×" if unicode else "x"
    out: list[str] = []

    def walk(n: Node, prefix: str) -> None:
        kids: list[str | Node] = list(n.children)
        kids += [f"{k} {times} {v}" for k, v in layer_items(n.layers)]
        for i, k in enumerate(kids):
            end = i == len(kids) - 1
            head = prefix + (last if end else tee)
            if isinstance(k, str):
                out.append(head + k)
                continue
            out.append(head + _label(k, card_path, times))
            walk(k, prefix + ("    " if end else bar))

    if h.root is None:
        return out
    out.append(_label(h.root, card_path))
    walk(h.root, "")
    if h.others:
        out.append("")
        out.append(f"Not used by {h.root.name}:")
        for o in h.others:
            out.append("  " + _label(o, card_path))
            walk(o, "  ")
    return out
