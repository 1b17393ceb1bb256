"""Shared paths for the extractor tests."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS
