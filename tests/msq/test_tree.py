"""The component hierarchy of real corpus cards: main model, nesting, references, text."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.console import Console

from msq.render.card import card_view
from msq.render.tree import Hierarchy, build_hierarchy, main_component, tree_lines
from msq.types import Card, ComponentInfo

REPO = Path(__file__).resolve().parents[2]
WILD = REPO / "tests" / "fixtures" / "wild"
BOX = set("─│├└┃━┌┐┘┏")


def comp(d: dict) -> ComponentInfo:
    return ComponentInfo(
        d["name"], d.get("base", ""), d.get("line"), dict(d.get("layers", {})),
        list(d.get("uses", [])), d.get("file"), d.get("cell"),
        dict(d.get("repeats", {})), dict(d.get("repeat_exprs", {})),
    )  # fmt: skip


def card_of(rel: str) -> Card:
    """The card msqd extracts from a real corpus file, as the client sees it."""
    from msqd.extract import extract_file

    path = WILD / rel
    doc = extract_file(str(path)).to_json()
    return Card(model_id=rel, path=str(path), components=[comp(c) for c in doc["components"]])


def indent_of(lines: list[str], name: str) -> int:
    line = next(x for x in lines if x.lstrip(" |`-").startswith(name + "("))
    return len(line) - len(line.lstrip(" |`-"))


def test_vit_tree_nests_from_the_main_model_down() -> None:
    card = card_of("ViT-pytorch/train.py")
    h = build_hierarchy(card.components)
    assert h.root is not None and h.root.name == "VisionTransformer"
    lines = tree_lines(h, card.path)
    # VisionTransformer -> Transformer -> Encoder -> Block -> (Mlp, Attention)
    depth = [indent_of(lines, n) for n in ("Transformer", "Encoder", "Block", "Mlp")]
    assert depth == sorted(depth) and len(set(depth)) == 4
    assert indent_of(lines, "Attention") == indent_of(lines, "Mlp")
    assert lines[0].startswith("VisionTransformer(nn.Module)  models/modeling.py:")
    # Every class of the card appears exactly once in full.
    assert sorted(h.names()) == sorted(c.name for c in card.components)
    assert any(x.strip(" |`-") == "Linear x 4" for x in lines)  # Attention's layers


def test_shared_blocks_are_shown_once_and_unused_classes_follow() -> None:
    card = card_of("a-PyTorch-Tutorial-to-Super-Resolution/train_srgan.py")
    h = build_hierarchy(card.components)
    assert main_component(card.components) == "Generator"  # over its Discriminator
    text = "\n".join(tree_lines(h, card.path))
    assert len(re.findall(r"\bConvolutionalBlock\(nn.Module\)", text)) == 1
    assert re.search(r"ConvolutionalBlock( x [\w.]+( \(\d+\))?)? \(shown above\)", text), text
    after = text.split("Not used by Generator:")[1]
    assert "Discriminator(nn.Module)" in after and "TruncatedVGG19(nn.Module)" in after
    assert "SRResNet" not in after
    assert [o.name for o in h.others] == ["Discriminator", "TruncatedVGG19"]


def test_main_model_is_the_one_reaching_most_classes() -> None:
    card = card_of("makemore/makemore.py")
    h = build_hierarchy(card.components)
    assert h.root is not None and h.root.name == "Transformer"
    assert {"BoW", "RNN", "MLP", "Bigram"} <= {o.name for o in h.others}
    assert sorted(h.names()) == sorted(c.name for c in card.components)


def test_pipe_text_is_ascii_and_terminal_text_draws_boxes() -> None:
    card = card_of("ViT-pytorch/train.py")
    h = build_hierarchy(card.components)
    plain = "\n".join(tree_lines(h, card.path))
    fancy = "\n".join(tree_lines(h, card.path, unicode=True))
    assert not BOX & set(plain) and "×" not in plain
    assert "|-- " in plain and "`-- " in plain
    assert "├── " in fancy and "└── " in fancy


def test_card_view_prints_the_tree_plain_in_a_pipe_and_boxed_on_a_terminal() -> None:
    card = card_of("ViT-pytorch/train.py")
    buf = io.StringIO()
    card_view(Console(file=buf, force_terminal=False, width=120), card)
    out = buf.getvalue()
    assert "\nComponents\n  VisionTransformer(nn.Module)" in out
    assert not BOX & set(out.split("Components")[1])
    tty = io.StringIO()
    card_view(Console(file=tty, force_terminal=True, width=120, no_color=True), card)
    assert "└── " in tty.getvalue()


def test_cycles_missing_classes_and_no_components() -> None:
    comps = [
        comp({"name": "A", "uses": ["B"], "line": 1}),
        comp({"name": "B", "uses": ["A", "Ghost"], "line": 5}),
        comp({"name": "Lone", "layers": {"Linear": 2}, "line": 9}),
        comp({"name": "C", "uses": ["D"], "line": 12}),
        comp({"name": "D", "uses": ["C"], "line": 20}),
    ]
    h = build_hierarchy(comps)
    lines = tree_lines(h)
    assert h.root is not None
    assert "Ghost (not on the card)" in "\n".join(lines)
    # Every class shows up in full exactly once, even those only reachable in a cycle.
    assert sorted(h.names()) == ["A", "B", "C", "D", "Lone"]
    assert build_hierarchy([]) == Hierarchy(None) and tree_lines(Hierarchy(None)) == []


def test_json_hierarchy_and_parameter_estimate() -> None:
    card = card_of("a-PyTorch-Tutorial-to-Super-Resolution/train_srgan.py")
    doc = json.loads(json.dumps(build_hierarchy(card.components).to_json()))
    root = doc["root"]
    assert root["name"] == "Generator" and "params" not in root
    srresnet = root["children"][0]
    assert srresnet["name"] == "SRResNet"
    res = next(c for c in srresnet["children"] if c["name"] == "ResidualBlock")
    assert res["children"] == [{"name": "ConvolutionalBlock", "count": 2, "ref": True}]
    assert [o["name"] for o in doc["others"]] == ["Discriminator", "TruncatedVGG19"]
    # A component that carries its own estimate shows it; nothing is invented otherwise.
    comps = [
        SimpleNamespace(
            name=c.name, base=c.base, line=c.line, layers=c.layers, uses=c.uses, file=c.file,
            cell=c.cell, params=1_549_462 if c.name == "Generator" else None,
        )
        for c in card.components
    ]  # fmt: skip
    h = build_hierarchy(comps)
    assert h.to_json()["root"]["params"] == 1_549_462
    assert "≈1.5M params" in tree_lines(h, card.path)[0]
    assert "params" not in tree_lines(h, card.path)[2]


@pytest.mark.parametrize(
    "rel",
    [
        "score_sde_pytorch/models/ncsnv2.py",
        "flax/examples/sst2/train.py",
        "Diffusion-Models-pytorch/ddpm.py",
        "pytorch-lightning/examples/pytorch/domain_templates/generative_adversarial_net.py",
    ],
)
def test_every_component_of_real_files_is_in_the_tree(rel: str) -> None:
    card = card_of(rel)
    h = build_hierarchy(card.components)
    text = "\n".join(tree_lines(h, card.path))
    for c in card.components:
        assert f"{c.name}({c.base})" in text
    assert sorted(h.names()) == sorted(c.name for c in card.components)


def test_a_block_repeated_in_a_loop_is_shown_once_with_its_count() -> None:
    """makemore's Transformer builds ``Block`` in ``range(config.n_layer)`` (4 by default):
    one node, ``Block x config.n_layer (4)``, in the tree and in --json."""
    card = card_of("makemore/makemore.py")
    h = build_hierarchy(card.components)
    lines = tree_lines(h, card.path)
    blocks = [x for x in lines if x.lstrip(" |`-").startswith("Block")]
    assert len(blocks) == 1, lines
    assert "Block(nn.Module) x config.n_layer (4)" in blocks[0]
    tree = h.to_json()
    stack = [tree["root"]]
    found = []
    while stack:
        n = stack.pop()
        if n["name"] == "Block":
            found.append(n)
        stack.extend(n.get("children", []))
    assert [(n.get("count"), n.get("count_expr")) for n in found] == [(4, "config.n_layer")]
    assert "\u00d7" in "\n".join(tree_lines(h, card.path, unicode=True))
