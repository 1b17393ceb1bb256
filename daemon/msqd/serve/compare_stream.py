"""The Compare stream: sides → table → key differences → overview → results → narrative → done.

Facts first: the table and differences are sent before the LLM is even
loaded, so a client renders them at once; the narrative follows token by token,
sentence-checked by the grounding gate in ``compare.narrative``.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from msq.v1 import msq_pb2 as pb

from ..card import ModelCard
from ..compare import NarrativeState, NarrativeSummary, NarrativeToken, compare_columns
from ..errors import InvalidRequest, NotFound
from ..search.rank import Hit, SideHits
from .convert import value_to_pb
from .convert_compare import overview_to_pb
from .convert_search import side_results_pb

if TYPE_CHECKING:
    from ..app.root import App

MAX_SIDES = 6
BUNDLED_OFF = "LLM narrative off: the bundled 135M model adds nothing true (--llm asks for it)"


def _sides_for_ids(app: App, ids: list[str]) -> list[SideHits]:
    sides = []
    all_ids = None
    for mid in ids:
        card = app.store.card(mid)
        if card is None:
            all_ids = all_ids or app.store.model_ids()
            close = difflib.get_close_matches(mid, all_ids, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise NotFound(f"no model with id {mid!r}{hint}")
        sides.append(SideHits(f"side {len(sides) + 1}", mid, [], mid, [Hit(card, 1.0)], 1))
    return sides


def resolve_sides(app: App, req: pb.CompareRequest) -> tuple[list[SideHits], str]:
    """The sides of a compare request, each with its ranked matches."""
    per_side = req.per_side or 3
    if req.ids:
        if len(req.ids) < 2:
            raise InvalidRequest("compare --ids needs at least two model ids")
        return _sides_for_ids(app, list(req.ids)), "explicit ids"
    if req.sides:
        if len(req.sides) < 2:
            raise InvalidRequest("compare needs at least two sides")
        texts = list(req.sides)
        sides = [
            app.search.rank_side(f"side {i + 1}", t, req.filter, per_side)
            for i, t in enumerate(texts[:MAX_SIDES])
        ]
        return sides, " vs ".join(texts)
    if not req.query.strip():
        raise InvalidRequest("compare needs a question, two or more sides, or model ids")
    out = app.search.search(
        req.query, filter_text=req.filter, per_side=per_side, limit=per_side * 2
    )
    if out.sides:
        return out.sides, out.reading.summary
    # Not a comparison: compare the best matches of the one question with each other.
    return [
        SideHits(
            "side 1",
            req.query,
            list(out.reading.constraints),
            out.reading.summary,
            out.hits[: per_side * 2],
            len(out.hits),
        )
    ], out.reading.summary


def _summary_line(sides: list[SideHits]) -> str:
    parts = []
    for i, s in enumerate(sides, 1):
        what = s.summary or s.text
        parts.append(f"side {i}: {what} → {s.matched} model{'s' if s.matched != 1 else ''}")
    return "; ".join(parts)


def compare_events(
    app: App, req: pb.CompareRequest, cancelled: Callable[[], bool]
) -> Iterator[pb.CompareEvent]:
    """Every event of one comparison, in order."""
    t0 = time.perf_counter()
    sides, _reading = resolve_sides(app, req)
    summary = _summary_line(sides)
    yield pb.CompareEvent(
        sides=pb.SidesResolved(sides=[side_results_pb(s) for s in sides], summary=summary)
    )
    cards: list[list[ModelCard]] = [[h.card for h in s.hits] for s in sides]
    readings = [s.summary or s.text for s in sides]
    question = " ".join([req.query, *req.sides])
    try:
        facts = compare_columns(cards, req.baseline or None, readings, question)
    except ValueError as e:
        raise InvalidRequest(str(e)) from None
    table = facts.table
    yield pb.CompareEvent(
        table=pb.DiffTable(
            columns=[
                pb.DiffColumn(model_id=c.model_id, side=c.side, path=c.path) for c in table.columns
            ],
            rows=[
                pb.DiffRow(
                    field=r.field,
                    label=r.label,
                    cells=r.cells,
                    values=[value_to_pb(v) for v in r.values],
                    differs=r.differs,
                    deltas=r.deltas,
                )
                for r in table.rows
            ],
            baseline=table.baseline,
        )
    )
    first_table_ms = (time.perf_counter() - t0) * 1000
    yield pb.CompareEvent(
        differences=pb.KeyDifferences(
            items=[
                pb.KeyDifference(category=d.category, text=d.text, model_ids=d.model_ids)
                for d in facts.differences
            ]
        )
    )
    yield pb.CompareEvent(overview=overview_to_pb(facts.overview))
    yield pb.CompareEvent(
        results=pb.SidesResolved(sides=[side_results_pb(s) for s in sides], summary=summary)
    )
    done = pb.CompareDone(first_table_ms=first_table_ms)
    narrator = app.narrator
    if req.no_llm:
        yield pb.CompareEvent(
            narrative_status=pb.NarrativeStatus(state="disabled", message="--no-llm")
        )
    elif not table.columns:
        yield pb.CompareEvent(
            narrative_status=pb.NarrativeStatus(state="disabled", message="nothing to compare")
        )
    elif narrator is None:
        from ..compare import HOW_TO_CONFIGURE

        yield pb.CompareEvent(
            narrative_status=pb.NarrativeStatus(state="unavailable", message=HOW_TO_CONFIGURE)
        )
    elif not req.llm and not app.config.get("llm.model_path"):
        # Measured (bench/llm_narrative.py): the bundled 135M model adds no true
        # sentence the deterministic summary lacks, so it stays off unless asked for.
        yield pb.CompareEvent(
            narrative_status=pb.NarrativeStatus(
                state="off", message=BUNDLED_OFF, model=narrator.model_name
            )
        )
    else:
        t_narr = time.perf_counter()
        for ev in narrator.stream(facts.messages, facts.facts, cancelled, req.max_tokens or None):
            if isinstance(ev, NarrativeState):
                yield pb.CompareEvent(
                    narrative_status=pb.NarrativeStatus(
                        state=ev.state, message=ev.message, model=ev.model
                    )
                )
            elif isinstance(ev, NarrativeToken):
                yield pb.CompareEvent(token=pb.NarrativeToken(text=ev.text))
            elif isinstance(ev, NarrativeSummary):
                done.dropped_sentences = ev.dropped
                done.kept_sentences = ev.kept
                done.dropped.extend(ev.dropped_sentences)
                done.tokens_per_second = ev.tokens_per_second
                done.first_token_ms = (
                    (t_narr - t0) * 1000 + ev.first_token_ms if ev.first_token_ms else 0.0
                )
    yield pb.CompareEvent(done=done)
