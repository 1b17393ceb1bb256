import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FieldValue(_message.Message):
    __slots__ = ("value", "line", "how", "detail", "cell", "file", "alternatives")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    HOW_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    CELL_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    ALTERNATIVES_FIELD_NUMBER: _ClassVar[int]
    value: _struct_pb2.Value
    line: int
    how: str
    detail: str
    cell: int
    file: str
    alternatives: _containers.RepeatedCompositeFieldContainer[FieldValue]
    def __init__(self, value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., line: _Optional[int] = ..., how: _Optional[str] = ..., detail: _Optional[str] = ..., cell: _Optional[int] = ..., file: _Optional[str] = ..., alternatives: _Optional[_Iterable[_Union[FieldValue, _Mapping]]] = ...) -> None: ...

class Component(_message.Message):
    __slots__ = ("name", "base", "line", "layers", "uses", "file", "cell", "repeats", "repeat_exprs")
    class LayersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class RepeatsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class RepeatExprsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    BASE_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    LAYERS_FIELD_NUMBER: _ClassVar[int]
    USES_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    CELL_FIELD_NUMBER: _ClassVar[int]
    REPEATS_FIELD_NUMBER: _ClassVar[int]
    REPEAT_EXPRS_FIELD_NUMBER: _ClassVar[int]
    name: str
    base: str
    line: int
    layers: _containers.ScalarMap[str, int]
    uses: _containers.RepeatedScalarFieldContainer[str]
    file: str
    cell: int
    repeats: _containers.ScalarMap[str, int]
    repeat_exprs: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., base: _Optional[str] = ..., line: _Optional[int] = ..., layers: _Optional[_Mapping[str, int]] = ..., uses: _Optional[_Iterable[str]] = ..., file: _Optional[str] = ..., cell: _Optional[int] = ..., repeats: _Optional[_Mapping[str, int]] = ..., repeat_exprs: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ModelCard(_message.Message):
    __slots__ = ("model_id", "path", "project", "size", "created", "created_source", "modified", "sha256", "language", "status", "message", "description", "llm_description", "fields", "components", "role", "param_estimate")
    class FieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: FieldValue
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[FieldValue, _Mapping]] = ...) -> None: ...
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    CREATED_SOURCE_FIELD_NUMBER: _ClassVar[int]
    MODIFIED_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LLM_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    PARAM_ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    path: str
    project: str
    size: int
    created: _timestamp_pb2.Timestamp
    created_source: str
    modified: _timestamp_pb2.Timestamp
    sha256: str
    language: str
    status: str
    message: str
    description: str
    llm_description: str
    fields: _containers.MessageMap[str, FieldValue]
    components: _containers.RepeatedCompositeFieldContainer[Component]
    role: str
    param_estimate: ParamEstimate
    def __init__(self, model_id: _Optional[str] = ..., path: _Optional[str] = ..., project: _Optional[str] = ..., size: _Optional[int] = ..., created: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_source: _Optional[str] = ..., modified: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sha256: _Optional[str] = ..., language: _Optional[str] = ..., status: _Optional[str] = ..., message: _Optional[str] = ..., description: _Optional[str] = ..., llm_description: _Optional[str] = ..., fields: _Optional[_Mapping[str, FieldValue]] = ..., components: _Optional[_Iterable[_Union[Component, _Mapping]]] = ..., role: _Optional[str] = ..., param_estimate: _Optional[_Union[ParamEstimate, _Mapping]] = ...) -> None: ...

class ParamEstimate(_message.Message):
    __slots__ = ("total", "sized", "unsized", "channels", "unsized_layers")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    SIZED_FIELD_NUMBER: _ClassVar[int]
    UNSIZED_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    UNSIZED_LAYERS_FIELD_NUMBER: _ClassVar[int]
    total: int
    sized: int
    unsized: _containers.RepeatedScalarFieldContainer[str]
    channels: _containers.RepeatedScalarFieldContainer[int]
    unsized_layers: int
    def __init__(self, total: _Optional[int] = ..., sized: _Optional[int] = ..., unsized: _Optional[_Iterable[str]] = ..., channels: _Optional[_Iterable[int]] = ..., unsized_layers: _Optional[int] = ...) -> None: ...

class Constraint(_message.Message):
    __slots__ = ("field", "op", "value", "source", "hard")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    OP_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    HARD_FIELD_NUMBER: _ClassVar[int]
    field: str
    op: str
    value: _struct_pb2.Value
    source: str
    hard: bool
    def __init__(self, field: _Optional[str] = ..., op: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., source: _Optional[str] = ..., hard: _Optional[bool] = ...) -> None: ...

class QueryReading(_message.Message):
    __slots__ = ("text", "constraints", "is_comparison", "sides", "summary")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CONSTRAINTS_FIELD_NUMBER: _ClassVar[int]
    IS_COMPARISON_FIELD_NUMBER: _ClassVar[int]
    SIDES_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    text: str
    constraints: _containers.RepeatedCompositeFieldContainer[Constraint]
    is_comparison: bool
    sides: _containers.RepeatedCompositeFieldContainer[SideReading]
    summary: str
    def __init__(self, text: _Optional[str] = ..., constraints: _Optional[_Iterable[_Union[Constraint, _Mapping]]] = ..., is_comparison: _Optional[bool] = ..., sides: _Optional[_Iterable[_Union[SideReading, _Mapping]]] = ..., summary: _Optional[str] = ...) -> None: ...

class SideReading(_message.Message):
    __slots__ = ("label", "text", "constraints", "summary")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CONSTRAINTS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    label: str
    text: str
    constraints: _containers.RepeatedCompositeFieldContainer[Constraint]
    summary: str
    def __init__(self, label: _Optional[str] = ..., text: _Optional[str] = ..., constraints: _Optional[_Iterable[_Union[Constraint, _Mapping]]] = ..., summary: _Optional[str] = ...) -> None: ...

class SearchRequest(_message.Message):
    __slots__ = ("query", "filter", "limit", "all", "explain", "per_side")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    ALL_FIELD_NUMBER: _ClassVar[int]
    EXPLAIN_FIELD_NUMBER: _ClassVar[int]
    PER_SIDE_FIELD_NUMBER: _ClassVar[int]
    query: str
    filter: str
    limit: int
    all: bool
    explain: bool
    per_side: int
    def __init__(self, query: _Optional[str] = ..., filter: _Optional[str] = ..., limit: _Optional[int] = ..., all: _Optional[bool] = ..., explain: _Optional[bool] = ..., per_side: _Optional[int] = ...) -> None: ...

class SearchResult(_message.Message):
    __slots__ = ("rank", "card", "score", "distance", "explain", "lexical")
    RANK_FIELD_NUMBER: _ClassVar[int]
    CARD_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_FIELD_NUMBER: _ClassVar[int]
    EXPLAIN_FIELD_NUMBER: _ClassVar[int]
    LEXICAL_FIELD_NUMBER: _ClassVar[int]
    rank: int
    card: ModelCard
    score: float
    distance: float
    explain: _containers.RepeatedScalarFieldContainer[str]
    lexical: float
    def __init__(self, rank: _Optional[int] = ..., card: _Optional[_Union[ModelCard, _Mapping]] = ..., score: _Optional[float] = ..., distance: _Optional[float] = ..., explain: _Optional[_Iterable[str]] = ..., lexical: _Optional[float] = ...) -> None: ...

class SideResults(_message.Message):
    __slots__ = ("side", "results", "matched")
    SIDE_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    MATCHED_FIELD_NUMBER: _ClassVar[int]
    side: SideReading
    results: _containers.RepeatedCompositeFieldContainer[SearchResult]
    matched: int
    def __init__(self, side: _Optional[_Union[SideReading, _Mapping]] = ..., results: _Optional[_Iterable[_Union[SearchResult, _Mapping]]] = ..., matched: _Optional[int] = ...) -> None: ...

class IndexProgress(_message.Message):
    __slots__ = ("seen", "done", "failed", "queued", "rate", "eta_seconds", "active", "completeness", "current_path", "finished")
    SEEN_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    QUEUED_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    ETA_SECONDS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    COMPLETENESS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_PATH_FIELD_NUMBER: _ClassVar[int]
    FINISHED_FIELD_NUMBER: _ClassVar[int]
    seen: int
    done: int
    failed: int
    queued: int
    rate: float
    eta_seconds: float
    active: bool
    completeness: float
    current_path: str
    finished: bool
    def __init__(self, seen: _Optional[int] = ..., done: _Optional[int] = ..., failed: _Optional[int] = ..., queued: _Optional[int] = ..., rate: _Optional[float] = ..., eta_seconds: _Optional[float] = ..., active: _Optional[bool] = ..., completeness: _Optional[float] = ..., current_path: _Optional[str] = ..., finished: _Optional[bool] = ...) -> None: ...

class SearchResponse(_message.Message):
    __slots__ = ("results", "reading", "sides", "progress", "hidden", "notice", "server_ms", "dense", "closest")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    READING_FIELD_NUMBER: _ClassVar[int]
    SIDES_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    SERVER_MS_FIELD_NUMBER: _ClassVar[int]
    DENSE_FIELD_NUMBER: _ClassVar[int]
    CLOSEST_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[SearchResult]
    reading: QueryReading
    sides: _containers.RepeatedCompositeFieldContainer[SideResults]
    progress: IndexProgress
    hidden: int
    notice: str
    server_ms: float
    dense: bool
    closest: bool
    def __init__(self, results: _Optional[_Iterable[_Union[SearchResult, _Mapping]]] = ..., reading: _Optional[_Union[QueryReading, _Mapping]] = ..., sides: _Optional[_Iterable[_Union[SideResults, _Mapping]]] = ..., progress: _Optional[_Union[IndexProgress, _Mapping]] = ..., hidden: _Optional[int] = ..., notice: _Optional[str] = ..., server_ms: _Optional[float] = ..., dense: _Optional[bool] = ..., closest: _Optional[bool] = ...) -> None: ...

class CompareRequest(_message.Message):
    __slots__ = ("query", "sides", "ids", "per_side", "baseline", "no_llm", "filter", "max_tokens", "llm")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    SIDES_FIELD_NUMBER: _ClassVar[int]
    IDS_FIELD_NUMBER: _ClassVar[int]
    PER_SIDE_FIELD_NUMBER: _ClassVar[int]
    BASELINE_FIELD_NUMBER: _ClassVar[int]
    NO_LLM_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    LLM_FIELD_NUMBER: _ClassVar[int]
    query: str
    sides: _containers.RepeatedScalarFieldContainer[str]
    ids: _containers.RepeatedScalarFieldContainer[str]
    per_side: int
    baseline: str
    no_llm: bool
    filter: str
    max_tokens: int
    llm: bool
    def __init__(self, query: _Optional[str] = ..., sides: _Optional[_Iterable[str]] = ..., ids: _Optional[_Iterable[str]] = ..., per_side: _Optional[int] = ..., baseline: _Optional[str] = ..., no_llm: _Optional[bool] = ..., filter: _Optional[str] = ..., max_tokens: _Optional[int] = ..., llm: _Optional[bool] = ...) -> None: ...

class DiffRow(_message.Message):
    __slots__ = ("field", "label", "cells", "values", "differs", "deltas")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CELLS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    DIFFERS_FIELD_NUMBER: _ClassVar[int]
    DELTAS_FIELD_NUMBER: _ClassVar[int]
    field: str
    label: str
    cells: _containers.RepeatedScalarFieldContainer[str]
    values: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Value]
    differs: bool
    deltas: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, field: _Optional[str] = ..., label: _Optional[str] = ..., cells: _Optional[_Iterable[str]] = ..., values: _Optional[_Iterable[_Union[_struct_pb2.Value, _Mapping]]] = ..., differs: _Optional[bool] = ..., deltas: _Optional[_Iterable[str]] = ...) -> None: ...

class DiffColumn(_message.Message):
    __slots__ = ("model_id", "side", "path")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    side: int
    path: str
    def __init__(self, model_id: _Optional[str] = ..., side: _Optional[int] = ..., path: _Optional[str] = ...) -> None: ...

class DiffTable(_message.Message):
    __slots__ = ("columns", "rows", "baseline")
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    BASELINE_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedCompositeFieldContainer[DiffColumn]
    rows: _containers.RepeatedCompositeFieldContainer[DiffRow]
    baseline: str
    def __init__(self, columns: _Optional[_Iterable[_Union[DiffColumn, _Mapping]]] = ..., rows: _Optional[_Iterable[_Union[DiffRow, _Mapping]]] = ..., baseline: _Optional[str] = ...) -> None: ...

class KeyDifference(_message.Message):
    __slots__ = ("category", "text", "model_ids")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MODEL_IDS_FIELD_NUMBER: _ClassVar[int]
    category: str
    text: str
    model_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, category: _Optional[str] = ..., text: _Optional[str] = ..., model_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class SidesResolved(_message.Message):
    __slots__ = ("sides", "summary")
    SIDES_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    sides: _containers.RepeatedCompositeFieldContainer[SideResults]
    summary: str
    def __init__(self, sides: _Optional[_Iterable[_Union[SideResults, _Mapping]]] = ..., summary: _Optional[str] = ...) -> None: ...

class KeyDifferences(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[KeyDifference]
    def __init__(self, items: _Optional[_Iterable[_Union[KeyDifference, _Mapping]]] = ...) -> None: ...

class NarrativeToken(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class NarrativeStatus(_message.Message):
    __slots__ = ("state", "message", "model")
    STATE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    state: str
    message: str
    model: str
    def __init__(self, state: _Optional[str] = ..., message: _Optional[str] = ..., model: _Optional[str] = ...) -> None: ...

class CompareDone(_message.Message):
    __slots__ = ("dropped_sentences", "kept_sentences", "first_table_ms", "first_token_ms", "tokens_per_second", "dropped")
    DROPPED_SENTENCES_FIELD_NUMBER: _ClassVar[int]
    KEPT_SENTENCES_FIELD_NUMBER: _ClassVar[int]
    FIRST_TABLE_MS_FIELD_NUMBER: _ClassVar[int]
    FIRST_TOKEN_MS_FIELD_NUMBER: _ClassVar[int]
    TOKENS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    DROPPED_FIELD_NUMBER: _ClassVar[int]
    dropped_sentences: int
    kept_sentences: int
    first_table_ms: float
    first_token_ms: float
    tokens_per_second: float
    dropped: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, dropped_sentences: _Optional[int] = ..., kept_sentences: _Optional[int] = ..., first_table_ms: _Optional[float] = ..., first_token_ms: _Optional[float] = ..., tokens_per_second: _Optional[float] = ..., dropped: _Optional[_Iterable[str]] = ...) -> None: ...

class SideTrait(_message.Message):
    __slots__ = ("field", "label", "text", "model_ids", "value", "kind")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MODEL_IDS_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    field: str
    label: str
    text: str
    model_ids: _containers.RepeatedScalarFieldContainer[str]
    value: str
    kind: str
    def __init__(self, field: _Optional[str] = ..., label: _Optional[str] = ..., text: _Optional[str] = ..., model_ids: _Optional[_Iterable[str]] = ..., value: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class SideFold(_message.Message):
    __slots__ = ("name", "model_ids")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_IDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    model_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., model_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class SideSummary(_message.Message):
    __slots__ = ("side", "name", "reading", "model_ids", "shared", "spread", "folds", "named_by")
    SIDE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    READING_FIELD_NUMBER: _ClassVar[int]
    MODEL_IDS_FIELD_NUMBER: _ClassVar[int]
    SHARED_FIELD_NUMBER: _ClassVar[int]
    SPREAD_FIELD_NUMBER: _ClassVar[int]
    FOLDS_FIELD_NUMBER: _ClassVar[int]
    NAMED_BY_FIELD_NUMBER: _ClassVar[int]
    side: int
    name: str
    reading: str
    model_ids: _containers.RepeatedScalarFieldContainer[str]
    shared: _containers.RepeatedCompositeFieldContainer[SideTrait]
    spread: _containers.RepeatedCompositeFieldContainer[SideTrait]
    folds: _containers.RepeatedCompositeFieldContainer[SideFold]
    named_by: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, side: _Optional[int] = ..., name: _Optional[str] = ..., reading: _Optional[str] = ..., model_ids: _Optional[_Iterable[str]] = ..., shared: _Optional[_Iterable[_Union[SideTrait, _Mapping]]] = ..., spread: _Optional[_Iterable[_Union[SideTrait, _Mapping]]] = ..., folds: _Optional[_Iterable[_Union[SideFold, _Mapping]]] = ..., named_by: _Optional[_Iterable[str]] = ...) -> None: ...

class SideValues(_message.Message):
    __slots__ = ("side", "name", "text", "model_ids", "missing", "values")
    SIDE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MODEL_IDS_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    side: int
    name: str
    text: str
    model_ids: _containers.RepeatedScalarFieldContainer[str]
    missing: _containers.RepeatedScalarFieldContainer[str]
    values: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Value]
    def __init__(self, side: _Optional[int] = ..., name: _Optional[str] = ..., text: _Optional[str] = ..., model_ids: _Optional[_Iterable[str]] = ..., missing: _Optional[_Iterable[str]] = ..., values: _Optional[_Iterable[_Union[_struct_pb2.Value, _Mapping]]] = ...) -> None: ...

class RankedDifference(_message.Message):
    __slots__ = ("field", "label", "category", "kind", "text", "sides", "rank")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SIDES_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    field: str
    label: str
    category: str
    kind: str
    text: str
    sides: _containers.RepeatedCompositeFieldContainer[SideValues]
    rank: int
    def __init__(self, field: _Optional[str] = ..., label: _Optional[str] = ..., category: _Optional[str] = ..., kind: _Optional[str] = ..., text: _Optional[str] = ..., sides: _Optional[_Iterable[_Union[SideValues, _Mapping]]] = ..., rank: _Optional[int] = ...) -> None: ...

class ArchView(_message.Message):
    __slots__ = ("model_id", "name", "backbone", "depth", "width", "attention", "normalization", "residual", "conditioning", "parameters", "unsized", "unsized_layers", "model_ids", "lines")
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    BACKBONE_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    ATTENTION_FIELD_NUMBER: _ClassVar[int]
    NORMALIZATION_FIELD_NUMBER: _ClassVar[int]
    RESIDUAL_FIELD_NUMBER: _ClassVar[int]
    CONDITIONING_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    UNSIZED_FIELD_NUMBER: _ClassVar[int]
    UNSIZED_LAYERS_FIELD_NUMBER: _ClassVar[int]
    MODEL_IDS_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    name: str
    backbone: str
    depth: str
    width: str
    attention: str
    normalization: str
    residual: str
    conditioning: str
    parameters: int
    unsized: _containers.RepeatedScalarFieldContainer[str]
    unsized_layers: int
    model_ids: _containers.RepeatedScalarFieldContainer[str]
    lines: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, model_id: _Optional[str] = ..., name: _Optional[str] = ..., backbone: _Optional[str] = ..., depth: _Optional[str] = ..., width: _Optional[str] = ..., attention: _Optional[str] = ..., normalization: _Optional[str] = ..., residual: _Optional[str] = ..., conditioning: _Optional[str] = ..., parameters: _Optional[int] = ..., unsized: _Optional[_Iterable[str]] = ..., unsized_layers: _Optional[int] = ..., model_ids: _Optional[_Iterable[str]] = ..., lines: _Optional[_Iterable[str]] = ...) -> None: ...

class SummaryParagraph(_message.Message):
    __slots__ = ("sentences",)
    SENTENCES_FIELD_NUMBER: _ClassVar[int]
    sentences: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, sentences: _Optional[_Iterable[str]] = ...) -> None: ...

class CompareOverview(_message.Message):
    __slots__ = ("sides", "ranked", "default_count", "summary", "architecture", "arch")
    SIDES_FIELD_NUMBER: _ClassVar[int]
    RANKED_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_COUNT_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    ARCHITECTURE_FIELD_NUMBER: _ClassVar[int]
    ARCH_FIELD_NUMBER: _ClassVar[int]
    sides: _containers.RepeatedCompositeFieldContainer[SideSummary]
    ranked: _containers.RepeatedCompositeFieldContainer[RankedDifference]
    default_count: int
    summary: SummaryParagraph
    architecture: bool
    arch: _containers.RepeatedCompositeFieldContainer[ArchView]
    def __init__(self, sides: _Optional[_Iterable[_Union[SideSummary, _Mapping]]] = ..., ranked: _Optional[_Iterable[_Union[RankedDifference, _Mapping]]] = ..., default_count: _Optional[int] = ..., summary: _Optional[_Union[SummaryParagraph, _Mapping]] = ..., architecture: _Optional[bool] = ..., arch: _Optional[_Iterable[_Union[ArchView, _Mapping]]] = ...) -> None: ...

class CompareEvent(_message.Message):
    __slots__ = ("sides", "table", "differences", "narrative_status", "token", "results", "done", "overview")
    SIDES_FIELD_NUMBER: _ClassVar[int]
    TABLE_FIELD_NUMBER: _ClassVar[int]
    DIFFERENCES_FIELD_NUMBER: _ClassVar[int]
    NARRATIVE_STATUS_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    OVERVIEW_FIELD_NUMBER: _ClassVar[int]
    sides: SidesResolved
    table: DiffTable
    differences: KeyDifferences
    narrative_status: NarrativeStatus
    token: NarrativeToken
    results: SidesResolved
    done: CompareDone
    overview: CompareOverview
    def __init__(self, sides: _Optional[_Union[SidesResolved, _Mapping]] = ..., table: _Optional[_Union[DiffTable, _Mapping]] = ..., differences: _Optional[_Union[KeyDifferences, _Mapping]] = ..., narrative_status: _Optional[_Union[NarrativeStatus, _Mapping]] = ..., token: _Optional[_Union[NarrativeToken, _Mapping]] = ..., results: _Optional[_Union[SidesResolved, _Mapping]] = ..., done: _Optional[_Union[CompareDone, _Mapping]] = ..., overview: _Optional[_Union[CompareOverview, _Mapping]] = ...) -> None: ...

class GetModelRequest(_message.Message):
    __slots__ = ("model_id",)
    MODEL_ID_FIELD_NUMBER: _ClassVar[int]
    model_id: str
    def __init__(self, model_id: _Optional[str] = ...) -> None: ...

class GetModelResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: ModelCard
    def __init__(self, card: _Optional[_Union[ModelCard, _Mapping]] = ...) -> None: ...

class ListModelsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter", "sort", "status", "prefix", "ids_only")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    SORT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    IDS_ONLY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    sort: str
    status: _containers.RepeatedScalarFieldContainer[str]
    prefix: str
    ids_only: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., sort: _Optional[str] = ..., status: _Optional[_Iterable[str]] = ..., prefix: _Optional[str] = ..., ids_only: _Optional[bool] = ...) -> None: ...

class ListModelsResponse(_message.Message):
    __slots__ = ("models", "next_page_token", "total")
    MODELS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedCompositeFieldContainer[ModelCard]
    next_page_token: str
    total: int
    def __init__(self, models: _Optional[_Iterable[_Union[ModelCard, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total: _Optional[int] = ...) -> None: ...

class StatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RootStatus(_message.Message):
    __slots__ = ("path", "state", "message", "files", "errors")
    PATH_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    path: str
    state: str
    message: str
    files: int
    errors: int
    def __init__(self, path: _Optional[str] = ..., state: _Optional[str] = ..., message: _Optional[str] = ..., files: _Optional[int] = ..., errors: _Optional[int] = ...) -> None: ...

class StatusResponse(_message.Message):
    __slots__ = ("roots", "counts", "queue_depth", "progress", "version", "embedding_model", "embedding_ready", "llm_model", "llm_state", "socket_path", "uptime_seconds", "pid", "home", "data_dir", "embeddings_computed", "embeddings_reused", "cards_total", "problems", "grpc_version", "index_state", "vectors")
    class CountsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    ROOTS_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    QUEUE_DEPTH_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_MODEL_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_READY_FIELD_NUMBER: _ClassVar[int]
    LLM_MODEL_FIELD_NUMBER: _ClassVar[int]
    LLM_STATE_FIELD_NUMBER: _ClassVar[int]
    SOCKET_PATH_FIELD_NUMBER: _ClassVar[int]
    UPTIME_SECONDS_FIELD_NUMBER: _ClassVar[int]
    PID_FIELD_NUMBER: _ClassVar[int]
    HOME_FIELD_NUMBER: _ClassVar[int]
    DATA_DIR_FIELD_NUMBER: _ClassVar[int]
    EMBEDDINGS_COMPUTED_FIELD_NUMBER: _ClassVar[int]
    EMBEDDINGS_REUSED_FIELD_NUMBER: _ClassVar[int]
    CARDS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    GRPC_VERSION_FIELD_NUMBER: _ClassVar[int]
    INDEX_STATE_FIELD_NUMBER: _ClassVar[int]
    VECTORS_FIELD_NUMBER: _ClassVar[int]
    roots: _containers.RepeatedCompositeFieldContainer[RootStatus]
    counts: _containers.ScalarMap[str, int]
    queue_depth: int
    progress: IndexProgress
    version: str
    embedding_model: str
    embedding_ready: bool
    llm_model: str
    llm_state: str
    socket_path: str
    uptime_seconds: float
    pid: int
    home: str
    data_dir: str
    embeddings_computed: int
    embeddings_reused: int
    cards_total: int
    problems: _containers.RepeatedScalarFieldContainer[str]
    grpc_version: str
    index_state: str
    vectors: int
    def __init__(self, roots: _Optional[_Iterable[_Union[RootStatus, _Mapping]]] = ..., counts: _Optional[_Mapping[str, int]] = ..., queue_depth: _Optional[int] = ..., progress: _Optional[_Union[IndexProgress, _Mapping]] = ..., version: _Optional[str] = ..., embedding_model: _Optional[str] = ..., embedding_ready: _Optional[bool] = ..., llm_model: _Optional[str] = ..., llm_state: _Optional[str] = ..., socket_path: _Optional[str] = ..., uptime_seconds: _Optional[float] = ..., pid: _Optional[int] = ..., home: _Optional[str] = ..., data_dir: _Optional[str] = ..., embeddings_computed: _Optional[int] = ..., embeddings_reused: _Optional[int] = ..., cards_total: _Optional[int] = ..., problems: _Optional[_Iterable[str]] = ..., grpc_version: _Optional[str] = ..., index_state: _Optional[str] = ..., vectors: _Optional[int] = ...) -> None: ...

class AddRootRequest(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class RemoveRootRequest(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class RootsResponse(_message.Message):
    __slots__ = ("roots", "message")
    ROOTS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    roots: _containers.RepeatedCompositeFieldContainer[RootStatus]
    message: str
    def __init__(self, roots: _Optional[_Iterable[_Union[RootStatus, _Mapping]]] = ..., message: _Optional[str] = ...) -> None: ...

class ReindexRequest(_message.Message):
    __slots__ = ("root", "force")
    ROOT_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    root: str
    force: bool
    def __init__(self, root: _Optional[str] = ..., force: _Optional[bool] = ...) -> None: ...
