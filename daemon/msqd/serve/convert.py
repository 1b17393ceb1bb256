"""Conversions between the daemon's dataclasses and the gRPC messages."""

from __future__ import annotations

from typing import Any

from google.protobuf import struct_pb2, timestamp_pb2

from msq.v1 import msq_pb2 as pb

from ..card import Component, Field, ModelCard


def value_to_pb(v: Any) -> struct_pb2.Value:
    """A JSON-like Python value as google.protobuf.Value."""
    out = struct_pb2.Value()
    if v is None:
        out.null_value = struct_pb2.NULL_VALUE
    elif isinstance(v, bool):
        out.bool_value = v
    elif isinstance(v, (int, float)):
        out.number_value = float(v)
    elif isinstance(v, str):
        out.string_value = v
    elif isinstance(v, (list, tuple)):
        out.list_value.values.extend(value_to_pb(x) for x in v)
    elif isinstance(v, dict):
        for k, x in v.items():
            out.struct_value.fields[str(k)].CopyFrom(value_to_pb(x))
    else:
        out.string_value = str(v)
    return out


def _ts(seconds: float | None) -> timestamp_pb2.Timestamp | None:
    if seconds is None:
        return None
    ts = timestamp_pb2.Timestamp()
    ts.FromNanoseconds(int(seconds * 1e9))
    return ts


def field_to_pb(f: Field) -> pb.FieldValue:
    return pb.FieldValue(
        value=value_to_pb(f.value),
        line=f.line or 0,
        how=f.how,
        detail=f.detail,
        cell=f.cell or 0,
        file=f.file or "",
        alternatives=[field_to_pb(a) for a in f.alternatives],
    )


def component_to_pb(c: Component) -> pb.Component:
    return pb.Component(
        name=c.name,
        base=c.base,
        line=c.line or 0,
        layers=c.layers,
        uses=c.uses,
        file=c.file or "",
        cell=c.cell or 0,
        repeats=c.repeats,
        repeat_exprs=c.repeat_exprs,
    )


def card_to_pb(card: ModelCard, *, ids_only: bool = False) -> pb.ModelCard:
    """The full card message (or only id and path)."""
    if ids_only:
        return pb.ModelCard(model_id=card.model_id, path=card.path)
    msg = pb.ModelCard(
        model_id=card.model_id,
        path=card.path,
        project=card.project,
        size=card.size,
        created_source=card.created_source,
        sha256=card.sha256,
        language=card.language,
        role=card.role,
        status=card.status,
        message=card.message,
        description=card.description,
        llm_description=card.llm_description,
        components=[component_to_pb(c) for c in card.components],
    )
    created = _ts(card.created)
    if created is not None:
        msg.created.CopyFrom(created)
    modified = _ts(card.modified)
    if modified is not None:
        msg.modified.CopyFrom(modified)
    for name, f in card.fields.items():
        msg.fields[name].CopyFrom(field_to_pb(f))
    pe = card.param_estimate
    if pe is not None:
        msg.param_estimate.CopyFrom(
            pb.ParamEstimate(
                total=pe.total,
                sized=pe.sized,
                unsized=pe.unsized,
                channels=pe.channels,
                unsized_layers=pe.unsized_layers,
            )
        )
    return msg
