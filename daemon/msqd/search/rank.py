"""Hybrid retrieval: exact filters, dense (hnswlib) + lexical (FTS5), fused, reranked.

1. The query is read into free text, implied constraints and (for "A vs B")
   sides (query.py).
2. Hard constraints (numeric conditions, ``--filter``) become an exact mask over
   every card, computed on the in-memory field table (fieldtable.py); for a
   comparison side, cards that state a different value than a side's soft
   constraint (another dataset, another architecture) are masked out too.
3. Dense candidates come from the vector index restricted to the mask (an
   exact scan of few allowed vectors, a wider hnswlib walk for common ones,
   hnswlib's filtered walk otherwise: see VectorIndex.search); lexical
   candidates from FTS5 bm25, on a worker thread while the question is
   embedded; when the question is only constraints, the cards matching them
   are the candidates.
4. Candidates are scored and judged by score.py (RRF + constraint evidence +
   the relevance floor). Only the rows shown are read from SQLite as full cards.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..card import ModelCard
from ..errors import InvalidRequest
from ..index.embed import Embedder
from ..store.db import Store
from ..store.vindex import VectorIndex
from .candidates import axis_fields, dense_into, fill_distances, groups_of, newest
from .cover import CoverStage, alternatives, question_words
from .fieldtable import FieldTable
from .filterlang import Expr, FilterSyntaxError, parse_filter
from .lexical import LexicalStage
from .query import read_query
from .reading import Constraint, QueryReading
from .score import (
    ROLE_ASKED,
    Evidence,
    Judged,
    closest_rows,
    entry_points_first,
    judge,
    role_weight,
)
from .terms import Term, data_terms

MAX_QUERY_CHARS = 2000
# Candidates taken from each retrieval list: enough to fill a page after
# reranking, few enough to keep hnswlib's ef (>= k) and FTS5's sort cheap.
POOL_MIN = 40
QUERY_CACHE = 512
# Rows offered as "closest matches" when nothing passes the relevance floor.
CLOSEST = 3
# Cards whose names hold this share of the question join the candidates as a list.
NAME_LIST = 0.5
# Lexical queries in flight at once (each worker thread has its own SQLite reader).
LEXICAL_WORKERS = 4


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
    """One side of a comparison: its reading, best matches and how many match fully."""

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
    closest: bool = False  # no row passed the floor; the rows are the closest matches


@dataclass
class _Ranked:
    hits: list[Hit]
    hidden: int
    matched: int
    closest: bool = False


class SearchEngine:
    """Runs searches over the store, its field table and the vector index."""

    def __init__(
        self,
        store: Store,
        index: Callable[[], VectorIndex | None],
        embedder: Callable[[], Embedder | None],
    ) -> None:
        self.store = store
        self.table = FieldTable(store)
        self.lexical = LexicalStage(store, self.table)
        self.cover = CoverStage(store, self.table)
        self._data_terms: tuple[int, dict[str, Term]] = (-1, {})
        self._index = index
        self._embedder = embedder
        self._qcache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._qlock = threading.Lock()  # gRPC serves searches on several threads
        self._workers = ThreadPoolExecutor(LEXICAL_WORKERS, thread_name_prefix="msqd-lexical")

    def close(self) -> None:
        """Let the lexical workers finish and stop."""
        self._workers.shutdown(wait=True)

    def _embed_query(self, text: str) -> np.ndarray | None:
        """The query's vector; repeated questions (and sides) skip the model."""
        return self._embed_queries([text]).get(text)

    def _embed_queries(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The vectors of ``texts`` (blank ones have none), the uncached in one model call."""
        emb = self._embedder()
        if emb is None:
            return {}
        out: dict[str, np.ndarray] = {}
        with self._qlock:
            for t in texts:
                vec = self._qcache.get(f"{emb.name}\0{t}")
                if vec is not None:
                    self._qcache.move_to_end(f"{emb.name}\0{t}")
                    out[t] = vec
        todo = list(dict.fromkeys(t for t in texts if t.strip() and t not in out))
        if not todo:
            return out
        # A comparison's sides in one model call: ~10.7 ms for two, ~14.7 one by one.
        vecs = emb.embed_queries(todo)
        with self._qlock:
            for t, vec in zip(todo, vecs, strict=True):
                out[t] = self._qcache[f"{emb.name}\0{t}"] = vec
            while len(self._qcache) > QUERY_CACHE:
                self._qcache.popitem(last=False)
        return out

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
        self.table.refresh()
        dense_ok = self._embedder() is not None and self._index() is not None
        with self.table.rw.read():
            # Under the read lock: typo correction and the data vocabulary read the table.
            reading = read_query(self.cover.correct(query)[0], self._vocabulary())
            return self._search(
                query, reading, hard_filter, limit, show_all, explain, per_side, dense_ok, t0
            )

    def _search(
        self,
        query: str,
        reading: QueryReading,
        hard_filter: Expr | None,
        limit: int,
        show_all: bool,
        explain: bool,
        per_side: int,
        dense_ok: bool,
        t0: float,
    ) -> SearchOutcome:
        sides: list[SideHits] = []
        closest = False
        if reading.is_comparison and reading.sides:
            if dense_ok:
                self._embed_queries([side.text for side in reading.sides])
            hidden = 0
            axis = axis_fields([side.constraints for side in reading.sides])
            for side in reading.sides:
                r = self._rank(
                    side.text,
                    side.constraints,
                    hard_filter,
                    per_side,
                    show_all,
                    explain,
                    True,
                    axis,
                )
                hidden += r.hidden
                sides.append(
                    SideHits(
                        side.label, side.text, side.constraints, side.summary, r.hits, r.matched
                    )
                )
            merged = sorted((h for s in sides for h in s.hits), key=lambda h: -h.score)
            hits = merged[:limit]
        else:
            r = self._rank(
                reading.text, reading.constraints, hard_filter, limit, show_all, explain, False
            )
            hits, hidden, closest = r.hits, r.hidden, r.closest
        return SearchOutcome(
            hits=hits,
            reading=reading,
            sides=sides,
            hidden=hidden,
            notice=_notice(reading.summary or query, hits, sides, hidden, closest),
            dense=dense_ok,
            server_ms=(time.perf_counter() - t0) * 1000,
            closest=closest,
        )

    def _vocabulary(self) -> dict[str, Term]:
        """Dataset names the cards hold beyond the built-in table (per table generation)."""
        gen, terms = self._data_terms
        now = self.table._generation
        if gen != now:
            terms = data_terms(self.table.distinct("dataset"))
            self._data_terms = (now, terms)
        return terms

    def rank_side(self, label: str, text: str, filter_text: str, limit: int) -> SideHits:
        """One side of an explicit comparison: its reading and best matches."""
        hard_filter = self._parse_filter(filter_text)
        self.table.refresh()
        with self.table.rw.read():
            reading = read_query(self.cover.correct(text)[0], self._vocabulary())
            r = self._rank(
                reading.text, reading.constraints, hard_filter, limit, False, False, True
            )
        return SideHits(label, text, reading.constraints, reading.summary, r.hits, r.matched)

    @staticmethod
    def _parse_filter(filter_text: str) -> Expr | None:
        if not filter_text.strip():
            return None
        try:
            return parse_filter(filter_text)
        except FilterSyntaxError as e:
            raise InvalidRequest(f"bad filter: {e}\n{e.caret()}") from None

    # ------------------------------------------------------------ ranking

    def _rank(
        self,
        text: str,
        constraints: list[Constraint],
        hard_filter: Expr | None,
        limit: int,
        show_all: bool,
        explain: bool,
        strict: bool,
        axis: frozenset[str] = frozenset(),
    ) -> _Ranked:
        t = self.table
        allowed = t.alive.copy()
        exact: list[str] = [str(hard_filter)] if hard_filter is not None else []
        if hard_filter is not None:
            allowed &= t.mask(hard_filter)
        for c in constraints:
            if c.hard:
                allowed &= t.mask(c.to_expr())
                exact.append(c.source)
        groups = groups_of(t, constraints)
        if strict:
            # A comparison side asks for exactly these values: a card that states
            # another dataset or architecture belongs to no side it contradicts, and
            # a model of a family the extractor could not name ("other") is not one
            # of the side's family either.
            for g in groups:
                stated = t.stated(g.field) if g.field == "arch_family" else g.present
                allowed &= g.match | ~stated
        full = allowed.copy()
        for g in groups:
            full &= g.match
        filtered = int(allowed.sum()) < len(t)
        pool = max(POOL_MIN, limit * 4)
        cands: dict[int, Evidence] = {}
        words = question_words(text)
        library_asked = (
            bool(ROLE_ASKED & set(words))
            or "role" in " ".join(exact)
            or any(c.field == "role" for c in constraints)
        )
        # FTS5 and the model both release the GIL while they work: the lexical
        # query and the cover's rare-word lookups run on workers while this thread
        # embeds the question.
        lexical_soon = self._workers.submit(
            self.lexical.find, text, allowed, pool * (2 if filtered else 1), alternatives(words)
        )
        cover_soon = self._workers.submit(self.cover.measure, text)
        qvec = self._embed_query(text) if self._index() is not None else None
        dense_into(self._index(), t, qvec, allowed if filtered else None, pool, cands)
        cover = cover_soon.result()
        lexical = lexical_soon.result()
        self.lexical.merge(lexical, cands, self.table.rowids)
        n_full = int(full.sum())
        if not cands or (groups and n_full <= pool):
            # Constraint-only questions ("models with more than 100 epochs"), and
            # small full matches that text retrieval may have missed.
            for slot in newest(t, full if groups else allowed, pool):
                cands.setdefault(int(slot), Evidence())
        elif groups and sum(1 for s in cands if full[s]) < limit:
            # Many cards match every implied constraint but few were retrieved: at
            # 100,000 cards "sgd momentum cifar-100" found one of 648 (its words are
            # too common to rank by, and CIFAR-10 cards sit nearer). The nearest of
            # the cards that match join the candidates.
            if qvec is not None:
                dense_into(self._index(), t, qvec, full, pool, cands, keep=True)
            else:
                for slot in newest(t, full, pool):
                    cands.setdefault(int(slot), Evidence())
        # Cards whose own names hold much of the question, wherever retrieval put them.
        for rank, slot in enumerate(cover.best_names(allowed, pool, NAME_LIST)):
            cands.setdefault(slot, Evidence()).name_rank = rank
        for slot, ev in cands.items():
            ev.name_cover, ev.cover = cover.of(slot)
        if qvec is not None:
            fill_distances(self._index(), t, qvec, cands)
        judged = [
            judge(
                s,
                ev,
                groups,
                lambda f, s=s: t.value(s, f),
                exact=exact,
                explain=explain,
                strict=strict,
                role_prior=role_weight(
                    t.value(s, "role") or "", t.value(s, "language") or "", library_asked
                ),
                axis=axis,
            )
            for s, ev in cands.items()
        ]
        # A framework's own source goes after every other row unless it was asked for.
        last = set() if library_asked else {s for s in cands if t.value(s, "role") == "library"}
        judged.sort(
            key=lambda j: (j.slot in last, -j.score, j.distance if j.distance >= 0 else 9.0, j.slot)
        )
        judged = entry_points_first(
            judged,
            lambda s: t.value(s, "project") or "",
            lambda s: t.value(s, "role") or "",
            lambda s: cands[s].name_cover,
        )
        shown = judged if show_all else [j for j in judged if j.relevant]
        closest = False
        if not shown and not show_all and not strict:
            # Nothing passes, but some rows hold much of the question: offer the best few.
            shown = closest_rows(judged, CLOSEST)
            closest = bool(shown)
        hidden = 0 if show_all else len(judged) - len(shown)
        return _Ranked(self._hits(shown[:limit]), hidden, n_full, closest)

    def _hits(self, judged: list[Judged]) -> list[Hit]:
        t = self.table
        rows = self.store.cards_by_rowid([t.rowids[j.slot] for j in judged])
        out = []
        for j in judged:
            got = rows.get(t.rowids[j.slot])
            if got is not None:
                out.append(Hit(got[1], j.score, j.distance, j.bm25, j.why, j.relevant))
        return out


def _notice(
    what: str, hits: list[Hit], sides: list[SideHits], hidden: int, closest: bool = False
) -> str:
    """What the table cannot say by itself: nothing matched, or weak rows were hidden."""
    more = f"{hidden} weak match{'es' if hidden != 1 else ''} hidden; --all shows them"
    if closest:
        return f"nothing matches {what!r} fully; closest matches ({more})"
    if not hits and not any(s.hits for s in sides):
        return f"nothing in the index matches {what!r}" + (f" ({more})" if hidden else "")
    empty = [s.summary or s.label for s in sides if not s.hits]
    if empty:
        return "no model matches " + " or ".join(repr(e) for e in empty)
    return f"{more}" if hidden else ""
