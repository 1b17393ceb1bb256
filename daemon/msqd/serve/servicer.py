"""The gRPC servicer: each method converts the request, calls the core, converts back.

Errors are mapped to status codes in one place (:func:`rpc` and
:func:`errors.to_status`); nothing a client sends can kill the daemon.
"""

from __future__ import annotations

import difflib
import functools
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import grpc

from msq.v1 import msq_pb2 as pb
from msq.v1 import msq_pb2_grpc as pb_grpc

from ..app.root import App
from ..errors import InvalidRequest, NotFound, to_status
from ..search.filterlang import FilterSyntaxError, card_getter, parse_filter
from .convert import card_to_pb
from .convert_search import outcome_to_pb
from .progress import progress_pb

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def rpc(fn: F) -> F:
    """Map MsqError (and any bug) to a gRPC status with one clear sentence."""

    @functools.wraps(fn)
    def unary(self: Any, request: Any, context: grpc.ServicerContext) -> Any:
        try:
            return fn(self, request, context)
        except Exception as e:
            if not isinstance(e, InvalidRequest | NotFound):
                log.exception("%s failed", fn.__name__)
            code, msg = to_status(e)
            context.abort(code, msg)

    return unary  # type: ignore[return-value]


def rpc_stream(fn: F) -> F:
    @functools.wraps(fn)
    def stream(self: Any, request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        try:
            yield from fn(self, request, context)
        except Exception as e:
            if not isinstance(e, InvalidRequest | NotFound):
                log.exception("%s failed", fn.__name__)
            code, msg = to_status(e)
            context.abort(code, msg)

    return stream  # type: ignore[return-value]


class ModelSearchServicer(pb_grpc.ModelSearchServicer):
    def __init__(self, app: App) -> None:
        self.app = app

    @rpc
    def Search(self, request: pb.SearchRequest, context: grpc.ServicerContext) -> pb.SearchResponse:
        out = self.app.search.search(
            request.query,
            filter_text=request.filter,
            limit=request.limit or 10,
            show_all=request.all,
            explain=request.explain,
            per_side=request.per_side or 5,
        )
        return outcome_to_pb(out, progress_pb(self.app))

    @rpc_stream
    def Compare(
        self, request: pb.CompareRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.CompareEvent]:
        from .compare_stream import compare_events

        yield from compare_events(self.app, request, cancelled=lambda: not context.is_active())

    @rpc
    def GetModel(
        self, request: pb.GetModelRequest, context: grpc.ServicerContext
    ) -> pb.GetModelResponse:
        card = self.app.store.card(request.model_id)
        if card is None:
            ids = self.app.store.model_ids()
            close = difflib.get_close_matches(request.model_id, ids, n=3, cutoff=0.5)
            close += [
                i for i in ids if request.model_id and request.model_id in i and i not in close
            ][:3]
            hint = f"; did you mean {', '.join(close[:3])}?" if close else ""
            raise NotFound(f"no model with id {request.model_id!r}{hint}")
        return pb.GetModelResponse(card=card_to_pb(card))

    @rpc
    def ListModels(
        self, request: pb.ListModelsRequest, context: grpc.ServicerContext
    ) -> pb.ListModelsResponse:
        expr = None
        if request.filter:
            try:
                expr = parse_filter(request.filter)
            except FilterSyntaxError as e:
                raise InvalidRequest(f"bad filter: {e}\n{e.caret()}") from None
        sort = request.sort or "model_id"
        desc = sort.startswith("-")
        col = {"created": "first_seen"}.get(sort.lstrip("-"), sort.lstrip("-"))
        statuses = set(request.status)
        cards = []
        for _rid, card in self.app.store.iter_cards(col, desc):
            if statuses and card.status not in statuses:
                continue
            if request.prefix and not card.model_id.startswith(request.prefix):
                continue
            if expr is not None and not expr.matches(card_getter(card)):
                continue
            cards.append(card)
        size = request.page_size or 100
        try:
            start = int(request.page_token or 0)
        except ValueError:
            raise InvalidRequest(f"bad page token {request.page_token!r}") from None
        page = cards[start : start + size]
        nxt = str(start + size) if start + size < len(cards) else ""
        return pb.ListModelsResponse(
            models=[card_to_pb(c, ids_only=request.ids_only) for c in page],
            next_page_token=nxt,
            total=len(cards),
        )

    @rpc
    def Status(self, request: pb.StatusRequest, context: grpc.ServicerContext) -> pb.StatusResponse:
        from .status import status_pb

        return status_pb(self.app)

    @rpc
    def AddRoot(
        self, request: pb.AddRootRequest, context: grpc.ServicerContext
    ) -> pb.RootsResponse:
        from .status import roots_pb

        if not request.path:
            raise InvalidRequest("AddRoot needs a path")
        return pb.RootsResponse(roots=roots_pb(self.app.add_root(request.path)), message="added")

    @rpc
    def RemoveRoot(
        self, request: pb.RemoveRootRequest, context: grpc.ServicerContext
    ) -> pb.RootsResponse:
        from .status import roots_pb

        if not request.path:
            raise InvalidRequest("RemoveRoot needs a path")
        return pb.RootsResponse(
            roots=roots_pb(self.app.remove_root(request.path)), message="removed"
        )

    @rpc_stream
    def Reindex(
        self, request: pb.ReindexRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.IndexProgress]:
        from pathlib import Path

        root = None
        if request.root:
            root = Path(request.root).expanduser().resolve()
            if root not in self.app.config.roots:
                raise NotFound(f"{root} is not a watched root")
        self.app.reconcile(root, force=request.force)
        while context.is_active():
            p = progress_pb(self.app)
            if not self.app.indexer.active and self.app.embedder is not None:
                p.finished = True
                yield p
                return
            yield p
            time.sleep(0.25)
