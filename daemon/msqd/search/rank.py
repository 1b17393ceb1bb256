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
from .fieldtable import FieldTable
from .filterlang import Expr, FilterSyntaxError, parse_filter
from .lexical import LexicalStage
from .query import read_query
from .reading import Constraint, QueryReading
from .score import Evidence, Group, Judged, judge

MAX_QUERY_CHARS = 2000
# Candidates taken from each retrieval list: enough to fill a page after
# reranking, few enough to keep hnswlib's ef (>= k) and FTS5's sort cheap.
POOL_MIN = 40
QUERY_CACHE = 512
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


@dataclass
class _Ranked:
    hits: list[Hit]
    hidden: int
    matched: int


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
        reading = read_query(query)
        dense_ok = self._embedder() is not None and self._index() is not None
        self.table.refresh()
        with self.table.rw.read():
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
        if reading.is_comparison and reading.sides:
            if dense_ok:
                self._embed_queries([side.text for side in reading.sides])
            hidden = 0
            for side in reading.sides:
                r = self._rank(
                    side.text, side.constraints, hard_filter, per_side, show_all, explain, True
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
            hits, hidden = r.hits, r.hidden
        return SearchOutcome(
            hits=hits,
            reading=reading,
            sides=sides,
            hidden=hidden,
            notice=_notice(reading.summary or query, hits, sides, hidden),
            dense=dense_ok,
            server_ms=(time.perf_counter() - t0) * 1000,
        )

    def rank_side(self, label: str, text: str, filter_text: str, limit: int) -> SideHits:
        """One side of an explicit comparison: its reading and best matches."""
        hard_filter = self._parse_filter(filter_text)
        reading = read_query(text)
        self.table.refresh()
        with self.table.rw.read():
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
        groups = _groups(t, constraints)
        if strict:
            # A comparison side asks for exactly these values: a card that states
            # another dataset or architecture belongs to no side it contradicts.
            for g in groups:
                allowed &= g.match | ~g.present
        full = allowed.copy()
        for g in groups:
            full &= g.match
        filtered = int(allowed.sum()) < len(t)
        pool = max(POOL_MIN, limit * 4)
        cands: dict[int, Evidence] = {}
        # FTS5 and the model both release the GIL while they work: the lexical
        # query runs on a worker while this thread embeds the question.
        lexical_soon = self._workers.submit(
            self.lexical.find, text, allowed, pool * (2 if filtered else 1)
        )
        qvec = self._embed_query(text) if self._index() is not None else None
        self._dense(qvec, allowed if filtered else None, pool, cands)
        lexical = lexical_soon.result()
        self.lexical.merge(lexical, cands, self.table.rowids)
        n_full = int(full.sum())
        if not cands or (groups and n_full <= pool):
            # Constraint-only questions ("models with more than 100 epochs"), and
            # small full matches that text retrieval may have missed.
            for slot in _newest(t, full if groups else allowed, pool):
                cands.setdefault(int(slot), Evidence())
        elif groups and sum(1 for s in cands if full[s]) < limit:
            # Many cards match every implied constraint but few were retrieved: at
            # 100,000 cards "sgd momentum cifar-100" found one of 648 (its words are
            # too common to rank by, and CIFAR-10 cards sit nearer). The nearest of
            # the cards that match join the candidates.
            if qvec is not None:
                self._dense(qvec, full, pool, cands, keep=True)
            else:
                for slot in _newest(t, full, pool):
                    cands.setdefault(int(slot), Evidence())
        if qvec is not None:
            self._fill_distances(qvec, cands)
        judged = [
            judge(
                s,
                ev,
                groups,
                lambda f, s=s: t.value(s, f),
                exact=exact,
                explain=explain,
                strict=strict,
            )
            for s, ev in cands.items()
        ]
        judged.sort(key=lambda j: (-j.score, j.distance if j.distance >= 0 else 9.0, j.slot))
        shown = judged if show_all else [j for j in judged if j.relevant]
        hidden = 0 if show_all else len(judged) - len(shown)
        return _Ranked(self._hits(shown[:limit]), hidden, n_full)

    def _dense(
        self,
        qvec: np.ndarray | None,
        allowed: np.ndarray | None,
        pool: int,
        cands: dict[int, Evidence],
        keep: bool = False,
    ) -> None:
        """Nearest cards (within ``allowed``) into ``cands``; ``keep`` leaves known ones be."""
        vindex = self._index()
        if qvec is None or vindex is None:
            return
        t = self.table
        labels = None
        if allowed is not None:
            labels = t.label_array()[allowed]
            labels = labels[labels >= 0]
            if not len(labels):
                return
        for rank, (label, d) in enumerate(vindex.search(qvec, pool, allowed=labels)):
            slot = t.slot_of_label(label)
            if slot is None or (allowed is not None and not allowed[slot]):
                continue
            if not (keep and slot in cands):
                cands[slot] = Evidence(dense_rank=rank, distance=d)

    def _fill_distances(self, qvec: np.ndarray, cands: dict[int, Evidence]) -> None:
        """Exact distances for candidates the dense list did not reach (for floor + explain)."""
        vindex = self._index()
        t = self.table
        todo = {t.labels[s]: s for s, ev in cands.items() if ev.distance < 0}
        todo.pop(None, None)
        if vindex is None or not todo:
            return
        for label, d in vindex.distances(qvec, list(todo)).items():  # type: ignore[arg-type]
            cands[todo[label]].distance = d

    def _hits(self, judged: list[Judged]) -> list[Hit]:
        t = self.table
        rows = self.store.cards_by_rowid([t.rowids[j.slot] for j in judged])
        out = []
        for j in judged:
            got = rows.get(t.rowids[j.slot])
            if got is not None:
                out.append(Hit(got[1], j.score, j.distance, j.bm25, j.why, j.relevant))
        return out


def _groups(t: FieldTable, constraints: list[Constraint]) -> list[Group]:
    by_field: dict[str, list[Constraint]] = {}
    for c in constraints:
        if not c.hard:
            by_field.setdefault(c.field, []).append(c)
    groups = []
    for f, cs in by_field.items():
        match = np.zeros(len(t.rowids), dtype=bool)
        for c in cs:
            match |= t.mask(c.to_expr())
        groups.append(Group(f, cs, match, t.present(f)))
    return groups


def _newest(t: FieldTable, mask: np.ndarray, n: int) -> np.ndarray:
    """Up to ``n`` slots of ``mask``, most recently modified first."""
    slots = np.flatnonzero(mask)
    if len(slots) <= n:
        return slots
    mod = np.nan_to_num(t.numbers("modified")[slots], nan=0.0)
    return slots[np.argsort(-mod, kind="stable")[:n]]


def _notice(what: str, hits: list[Hit], sides: list[SideHits], hidden: int) -> str:
    """What the table cannot say by itself: nothing matched, or weak rows were hidden."""
    more = f"{hidden} weak match{'es' if hidden != 1 else ''} hidden; --all shows them"
    if not hits and not any(s.hits for s in sides):
        return f"nothing in the index matches {what!r}" + (f" ({more})" if hidden else "")
    empty = [s.summary or s.label for s in sides if not s.hits]
    if empty:
        return "no model matches " + " or ".join(repr(e) for e in empty)
    return f"{more}" if hidden else ""
