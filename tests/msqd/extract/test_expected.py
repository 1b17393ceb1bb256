"""Every fixture's card against hand-written expectations, field by field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from msqd.card import ModelCard
from msqd.extract import extract_file

from .card_checks import component_problems, field_problems
from .conftest import CORPUS
from .expected import EXPECTED

_cards: dict[str, ModelCard] = {}


def card_for(rel: str) -> ModelCard:
    if rel not in _cards:
        _cards[rel] = extract_file(CORPUS / rel, CORPUS)
    return _cards[rel]


def test_corpus_is_big_enough() -> None:
    scripts = [p for p in CORPUS.rglob("*.py")]
    notebooks = list(CORPUS.rglob("*.ipynb"))
    assert len(scripts) >= 40
    assert len(notebooks) >= 3
    assert len(EXPECTED) >= 43


def test_every_fixture_has_expectations() -> None:
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.suffix in (".py", ".ipynb")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_fields(rel: str) -> None:
    exp = EXPECTED[rel]
    card = card_for(rel)
    path = CORPUS / rel
    assert card.status == exp.get("status", "ok"), card.message
    if "message" in exp:
        assert card.message.startswith(exp["message"]), card.message
    problems = field_problems(path, card, exp) + component_problems(path, card, exp)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_identity_and_description(rel: str) -> None:
    card = card_for(rel)
    path = CORPUS / rel
    assert card.path == str(path)
    assert card.model_id == rel.rsplit(".", 1)[0]
    assert card.project == rel.split("/")[0]
    assert card.size == path.stat().st_size
    assert len(card.sha256) == 64
    assert card.language == ("ipynb" if rel.endswith(".ipynb") else "py")
    assert card.created_source in ("birthtime", "git", "first-seen")
    words = card.description.split()
    assert 3 <= len(words) <= 50, card.description
    for want in EXPECTED[rel].get("description_has", ()):
        assert want in card.description


def _json_roundtrip(card: ModelCard) -> dict[str, Any]:
    from msqd.card import ModelCard as MC

    data = card.to_json()
    assert MC.from_json(data).to_json() == data
    assert json.loads(json.dumps(data)) == data  # plain JSON types only
    return data


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_card_json_roundtrip(rel: str) -> None:
    _json_roundtrip(card_for(rel))
