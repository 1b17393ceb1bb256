"""Bad input never raises out of the extractor: every problem is a status and a message."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

import pytest

from msqd.card import STATUS_VALUES, ModelCard
from msqd.extract import extract_file, extract_source


def _extract_with_timeout(path: Path, seconds: float = 10.0, **kw: object) -> ModelCard:
    """extract_file in a thread: a blocking open (FIFO) fails the test instead of hanging it."""
    out: list[ModelCard] = []
    t = threading.Thread(target=lambda: out.append(extract_file(path, **kw)), daemon=True)
    t.start()
    t.join(seconds)
    assert out, "extract_file blocked"
    return out[0]


def test_syntax_error_keeps_what_the_rest_gives(tmp_path: Path) -> None:
    p = tmp_path / "broken.py"
    p.write_text("import torch\nLR = 3e-4\ndef f(:\n    pass\nopt = torch.optim.Adam(m, lr=LR)\n")
    card = extract_file(p)
    assert card.status == "partial"
    assert card.message.startswith("syntax error at line 3:")
    assert card.value("framework") == ["pytorch"]
    assert card.value("learning_rate") == 3e-4
    assert card.value("optimizer") == "Adam"


def test_unrepairable_file_falls_back_to_tokens(tmp_path: Path) -> None:
    body = "import tensorflow as tf\n" + "".join(f'print "step {i}"\n' for i in range(60))
    p = tmp_path / "py2.py"
    p.write_text(body + 'DATA = "https://example.org/cifar10/data.tgz"\n')
    card = extract_file(p)
    assert card.status == "partial"
    assert card.message.startswith("syntax error at line 2:")
    assert card.value("framework") == ["tensorflow-keras"]
    assert card.value("dataset") == "CIFAR-10"


def test_python2_print_statements(tmp_path: Path) -> None:
    p = tmp_path / "old.py"
    p.write_text(
        "import torch\nprint 'hello'\nBATCH_SIZE = 32\nx = DataLoader(d, batch_size=BATCH_SIZE)\n"
    )
    card = extract_file(p)
    assert card.status == "partial"
    assert "line 2" in card.message
    assert card.value("batch_size") == 32


def test_pep263_latin1(tmp_path: Path) -> None:
    p = tmp_path / "fr.py"
    p.write_bytes(
        '# -*- coding: latin-1 -*-\n"""Modèle à noyau."""\nimport torch\n'.encode("latin-1")
    )
    card = extract_file(p)
    assert card.status == "ok", card.message
    assert "Modèle à noyau." in card.description


def test_undecodable_bytes_are_replaced(tmp_path: Path) -> None:
    p = tmp_path / "bad.py"
    p.write_bytes(b"import torch\n# caf\xe9\nLR = 0.1\nopt = torch.optim.SGD(m, lr=LR)\n")
    card = extract_file(p)
    assert card.status == "partial"
    assert "undecodable bytes replaced" in card.message
    assert card.value("learning_rate") == 0.1


def test_unknown_coding_declaration(tmp_path: Path) -> None:
    p = tmp_path / "klingon.py"
    p.write_bytes(b"# coding: klingon-9\nimport torch\n")
    card = extract_file(p)
    assert card.status == "partial"
    assert "coding" in card.message
    assert card.value("framework") == ["pytorch"]


def test_binary_file_named_py(tmp_path: Path) -> None:
    p = tmp_path / "weights.py"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    card = extract_file(p)
    assert (card.status, card.message) == ("skipped", "binary file")
    assert card.fields == {}


def test_too_large(tmp_path: Path) -> None:
    p = tmp_path / "big.py"
    p.write_text("x = 1\n" * 1000)
    card = extract_file(p, max_bytes=100)
    assert card.status == "skipped"
    assert card.message.startswith("file too large")
    assert card.size == 6000


def test_deep_nesting_does_not_escape() -> None:
    deep_expr = "x = " + "-" * 200_000 + "1\n"
    deep_calls = "y = " + "f(" * 180 + ")" * 180 + "\n"
    deep_blocks = "".join("    " * i + "if x:\n" for i in range(120)) + "    " * 120 + "pass\n"
    long_sum = "LR = " + "+".join(["1e-4"] * 50_000) + "\n"
    for text in (deep_expr, deep_calls, deep_blocks, long_sum, "[" * 5000):
        card = extract_source(text)
        assert card.status in STATUS_VALUES


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.py"
    p.write_bytes(b"")
    card = extract_file(p)
    assert card.status == "ok"
    assert card.message == "empty file"
    assert card.fields == {}
    assert card.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_file_vanished_broken_symlink(tmp_path: Path) -> None:
    target = tmp_path / "gone.py"
    link = tmp_path / "link.py"
    link.symlink_to(target)
    card = extract_file(link)
    assert (card.status, card.message) == ("error", "file vanished while reading")


def test_missing_file(tmp_path: Path) -> None:
    card = extract_file(tmp_path / "never.py")
    assert (card.status, card.message) == ("error", "file not found")


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0,
    reason="root reads files regardless of permissions",
)
def test_permission_denied(tmp_path: Path) -> None:
    p = tmp_path / "secret.py"
    p.write_text("import torch\n")
    p.chmod(0)
    try:
        card = extract_file(p)
    finally:
        p.chmod(0o644)
    assert (card.status, card.message) == ("error", "permission denied")


def test_directory(tmp_path: Path) -> None:
    d = tmp_path / "pkg.py"
    d.mkdir()
    card = extract_file(d)
    assert (card.status, card.message) == ("skipped", "is a directory")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_does_not_block(tmp_path: Path) -> None:
    f = tmp_path / "pipe.py"
    os.mkfifo(f)
    card = _extract_with_timeout(f)
    assert (card.status, card.message) == ("skipped", "not a regular file")


def test_notebook_not_json(tmp_path: Path) -> None:
    p = tmp_path / "nb.ipynb"
    p.write_text("{ not json")
    card = extract_file(p)
    assert card.status == "error"
    assert card.message.startswith("notebook is not valid JSON")
    assert card.language == "ipynb"


def test_notebook_nbformat3_and_magics(tmp_path: Path) -> None:
    doc = {
        "nbformat": 3,
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "code", "input": ["%matplotlib inline\n", "import torch\n"]},
                    {"cell_type": "markdown", "source": ["text"]},
                    {
                        "cell_type": "code",
                        "input": [
                            "!nvidia-smi\n",
                            "EPOCHS = 7\n",
                            "for epoch in range(EPOCHS):\n",
                            "    pass\n",
                        ],
                    },
                ]
            }
        ],
    }
    p = tmp_path / "old.ipynb"
    p.write_text(json.dumps(doc))
    card = extract_file(p)
    assert card.status == "ok", card.message
    f = card.fields["epochs"]
    assert (f.value, f.cell, f.line, f.how) == (7, 2, 2, "constant")


def test_garbage_source_never_raises() -> None:
    for text in (
        "\x00\x00",
        "\ufeff",
        "def",
        "class A(:",
        "lambda: (yield)",
        "@@@",
        "\t\t\tx",
        "import " + "a." * 5000 + "b",
        "f'{" * 300,
    ):
        assert extract_source(text).status in STATUS_VALUES
