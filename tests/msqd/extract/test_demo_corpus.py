"""The bundled demo corpus against its README ground truth, field by field.

The expectations live in ``demo_expected.py``; every field an entry does not list must
be absent (a wrong fact is worse than none), and listed alternatives must match exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from msqd.card import FIELD_NAMES, ModelCard
from msqd.extract import extract_file

from .demo_expected import DEMO

DEMO_ROOT = Path(__file__).resolve().parents[3] / "daemon" / "msqd" / "demo_corpus"

_cards: dict[str, ModelCard] = {}


def _card(rel: str) -> ModelCard:
    if rel not in _cards:
        _cards[rel] = extract_file(DEMO_ROOT / rel, DEMO_ROOT)
    return _cards[rel]


def _line_of(path: Path, snippet: str) -> int:
    for no, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if snippet in line:
            return no
    raise AssertionError(f"snippet {snippet!r} not in {path}")


def _same(got: Any, want: Any) -> bool:
    """Equal values of the same type (so 1 never passes for True or 1.0)."""
    return got == want and type(got) is type(want)


def _field_problems(rel: str, card: ModelCard, exp: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for name in FIELD_NAMES:
        want = exp.get(name)
        got = card.fields.get(name)
        if want is None:
            if got is not None:
                problems.append(
                    f"{name}: expected absent, got {got.value!r} (line {got.line}, {got.how}, "
                    f"{got.detail})"
                )
            continue
        if got is None:
            problems.append(f"{name}: expected {want[0]!r}, got nothing")
            continue
        if not _same(got.value, want[0]):
            problems.append(
                f"{name}: expected {want[0]!r}, got {got.value!r} "
                f"(line {got.line}, {got.how}, {got.detail})"
            )
            continue
        if len(want) >= 3:
            line = _line_of(DEMO_ROOT / rel, want[1])
            if got.line != line or got.how != want[2]:
                problems.append(
                    f"{name}: expected line {line} how {want[2]}, "
                    f"got line {got.line} how {got.how} ({got.detail})"
                )
    for name, alts in exp.get("alternatives", {}).items():
        got = card.fields.get(name)
        values = [a.value for a in got.alternatives] if got else None
        if values != alts:
            problems.append(f"{name} alternatives: expected {alts}, got {values}")
    return problems


def _component_problems(card: ModelCard, exp: dict[str, Any]) -> list[str]:
    problems: list[str] = []
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
        got = next((c.uses for c in card.components if c.name == cname), None)
        if got != uses:
            problems.append(f"{cname} uses: expected {uses}, got {got}")
    return problems


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
    problems = _field_problems(rel, card, exp) + _component_problems(card, exp)
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
        assert _field_problems(rel, card, {**exp, name: bad}), name
    missing = {k: v for k, v in exp.items() if k != "loss"}
    assert _field_problems(rel, card, missing)
