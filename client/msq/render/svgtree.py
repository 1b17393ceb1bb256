"""A built-in SVG drawing of a component graph, for pages made without Graphviz.

Layered top-down: a class sits one row below the first class that uses it (in tree
order), rows are centred and wrap past ~560 px, and each ``uses`` edge is a straight
arrow. Box widths come
from the label's length at a fixed character width, so no font metrics are needed and
the result is the same on every machine. Plain SVG 1.1, no scripts, no external fonts.
"""

from __future__ import annotations

from html import escape

from .graph import HIGHLIGHT_FILL, Graph

_CHAR_W = 6.6  # px per character at font-size 11 in a sans-serif font (generous)
_LINE_H = 14
_PAD_X = 10
_PAD_Y = 7
_GAP_X = 18
_GAP_Y = 36
_MARGIN = 8
_MAX_W = 560  # px; wider rows wrap


def _line_w(names: list[str], size: dict[str, tuple[float, float]]) -> float:
    return sum(size[x][0] for x in names) + _GAP_X * (len(names) - 1)


def _depths(g: Graph) -> dict[str, int]:
    """Row of each node: 0 for nodes nothing uses, else one below its first user."""
    used = {b for _, b in g.edges}
    depth: dict[str, int] = {}
    order = [n.name for n in g.nodes]
    for name in order:
        if name in used or name in depth:
            continue
        depth[name] = 0
        stack = [name]
        while stack:  # depth-first in edge order, like the tree
            cur = stack.pop()
            kids = [b for a, b in g.edges if a == cur and b not in depth]
            for k in kids:
                depth[k] = depth[cur] + 1
            stack.extend(reversed(kids))
    for name in order:  # only in cycles nothing else reaches
        depth.setdefault(name, 0)
    return depth


def graph_svg(g: Graph, uid: str = "g", css_class: str = "graph") -> str:
    """``g`` as one inline ``<svg>`` element (``uid`` keeps ids unique on a page)."""
    depth = _depths(g)
    rows: dict[int, list[str]] = {}
    for n in g.nodes:
        rows.setdefault(depth[n.name], []).append(n.name)
    by_name = {n.name: n for n in g.nodes}
    size: dict[str, tuple[float, float]] = {}
    for n in g.nodes:
        lines = [n.name, *n.lines]
        w = max(len(x) for x in lines) * _CHAR_W + 2 * _PAD_X
        size[n.name] = (w, len(lines) * _LINE_H + 2 * _PAD_Y)
    # A wide row wraps onto more lines, so the picture keeps a readable scale on a page.
    bands: list[list[str]] = []
    for d in sorted(rows):
        cur: list[str] = []
        for name in rows[d]:
            if cur and _line_w([*cur, name], size) > _MAX_W:
                bands.append(cur)
                cur = []
            cur.append(name)
        bands.append(cur)
    width = max((_line_w(b, size) for b in bands), default=0) + 2 * _MARGIN
    pos: dict[str, tuple[float, float]] = {}  # top-left corner
    y = float(_MARGIN)
    for ln in bands:
        x = _MARGIN + (width - 2 * _MARGIN - _line_w(ln, size)) / 2
        for name in ln:
            pos[name] = (x, y)
            x += size[name][0] + _GAP_X
        y += max(size[n][1] for n in ln) + _GAP_Y
    height = y - _GAP_Y + _MARGIN
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-label="{escape(g.title)}">',
        f"<title>{escape(g.title)}</title>",
        f'<defs><marker id="arrow-{uid}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#5b6770"/></marker></defs>',
    ]
    for a, b in g.edges:
        (ax, ay), (aw, ah) = pos[a], size[a]
        (bx, by), (bw, _) = pos[b], size[b]
        x1, y1 = ax + aw / 2, ay + ah
        x2, y2 = bx + bw / 2, by
        if by <= ay:  # an edge up (a block used again higher): from the side
            y1, y2 = ay + ah / 2, by + size[b][1] / 2
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#5b6770" stroke-width="1" marker-end="url(#arrow-{uid})"/>'
        )
    for name, (x, y0) in pos.items():
        n = by_name[name]
        w, h = size[name]
        fill = HIGHLIGHT_FILL if n.highlight else "#f4f6f8"
        stroke = 2.5 if n.main else 1
        dash = ' stroke-dasharray="4 3"' if n.missing else ""
        cls = " ".join(
            c for c, on in (("node", True), ("main", n.main), ("differs", n.highlight)) if on
        )
        out.append(f'<g class="{cls}"><title>{escape(name)}</title>')
        out.append(
            f'<rect x="{x:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" rx="5" '
            f'fill="{fill}" stroke="#5b6770" stroke-width="{stroke}"{dash}/>'
        )
        for i, text in enumerate([n.name, *n.lines]):
            weight = ' font-weight="bold"' if i == 0 else ""
            ty = y0 + _PAD_Y + (i + 1) * _LINE_H - 3
            out.append(
                f'<text x="{x + w / 2:.1f}" y="{ty:.1f}" text-anchor="middle" '
                f'font-family="Helvetica,Arial,sans-serif" font-size="11"{weight}>'
                f"{escape(text)}</text>"
            )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
