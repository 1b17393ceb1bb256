"""The bundled demo corpus against its README ground truth, field by field.

The expectations live in ``demo_expected.py``; every field an entry does not list must
be absent (a wrong fact is worse than none), and listed alternatives must match exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msqd.card import ModelCard
from msqd.extract import extract_file

from .card_checks import component_problems, field_problems
from .demo_expected import DEMO

DEMO_ROOT = Path(__file__).resolve().parents[3] / "daemon" / "msqd" / "demo_corpus"

_cards: dict[str, ModelCard] = {}


def _card(rel: str) -> ModelCard:
    if rel not in _cards:
        _cards[rel] = extract_file(DEMO_ROOT / rel, DEMO_ROOT)
    return _cards[rel]


def test_every_demo_file_has_expectations() -> None:
    files = {str(p.relative_to(DEMO_ROOT)) for p in DEMO_ROOT.rglob("*.py")}
    assert len(files) == 18
    assert files == set(DEMO)


def test_readme_lists_every_demo_file() -> None:
    readme = (DEMO_ROOT / "README.md").read_text(encoding="utf-8")
    rows = [ln for ln in readme.split("\n") if ln.startswith("| `")]
    named = {ln.split("`")[1] for ln in rows}
    assert named == set(DEMO)


@pytest.mark.parametrize("rel", sorted(DEMO))
def test_demo_fields(rel: str) -> None:
    card = _card(rel)
    assert card.status == "ok", card.message
    exp = DEMO[rel]
    path = DEMO_ROOT / rel
    problems = field_problems(path, card, exp) + component_problems(path, card, exp)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("rel", sorted(DEMO))
def test_demo_card_roundtrips(rel: str) -> None:
    card = _card(rel)
    data = card.to_json()
    assert ModelCard.from_json(json.loads(json.dumps(data))).to_json() == data


def test_checker_catches_a_wrong_value() -> None:
    """The comparison must fail on a wrong value, a wrong type, a wrong line and an
    unexpected field, or the tests above prove nothing."""
    rel = "mnist-diffusion/conditional_mnist.py"
    card = _card(rel)
    exp = dict(DEMO[rel])
    wrong = {
        "timesteps": (1000,),
        "conditional": (1,),
        "learning_rate": (5e-4, '"--epochs"', "argparse-default"),
    }
    for name, bad in wrong.items():
        assert field_problems(DEMO_ROOT / rel, card, {**exp, name: bad}), name
    missing = {k: v for k, v in exp.items() if k != "loss"}
    assert field_problems(DEMO_ROOT / rel, card, missing)
