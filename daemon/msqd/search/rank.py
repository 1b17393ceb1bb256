"""Hybrid retrieval: dense (hnswlib) + lexical (FTS5 bm25), fused, then reranked.

1. The query is read into free text, implied constraints and (for "A vs B")
   sides (see query.py).
2. Dense candidates come from the vector index (cosine distance), lexical
   candidates from FTS5's bm25; both lists are fused with reciprocal rank
   fusion, so neither score scale dominates.
3. Hard constraints (numeric conditions, the explicit --filter) remove rows
   exactly; soft ones (dataset, architecture, framework ... words) add a bonus
   when they match and a penalty when the card states a different value.
4. Rows whose relevance falls under a floor are hidden (counted, not shown)
   unless ``all`` is set, so a query with no right answer says so instead of
   padding the table with noise.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..card import ModelCard
from ..embed import Embedder
from ..errors import InvalidRequest
from ..store import Store
from ..vindex import VectorIndex
from .filterlang import FilterSyntaxError, card_getter, parse_filter
from .query import read_query

RRF_K = 60.0
MAX_QUERY_CHARS = 2000
SOFT_MATCH = 0.5
SOFT_MISMATCH = -0.35
# A candidate needs some evidence: a dense match this close, a lexical hit, or
# a matched constraint. Below it rows are hidden unless all=True.
DENSE_FLOOR = 0.62


@dataclass
class Hit:
    """One ranked card and the evidence behind its rank."""

    card: ModelCard
    score: float
    distance: float = -1.0
    lexical: float = 0.0
    explain: list[str] = field(default_factory=list)
    relevant: bool = True


@dataclass
class SideHits:
    label: str
    text: str
    constraints: list[Any]
    summary: str
    hits: list[Hit]
    matched: int


@dataclass
class SearchOutcome:
    hits: list[Hit]
    reading: Any
    sides: list[SideHits]
    hidden: int
    notice: str
    dense: bool
    server_ms: float = 0.0


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression: every word as a prefix term, OR-ed (bm25 ranks)."""
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    stop = {
        "the",
        "a",
        "an",
        "of",
        "my",
        "with",
        "and",
        "or",
        "on",
        "in",
        "for",
        "to",
        "which",
        "what",
        "models",
        "model",
        "used",
        "use",
        "that",
        "is",
        "are",
    }
    terms = [w for w in words if w not in stop and len(w) > 1]
    return " OR ".join(f'"{w}"*' for w in terms[:24])


def _matches(c: Any, get: Callable[[str], Any]) -> bool | None:
    """True/False when the card states the field; None when it is absent."""
    expr = parse_filter(_constraint_filter(c))
    if get(c.field) is None:
        return None
    return expr.matches(get)


def _constraint_filter(c: Any) -> str:
    v = c.value
    if isinstance(v, (list, tuple)):
        inner = ", ".join(_lit(x) for x in v)
        return f"{c.field} in ({inner})"
    op = "=" if c.op in ("=", "==") else c.op
    return f"{c.field} {op} {_lit(v)}"


def _lit(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return '"' + str(v).replace('"', "'") + '"'


class SearchEngine:
    """Runs searches over the store and the vector index."""

    def __init__(
        self,
        store: Store,
        index: Callable[[], VectorIndex | None],
        embedder: Callable[[], Embedder | None],
    ) -> None:
        self.store = store
        self._index = index
        self._embedder = embedder
        self._qcache: dict[str, np.ndarray] = {}

    def _embed_query(self, text: str) -> np.ndarray | None:
        emb = self._embedder()
        if emb is None or not text.strip():
            return None
        key = f"{emb.name}\0{text}"
        vec = self._qcache.get(key)
        if vec is None:
            vec = emb.embed([text])[0]
            if len(self._qcache) > 512:
                self._qcache.clear()
            self._qcache[key] = vec
        return vec

    def search(
        self,
        query: str,
        *,
        filter_text: str = "",
        limit: int = 10,
        show_all: bool = False,
        explain: bool = False,
        per_side: int = 5,
    ) -> SearchOutcome:
        t0 = time.perf_counter()
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidRequest(
                f"the query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}"
            )
        hard_filter = self._parse_filter(filter_text)
        reading = read_query(query)
        dense_ok = self._embedder() is not None and self._index() is not None
        sides: list[SideHits] = []
        if reading.is_comparison and reading.sides:
            for side in reading.sides:
                hits, hidden, matched = self._rank(
                    side.text, side.constraints, hard_filter, per_side, show_all, explain
                )
                sides.append(
                    SideHits(side.label, side.text, side.constraints, side.summary, hits, matched)
                )
            merged = sorted((h for s in sides for h in s.hits), key=lambda h: -h.score)
            hits, hidden = merged[:limit], 0
        else:
            hits, hidden, _ = self._rank(
                reading.text, reading.constraints, hard_filter, limit, show_all, explain
            )
        notice = ""
        if not hits and not any(s.hits for s in sides):
            what = reading.summary or query
            notice = f"nothing in the index matches {what!r}" + (
                f" ({hidden} weak matches hidden; --all shows them)" if hidden else ""
            )
        return SearchOutcome(
            hits=hits,
            reading=reading,
            sides=sides,
            hidden=hidden,
            notice=notice,
            dense=dense_ok,
            server_ms=(time.perf_counter() - t0) * 1000,
        )

    def rank_side(self, label: str, text: str, filter_text: str, limit: int) -> SideHits:
        """One side of an explicit comparison: its reading and best matches."""
        hard_filter = self._parse_filter(filter_text)
        reading = read_query(text)
        hits, _hidden, matched = self._rank(
            reading.text, reading.constraints, hard_filter, limit, False, False
        )
        return SideHits(label, text, reading.constraints, reading.summary, hits, matched)

    @staticmethod
    def _parse_filter(filter_text: str) -> Any:
        if not filter_text.strip():
            return None
        try:
            return parse_filter(filter_text)
        except FilterSyntaxError as e:
            raise InvalidRequest(f"bad filter: {e}\n{e.caret()}") from None

    def _rank(
        self,
        text: str,
        constraints: list[Any],
        hard_filter: Any,
        limit: int,
        show_all: bool,
        explain: bool,
    ) -> tuple[list[Hit], int, int]:
        pool = max(100, limit * 10)
        fused: dict[int, float] = {}
        dist: dict[int, float] = {}
        lex: dict[int, float] = {}
        cards: dict[int, ModelCard] = {}
        vindex = self._index()
        qvec = self._embed_query(text) if vindex is not None else None
        if qvec is not None and vindex is not None:
            dense = vindex.search(qvec, pool)
            by_label = self.store.cards_by_label([label for label, _ in dense])
            for rank, (label, d) in enumerate(dense):
                if label not in by_label:
                    continue
                rid, card = by_label[label]
                cards[rid] = card
                dist[rid] = d
                fused[rid] = fused.get(rid, 0.0) + 1.0 / (RRF_K + rank + 1)
        lexical = self.store.fts(fts_query(text), pool)
        missing = [rid for rid, _ in lexical if rid not in cards]
        for rid, (_, card) in self.store.cards_by_rowid(missing).items():
            cards[rid] = card
        for rank, (rid, score) in enumerate(lexical):
            lex[rid] = -score
            fused[rid] = fused.get(rid, 0.0) + 1.0 / (RRF_K + rank + 1)
        # Constraint-only queries ("models with lr above 0.01") need every card.
        if constraints and not fused:
            for rid, card in self.store.iter_cards():
                cards[rid] = card
                fused[rid] = 0.0
        hits: list[Hit] = []
        matched = 0
        for rid, base in fused.items():
            card = cards[rid]
            get = card_getter(card)
            if hard_filter is not None and not hard_filter.matches(get):
                continue
            score = base * RRF_K  # ~1.0 for a top-ranked row in one list
            why: list[str] = []
            ok = True
            soft_hit = False
            for c in constraints:
                m = _matches(c, get)
                if c.hard:
                    if not m:
                        ok = False
                        break
                    why.append(f"matches {c.source!r} ({c.field} {c.op} {c.value})")
                    soft_hit = True
                elif m is True:
                    score += SOFT_MATCH
                    soft_hit = True
                    why.append(f"+{SOFT_MATCH} {c.field} matches {c.source!r}")
                elif m is False:
                    score += SOFT_MISMATCH
                    why.append(f"{SOFT_MISMATCH} {c.field} is {get(c.field)!r}, not {c.source!r}")
            if not ok:
                continue
            d = dist.get(rid, -1.0)
            relevant = soft_hit or rid in lex or (0 <= d <= DENSE_FLOOR)
            if constraints and not soft_hit and all(not c.hard for c in constraints):
                relevant = relevant and rid in lex and score > 0.5
            if soft_hit:
                matched += 1
            if explain:
                if d >= 0:
                    why.insert(0, f"dense: cosine distance {d:.3f}")
                if rid in lex:
                    why.insert(0, f"lexical: bm25 {lex[rid]:.2f}")
            hits.append(Hit(card, score, d, lex.get(rid, 0.0), why if explain else [], relevant))
        hits.sort(key=lambda h: (-h.score, h.card.model_id))
        shown = hits if show_all else [h for h in hits if h.relevant]
        hidden = len(hits) - len(shown)
        return (
            shown[:limit],
            max(0, min(hidden, len(hits) - limit)) if show_all else hidden,
            matched,
        )
