"""Search quality on real code: judged questions over the wild corpus, REAL daemon and model.

tests/fixtures/wild/ holds 612 scored files from 46 public repositories (GAN
collections, paper implementations, course notebooks, a framework's own
source). tests/fixtures/wild_queries.json holds judged questions over it,
graded 0-3 from the labels and the files *before* any ranking was looked at:
people's phrasings, typos, abbreviations, names and folders, comparisons
("x vs y", judged per side) and questions with no right answer.

One module-scoped daemon indexes the corpus once; every question is asked
once. Metrics: nDCG@10 with gains 2^grade - 1, recall@10 of the grade >= 2
files (out of min(10, their number)); a no-answer question (or side) must
show no row.

First honest run (questions written and saved first; search as of 2026-12-03,
before issue 14's changes): 53 judged lists, mean nDCG@10 = 0.615, recall@10 =
0.657; 5 of 5 no-answer questions empty, the empty "diffusion cifar vs mnist"
MNIST side showed 8 rows.

After names as evidence, abbreviations, the cover floor, role priors and the
comparison axis (same questions, same labels): nDCG@10 = 0.820, recall@10 =
0.829, 5 of 5 no-answer questions empty; the MNIST side shows 4 rows, two of
them the Udacity denoising autoencoder, which extraction labels a diffusion
model. Then cards gained `identifiers` (names the code defines: compute_gradient_penalty,
lambda_gp, ReplayBuffer) weighed as names: nDCG@10 = 0.841, recall@10 = 0.847.
Later rounds (docs/benchmarks.md): 0.848 / 0.858 on 2026-12-04, after contradicted
constraints weighed 0.75, the card's ``pretrained`` field and entry points first within
a project; 0.856 / 0.865 on 2026-12-04 after GNN cards were described as graph neural
networks; 0.869 / 0.876 later on 2026-12-04 after closest matches near the best cover (0.868 /
0.871 after that day's extraction rules), and
the MNIST side down to 2 rows (the denoising autoencoder and its export) once a model
of family "other" no longer joins a diffusion side; thresholds sit about 0.011 under
that run (runs vary by a few thousandths).
Lists still low, and why: "diffusion cifar" (ddim/main.py and score_sde_pytorch/main.py
name no dataset: their configs are required options), "character level language model
that generates names" (the HF language-modelling notebooks hold "language model" in
their names), "dcgan celeba" (every file of the DCGAN-LSGAN-WGAN-GP-DRAGAN collection
holds "dcgan" in its project name).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, Daemon, start_daemon, wait_indexed, wait_until

pytestmark = pytest.mark.slow

WILD = REPO / "tests" / "fixtures" / "wild"
QUESTIONS = REPO / "tests" / "fixtures" / "wild_queries.json"
MIN_CARDS = 600  # of the corpus's 612 files (a few may be skipped)
NDCG_MIN = 0.857
RECALL_MIN = 0.86
# Rows on empty comparison sides (the MNIST diffusion side), as measured: see above.
EMPTY_SIDE_ROWS_MAX = 2


def load_questions() -> list[dict[str, Any]]:
    """The judged questions (tests/fixtures/wild_queries.json)."""
    return json.loads(QUESTIONS.read_text())["queries"]


@pytest.fixture(scope="module")
def wild() -> Iterator[Daemon]:
    home = Path(tempfile.mkdtemp(prefix="msq-w-", dir="/tmp"))
    user = home / "user"
    env = {
        "HOME": str(user),
        "XDG_CONFIG_HOME": str(user / ".config"),
        "XDG_DATA_HOME": str(user / ".local/share"),
        "XDG_STATE_HOME": str(user / ".local/state"),
        "XDG_CACHE_HOME": str(user / ".cache"),
        "XDG_RUNTIME_DIR": str(user / "run"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    d = start_daemon(home)
    try:
        with d.client() as c:
            c.add_root(WILD)
            # The scan may not have queued anything yet when the first status is read.
            assert wait_until(lambda: c.status().cards_total >= MIN_CARDS, 900), d.output()
            wait_indexed(c, timeout=600)
        yield d
    finally:
        code = d.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(home, ignore_errors=True)
        assert code == 0, d.output()


def key(path: str) -> str:
    """A card's path as a label id: relative to the wild corpus root."""
    p = Path(path)
    return str(p.relative_to(WILD)) if p.is_relative_to(WILD) else path


def ndcg(ranked: list[str], labels: dict[str, int], k: int = 10) -> float:
    gains = [(2 ** labels.get(x, 0) - 1) / math.log2(i + 2) for i, x in enumerate(ranked[:k])]
    ideal = sorted(labels.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return sum(gains) / best if best else 0.0


def recall(ranked: list[str], labels: dict[str, int], k: int = 10) -> float:
    want = {x for x, g in labels.items() if g >= 2}
    return len(want & set(ranked[:k])) / min(k, len(want)) if want else 1.0


def run_all(d: Daemon) -> tuple[list[tuple[str, float, float]], list[tuple[str, int, str]]]:
    """(question, nDCG@10, recall@10) per judged list; (question, rows, notice) per empty one.

    An empty side is named "question [side n]"; an empty question by itself.
    """
    scored: list[tuple[str, float, float]] = []
    empty: list[tuple[str, int, str]] = []
    with d.client() as c:
        for item in load_questions():
            res = c.search(item["q"], limit=10, per_side=10)
            if "sides" in item:
                assert len(res.sides) == len(item["sides"]), item["q"]
                lists = [
                    (f"{item['q']} [side {i + 1}]", [key(r.card.path) for r in s.results], labels)
                    for i, (s, labels) in enumerate(zip(res.sides, item["sides"], strict=True))
                ]
            else:
                lists = [(item["q"], [key(r.card.path) for r in res.results], item["labels"])]
            for name, ranked, labels in lists:
                if labels:
                    scored.append((name, ndcg(ranked, labels), recall(ranked, labels)))
                else:
                    empty.append((name, len(ranked), res.notice))
    return scored, empty


def test_questions_are_judged_broadly() -> None:
    qs = load_questions()
    kinds = {q["kind"] for q in qs}
    assert len(qs) >= 40
    assert sum(1 for q in qs if q["kind"] == "no-answer") >= 4
    assert {"typo", "comparison", "name", "folder", "phrasing"} <= kinds


def test_ndcg_and_recall_on_real_code(wild: Daemon) -> None:
    scored, empty = run_all(wild)
    mean_ndcg = sum(s[1] for s in scored) / len(scored)
    mean_recall = sum(s[2] for s in scored) / len(scored)
    report = "\n".join(f"  {n:.2f} {r:.2f}  {q}" for q, n, r in scored)
    shown = "\n".join(f"  no-answer {q!r}: {n} rows, notice {t!r}" for q, n, t in empty)
    print(f"\nnDCG@10 {mean_ndcg:.3f}  recall@10 {mean_recall:.3f}  ({len(scored)} lists)")
    print(report + "\n" + shown)
    assert mean_ndcg >= NDCG_MIN, report
    assert mean_recall >= RECALL_MIN, report
    questions = [(q, n, t) for q, n, t in empty if "[side" not in q]
    assert len(questions) >= 4 and all(n == 0 for _, n, _ in questions), shown
    assert all("nothing in the index matches" in t for _, _, t in questions), shown
    assert sum(n for q, n, _ in empty if "[side" in q) <= EMPTY_SIDE_ROWS_MAX, shown
