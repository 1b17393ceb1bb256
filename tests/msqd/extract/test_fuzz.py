"""Fuzzing: random bytes and mutated real scripts never make the extractor raise."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msqd.card import STATUS_VALUES, ModelCard
from msqd.extract import extract_file, extract_source
from msqd.extract.source import decode

from .conftest import CORPUS

FIXTURES = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".py", ".ipynb"))
SOURCES = [p.read_bytes() for p in FIXTURES]
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check(card: ModelCard) -> None:
    assert card.status in STATUS_VALUES
    card.to_json()  # the card must serialise
    assert len(card.description.split()) <= 60


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "flip", "nest", "truncate"]))
        n = len(data)
        if n == 0:
            break
        i = draw(st.integers(0, n - 1))
        j = min(n, i + draw(st.integers(1, 400)))
        if op == "delete":
            del data[i:j]
        elif op == "duplicate":
            data[j:j] = data[i:j] * draw(st.integers(1, 4))
        elif op == "flip":
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "nest":
            depth = draw(st.integers(50, 3000))
            opener = draw(st.sampled_from(["(", "[", "-", "not ", "lambda: ", "    if x:\n"]))
            data[i:i] = (opener * depth).encode()
        else:
            del data[i:]
    return bytes(data)


@SETTINGS
@given(st.binary(max_size=4000))
def test_random_bytes(raw: bytes) -> None:
    text, _ = decode(raw)
    _check(extract_source(text))
    _check(extract_source(text, language="ipynb"))


@SETTINGS
@given(mutated())
def test_mutated_fixtures(raw: bytes) -> None:
    text, _ = decode(raw)
    _check(extract_source(text))
    # The same bytes through the file path (NUL check, decoding, sibling lookup).
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "proj" / "mutant.py"
        p.parent.mkdir()
        p.write_bytes(raw)
        card = extract_file(p, d)
        _check(card)
        assert card.model_id == "proj/mutant"
        assert card.size == len(raw)
        os.unlink(p)
