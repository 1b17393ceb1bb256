"""How much of a question a card holds: name hits and rare words, weighted by rarity.

Dense distance alone cannot tell "cyclegan horse zebra" from a question about any
other GAN: MiniLM places the CycleGAN notebook at 0.6, beyond the floor. What
tells them apart is that the card *holds* the rare words: its file is called
CycleGAN-keras, its dataset horse2zebra. This stage measures that:

- the question's words (``split_words``: "CycleGAN", "cycle_gan" and "cycle gan"
  read alike), each weighted by its idf in the index (a word no card holds
  weighs most, "train" almost nothing);
- name keys: each word, runs of neighbouring words joined ("wgan gp" ->
  wgangp) and abbreviations both ways (vocab.ABBREVIATIONS: "deep q network"
  -> dqn, "dqn" -> deepqnetwork), looked up in the name index;
- rare words (held by few cards) looked up in FTS5, so a card holding them in
  its text holds them too.

``name_cover`` is the idf share of the question a card holds in its names (own
names count fully, folder and project names less); ``cover`` the share it holds
in names or text. score.py adds name evidence to the rank and lets strong
cover keep a row above the relevance floor. A word nothing holds gets one typo
correction against the names ("cycelgan" -> cyclegan, ``CoverStage.correct``),
before the question is read, so "varational autoencoder" reads as a VAE.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from .. import vocab
from ..store.db import Store
from .fieldtable import FieldTable
from .names import MAX_JOIN, TYPO_MIN, NameIndex, split_words
from .query import STOPWORDS

# Words held by more cards than this are not looked up one by one: their idf is
# small, and reading every holder costs time at 100,000 cards.
RARE_MIN = 50
RARE_SHARE = 0.01
RARE_MAX = 1000
_MAX_WORDS = 16
_TYPED_RE = re.compile(r"[A-Za-z0-9]+")


def _abbreviations() -> list[tuple[str, list[list[str]]]]:
    out = []
    for short, longs in vocab.ABBREVIATIONS.items():
        forms = [[w for w in split_words(lf) if w not in STOPWORDS] for lf in longs]
        out.append(("".join(split_words(short)), [f for f in forms if f]))
    return out


_ABBREVIATIONS = _abbreviations()


def question_words(text: str) -> list[str]:
    """The question's words as names are split, stop words dropped (at most 16)."""
    return [w for w in split_words(text) if w not in STOPWORDS][:_MAX_WORDS]


def name_queries(words: list[str]) -> list[tuple[str, int, int]]:
    """(key, first word, end word) for every name key the question's words form."""
    out: list[tuple[str, int, int]] = []
    for n in range(1, MAX_JOIN + 1):
        for i in range(len(words) - n + 1):
            out.append(("".join(words[i : i + n]), i, i + n))
    runs = {k: (i, j) for k, i, j in out}
    for short, forms in _ABBREVIATIONS:
        for form in forms:
            n = len(form)
            for i in range(len(words) - n + 1):
                if words[i : i + n] == form:
                    out.append((short, i, i + n))
            span = runs.get(short)
            if span is not None:
                # "dqn" typed: the long form's join finds Deep_Q_Network_Solution.
                out.append(("".join(form), *span))
    return out


def alternatives(words: list[str]) -> list[list[str]]:
    """Other spellings of the whole question: an abbreviation for its long form, or back."""
    out: list[list[str]] = []
    for short, forms in _ABBREVIATIONS:
        for form in forms:
            n = len(form)
            for i in range(len(words) - n + 1):
                if words[i : i + n] == form:
                    out.append([*words[:i], short, *words[i + n :]])
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + MAX_JOIN) + 1):
                if "".join(words[i:j]) == short:
                    out += [[*words[:i], *form, *words[j:]] for form in forms]
    return out[:8]


@dataclass
class Cover:
    """A question's words and weights; what a card holds of it is computed on demand."""

    words: list[str]
    text: str
    idf: list[float] = field(default_factory=list)
    queries: list[tuple[str, int, int]] = field(default_factory=list)
    rare: list[set[int]] = field(default_factory=list)  # per word: FTS holders (rare words)
    listed: set[int] = field(default_factory=set)  # slots holding an uncommon name key
    names: NameIndex | None = None
    _seen: dict[int, tuple[float, float]] = field(default_factory=dict)
    # Per name query: its posting (slot -> weight), looked up once per question.
    _posts: list[tuple[dict[int, float], int, int]] | None = None

    def of(self, slot: int) -> tuple[float, float]:
        """(name cover, cover) of one card: idf shares held in names, and in names or text."""
        got = self._seen.get(slot)
        if got is not None:
            return got
        total = sum(self.idf)
        if total <= 0 or self.names is None:
            return (0.0, 0.0)
        if self._posts is None:
            lookup = self.names.lookup
            self._posts = [(lookup(key), i, j) for key, i, j in self.queries]
        row = [0.0] * len(self.words)
        for post, i, j in self._posts:
            w = post.get(slot)
            if w:
                for k in range(i, j):
                    if row[k] < w:
                        row[k] = w
        name = sum(a * b for a, b in zip(row, self.idf, strict=True)) / total
        for k, holders in enumerate(self.rare):
            if slot in holders:
                row[k] = 1.0
        held = sum(a * b for a, b in zip(row, self.idf, strict=True)) / total
        self._seen[slot] = got = (name, held)
        return got

    def best_names(self, allowed: np.ndarray, n: int, least: float) -> list[int]:
        """Up to ``n`` allowed slots with the most name cover (at least ``least``)."""
        hits = [(self.of(s)[0], s) for s in self.listed if allowed[s]]
        hits = [h for h in hits if h[0] >= least]
        hits.sort(key=lambda x: (-x[0], x[1]))
        return [s for _, s in hits[:n]]


class CoverStage:
    """Computes a question's :class:`Cover` over the whole index."""

    def __init__(self, store: Store, table: FieldTable) -> None:
        self.store = store
        self.table = table
        self._counts: dict[str, tuple[int, int]] = {}

    def _df(self, word: str, size: int) -> int:
        hit = self._counts.get(word)
        if hit is None or abs(size - hit[1]) > hit[1] // 10:
            if len(self._counts) >= 4096:
                self._counts.clear()
            hit = (self.store.fts_count(f'"{word}"*'), size)
            self._counts[word] = hit
        return max(hit[0], self.table.names.count(word))

    def correct(self, text: str) -> tuple[str, dict[str, str]]:
        """``text`` with each word no card holds replaced by the one name it is a typo of."""
        size = max(len(self.table), 1)
        fixes: dict[str, str] = {}
        for w in _TYPED_RE.findall(text):
            low = w.lower()
            if len(low) < TYPO_MIN or not low.isalpha() or low in fixes or low in STOPWORDS:
                continue
            if self._df(low, size) == 0:
                fixed = self.table.names.correct(low)
                if fixed is not None:
                    fixes[low] = fixed
        for typo, fixed in fixes.items():
            text = re.sub(rf"(?i)(?<![A-Za-z0-9]){re.escape(typo)}(?![A-Za-z0-9])", fixed, text)
        return text, fixes

    def measure(self, text: str) -> Cover:
        """The question's cover of every card that holds any of its rarer words."""
        words = question_words(text)
        cover = Cover(words, text)
        if not words:
            return cover
        size = max(len(self.table), 1)
        names = self.table.names
        dfs = [self._df(w, size) if len(w) > 1 and not w.isdigit() else -1 for w in words]
        # Lone letters and numbers only count inside joins ("deep q network").
        idf = [0.0 if df < 0 else math.log(1.0 + size / (df + 1.0)) for df in dfs]
        if sum(idf) <= 0:
            return cover
        cover.idf, cover.names = idf, names
        cover.queries = name_queries(words)
        # Only uncommon name keys nominate cards for the name list: a key held by
        # many cards (train, model, utils) weighs little and would cost a pass over them.
        list_cap = max(RARE_MIN, size // 100)
        for key, _, _ in cover.queries:
            n = names.count(key)
            if 0 < n <= list_cap:
                cover.listed.update(names.lookup(key))
        rare_cap = min(RARE_MAX, max(RARE_MIN, int(size * RARE_SHARE)))
        slot_of = self.table.slot_of
        for w, df in zip(words, dfs, strict=True):
            holders: set[int] = set()
            if 0 < df <= rare_cap:
                for rid, _ in self.store.fts(f'"{w}"*', rare_cap):
                    slot = slot_of(rid)
                    if slot is not None:
                        holders.add(slot)
            cover.rare.append(holders)
        return cover
