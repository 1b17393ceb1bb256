"""Rules read from a model's structure and a loader's arguments: residual blocks,
an encoder and decoder from two sibling modules, graph-data catalogues, autoregressive
sampling, and notebook cells that only partly parse."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from msqd.extract import extract_file, extract_source

CONV_BLOCK = """
import torch.nn as nn
import torch.nn.functional as F

class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        self.shortcut = nn.Sequential()

    def forward(self, x):
        out = F.relu(self.conv1(x))
        out = self.conv2(out)
        {add}
        return F.relu(out)
"""


@pytest.mark.parametrize(
    "add",
    ["out += self.shortcut(x)", "out = out + x", "out = x + out", "out += self.downsample(x)"],
)
def test_a_conv_block_adding_its_input_back_is_a_resnet(add: str) -> None:
    card = extract_source(textwrap.dedent(CONV_BLOCK.format(add=add)))
    fams = card.value("arch_family")
    assert isinstance(fams, list) and "resnet" in fams, fams
    assert "residual connection in Block" in card.fields["arch_family"].detail


def test_a_conv_block_without_a_skip_is_not_a_resnet() -> None:
    card = extract_source(textwrap.dedent(CONV_BLOCK.format(add="out = out * 2")))
    fams = card.value("arch_family")
    assert not (isinstance(fams, list) and "resnet" in fams), fams


def test_encoder_and_decoder_from_two_sibling_modules_make_a_seq2seq(tmp_path: Path) -> None:
    pkg = tmp_path / "nmt"
    pkg.mkdir()
    (pkg / "encoders.py").write_text(
        "import torch.nn as nn\n"
        "class RecurrentEncoder(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.rnn = nn.LSTM(32, 64, batch_first=True)\n"
    )
    (pkg / "decoders.py").write_text(
        "import torch.nn as nn\n"
        "class RecurrentDecoder(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.rnn = nn.LSTM(32, 64, batch_first=True)\n"
    )
    model = pkg / "model.py"
    model.write_text(
        "import torch.nn as nn\n"
        "from encoders import RecurrentEncoder\n"
        "from decoders import RecurrentDecoder\n"
        "class Model(nn.Module):\n"
        "    def __init__(self, src_vocab, trg_vocab):\n"
        "        super().__init__()\n"
        "        self.encoder = RecurrentEncoder()\n"
        "        self.decoder = RecurrentDecoder()\n"
        "        self.src_embed = nn.Embedding(len(src_vocab), 32)\n"
    )
    fams = extract_file(model, tmp_path).value("arch_family")
    assert isinstance(fams, list) and fams[0] == "seq2seq", fams


@pytest.mark.parametrize(
    ("call", "want"),
    [
        ('TUDataset(root="data/TUDataset", name="MUTAG")', "MUTAG"),
        ('Planetoid("/tmp/Cora", "Cora")', "Cora"),
        ("PygNodePropPredDataset(name=args.dataset)", "ogbn-arxiv"),
    ],
)
def test_a_catalogue_dataset_class_names_its_data_set(call: str, want: str) -> None:
    src = f"""
    import argparse
    from torch_geometric.datasets import TUDataset, Planetoid
    from ogb.nodeproppred import PygNodePropPredDataset
    p = argparse.ArgumentParser()
    p.add_argument("--dataset", type=str, default="ogbn-arxiv")
    args = p.parse_args()
    dataset = {call}
    """
    card = extract_source(textwrap.dedent(src))
    assert card.value("dataset") == want
    assert card.fields["dataset"].line is not None


def test_a_catalogue_class_with_an_unreadable_name_says_nothing() -> None:
    src = """
    import sys
    from torch_geometric.datasets import TUDataset
    dataset = TUDataset(root="data", name=sys.argv[1])
    """
    assert extract_source(textwrap.dedent(src)).value("dataset") is None


def test_stoi_and_multinomial_sampling_make_a_language_model() -> None:
    src = """
    import torch
    import torch.nn.functional as F
    words = open("names.txt").read().splitlines()
    chars = sorted(set("".join(words)))
    stoi = {s: i for i, s in enumerate(chars)}
    C = torch.randn((27, 10), requires_grad=True)
    W = torch.randn((30, 27), requires_grad=True)
    for _ in range(1000):
        logits = C[X].view(-1, 30) @ W
        loss = F.cross_entropy(logits, Y)
        loss.backward()
    ix = torch.multinomial(F.softmax(logits, dim=1), num_samples=1).item()
    """
    fams = extract_source(textwrap.dedent(src)).value("arch_family")
    assert isinstance(fams, list) and fams[0] == "language-model", fams


def test_a_notebook_cell_left_blank_keeps_the_lines_that_parse(tmp_path: Path) -> None:
    cells = [
        "import tensorflow as tf\n",
        "learning_rate = 0.001\ninputs_ = \nlogits = \n"
        "cost = tf.reduce_mean(logits)\nopt = tf.train.AdamOptimizer(learning_rate).minimize(cost)\n",
    ]
    nb = {
        "cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in cells],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 4,
    }
    path = tmp_path / "exercise.ipynb"
    path.write_text(json.dumps(nb))
    card = extract_file(path, tmp_path)
    assert card.status == "partial"
    assert "syntax error in cell 2" in card.message
    assert card.value("optimizer") == "Adam"
    assert card.value("learning_rate") == pytest.approx(0.001)
