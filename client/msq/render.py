"""Rendering results for people: rich tables on a terminal, plain columns in a pipe.

Values print the way people write them: learning rates as 1e-3 or 0.01, sizes
in KB/MB, dates as dates, paths shortened with ``~``.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from .types import Card, SearchResult


def make_console(stderr: bool = False) -> Console:
    """A console that drops colour and box drawing when not writing to a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    width = None if tty else int(os.environ.get("COLUMNS", "0") or 0) or 200
    return Console(
        file=stream,
        force_terminal=None if tty else False,
        no_color=not tty or bool(os.environ.get("NO_COLOR")),
        width=width,
        highlight=False,
        soft_wrap=False,
    )


def fmt_number(v: Any) -> str:
    """1e-3, 0.01, 2e-4, 128: as people write them."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e6:
            return str(int(v))
        if v != 0 and (abs(v) < 1e-2 or abs(v) >= 1e5):
            mant, exp = f"{v:.3e}".split("e")
            mant = mant.rstrip("0").rstrip(".")
            return f"{mant}e{int(exp)}"
        return f"{v:.4g}"
    return str(v)


def fmt_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "/".join(fmt_value(x) for x in v)
    if isinstance(v, (int, float)):
        return fmt_number(v)
    return str(v)


def fmt_size(n: int | None) -> str:
    if not n:
        return ""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def fmt_date(ts: float | None) -> str:
    if not ts:
        return ""
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d")


def short_path(p: str) -> str:
    home = os.path.expanduser("~")
    if home not in ("", "/") and (p == home or p.startswith(home + os.sep)):
        return "~" + p[len(home) :]
    return p


def _device(card: Card) -> str:
    v = card.value("device")
    if not v:
        return ""
    names = v if isinstance(v, list) else [v]
    return "/".join(str(x) for x in names)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    get: Callable[[SearchResult], str]
    justify: str = "left"
    no_wrap: bool = True
    min_width: int | None = None


def _f(name: str) -> Callable[[SearchResult], str]:
    return lambda r: fmt_value(r.card.value(name))


COLUMNS: dict[str, Column] = {
    c.key: c
    for c in (
        Column("rank", "#", lambda r: str(r.rank), "right"),
        Column("model_id", "Model ID", lambda r: r.card.model_id, no_wrap=False, min_width=14),
        Column("score", "Score", lambda r: f"{r.score:.2f}", "right"),
        Column(
            "distance",
            "Distance",
            lambda r: "" if r.distance is None else f"{r.distance:.3f}",
            "right",
        ),
        Column("size", "Size", lambda r: fmt_size(r.card.size), "right"),
        Column("created", "Created", lambda r: fmt_date(r.card.created)),
        Column("modified", "Modified", lambda r: fmt_date(r.card.modified)),
        Column("path", "Path", lambda r: short_path(r.card.path), no_wrap=False),
        Column(
            "description", "Description", lambda r: r.card.description, no_wrap=False, min_width=30
        ),
        Column("framework", "Framework", _f("framework"), no_wrap=False),
        Column("arch", "Arch", _f("arch_family"), no_wrap=False),
        Column("dataset", "Dataset", _f("dataset"), no_wrap=False),
        Column("batch", "Batch", _f("batch_size"), "right"),
        Column("lr", "LR", _f("learning_rate"), "right"),
        Column("optimizer", "Optim", _f("optimizer")),
        Column("epochs", "Epochs", _f("epochs"), "right"),
        Column("hw", "HW", lambda r: _device(r.card), no_wrap=False),
        Column("status", "Status", lambda r: r.card.status),
    )
}

DEFAULT_COLUMNS = (
    "rank",
    "model_id",
    "score",
    "framework",
    "arch",
    "dataset",
    "batch",
    "lr",
    "optimizer",
    "epochs",
    "hw",
    "modified",
)
WIDE_COLUMNS = (
    "rank",
    "model_id",
    "score",
    "distance",
    "size",
    "created",
    "modified",
    "path",
    "description",
    "framework",
    "arch",
    "dataset",
    "batch",
    "lr",
    "optimizer",
    "epochs",
    "hw",
)


def parse_columns(spec: str) -> tuple[str, ...]:
    """'rank,model_id,lr' -> validated column keys; ValueError names the bad one."""
    keys = tuple(k.strip().lower() for k in spec.split(",") if k.strip())
    bad = [k for k in keys if k not in COLUMNS]
    if bad:
        raise ValueError(f"unknown column {bad[0]!r}; choose from {', '.join(COLUMNS)}")
    return keys


def results_table(
    results: list[SearchResult], columns: tuple[str, ...], *, tty: bool, title: str = ""
) -> Table:
    """The results table with the chosen columns."""
    table = Table(
        box=box.SIMPLE_HEAD if tty else None,
        show_edge=False,
        pad_edge=False,
        title=title or None,
        title_justify="left",
        header_style="bold" if tty else "",
        expand=False,
    )
    for key in columns:
        col = COLUMNS[key]
        table.add_column(
            col.header,
            justify=col.justify,  # type: ignore[arg-type]
            no_wrap=col.no_wrap,
            overflow="fold" if not col.no_wrap else "ellipsis",
            min_width=col.min_width,
        )
    for r in results:
        table.add_row(*(COLUMNS[k].get(r) for k in columns))
    return table
