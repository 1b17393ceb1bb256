"""DOT and Mermaid of a component graph: golden output for one corpus card, structure,
escaping, the built-in SVG layout, and the message when Graphviz is missing.

Regenerate the golden files after a deliberate format change with
``MSQ_UPDATE_GOLDEN=1 pytest tests/msq/test_graph.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest

from msq.render.graph import (
    GraphvizMissing,
    build_graph,
    card_graph,
    layer_summary,
    render_dot,
    to_dot,
    to_mermaid,
)
from msq.render.svgtree import graph_svg
from msq.types import Card, ComponentInfo

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "golden"
SVG = "{http://www.w3.org/2000/svg}"


def comp(d: dict) -> ComponentInfo:
    return ComponentInfo(
        d["name"], d.get("base", ""), d.get("line"), dict(d.get("layers", {})),
        list(d.get("uses", [])), d.get("file"), d.get("cell"),
    )  # fmt: skip


def golden_card() -> Card:
    """The components msqd extracted from the corpus' train_srgan.py (frozen as input)."""
    doc = json.loads((GOLDEN / "srgan_components.json").read_text())
    return Card(
        model_id=doc["model_id"],
        path=doc["path"],
        components=[comp(c) for c in doc["components"]],
    )


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("MSQ_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; see the module docstring"


def test_golden_dot_and_mermaid() -> None:
    card = golden_card()
    check_golden("srgan.dot", card_graph(card, "dot").decode())
    check_golden("srgan.mmd", card_graph(card, "mermaid").decode())


def test_graph_has_every_class_and_every_uses_edge() -> None:
    card = golden_card()
    g = build_graph(card.components, title=card.model_id)
    assert sorted(n.name for n in g.nodes) == sorted(c.name for c in card.components)
    want = {(c.name, u) for c in card.components for u in c.uses}
    assert set(g.edges) == want and len(g.edges) == len(want)
    assert [n.name for n in g.nodes if n.main] == ["Generator"]
    dot = to_dot(g)
    for a, b in want:
        assert f'"{a}" -> "{b}";' in dot
    assert '"Generator" [label="Generator", penwidth=2.5];' in dot


def test_highlight_missing_and_escaping() -> None:
    comps = [
        comp({"name": 'Odd"Name', "uses": ["Ghost"], "layers": {"Linear": 3}}),
        comp({"name": "X<Y>", "layers": {"Conv2d": 1}}),
    ]
    g = build_graph(comps, title='t"1', highlight={"X<Y>"})
    dot = to_dot(g)
    assert 'digraph "t\\"1" {' in dot
    assert '"Odd\\"Name" [label="Odd\\"Name\\nLinear ×3"' in dot
    assert '"Ghost" [label="Ghost\\nnot on the card", style="rounded,dashed"];' in dot
    assert 'fillcolor="#ffe08a"' in dot.split('"X<Y>" [')[1].split("\n")[0]
    mm = to_mermaid(g)
    assert 'n0["Odd#quot;Name<br/>Linear ×3"]' in mm
    assert "X#lt;Y#gt;" in mm and "<Y>" not in mm
    assert "  class n1 differs" in mm and "  n0 --> n2" in mm


def test_card_parameter_estimate_is_the_graph_label() -> None:
    card = golden_card()
    est = SimpleNamespace(
        model_id=card.model_id,
        components=card.components,
        param_estimate=SimpleNamespace(total=1_549_462),
    )
    dot = card_graph(est, "dot").decode()
    assert '  label="≈1.5M parameters (estimate)"; labelloc=b; fontsize=10;' in dot
    assert (
        card_graph(est, "mermaid")
        .decode()
        .startswith("flowchart TD\n  %% ≈1.5M parameters (estimate)\n")
    )
    assert "parameters" not in card_graph(card, "dot").decode()


def test_layer_summary_wraps_and_caps() -> None:
    layers = {f"L{i}": 10 - i for i in range(10)}
    lines = layer_summary(layers)
    assert lines[0] == "L0 ×10, L1 ×9, L2 ×8"
    assert len(lines) == 3 and lines[-1] == "+4 more layer types"
    assert layer_summary({}) == []


def test_builtin_svg_parses_and_names_every_class() -> None:
    card = golden_card()
    g = build_graph(card.components, title=card.model_id, highlight={"Discriminator"})
    svg = graph_svg(g, uid="t1")
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for c in card.components:
        assert c.name in texts
    assert root.find(f"{SVG}defs/{SVG}marker").get("id") == "arrow-t1"
    differs = [e for e in root.iter(f"{SVG}g") if "differs" in (e.get("class") or "")]
    assert [e.find(f"{SVG}title").text for e in differs] == ["Discriminator"]
    lines = list(root.iter(f"{SVG}line"))
    assert len(lines) == len(g.edges)


def test_graphviz_missing_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no dot on PATH
    with pytest.raises(GraphvizMissing, match="apt-get install graphviz"):
        render_dot("digraph {}", "svg")
    # Text formats never need Graphviz.
    assert card_graph(golden_card(), "mermaid").startswith(b"flowchart TD")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed")
def test_graphviz_renders_the_golden_dot() -> None:
    svg = render_dot(card_graph(golden_card(), "dot").decode(), "svg")
    root = ET.fromstring(svg)
    titles = {t.text for t in root.iter(f"{SVG}title")}
    assert {c.name for c in golden_card().components} <= titles
    assert render_dot("digraph { a -> b }", "png").startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(RuntimeError, match="dot failed"):
        render_dot("digraph { a -> ", "svg")
