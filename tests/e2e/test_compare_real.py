"""The one-screen compare answer over the demo corpus and the wild corpus, checked.

A real msqd (real MiniLM embedder) indexes each corpus; each question is asked
through the real CLI twice, as text (COLUMNS=100, a pipe) and as --json. Then:

- the text fits the line budget (40 lines for two sides of up to three models);
- every side block, ranked difference, summary sentence, table cell and
  architecture line of the text is one the JSON carries;
- everything the JSON carries is true of the cards it names, fetched through the
  client: ranges are the min and max of the side's values, counts are counts,
  shared values are every model's value, separating differences hold between every
  pair of models across the sides, numbers in the summary are the cards' numbers,
  and every summary sentence passes the grounding check.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from msq.demo import corpus_path
from msqd.card import ModelCard
from msqd.compare import Facts, check_sentence
from msqd.compare.render import format_field
from msqd.compare.traits import BY_NAME, fmt
from tests.conftest import Daemon, start_daemon, wait_indexed

WILD = Path(__file__).resolve().parents[1] / "fixtures" / "wild"
ARCH_Q = (
    "Can you please compare differences in architecture between my diffusion models on "
    "CIFAR-10 and MNIST?"
)
QUESTIONS: dict[str, list[list[str]]] = {
    "demo": [
        ["diffusion cifar vs mnist"],
        [ARCH_Q],
        ["gan vs vae"],
        ["pytorch vs keras"],
        ["diffusion on CIFAR-10", "diffusion on MNIST", "diffusion on Fashion-MNIST"],
        ["--ids", "cifar10-conditional-diffusion/cond_ddpm", "--ids", "mnist-diffusion/train"],
        [
            "--ids", "Generative-CIFAR-10-Cat-Dog/ddpm_v10", "--ids", "gan-celeba/dcgan",
            "--ids", "vae-mnist/vae",
        ],
    ],
    "wild": [
        ["diffusion cifar vs mnist"],
        [ARCH_Q],
        ["gan on mnist vs gan on celeba"],
        ["resnet on cifar vs vit on cifar"],
        ["gan", "vae", "diffusion"],
        ["compare the layers of dcgan vs wgan"],
    ],
}  # fmt: skip
NUM = re.compile(r"(?<![\w.-])\d+(?:\.\d+)?(?:e-?\d+)?(?![\w])")
BUDGET = 40


@pytest.fixture(scope="module", params=["demo", "wild"])
def corpus(request: pytest.FixtureRequest) -> Iterator[tuple[str, Daemon]]:
    home = Path(tempfile.mkdtemp(prefix="msq-", dir="/tmp"))
    root = Path(tempfile.mkdtemp(prefix="msq-corpus-")) / "corpus"
    src = corpus_path() if request.param == "demo" else WILD
    shutil.copytree(src, root, ignore=shutil.ignore_patterns("__pycache__", "split.json"))
    d = start_daemon(home)
    try:
        with d.client(timeout=120.0) as c:
            c.add_root(root)
            wait_indexed(c, timeout=600)
        yield request.param, d
    finally:
        assert d.stop() == 0
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(root.parent, ignore_errors=True)


def run(d: Daemon, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "msq", "--home", str(d.home), "--no-autostart", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "100"},
    )


def compare_args(q: list[str]) -> list[str]:
    return ["compare", *q, "--no-llm"]


# ------------------------------------------------------------------ truth of the JSON


def card_values(trait: str, cards: list[ModelCard]) -> list[Any]:
    return [BY_NAME[trait].value(c) for c in cards]


def check_range(text: str, values: list[Any]) -> None:
    nums = sorted(float(v) for v in values if v is not None)
    got = [float(x) for x in NUM.findall(text.split(" (")[0])]
    assert got == ([nums[0], nums[-1]] if nums[0] != nums[-1] else [nums[0]]), (text, values)


def check_side_values(trait: str, text: str, cards: list[ModelCard]) -> None:
    """One side's text for one trait is what the side's cards say."""
    t = BY_NAME[trait]
    vals = card_values(trait, cards)
    known = [v for v in vals if v is not None]
    m = re.search(r"\((\d+) of (\d+)\)$", text)
    if m and t.kind != "flag":
        assert (int(m.group(1)), int(m.group(2))) == (len(known), len(vals)), text
    if not known:
        assert text in ("not found", "—") or t.kind == "flag", text
        return
    if t.kind == "number":
        check_range(text, known)
    elif t.kind == "flag":
        yes = sum(1 for v in known if v)
        if text == "yes":
            assert yes == len(vals)
        elif text == "no":
            assert yes == 0 and len(known) == len(vals)
        else:
            assert text.startswith(f"{yes} of {len(vals)}"), (text, vals)
    else:
        words = text.rsplit(" (", 1)[0] if m else text
        assert set(words.split(" / ")) == {fmt(v) for v in known}, (text, known)


def check_overview(ov: dict[str, Any], cards: dict[str, ModelCard]) -> None:
    for s in ov["sides"]:
        side_cards = [cards[i] for i in s["model_ids"]]
        for t in s["shared"]:
            if t["field"] == "layers":
                for c in side_cards:
                    layers = {k for comp in c.components for k in comp.layers}
                    assert set(t["value"].split(" +")[0].split(", ")) <= layers
                continue
            vals = card_values(t["field"], side_cards)
            assert None not in vals and len(set(vals)) == 1, t
            if BY_NAME[t["field"]].kind == "number":
                check_range(t["value"], vals)
            elif BY_NAME[t["field"]].kind == "word":
                assert t["value"] == fmt(vals[0])
            else:
                assert t["value"].startswith("no ") != bool(vals[0])
        for t in s["spread"]:
            trait = BY_NAME[t["field"]]
            if trait.kind == "flag":
                vals = card_values(t["field"], side_cards)
                assert t["model_ids"] == [
                    c.model_id for c, v in zip(side_cards, vals, strict=True) if v
                ]
                assert t["text"].endswith(f"{len(t['model_ids'])} of {len(side_cards)}")
            else:
                check_side_values(t["field"], t["text"].split(" ", 1)[1], side_cards)
    for d in ov["ranked"]:
        per_side = []
        for sv in d["sides"]:
            side_cards = [cards[i] for i in sv["model_ids"] + sv["missing"]]
            check_side_values(d["field"], sv["text"], side_cards)
            per_side.append(card_values(d["field"], side_cards))
        if d["kind"] == "separates":
            # Holds between every model of one side and every model of another.
            for i, a in enumerate(per_side):
                for b in per_side[i + 1 :]:
                    for x in a:
                        for y in b:
                            assert x is not None and y is not None and fmt(x) != fmt(y), d
    for a in ov["arch"]:
        c = cards[a["model_id"]]
        names = {comp.name for comp in c.components}
        if a["backbone"]:
            assert a["backbone"].split(" ")[0] in names
        est = c.param_estimate
        assert a["parameters"] == (est.total if est else 0)
        assert a["unsized_layers"] == (est.unsized_layers if est else 0)


def check_summary(sentences: list[str], cards: list[ModelCard], sides: list[list[str]]) -> None:
    by_id = {c.model_id: c for c in cards}
    columns = [(by_id[i], n) for n, ids in enumerate(sides) for i in ids]
    facts = Facts.from_columns(columns)
    numbers = {float(len(ids)) for ids in sides} | {float(len(columns)), float(len(sides))}
    for c in cards:
        for f in c.fields.values():
            for v in [f.value, *(a.value for a in f.alternatives)]:
                for x in v if isinstance(v, list) else [v]:
                    if isinstance(x, int | float) and not isinstance(x, bool):
                        numbers.add(float(x))
    for s in sentences:
        res = check_sentence(s, facts)
        assert res.ok, (s, res.reasons)
        for x in NUM.findall(re.sub(r"\bside \d+", "", s)):
            assert float(x) in numbers, (s, x)


# ------------------------------------------------------------------ the text is the JSON


def blocks(text: str) -> dict[str, list[str]]:
    """The text's parts by title (side blocks under "sides")."""
    out: dict[str, list[str]] = {}
    cur = "head"
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith(("Architecture (", "What separates", "Differences (", "Summary",
                            "Fields that differ", "LLM narrative")):  # fmt: skip
            cur = line.split(" (")[0] if not line.startswith("Fields") else "Fields that differ"
            out.setdefault(cur, [])
            continue
        if re.match(r"side \d+ ·|side \d+ \[", line):
            cur = "sides"
        out.setdefault(cur, []).append(line)
    return out


def unwrap(lines: list[str], starts: tuple[str, ...]) -> list[str]:
    items: list[str] = []
    for line in lines:
        if line.startswith(starts):
            items.append(line.strip())
        elif items:
            items[-1] += " " + line.strip()
    return items


def check_text(text: str, doc: dict[str, Any], cards: dict[str, ModelCard]) -> None:
    ov = doc["overview"]
    parts = blocks(text)
    side_lines = parts.get("sides", [])
    heads = [ln for ln in side_lines if ln.startswith("side ")]
    assert len(heads) == len(ov["sides"])
    items: list[str] = []
    for ln in unwrap(side_lines, ("side ", "  all", "  spread")):
        if not ln.startswith(("all", "spread")):
            continue
        items += [x.strip() for x in ln.split(None, 1)[1].split(" · ")]
    known = {t["text"] for s in ov["sides"] for t in s["shared"] + s["spread"]}
    for it in items:
        if it.startswith("+") and it.endswith("(--full)"):
            continue
        assert it in known, (it, known)
    ranked = unwrap(
        parts.get("What separates", []) + parts.get("Differences", []), ("  • ", "  ~ ")
    )
    texts = {d["text"] for d in ov["ranked"]}
    for r in ranked:
        line = r[2:].replace(" (where known).", ".")
        assert line in texts, (line, texts)
    if ov["summary"]:
        para = " ".join(ln.strip() for ln in parts["Summary"])
        assert para == " ".join(ov["summary"])
    rows = {r["label"]: r for r in doc["table"]["rows"]}
    table = parts.get("Fields that differ", [])
    ids = [c["model_id"] for c in doc["table"]["columns"]]

    def label_of(ln: str) -> str | None:
        return next((lb for lb in sorted(rows, key=len, reverse=True) if ln.startswith(lb)), None)

    # One line of column heads, then one line per row: nothing wider than the screen.
    assert all(len(ln) <= 100 for ln in table), table
    for ln in table[1:]:
        label = label_of(ln)
        assert label is not None, (ln, table)
        cells = [x for x in re.split(r"\s{2,}", ln[len(label) :].strip())]
        row = rows[label]
        assert row["differs"]
        for cell, full, mid in zip(cells, row["cells"], ids, strict=False):
            assert full.startswith(cell.rstrip("…")), (cell, full)
            card = cards[mid]
            f = card.fields.get(row["field"])
            if row["field"] in card.fields or full != "—":
                assert full == format_field(f), (mid, row["field"], full)
    for ln in parts.get("Architecture", []):
        m = re.search(r"params ≈ ([\d.]+)([KMB]?)", ln)
        if m:
            n = float(m.group(1)) * {"": 1, "K": 1e3, "M": 1e6, "B": 1e9}[m.group(2)]
            totals = [c.param_estimate.total for c in cards.values() if c.param_estimate]
            assert any(abs(n - t) <= max(0.05 * t, 1) for t in totals), ln


@pytest.mark.parametrize("qi", range(7))
def test_default_answer_is_true_and_fits(corpus: tuple[str, Daemon], qi: int) -> None:
    name, d = corpus
    if qi >= len(QUESTIONS[name]):
        pytest.skip("fewer questions for this corpus")
    q = QUESTIONS[name][qi]
    out = run(d, *compare_args(q))
    if out.returncode == 1 and "nothing to compare" in out.stdout:
        pytest.skip(f"no side matched for {q}")
    assert out.returncode == 0, out.stderr
    js = run(d, "--json", *compare_args(q))
    assert js.returncode == 0, js.stderr
    doc = json.loads(js.stdout)
    ov = doc["overview"]
    sides = [s["model_ids"] for s in ov["sides"]]
    with d.client() as c:
        cards = {i: ModelCard.from_json(c.get(i).to_json()) for ids in sides for i in ids}
    check_overview(ov, cards)
    check_summary(ov["summary"], list(cards.values()), sides)
    check_text(out.stdout, doc, cards)
    lines = out.stdout.splitlines()
    if len(sides) == 2 and all(len(s) <= 3 for s in sides):
        assert len(lines) <= BUDGET, "\n".join(lines)
    assert all(len(ln) <= 100 for ln in lines), [ln for ln in lines if len(ln) > 100]
    if "architecture" in " ".join(q) or "layers" in " ".join(q):
        assert ov["architecture"] and ov["arch"]
        assert "Architecture (" in out.stdout


def test_full_prints_the_whole_table_and_every_difference(corpus: tuple[str, Daemon]) -> None:
    _name, d = corpus
    default = run(d, *compare_args(["diffusion cifar vs mnist"]))
    full = run(d, *compare_args(["diffusion cifar vs mnist"]), "--full")
    alld = run(d, *compare_args(["diffusion cifar vs mnist"]), "--all-differences")
    if default.returncode == 1:
        pytest.skip("no diffusion models on both sides")
    assert full.returncode == 0 and alld.returncode == 0
    assert "Key differences" in full.stdout and "Components" in full.stdout
    assert "Key differences" not in default.stdout
    assert len(full.stdout.splitlines()) > len(default.stdout.splitlines())
    assert "Key differences" in alld.stdout and "more differences" not in alld.stdout
