"""No extraction step fails on any file we ship or score.

``core._guard`` keeps a card when one step raises, and records the exception in
``card.message``; that is right for a stranger's pathological file, but on our own
corpora it hides bugs (a step that shadows a module loses every card's framework
and the card is merely "partial"). Every card of the fixture, demo and wild corpora
must carry no exception from a step.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from msqd.extract import extract_file

REPO = Path(__file__).resolve().parents[3]
CORPORA = {
    "corpus": REPO / "tests" / "fixtures" / "corpus",
    "demo": REPO / "daemon" / "msqd" / "demo_corpus",
    "wild": REPO / "tests" / "fixtures" / "wild",
}
# What core._guard writes: "<step>: <ExceptionClass>: <text>".
_STEP_FAILED = re.compile(r"(^|; )[\w ]+: [A-Z]\w*(Error|Exception|Exit|Interrupt)\b")


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_no_step_raises_on_our_corpora(name: str) -> None:
    root = CORPORA[name]
    files = [p for p in sorted(root.rglob("*")) if p.suffix in (".py", ".ipynb") and p.is_file()]
    assert len(files) > 10, root
    failed = {}
    for p in files:
        card = extract_file(p, root)
        if _STEP_FAILED.search(card.message or ""):
            failed[str(p.relative_to(root))] = card.message
    assert not failed, failed


def test_the_check_sees_a_step_that_raises() -> None:
    # The pattern matches what _guard writes for a failing step.
    assert _STEP_FAILED.search("framework: AttributeError: 'function' object has no attribute")
    assert not _STEP_FAILED.search("syntax error at line 3: invalid syntax")
