"""The lexical stage of a search: FTS5 bm25 candidates for the question's words.

FTS5 scores every card that holds a query word before it can sort by bm25, so a
word's cost grows with the number of cards holding it (~20 ms for a word in a
quarter of 100,000 cards) while its weight in bm25 shrinks (idf). Words held by
more than ``COMMON_DOCS`` cards are therefore left out of the MATCH expression:
too common to rank by at this size. The commonest are the words the query
reader also turned into constraints ("diffusion", "cifar", "sgd"), which the
constraint groups score exactly on the field table anyway; dense retrieval
covers the rest. Below ``COMMON_DOCS`` cards nothing is left out, so small
indexes rank exactly as before. Counts are cached (a count is ~10x cheaper than
a ranked query, and only its order of magnitude matters).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ..store.db import Store
from .fieldtable import FieldTable
from .query import STOPWORDS
from .score import Evidence

COMMON_DOCS = 5000
_COUNT_CACHE = 4096
_FTS_WORD_RE = re.compile(r"[A-Za-z0-9]+")


def content_words(text: str) -> list[str]:
    """The distinct lower-case content words of ``text`` (at most 24), in order."""
    words = (w for w in _FTS_WORD_RE.findall(text.lower()) if w not in STOPWORDS and len(w) > 1)
    return list(dict.fromkeys(words))[:24]


def fts_query(text: str, every: bool = False) -> str:
    """An FTS5 MATCH expression of the content words as prefix terms.

    OR-ed for recall (bm25 ranks cards with more and rarer words first); with
    ``every``, AND-ed: a card containing every word is strong lexical evidence.
    Prefix terms are stemmed like the indexed text, so "classification"* finds
    "classifier" and "cifar"* finds "cifar10".
    """
    return _join(content_words(text), every)


def _join(words: list[str], every: bool) -> str:
    return (" AND " if every else " OR ").join(f'"{w}"*' for w in words)


class Found(NamedTuple):
    """What the lexical stage found: (slot, bm25) best first, and who holds every word."""

    ranked: list[tuple[int, float]]
    all_words: set[int]


class LexicalStage:
    """FTS5 candidates (rank, bm25, holds-every-word) for a search's evidence."""

    def __init__(self, store: Store, table: FieldTable) -> None:
        self.store = store
        self.table = table
        # word -> (cards holding it, index size when counted)
        self._counts: dict[str, tuple[int, int]] = {}

    def find(
        self, text: str, allowed: np.ndarray, pool: int, alternatives: list[list[str]] = ()
    ) -> Found:
        """The allowed cards holding the question's words, best bm25 first.

        ``alternatives`` are other spellings of the whole question (abbreviations:
        "ppo" for "proximal policy optimization"): a card holding every word of
        one of them holds the question too.
        """
        words = [w for w in content_words(text) if self._rare(w)]
        alts = [[w for w in content_words(" ".join(a)) if self._rare(w)] for a in alternatives]
        alts = [a for a in alts if a and a != words]
        if not words:
            return Found([], set())
        match = _join(list(dict.fromkeys(words + [w for a in alts for w in a])), False)
        every = " OR ".join(f"({_join(ws, True)})" for ws in [words, *alts])
        # Cards holding every word are the strongest lexical evidence and cheap to
        # find (an intersection). The OR query scores every card holding any word,
        # so it runs only when they cannot fill the pool.
        rows = self.store.fts(every, pool)
        all_words = {rid for rid, _ in rows}
        ran_or = False
        if len(rows) < pool and every != match:
            rows, ran_or = self.store.fts(match, pool), True
        ranked = self._allowed(rows, allowed)
        if not ranked and not ran_or and every != match:
            ranked = self._allowed(self.store.fts(match, pool), allowed)
        return Found(ranked, all_words if ranked else set())

    @staticmethod
    def merge(found: Found, cands: dict[int, Evidence], rowids: list[int]) -> None:
        """Add lexical ranks to the candidates; mark those holding every word."""
        for rank, (slot, bm25) in enumerate(found.ranked):
            ev = cands.setdefault(slot, Evidence())
            ev.lex_rank, ev.bm25 = rank, -bm25
        if found.all_words:
            for slot, ev in cands.items():
                if rowids[slot] in found.all_words:
                    ev.lex_all = True

    def _rare(self, word: str) -> bool:
        """Whether ``word`` is held by at most COMMON_DOCS cards (always, below that size)."""
        size = len(self.table)
        if size <= COMMON_DOCS:
            return True
        hit = self._counts.get(word)
        # Counts are refreshed when the index has grown or shrunk by a tenth.
        if hit is None or abs(size - hit[1]) > hit[1] // 10:
            if len(self._counts) >= _COUNT_CACHE:
                self._counts.clear()
            hit = (self.store.fts_count(f'"{word}"*'), size)
            self._counts[word] = hit
        return hit[0] <= COMMON_DOCS

    def _allowed(
        self, rows: list[tuple[int, float]], allowed: np.ndarray
    ) -> list[tuple[int, float]]:
        slot_of: Callable[[int], int | None] = self.table.slot_of
        out = []
        for rid, bm25 in rows:
            slot = slot_of(rid)
            if slot is not None and allowed[slot]:
                out.append((slot, bm25))
        return out
