"""``msq compare --html``: one self-contained HTML page of a comparison.

The page holds the sides as read, ranked and key differences, the difference table and
each model's component diagram, side by side and grouped by side, with the components
that differ between the models filled. Everything is inline: CSS in a ``<style>``,
diagrams as ``<svg>`` (Graphviz's when ``dot`` is installed, else the built-in layout
of ``svgtree``), no scripts, no fonts, no links out; a Content-Security-Policy forbids
any fetch, so the page cannot reach the network even if a value tried to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from ..compare_types import DifferencesEvent, OverviewEvent, SidesEvent, TableEvent, TokenEvent
from ..types import Card, Side
from .graph import GraphvizMissing, build_graph, render_dot, to_dot
from .pagestyle import CSS
from .svgtree import graph_svg
from .tree import build_hierarchy, fmt_params, param_estimate, place

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@dataclass
class PageData:
    """What a comparison's event stream said, gathered for the page."""

    query: str = ""
    reading: str = ""
    sides: list[Side] = field(default_factory=list)
    table: TableEvent | None = None
    differences: list[Any] = field(default_factory=list)
    narrative: str = ""
    overview: OverviewEvent | None = None
    # Events this module has no section for, kept so that newer ones can still be shown.
    other: list[Any] = field(default_factory=list)

    def model_ids(self) -> list[str]:
        return [c.model_id for c in self.table.columns] if self.table else []


def collect(events: Iterable[Any], query: str = "") -> PageData:
    """Gather a compare event stream (``Client.compare``) into PageData."""
    data = PageData(query=query)
    for ev in events:
        if isinstance(ev, SidesEvent):
            if ev.kind == "sides":
                data.sides, data.reading = list(ev.sides), ev.summary
        elif isinstance(ev, TableEvent):
            data.table = ev
        elif isinstance(ev, DifferencesEvent):
            data.differences = list(ev.items)
        elif isinstance(ev, TokenEvent):
            data.narrative += ev.text
        elif isinstance(ev, OverviewEvent):
            data.overview = ev
        elif type(ev).__name__ not in ("NarrativeStatusEvent", "DoneEvent"):
            data.other.append(ev)
    return data


def _signature(c: Any) -> tuple[str, tuple[tuple[str, int], ...]]:
    return c.name, tuple(sorted(c.layers.items()))


def differing_components(cards: Sequence[Card]) -> dict[str, set[str]]:
    """Per model id, its classes that no other compared model has with the same layers."""
    sigs = {c.model_id: {_signature(x) for x in c.components} for c in cards}
    out: dict[str, set[str]] = {}
    for c in cards:
        others = [sigs[o.model_id] for o in cards if o.model_id != c.model_id and o.components]
        out[c.model_id] = (
            {x.name for x in c.components if not any(_signature(x) in o for o in others)}
            if others
            else set()
        )
    return out


_SVG_START = re.compile(r"<svg\b", re.S)
_IDS = re.compile(r'\bid="([^"]*)"')


def _graphviz_svg(dot: str, uid: str) -> str:
    svg = render_dot(dot, "svg").decode("utf-8", errors="replace")
    m = _SVG_START.search(svg)
    svg = svg[m.start() :] if m else svg
    # Graphviz numbers ids from 1 in every file; keep them unique on one page.
    svg = _IDS.sub(lambda mm: f'id="{uid}-{mm.group(1)}"', svg)
    return svg.replace("<svg ", '<svg class="graph" ', 1)


def diagram(card: Card, highlight: set[str], uid: str, use_graphviz: bool | None) -> str:
    """The card's component diagram as inline SVG (Graphviz when allowed and installed)."""
    g = build_graph(card.components, title=card.model_id, highlight=highlight, card=card)
    if use_graphviz is not False:
        try:
            return _graphviz_svg(to_dot(g), uid)
        except GraphvizMissing:
            if use_graphviz:
                raise
        except RuntimeError:
            pass  # a dot failure on one graph: the built-in layout still draws it
    return graph_svg(g, uid)


# ---------------------------------------------------------------- sections


def _e(v: Any) -> str:
    return escape(str(v), quote=True)


def _traits(label: str, traits: Sequence[Any]) -> str:
    if not traits:
        return ""
    items = "".join(f"<li>{_e(t.text)}</li>" for t in traits)
    return f'<div class="traits"><span class="cat">{label}</span><ul>{items}</ul></div>'


def _summaries_section(ov: OverviewEvent) -> str:
    boxes = []
    for s in ov.sides:
        ids = ", ".join(s.model_ids)
        parts = [
            f'<div class="summary"><h3><span class="side-tag s{s.side % 6}">side {s.side + 1}'
            f"</span> {_e(s.name) if s.name != f'side {s.side + 1}' else ''}</h3>"
        ]
        if s.reading and s.reading not in (s.name, ids):  # --ids sides read as the id
            parts.append(f"<p>{_e(s.reading)}</p>")
        parts.append(f'<p class="ids">{_e(ids)}</p>')
        parts.append(_traits("shared", s.shared) + _traits("spread", s.spread))
        if s.folds:
            folds = "".join(f"<li>{_e(f.name)}: {_e(', '.join(f.model_ids))}</li>" for f in s.folds)
            parts.append(f'<div class="traits"><span class="cat">versions</span><ul>{folds}</ul>')
            parts.append("</div>")
        boxes.append("".join(parts) + "</div>")
    inner = "".join(boxes)
    return f'<section id="sides"><h2>Sides</h2><div class="summaries">{inner}</div></section>'


def _ranked_section(ov: OverviewEvent) -> str:
    if not ov.ranked:
        return ""
    n = ov.default_count or len(ov.ranked)

    def item(d: Any) -> str:
        return f'<li><span class="cat">{_e(d.category)}</span> {_e(d.text)}</li>'

    head = "".join(item(d) for d in ov.ranked[:n])
    rest = ov.ranked[n:]
    more = (
        f'<details><summary>{len(rest)} more</summary><ol start="{n + 1}">'
        f"{''.join(item(d) for d in rest)}</ol></details>"
        if rest
        else ""
    )
    summary = "".join(f"{_e(x)} " for x in ov.summary)
    para = f'<p class="overview">{summary.strip()}</p>' if summary.strip() else ""
    return f'<section id="ranked"><h2>Ranked differences</h2>{para}<ol>{head}</ol>{more}</section>'


def _sides_section(data: PageData) -> str:
    if data.overview is not None and data.overview.sides:
        return _summaries_section(data.overview)
    if not data.sides:
        return ""
    items = []
    for i, s in enumerate(data.sides, 1):
        what = s.reading.summary or s.reading.text
        n = s.matched
        items.append(
            f'<li><span class="side-tag s{(i - 1) % 6}">side {i}</span> {_e(what)} '
            f"&rarr; {n} matching model{'s' if n != 1 else ''}</li>"
        )
    reading = f"<p>{_e(data.reading)}</p>" if data.reading else ""
    return f'<section id="sides"><h2>Sides</h2>{reading}<ul>{"".join(items)}</ul></section>'


def _differences_section(data: PageData) -> str:
    if not data.differences:
        return ""
    items = []
    for d in data.differences:
        cat = getattr(d, "category", "")
        ids = ", ".join(getattr(d, "model_ids", []) or [])
        items.append(
            f'<li><span class="cat">{_e(cat)}</span> {_e(getattr(d, "text", d))}'
            + (f' <span class="ids">({_e(ids)})</span>' if ids else "")
            + "</li>"
        )
    return f'<section id="differences"><h2>Key differences</h2><ol>{"".join(items)}</ol></section>'


def _table_section(data: PageData) -> str:
    t = data.table
    if t is None or not t.columns:
        return '<section id="table"><p>Nothing to compare: no side matched any model.</p></section>'
    groups: list[tuple[int, int]] = []
    for c in t.columns:
        if groups and groups[-1][0] == c.side:
            groups[-1] = (c.side, groups[-1][1] + 1)
        else:
            groups.append((c.side, 1))
    head1 = "".join(
        f'<th colspan="{n}" class="side-head s{side % 6}">side {side + 1}</th>'
        for side, n in groups
    )
    head2 = "".join(
        f'<th class="model">{_e(c.model_id)}'
        + (" (baseline)" if t.baseline and c.model_id == t.baseline else "")
        + "</th>"
        for c in t.columns
    )
    rows = []
    for r in t.rows:
        cells = list(r.cells)
        if t.baseline and r.deltas:
            cells = [f"{c} ({d})" if d else c for c, d in zip(cells, r.deltas, strict=False)]
        cls = ' class="differs"' if r.differs else ""
        mark = "&ne;" if r.differs else ""
        tds = "".join(f"<td>{_e(c)}</td>" for c in cells)
        rows.append(
            f'<tr{cls}><td class="mark">{mark}</td><th scope="row">{_e(r.label)}</th>{tds}</tr>'
        )
    return (
        '<section id="table"><h2>Differences, field by field</h2><div class="scroll"><table>'
        f"<thead><tr><th></th><th></th>{head1}</tr><tr><th></th><th>Field</th>{head2}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _model_figure(
    card: Card | None,
    model_id: str,
    diff: set[str],
    uid: str,
    gv: bool | None,
    arch: Any = None,
) -> str:
    if card is None:
        return (
            f'<figure class="model"><figcaption><span class="model-id">{_e(model_id)}</span>'
            "</figcaption><p>card not found</p></figure>"
        )
    h = build_hierarchy(card.components)
    facts = [f'<span class="path">{_e(card.path)}</span>']
    if h.root is not None:
        facts.append(f"main model <b>{_e(h.root.name)}</b> ({_e(place(h.root, card.path))})")
    params = param_estimate(card)
    if params is not None:
        facts.append(f"&asymp;{fmt_params(params)} parameters")
    if diff:
        facts.append(f"{len(diff)} differing component{'s' if len(diff) != 1 else ''} highlighted")
    body = "<p>no model classes on this card</p>"
    if card.components:
        body = diagram(card, diff, uid, gv)
    if arch is not None and arch.lines:
        lines = "".join(f"<li>{_e(x)}</li>" for x in arch.lines)
        body = f'<ul class="arch">{lines}</ul>{body}'
    return (
        f'<figure class="model" id="{_e(uid)}"><figcaption><span class="model-id">'
        f"{_e(card.model_id)}</span><br>{'<br>'.join(facts)}</figcaption>"
        f'<div class="diagram">{body}</div></figure>'
    )


def _diagrams_section(data: PageData, cards: dict[str, Card], use_graphviz: bool | None) -> str:
    if data.table is None or not data.table.columns:
        return ""
    present = [cards[m] for m in data.model_ids() if m in cards]
    diff = differing_components(present)
    arch: dict[str, Any] = {}
    for a in data.overview.arch if data.overview is not None else ():
        for m in [a.model_id, *a.model_ids]:
            arch.setdefault(m, a)
    by_side: dict[int, list[str]] = {}
    for c in data.table.columns:
        by_side.setdefault(c.side, []).append(c.model_id)
    cols = []
    for side, ids in by_side.items():
        what = ""
        if side < len(data.sides):
            what = data.sides[side].reading.summary or data.sides[side].reading.text
        figs = "".join(
            _model_figure(
                cards.get(m), m, diff.get(m, set()), f"m{side}-{i}", use_graphviz, arch.get(m)
            )
            for i, m in enumerate(ids)
        )
        cols.append(
            f'<div class="side-col"><h3><span class="side-tag s{side % 6}">side {side + 1}</span> '
            f"{_e(what)}</h3>{figs}</div>"
        )
    return (
        '<section id="diagrams"><h2>Architectures</h2><p class="legend"><span class="swatch">'
        "</span> a component no other model here has with the same layers; bold border: the main "
        f'model</p><div class="sides">{"".join(cols)}</div></section>'
    )


def _other_section(data: PageData) -> str:
    # Events newer than this page (e.g. ranked differences): their text, so nothing is lost.
    if not data.other:
        return ""
    items = "".join(f"<li>{_e(getattr(ev, 'text', '') or ev)}</li>" for ev in data.other)
    return f'<section id="more"><h2>More</h2><ul>{items}</ul></section>'


def compare_page(
    data: PageData,
    cards: dict[str, Card],
    *,
    use_graphviz: bool | None = None,
    generated: str = "",
) -> str:
    """The whole page. ``use_graphviz``: None = when installed, False = never, True = must."""
    title = data.query or " vs ".join(data.model_ids()) or "comparison"
    narrative = (
        f'<section id="narrative"><h2>LLM narrative</h2><p>{_e(data.narrative.strip())}</p>'
        "<p class=note>local LLM, checked against the facts</p></section>"
        if data.narrative.strip()
        else ""
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>msq compare: {_e(title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>msq compare</h1><p class=query>{_e(title)}</p></header><main>",
        _sides_section(data),
        _ranked_section(data.overview) if data.overview is not None else "",
        _differences_section(data),
        _table_section(data),
        _diagrams_section(data, cards, use_graphviz),
        narrative,
        _other_section(data),
        f"</main><footer>{_e(generated)}</footer></body></html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"
