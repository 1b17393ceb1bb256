"""The component graph of a card as Graphviz DOT or a Mermaid flowchart (plain text).

One node per class of the card (and per used class the card does not describe), one
edge per ``uses``; nodes come in tree order (``tree.build_hierarchy``), so the output
is stable. A node's label carries the class name, its layer summary and its parameter
estimate when its component has one (the card's estimate, which sums every top-level
class, is the graph's label); the main model is drawn bold, and the classes in
``highlight`` (a comparison's differing components) filled. ``render_dot`` runs
Graphviz's ``dot`` (the only step that needs it) to make SVG or PNG.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from ..types import ComponentInfo
from .tree import build_hierarchy, fmt_params, layer_items, param_estimate

# Layers per label line, and lines per label: a wide class stays a readable box.
_PER_LINE = 3
_MAX_LINES = 3
HIGHLIGHT_FILL = "#ffe08a"
INSTALL_HINT = (
    "Graphviz's `dot` is not installed; install it (`apt-get install graphviz` or "
    "`brew install graphviz`) or use --graph dot / --graph mermaid for text"
)


class GraphvizMissing(RuntimeError):
    """``dot`` is not on PATH."""


@dataclass
class GraphNode:
    name: str
    lines: list[str]  # label lines after the name
    main: bool = False
    missing: bool = False
    highlight: bool = False


@dataclass
class Graph:
    """Nodes in tree order and deduplicated edges (parent, child)."""

    title: str
    nodes: list[GraphNode]
    edges: list[tuple[str, str]]
    note: str = ""  # the card's parameter estimate (all classes), drawn as the graph label


def layer_summary(layers: dict[str, int]) -> list[str]:
    """'Conv2d ×4, BatchNorm2d ×4, ReLU ×1' split into short lines (at most three)."""
    items = [f"{k} ×{v}" for k, v in layer_items(layers)]
    lines = [", ".join(items[i : i + _PER_LINE]) for i in range(0, len(items), _PER_LINE)]
    if len(lines) > _MAX_LINES:
        more = len(items) - _PER_LINE * (_MAX_LINES - 1)
        lines = [*lines[: _MAX_LINES - 1], f"+{more} more layer types"]
    return lines


def build_graph(
    components: Sequence[ComponentInfo],
    *,
    title: str = "model",
    highlight: Collection[str] = (),
    card: Any = None,
) -> Graph:
    """The graph of ``components`` (see the module docstring)."""
    h = build_hierarchy(components)
    by_name = {c.name: c for c in components}
    main = h.root.name if h.root is not None else None
    nodes: list[GraphNode] = []
    for name in h.names():
        c = by_name[name]
        lines = layer_summary(c.layers)
        params = param_estimate(c)
        if params is not None:
            lines.append(f"≈{fmt_params(params)} params")
        nodes.append(GraphNode(name, lines, main=name == main, highlight=name in highlight))
    edges: list[tuple[str, str]] = []
    known = {n.name for n in nodes}
    for name in h.names():
        for u in by_name[name].uses:
            if u == name or (name, u) in edges:
                continue
            if u not in known:
                nodes.append(GraphNode(u, ["not on the card"], missing=True))
                known.add(u)
            edges.append((name, u))
    total = param_estimate(card) if card is not None else None
    note = f"≈{fmt_params(total)} parameters (estimate)" if total is not None else ""
    return Graph(title, nodes, edges, note)


# ---------------------------------------------------------------- DOT


def _dot_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(g: Graph) -> str:
    """Graphviz DOT text of ``g``."""
    out = [
        f"digraph {_dot_str(g.title)} {{",
        '  graph [rankdir=TB, fontname="Helvetica,Arial,sans-serif", nodesep=0.3, ranksep=0.4];',
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f6f8", color="#5b6770", '
        'fontname="Helvetica,Arial,sans-serif", fontsize=11];',
        '  edge [color="#5b6770", arrowsize=0.7];',
    ]
    if g.note:
        out.append(f"  label={_dot_str(g.note)}; labelloc=b; fontsize=10;")
    for n in g.nodes:
        attrs = [f"label={_dot_str(chr(10).join([n.name, *n.lines]))}"]
        if n.main:
            attrs.append("penwidth=2.5")
        if n.missing:
            attrs.append('style="rounded,dashed"')
        if n.highlight:
            attrs.append(f'fillcolor="{HIGHLIGHT_FILL}"')
        out.append(f"  {_dot_str(n.name)} [{', '.join(attrs)}];")
    for a, b in g.edges:
        out.append(f"  {_dot_str(a)} -> {_dot_str(b)};")
    out.append("}")
    return "\n".join(out) + "\n"


def render_dot(dot: str, fmt: str, timeout: float = 30.0) -> bytes:
    """``dot -T<fmt>`` of ``dot``; GraphvizMissing when Graphviz is not installed."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizMissing(INSTALL_HINT)
    try:
        proc = subprocess.run(
            [exe, f"-T{fmt}"], input=dot.encode(), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"dot took longer than {timeout:.0f} s") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"dot failed: {msg[0] if msg else proc.returncode}")
    return proc.stdout


# ---------------------------------------------------------------- Mermaid


def _mermaid_text(s: str) -> str:
    # Inside a quoted label only '"' and the HTML specials need escaping.
    return s.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def to_mermaid(g: Graph) -> str:
    """A Mermaid flowchart of ``g`` (node ids n0, n1, ... in tree order)."""
    ids = {n.name: f"n{i}" for i, n in enumerate(g.nodes)}
    out = ["flowchart TD"]
    if g.note:
        out.append(f"  %% {g.note}")
    for n in g.nodes:
        label = "<br/>".join(_mermaid_text(x) for x in [n.name, *n.lines])
        out.append(f'  {ids[n.name]}["{label}"]')
    for a, b in g.edges:
        out.append(f"  {ids[a]} --> {ids[b]}")
    out.append("  classDef main stroke-width:3px")
    out.append("  classDef missing stroke-dasharray:4 3")
    out.append(f"  classDef differs fill:{HIGHLIGHT_FILL}")
    for cls, pick in (
        ("main", lambda n: n.main),
        ("missing", lambda n: n.missing),
        ("differs", lambda n: n.highlight),
    ):
        chosen = [ids[n.name] for n in g.nodes if pick(n)]
        if chosen:
            out.append(f"  class {','.join(chosen)} {cls}")
    return "\n".join(out) + "\n"


GRAPH_FORMATS = ("dot", "mermaid", "svg", "png")


def card_graph(card: Any, fmt: str, highlight: Collection[str] = ()) -> bytes:
    """``msq show --graph FMT``: the card's graph as DOT/Mermaid text or rendered SVG/PNG."""
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}; choose from {', '.join(GRAPH_FORMATS)}")
    g = build_graph(card.components, title=card.model_id, highlight=highlight, card=card)
    if fmt == "mermaid":
        return to_mermaid(g).encode()
    dot = to_dot(g)
    return dot.encode() if fmt == "dot" else render_dot(dot, fmt)
