"""Search quality on a labelled query set, with a real daemon and the REAL embedding model.

One module-scoped daemon indexes the demo corpus and the test fixture corpus;
every query of tests/msqd/search/queries.py is asked once. Metrics:

- nDCG@5 with graded gains (2^grade - 1), per query or comparison side;
- recall@10 of the grade-2 files (what was asked for), out of min(10, |grade 2|);
- no-answer queries: the table must be empty (rows hidden, notice says so).

First honest run (MiniLM, both corpora as of 2026-11-27, before any tuning against
this set; 36 labelled lists + 4 comparison-side lists = 40 lists):
    mean nDCG@5 = 0.868, mean recall@10 = 0.918, no-answer queries empty 3/4
    ("graph neural network for molecules" showed 2 rows).
Weak spots then: "varational autoencoder" (0.00: "autoencoder" reads as the
autoencoder family, which VAE cards contradict), the MNIST diffusion side (0.66:
demo conditional_mnist.py is extracted as a CNN classifier), "replay buffer and
target network" (0.61). Thresholds sit a little below the first run, so a
ranking regression fails while corpus growth does not.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, Daemon, start_daemon, wait_indexed
from tests.msqd.search.queries import QUERIES

pytestmark = pytest.mark.slow

DEMO = REPO / "daemon" / "msqd" / "demo_corpus"
FIXTURES = REPO / "tests" / "fixtures" / "corpus"
NDCG_MIN = 0.83
RECALL_MIN = 0.88
NO_ANSWER_EMPTY_MIN = 3


@pytest.fixture(scope="module")
def indexed() -> Iterator[Daemon]:
    home = Path(tempfile.mkdtemp(prefix="msq-q-", dir="/tmp"))
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
            c.add_root(DEMO)
            c.add_root(FIXTURES)
            wait_indexed(c, timeout=240)
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
    p = Path(path)
    for prefix, root in (("demo", DEMO), ("fix", FIXTURES)):
        if p.is_relative_to(root):
            return f"{prefix}/{p.relative_to(root)}"
    return path


def ndcg(ranked: list[str], labels: dict[str, int], k: int = 5) -> float:
    gains = [(2 ** labels.get(x, 0) - 1) / math.log2(i + 2) for i, x in enumerate(ranked[:k])]
    ideal = sorted(labels.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return sum(gains) / best if best else 0.0


def recall(ranked: list[str], labels: dict[str, int], k: int = 10) -> float:
    want = {x for x, g in labels.items() if g == 2}
    return len(want & set(ranked[:k])) / min(k, len(want)) if want else 1.0


def run_all(d: Daemon) -> tuple[list[tuple[str, float, float]], list[tuple[str, int, str]]]:
    scored: list[tuple[str, float, float]] = []
    empty: list[tuple[str, int, str]] = []
    with d.client() as c:
        for item in QUERIES:
            res = c.search(item["q"], limit=10, per_side=10)
            if "sides" in item:
                assert len(res.sides) == len(item["sides"]), item["q"]
                for i, (side, labels) in enumerate(zip(res.sides, item["sides"], strict=True)):
                    ranked = [key(r.card.path) for r in side.results]
                    scored.append(
                        (
                            f"{item['q']} [side {i + 1}]",
                            ndcg(ranked, labels),
                            recall(ranked, labels),
                        )
                    )
            elif item["labels"]:
                ranked = [key(r.card.path) for r in res.results]
                scored.append(
                    (item["q"], ndcg(ranked, item["labels"]), recall(ranked, item["labels"]))
                )
            else:
                empty.append((item["q"], len(res.results), res.notice))
    return scored, empty


def test_ndcg_and_recall_over_the_labelled_set(indexed: Daemon) -> None:
    scored, empty = run_all(indexed)
    mean_ndcg = sum(s[1] for s in scored) / len(scored)
    mean_recall = sum(s[2] for s in scored) / len(scored)
    report = "\n".join(f"  {n:.2f} {r:.2f}  {q}" for q, n, r in scored)
    print(f"\nnDCG@5 {mean_ndcg:.3f}  recall@10 {mean_recall:.3f}  ({len(scored)} lists)\n{report}")
    for q, shown, notice in empty:
        print(f"  no-answer {q!r}: {shown} rows, notice {notice!r}")
    assert len(QUERIES) >= 30
    assert mean_ndcg >= NDCG_MIN, report
    assert mean_recall >= RECALL_MIN, report
    silent = sum(1 for _, shown, notice in empty if shown == 0 and "nothing" in notice)
    assert silent >= NO_ANSWER_EMPTY_MIN, empty


def test_comparison_side_excludes_other_datasets(indexed: Daemon) -> None:
    with indexed.client() as c:
        res = c.search("diffusion cifar vs mnist", per_side=10)
    mnist = res.sides[1]
    datasets = {str(r.card.value("dataset")) for r in mnist.results}
    assert datasets <= {"MNIST", "None"}, datasets
    assert mnist.matched == sum(
        1 for r in mnist.results if r.card.value("dataset") == "MNIST"
    ) or mnist.matched >= len(mnist.results)
