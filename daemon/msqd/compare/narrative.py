"""The grounded narrative: a local LLM writes prose, the grounding check gates it.

Tokens are buffered until a sentence ends; the sentence is checked against the
facts and only then are its tokens yielded, in order. A sentence that fails is
dropped and counted. The model is loaded on first use and unloaded after an idle
period, generation is bounded (tokens, seconds) and can be cancelled between
tokens.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from msqd.card import ModelCard

from .facts import Facts
from .grounding import check_sentence, sentence_spans
from .llm import HOW_TO_CONFIGURE, load_llama, model_name
from .prompt import Messages, build_description_prompt, build_prompt

__all__ = [
    "NarrativeState",
    "NarrativeSummary",
    "NarrativeToken",
    "Narrator",
    "build_prompt",
    "describe_with_llm",
]


@dataclass
class NarrativeState:
    """Proto ``NarrativeStatus``: disabled, unavailable, loading, generating."""

    state: str
    message: str = ""
    model: str = ""


@dataclass
class NarrativeToken:
    """Proto ``NarrativeToken``: text of an accepted sentence, in generation order."""

    text: str


@dataclass
class NarrativeSummary:
    """The last event; maps onto the narrative part of proto ``CompareDone``."""

    kept: int = 0
    dropped: int = 0
    dropped_sentences: list[str] = field(default_factory=list)
    dropped_reasons: list[list[str]] = field(default_factory=list)
    first_token_ms: float = 0.0  # request -> first generated token (includes loading)
    tokens_per_second: float = 0.0  # generation speed after the first token
    generated_tokens: int = 0
    text: str = ""  # everything that was emitted
    # stop, length, timeout, cancelled, unconfigured, unavailable, error
    stopped: str = "stop"
    truncated: str = ""  # a final fragment cut by the bound (not counted as dropped)


NarrativeEvent = NarrativeState | NarrativeToken | NarrativeSummary


class _Gate:
    """Buffers tokens into sentences and lets through only grounded ones."""

    def __init__(self, facts: Facts, summary: NarrativeSummary) -> None:
        self.facts = facts
        self.summary = summary
        self.pieces: list[str] = []
        self.started = False
        self.previous: list[str] = []  # models named by the last sentence, for "It ..."

    def feed(self, piece: str) -> list[str]:
        self.pieces.append(piece)
        text = "".join(self.pieces)
        spans = sentence_spans(text)
        if len(spans) < 2:
            return []
        return self._release(text, spans[-1][0])

    def finish(self, complete: bool) -> list[str]:
        text = "".join(self.pieces)
        if not text.strip():
            return []
        if not complete and text.rstrip()[-1:] not in ".!?":
            self.summary.truncated = text.strip()
            self.pieces = []
            return []
        return self._release(text, len(text))

    def _release(self, text: str, cut: int) -> list[str]:
        """Check every sentence in ``text[:cut]``; return the pieces of the kept ones."""
        out: list[str] = []
        pos = 0
        pieces, self.pieces = self.pieces, []
        spans = [(a, b) for a, b in sentence_spans(text[:cut])]
        for i, (a, b) in enumerate(spans):
            end = cut if i == len(spans) - 1 else spans[i + 1][0]
            result = check_sentence(text[a:b], self.facts, self.previous)
            if result.model_ids:
                self.previous = result.model_ids
            if result.ok:
                self.summary.kept += 1
            else:
                self.summary.dropped += 1
                self.summary.dropped_sentences.append(text[a:b].strip())
                self.summary.dropped_reasons.append(result.reasons)
            # Hand out the original pieces that fall in [pos, end), splitting at the edge.
            while pieces and pos < end:
                p = pieces[0]
                take = p[: end - pos]
                if result.ok and take:
                    out.append(take)
                if len(take) < len(p):
                    pieces[0] = p[len(take) :]
                else:
                    pieces.pop(0)
                pos += len(take)
        self.pieces = pieces
        if out and not self.started:
            out[0] = out[0].lstrip()
            self.started = True
        return [p for p in out if p]


class Narrator:
    """Streams a grounded narrative from a local GGUF model (llama-cpp-python).

    ``model_path`` None means no model is configured: :meth:`stream` says how to
    add one and everything else keeps working. Thread-safe: one generation at a
    time; a caller that cannot get the model within ``max_seconds`` is told so.
    """

    def __init__(
        self,
        model_path: str | None,
        idle_unload_s: float = 300,
        max_tokens: int = 200,
        max_seconds: float = 30,
        temperature: float = 0.1,
        seed: int = 42,
    ) -> None:
        self.model_path = model_path
        self.idle_unload_s = idle_unload_s
        self.max_tokens = max_tokens
        self.max_seconds = max_seconds
        self.temperature = temperature
        self.seed = seed
        self.problem = ""  # the last loading error, for Status
        self._llm: Any = None
        self._lock = threading.Lock()
        self._last_used = 0.0
        self._timer: threading.Timer | None = None
        self.loads = 0  # how many times the model was loaded (for tests and Status)

    @property
    def state(self) -> str:
        """``unconfigured``, ``unloaded`` or ``loaded``."""
        if not self.model_path:
            return "unconfigured"
        return "loaded" if self._llm is not None else "unloaded"

    @property
    def model_name(self) -> str:
        """Display name of the configured model ("" when none)."""
        return model_name(self.model_path)

    def _ensure_loaded(self) -> None:
        if self._llm is None:
            assert self.model_path
            self._llm = load_llama(self.model_path, seed=self.seed)
            self.loads += 1
            self.problem = ""

    def _unload(self) -> None:
        llm, self._llm = self._llm, None
        if llm is not None:
            close = getattr(llm, "close", None)
            if close:
                close()
            del llm
            gc.collect()

    def maybe_unload(self) -> bool:
        """Unload the model when idle for ``idle_unload_s``; True when it unloaded.

        Called by the idle timer and by the daemon's scheduler; never waits for a
        generation in progress.
        """
        if self._llm is None or not self._lock.acquire(blocking=False):
            return False
        try:
            if self._llm is None or time.monotonic() - self._last_used < self.idle_unload_s:
                return False
            self._unload()
            return True
        finally:
            self._lock.release()

    def _arm_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        # A little after the deadline so maybe_unload sees the model as idle.
        self._timer = threading.Timer(self.idle_unload_s * 1.05 + 0.01, self.maybe_unload)
        self._timer.daemon = True
        self._timer.start()

    def close(self) -> None:
        """Stop the idle timer and free the model."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        with self._lock:
            self._unload()

    def stream(
        self,
        messages: Messages,
        facts: Facts,
        cancelled: Callable[[], bool] | None = None,
        max_tokens: int | None = None,
    ) -> Iterator[NarrativeEvent]:
        """Generate, check and yield: states, tokens of grounded sentences, a summary.

        ``cancelled`` is polled after each generated token (the servicer passes
        ``lambda: not context.is_active()``). ``max_tokens`` overrides the
        configured bound for this call (0 or None: configured).
        """
        summary = NarrativeSummary()
        if not self.model_path:
            yield NarrativeState("unavailable", HOW_TO_CONFIGURE)
            summary.stopped = "unconfigured"
            yield summary
            return
        start = time.monotonic()
        if not self._lock.acquire(timeout=self.max_seconds):
            yield NarrativeState("unavailable", "the local LLM is busy", self.model_name)
            summary.stopped = "unavailable"
            yield summary
            return
        try:
            yield from self._generate(messages, facts, cancelled, max_tokens, summary, start)
        finally:
            self._last_used = time.monotonic()
            self._lock.release()
            if self._llm is not None:
                self._arm_timer()

    def _generate(
        self,
        messages: Messages,
        facts: Facts,
        cancelled: Callable[[], bool] | None,
        max_tokens: int | None,
        summary: NarrativeSummary,
        start: float,
    ) -> Iterator[NarrativeEvent]:
        limit = max_tokens or self.max_tokens
        if self._llm is None:
            yield NarrativeState("loading", "", self.model_name)
            try:
                self._ensure_loaded()
            except Exception as e:  # missing llama_cpp, missing or unreadable GGUF
                self.problem = f"{type(e).__name__}: {e}"
                yield NarrativeState("unavailable", f"cannot load the LLM: {self.problem}")
                summary.stopped = "unavailable"
                yield summary
                return
        yield NarrativeState("generating", "", self.model_name)
        gate = _Gate(facts, summary)
        chunks = self._llm.create_chat_completion(
            messages=messages,
            stream=True,
            temperature=self.temperature,
            max_tokens=limit,
            seed=self.seed,
            repeat_penalty=1.15,
        )
        first = last = 0.0
        summary.stopped = "stop"
        emitted: list[str] = []
        try:
            for chunk in chunks:
                choice = chunk["choices"][0]
                piece = choice.get("delta", {}).get("content") or ""
                if choice.get("finish_reason") == "length":
                    summary.stopped = "length"
                if not piece:
                    continue
                last = time.monotonic()
                if not summary.generated_tokens:
                    first = last
                    summary.first_token_ms = (first - start) * 1000
                summary.generated_tokens += 1
                for text in gate.feed(piece):
                    emitted.append(text)
                    yield NarrativeToken(text)
                # Polled once per generated token: a gone client stops generation at once.
                if cancelled is not None and cancelled():
                    summary.stopped = "cancelled"
                    break
                if summary.generated_tokens >= limit:
                    summary.stopped = "length"
                    break
                if last - start > self.max_seconds:
                    summary.stopped = "timeout"
                    break
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()
        if summary.stopped != "cancelled":
            for text in gate.finish(complete=summary.stopped == "stop"):
                emitted.append(text)
                yield NarrativeToken(text)
        if summary.generated_tokens > 1 and last > first:
            summary.tokens_per_second = (summary.generated_tokens - 1) / (last - first)
        summary.text = "".join(emitted)
        yield summary


def collect(events: Iterator[NarrativeEvent]) -> tuple[str, NarrativeSummary]:
    """Run a stream to the end: (emitted text, summary)."""
    text: list[str] = []
    summary = NarrativeSummary(stopped="error")
    for ev in events:
        if isinstance(ev, NarrativeToken):
            text.append(ev.text)
        elif isinstance(ev, NarrativeSummary):
            summary = ev
    return "".join(text), summary


def describe_with_llm(card: ModelCard, narrator: Narrator, max_tokens: int = 80) -> str | None:
    """A 1-2 sentence description of ``card`` from its facts, grounded; None if nothing.

    Meant for a low-priority background job (cache the result by ``card.sha256``).
    """
    if narrator.state == "unconfigured":
        return None
    facts = Facts.from_columns([(card, 0)])
    text, _summary = collect(
        narrator.stream(build_description_prompt(card), facts, max_tokens=max_tokens)
    )
    text = text.strip()
    return text or None
