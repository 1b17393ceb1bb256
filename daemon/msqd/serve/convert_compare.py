"""The compare overview (side summaries, ranked differences, paragraph, architecture)
as proto messages."""

from __future__ import annotations

from msq.v1 import msq_pb2 as pb

from ..compare import ArchView, Overview, RankedDifference, SideSummary, SideTrait
from .convert import value_to_pb


def _trait(t: SideTrait) -> pb.SideTrait:
    return pb.SideTrait(
        field=t.field, label=t.label, text=t.text, model_ids=t.model_ids, value=t.value, kind=t.kind
    )


def _side(s: SideSummary) -> pb.SideSummary:
    return pb.SideSummary(
        side=s.side,
        name=s.name,
        reading=s.reading,
        model_ids=s.model_ids,
        shared=[_trait(t) for t in s.shared],
        spread=[_trait(t) for t in s.spread],
        folds=[pb.SideFold(name=f.name, model_ids=f.model_ids) for f in s.folds],
        named_by=s.named_by,
    )


def _ranked(d: RankedDifference) -> pb.RankedDifference:
    return pb.RankedDifference(
        field=d.field,
        label=d.label,
        category=d.category,
        kind=d.kind,
        text=d.text,
        rank=d.rank,
        sides=[
            pb.SideValues(
                side=sv.side,
                name=sv.name,
                text=sv.text,
                model_ids=sv.model_ids,
                missing=sv.missing,
                values=[value_to_pb(list(v) if isinstance(v, tuple) else v) for v in sv.values],
            )
            for sv in d.sides
        ],
    )


def _arch(a: ArchView) -> pb.ArchView:
    return pb.ArchView(
        model_id=a.model_id,
        name=a.name,
        backbone=a.backbone,
        depth=a.depth,
        width=a.width,
        attention=a.attention,
        normalization=a.normalization,
        residual=a.residual,
        conditioning=a.conditioning,
        parameters=a.parameters,
        unsized=a.unsized,
        unsized_layers=a.unsized_layers,
        model_ids=a.model_ids,
        lines=a.lines(),
    )


def overview_to_pb(ov: Overview) -> pb.CompareOverview:
    """The proto ``CompareOverview`` of an overview."""
    return pb.CompareOverview(
        sides=[_side(s) for s in ov.sides],
        ranked=[_ranked(d) for d in ov.ranked],
        default_count=ov.default_count,
        summary=pb.SummaryParagraph(sentences=ov.summary),
        architecture=ov.architecture,
        arch=[_arch(a) for a in ov.arch],
    )
