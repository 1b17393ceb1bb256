"""Search outcomes and query readings as gRPC messages."""

from __future__ import annotations

from typing import Any

from msq.v1 import msq_pb2 as pb

from ..search.rank import Hit, SearchOutcome, SideHits
from .convert import card_to_pb, value_to_pb


def constraint_pb(c: Any) -> pb.Constraint:
    return pb.Constraint(
        field=c.field, op=c.op, value=value_to_pb(c.value), source=c.source, hard=c.hard
    )


def side_reading_pb(label: str, text: str, constraints: list[Any], summary: str) -> pb.SideReading:
    return pb.SideReading(
        label=label, text=text, constraints=[constraint_pb(c) for c in constraints], summary=summary
    )


def reading_pb(reading: Any) -> pb.QueryReading:
    return pb.QueryReading(
        text=reading.text,
        constraints=[constraint_pb(c) for c in reading.constraints],
        is_comparison=reading.is_comparison,
        sides=[side_reading_pb(s.label, s.text, s.constraints, s.summary) for s in reading.sides],
        summary=reading.summary,
    )


def hits_pb(hits: list[Hit]) -> list[pb.SearchResult]:
    return [
        pb.SearchResult(
            rank=i + 1,
            card=card_to_pb(h.card),
            score=h.score,
            distance=h.distance,
            explain=h.explain,
            lexical=h.lexical,
        )
        for i, h in enumerate(hits)
    ]


def side_results_pb(s: SideHits) -> pb.SideResults:
    return pb.SideResults(
        side=side_reading_pb(s.label, s.text, s.constraints, s.summary),
        results=hits_pb(s.hits),
        matched=s.matched,
    )


def outcome_to_pb(out: SearchOutcome, progress: pb.IndexProgress) -> pb.SearchResponse:
    return pb.SearchResponse(
        results=hits_pb(out.hits),
        reading=reading_pb(out.reading),
        sides=[side_results_pb(s) for s in out.sides],
        progress=progress,
        hidden=out.hidden,
        notice=out.notice,
        server_ms=out.server_ms,
        dense=out.dense,
        closest=out.closest,
    )
