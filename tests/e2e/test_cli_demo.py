"""`msq demo --no-llm`: the real embedding model on a throw-away home (about a minute)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_demo_indexes_the_corpus_and_compares(short_home: Path) -> None:
    home = short_home / "demo"
    out = subprocess.run(
        [sys.executable, "-m", "msq", "--home", str(home), "demo", "--no-llm"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "indexed 18 scripts" in out.stderr
    assert re.search(r"side 1: .*CIFAR-10.* → \d+ matching model", out.stdout)
    assert re.search(r"side 2: .*MNIST.* → \d+ matching model", out.stdout)
    # The one-screen answer: what separates the sides, the summary, the differing fields.
    assert "What separates the sides" in out.stdout
    assert "\nSummary\n" in out.stdout
    assert "Timesteps: CIFAR-10 models 500–1000; MNIST models 300–400." in out.stdout
    assert len(out.stdout.strip("\n").splitlines()) <= 40, out.stdout
    assert not re.search(r"\x1b\[", out.stdout)
    # The demo stops its daemon: nothing answers on its socket any more.
    from msq import Client

    assert Client(home, autostart=False).health() == "DOWN"
