"""``msq show`` trees and ``--graph`` diagrams of real corpus files, through a real daemon.

The DOT of several wild-corpus cards is rendered by Graphviz's own ``dot -Tsvg`` and the
SVG parsed with xml.etree: every component must be a node, every ``uses`` an edge.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, Daemon, start_daemon, wait_indexed

MSQ = [sys.executable, "-m", "msq"]
SVG = "{http://www.w3.org/2000/svg}"
WILD = FIXTURES / "wild"
REPOS = [
    "ViT-pytorch",
    "a-PyTorch-Tutorial-to-Super-Resolution",
    "Diffusion-Models-pytorch",
    "makemore",
    "score_sde_pytorch",
    "flax/examples/sst2",
]
IDS = [
    "ViT-pytorch/train",
    "a-PyTorch-Tutorial-to-Super-Resolution/train_srgan",
    "Diffusion-Models-pytorch/ddpm_conditional",
    "makemore/makemore",
    "score_sde_pytorch/models/ncsnv2",
    "sst2/train",
]
BOX = set("─│├└┃━┌┐┘")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed")


@pytest.fixture(scope="module")
def wild(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    home = Path(tempfile.mkdtemp(prefix="msq-", dir="/tmp"))
    corpus = tmp_path_factory.mktemp("wild")
    for rel in REPOS:
        shutil.copytree(WILD / rel, corpus / Path(rel).name)
    d = start_daemon(home, env={"MSQ_EMBEDDING_MODEL": "hash"})
    try:
        with d.client() as c:
            c.add_root(corpus)
            wait_indexed(c)
        yield d
    finally:
        code = d.stop()
        shutil.rmtree(home, ignore_errors=True)
        assert code == 0, d.output()


def msq(d: Daemon, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*MSQ, "--home", str(d.home), "--no-autostart", *args],
        capture_output=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def card(d: Daemon, model_id: str) -> dict:
    out = msq(d, "--json", "show", model_id)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@needs_dot
@pytest.mark.parametrize("model_id", IDS)
def test_graphviz_draws_every_component_of_real_files(wild: Daemon, model_id: str) -> None:
    doc = card(wild, model_id)
    comps = doc["components"]
    assert len(comps) >= 3, "the fixture should have a component graph worth drawing"
    dot = msq(wild, "show", model_id, "--graph", "dot")
    assert dot.returncode == 0, dot.stderr
    svg = subprocess.run(["dot", "-Tsvg"], input=dot.stdout, capture_output=True, timeout=60)
    assert svg.returncode == 0, svg.stderr
    root = ET.fromstring(svg.stdout)
    groups = list(root.iter(f"{SVG}g"))
    nodes = {g.find(f"{SVG}title").text for g in groups if g.get("class") == "node"}
    edges = [g.find(f"{SVG}title").text for g in groups if g.get("class") == "edge"]
    names = {c["name"] for c in comps}
    assert names <= nodes
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert names <= texts  # the label's first line is the class name
    want = {(c["name"], u) for c in comps for u in c["uses"] if u != c["name"]}
    assert sorted(edges) == sorted(f"{a}->{b}" for a, b in want)


@needs_dot
def test_svg_and_png_files(wild: Daemon, tmp_path: Path) -> None:
    svg, png = tmp_path / "m.svg", tmp_path / "m.png"
    out = msq(wild, "show", IDS[0], "--graph", "svg", "-o", str(svg))
    assert out.returncode == 0, out.stderr
    assert f"wrote {svg}" in out.stderr.decode() and out.stdout == b""
    root = ET.fromstring(svg.read_bytes())
    assert "VisionTransformer" in {t.text for t in root.iter(f"{SVG}text")}
    out = msq(wild, "show", IDS[0], "--graph", "png", "-o", str(png))
    assert out.returncode == 0, out.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000


def test_without_graphviz_svg_is_one_sentence_and_text_still_works(wild: Daemon, tmp_path) -> None:
    env = {"PATH": str(tmp_path)}  # no dot anywhere on PATH
    out = msq(wild, "show", IDS[0], "--graph", "svg", "-o", str(tmp_path / "x.svg"), env=env)
    assert out.returncode == 1
    err = out.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and "apt-get install graphviz" in err
    assert "brew install graphviz" in err
    assert not (tmp_path / "x.svg").exists()
    mm = msq(wild, "show", IDS[0], "--graph", "mermaid", env=env)
    assert mm.returncode == 0 and mm.stdout.startswith(b"flowchart TD\n")
    assert b'["VisionTransformer' in mm.stdout


def test_show_in_a_pipe_prints_an_ascii_tree(wild: Daemon) -> None:
    out = msq(wild, "show", "a-PyTorch-Tutorial-to-Super-Resolution/train_srgan")
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert not BOX & set(text) and "\x1b[" not in text
    tree = text.split("\nComponents\n")[1].splitlines()
    assert tree[0].startswith("  Generator(nn.Module)  models.py:")
    assert tree[1].startswith("  `-- SRResNet(nn.Module)  models.py:")
    assert any(x.endswith("-- ConvolutionalBlock x 2 (shown above)") for x in tree), tree
    assert "  Not used by Generator:" in tree


def test_show_json_has_the_hierarchy_and_matches_the_schema(wild: Daemon) -> None:
    import jsonschema

    from tests.e2e.test_cli_daemon import validate

    doc = card(wild, "ViT-pytorch/train")
    validate(doc, "show")
    root = doc["hierarchy"]["root"]
    assert root["name"] == "VisionTransformer"
    assert [c["name"] for c in root["children"]] == ["Transformer"]
    assert root["file"].endswith("models/modeling.py") and root["line"] > 0
    doc["hierarchy"]["root"]["children"][0]["layers"] = {"Linear": "two"}
    with pytest.raises(jsonschema.ValidationError):
        validate(doc, "show")


def test_graph_usage_errors(wild: Daemon, tmp_path: Path) -> None:
    out = msq(wild, "show", IDS[0], "-o", str(tmp_path / "x.dot"))
    assert out.returncode == 2 and b"--graph" in out.stderr
    out = msq(wild, "--json", "show", IDS[0], "--graph", "dot")
    assert out.returncode == 2
    out = msq(wild, "show", IDS[0], "--graph", "jpeg")
    assert out.returncode == 2
    out = msq(wild, "show", "ViT-pytorch/utils/scheduler", "--graph", "dot")
    assert out.returncode == 1 and b"no model classes to draw" in out.stderr
