"""Running a comparison and rendering its events as they arrive."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from ._common import echo_json, obj

if TYPE_CHECKING:
    from ..client import Client


def run_compare(
    ctx: click.Context,
    client: Client,
    *,
    query: str = "",
    sides: list[str] | None = None,
    ids: list[str] | None = None,
    per_side: int = 3,
    diff_only: bool = False,
    baseline: str = "",
    no_llm: bool = False,
    filter_: str = "",
    cols: tuple[str, ...] = (),
    full: bool = False,
    all_differences: bool = False,
    llm: bool = False,
) -> None:
    """Stream Compare and print each part as soon as it arrives (or one JSON document).

    By default the one-screen answer; ``full`` adds the whole table, every key
    difference and the ranked results; ``all_differences`` every difference."""
    from ..compare_types import DoneEvent, SidesEvent, TableEvent
    from ..render import make_console
    from ..render.compare import CompareRenderer

    events = client.compare(
        query,
        sides=sides or [],
        ids=ids or [],
        per_side=per_side,
        baseline=baseline,
        no_llm=no_llm,
        filter=filter_,
        llm=llm,
    )
    if obj(ctx).json:
        doc: dict[str, Any] = {
            "query": query,
            "reading": "",
            "sides": [],
            "table": None,
            "differences": [],
            "overview": None,
            "narrative": "",
            "narrative_status": None,
            "results": [],
            "done": None,
        }
        for ev in events:
            _collect(doc, ev)
        echo_json(doc)
        _exit_if_empty(doc["table"] is None or not doc["table"]["columns"])
        return
    console = make_console()
    renderer = CompareRenderer(
        console, diff_only=diff_only, columns=cols, full=full, all_differences=all_differences
    )
    found = False
    for ev in events:
        if isinstance(ev, TableEvent) and ev.columns:
            found = True
        if isinstance(ev, SidesEvent) and ev.kind == "sides" and any(s.results for s in ev.sides):
            found = True
        renderer.handle(ev)
        if isinstance(ev, DoneEvent):
            break
    renderer.finish()
    _exit_if_empty(not found)


def _exit_if_empty(empty: bool) -> None:
    if empty:
        sys.exit(1)


def _collect(doc: dict[str, Any], ev: Any) -> None:
    from ..compare_types import (
        DifferencesEvent,
        DoneEvent,
        NarrativeStatusEvent,
        OverviewEvent,
        SidesEvent,
        TableEvent,
        TokenEvent,
    )

    if isinstance(ev, OverviewEvent):
        doc["overview"] = ev.to_json()
    elif isinstance(ev, SidesEvent):
        key = "sides" if ev.kind == "sides" else "results"
        doc[key] = [s.to_json() for s in ev.sides]
        if ev.kind == "sides":
            doc["reading"] = ev.summary
    elif isinstance(ev, TableEvent):
        doc["table"] = ev.to_json()
    elif isinstance(ev, DifferencesEvent):
        doc["differences"] = [d.__dict__ for d in ev.items]
    elif isinstance(ev, NarrativeStatusEvent):
        doc["narrative_status"] = ev.__dict__
    elif isinstance(ev, TokenEvent):
        doc["narrative"] += ev.text
    elif isinstance(ev, DoneEvent):
        doc["done"] = ev.__dict__
