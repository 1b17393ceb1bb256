"""Every fixture's card against hand-written expectations, field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from msqd.card import FIELD_NAMES, ModelCard
from msqd.extract import extract_file

from .conftest import CORPUS
from .expected import EXPECTED


def _line_of(path: Path, snippet: str) -> int:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        raise AssertionError("use (cell, snippet) for notebooks")
    for no, line in enumerate(text.split("\n"), start=1):
        if snippet in line:
            return no
    raise AssertionError(f"snippet {snippet!r} not in {path}")


def _cell_line_of(path: Path, cell: int, snippet: str) -> int:
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    src = "".join(cells[cell - 1]["source"])
    for no, line in enumerate(src.split("\n"), start=1):
        if snippet in line:
            return no
    raise AssertionError(f"snippet {snippet!r} not in cell {cell} of {path}")


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
    problems: list[str] = []
    for name in FIELD_NAMES:
        want = exp.get(name)
        got = card.fields.get(name)
        if want is None:
            if got is not None:
                problems.append(
                    f"{name}: expected absent, got {got.value!r} "
                    f"(line {got.line}, {got.how}, {got.detail})"
                )
            continue
        if got is None:
            problems.append(f"{name}: expected {want[0]!r}, got nothing")
            continue
        if got.value != want[0] or type(got.value) is not type(want[0]):
            problems.append(
                f"{name}: expected {want[0]!r}, got {got.value!r} "
                f"(line {got.line}, {got.how}, {got.detail})"
            )
            continue
        if len(want) >= 3:
            snippet, how = want[1], want[2]
            if isinstance(snippet, tuple):  # notebook: (cell, snippet)
                cell, snip = snippet
                line = _cell_line_of(path, cell, snip)
                if got.cell != cell:
                    problems.append(f"{name}: expected cell {cell}, got {got.cell}")
            elif len(want) >= 4:  # value from another file
                line = _line_of(path.parent / want[3], snippet)
                if got.file != str(path.parent / want[3]):
                    problems.append(f"{name}: expected file {want[3]}, got {got.file}")
            else:
                line = _line_of(path, snippet)
            if got.line != line or got.how != how:
                problems.append(
                    f"{name}: expected line {line} how {how}, got line "
                    f"{got.line} how {got.how} ({got.detail})"
                )
    comps = exp.get("components")
    if comps is not None:
        names = {c.name: c for c in card.components}
        if set(names) != set(comps):
            problems.append(f"components: expected {sorted(comps)}, got {sorted(names)}")
        else:
            for cname, layers in comps.items():
                if layers is not None and names[cname].layers != layers:
                    problems.append(f"{cname} layers: expected {layers}, got {names[cname].layers}")
    for cname, uses in exp.get("uses", {}).items():
        got_uses = next((c.uses for c in card.components if c.name == cname), None)
        if got_uses != uses:
            problems.append(f"{cname} uses: expected {uses}, got {got_uses}")
    for cname, file in exp.get("component_files", {}).items():
        c = next((c for c in card.components if c.name == cname), None)
        if c is None or c.file != str(path.parent / file):
            problems.append(f"{cname}: expected from {file}, got {c and c.file}")
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
