"""Rendering results for people: rich tables on a terminal, plain columns in a pipe.

Values print the way people write them: learning rates as 1e-3 or 0.01, sizes
in KB/MB, dates as dates, paths shortened with ``~``. The table is fitted to the
terminal (``tablefit``) so that each result stays on one line; only Description
(``--wide``) wraps. rich is imported only when writing to a terminal.

The package owns everything that turns results into text for people: this module (the
search results table and the value formatters the others share, on the search path),
``tablefit`` (fitting a table to the terminal without rich, on the search path too),
``card`` (``msq show``), ``compare`` (a comparison as it streams) and ``status``
(``msq status`` and the indexing progress bar), ``tree``, ``graph`` and ``svgtree`` (the
component hierarchy and its diagrams) and ``htmlpage`` + ``pagestyle`` (the HTML page of
a comparison). It may import rich, msq.types,
msq.compare_types, msq.status_types and msq._record (and, for a type hint only,
msq.client); never msq.transport, msq.service or msq.cli (the import-linter contracts in
pyproject.toml check it). The modules of the package import this one, never the reverse,
so ``import msq.render`` loads only it and tablefit.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence

from .._record import record
from . import tablefit as tf

# Not typing.TYPE_CHECKING: importing typing costs ~4 ms of a CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from rich.console import Console
    from rich.table import Table

    from ..types import Card, SearchResult


def is_tty(stream: Any = None) -> bool:
    stream = stream or sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def make_console(stderr: bool = False) -> Console:
    """A console that drops colour and box drawing when not writing to a terminal."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = is_tty(stream)
    width = None if tty else _pipe_width() or 200
    return Console(
        file=stream,
        force_terminal=None if tty else False,
        no_color=not tty or bool(os.environ.get("NO_COLOR")),
        width=width,
        highlight=False,
        soft_wrap=False,
    )


def _pipe_width() -> int | None:
    try:
        return int(os.environ.get("COLUMNS", "")) or None
    except ValueError:
        return None


# ---------------------------------------------------------------- values


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


# ---------------------------------------------------------------- columns


@record(frozen=True)
class Column:
    """A results column: its key, how to read a cell, how it fits."""

    key: str
    get: Callable[[SearchResult], tf.Cell]
    fit: tf.FitColumn


def _f(name: str) -> Callable[[SearchResult], tf.Cell]:
    def get(r: SearchResult) -> tf.Cell:
        v = r.card.value(name)
        if isinstance(v, list):
            return [fmt_value(x) for x in v]
        return fmt_value(v)

    return get


def _col(
    key: str,
    header: str,
    get: Callable[[SearchResult], tf.Cell],
    *,
    short: str = "",
    right: bool = False,
    min_width: int | None = None,
    shorten: tf.Shortener = tf.plain,
    soft: int | None = None,
    wrap: bool = False,
) -> Column:
    # Unless told otherwise a shrinkable column gives up width down to its minimum at once.
    soft = min_width if soft is None and key != "model_id" else soft
    fit = tf.FitColumn(
        header, short or header, "right" if right else "left", min_width, shorten, soft, wrap
    )
    return Column(key, get, fit)


COLUMNS: dict[str, Column] = {
    c.key: c
    for c in (
        _col("rank", "#", lambda r: str(r.rank), right=True),
        _col(
            "model_id",
            "Model ID",
            lambda r: r.card.model_id,
            short="ID",
            min_width=16,
            shorten=lambda c, w: tf.shorten_id(str(c), w),
        ),
        _col("score", "Score", lambda r: f"{r.score:.2f}", right=True),
        _col(
            "distance",
            "Distance",
            lambda r: "" if r.distance is None else f"{r.distance:.3f}",
            short="Dist",
            right=True,
        ),
        _col("size", "Size", lambda r: fmt_size(r.card.size), right=True),
        _col("created", "Created", lambda r: fmt_date(r.card.created)),
        _col("modified", "Modified", lambda r: fmt_date(r.card.modified)),
        _col(
            "path",
            "Path",
            lambda r: short_path(r.card.path),
            min_width=12,
            soft=24,
            shorten=lambda c, w: tf.shorten_path(str(c), w),
        ),
        _col(
            "description",
            "Description",
            lambda r: r.card.description,
            min_width=24,
            soft=40,
            wrap=True,
        ),
        _col(
            "framework",
            "Framework",
            _f("framework"),
            short="FW",
            min_width=7,
            shorten=tf.shorten_list,
        ),
        _col("arch", "Arch", _f("arch_family"), min_width=8, soft=11, shorten=tf.shorten_list),
        _col(
            "dataset",
            "Dataset",
            _f("dataset"),
            short="Data",
            min_width=8,
            soft=10,
            shorten=tf.shorten_dataset,
        ),
        _col("batch", "Batch", _f("batch_size"), short="BS", right=True),
        _col("lr", "LR", _f("learning_rate"), right=True),
        _col("optimizer", "Optim", _f("optimizer"), min_width=5, soft=7),
        _col("epochs", "Epochs", _f("epochs"), short="Ep", right=True),
        _col("hw", "HW", _f("device"), min_width=6, shorten=tf.shorten_list),
        _col("status", "Status", lambda r: r.card.status),
        _col("role", "Role", lambda r: r.card.role, min_width=4),
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
    "role",
    "framework",
    "arch",
    "dataset",
    "batch",
    "lr",
    "optimizer",
    "epochs",
    "hw",
    # Last, so that its wrapped lines read as a paragraph beside the facts.
    "description",
)


def parse_columns(spec: str) -> tuple[str, ...]:
    """'rank,model_id,lr' -> validated column keys; ValueError names the bad one."""
    keys = tuple(k.strip().lower() for k in spec.split(",") if k.strip())
    bad = [k for k in keys if k not in COLUMNS]
    if bad:
        raise ValueError(f"unknown column {bad[0]!r}; choose from {', '.join(COLUMNS)}")
    if not keys:
        raise ValueError(f"no columns given; choose from {', '.join(COLUMNS)}")
    return keys


def _cells(results: Sequence[SearchResult], columns: Sequence[str]) -> list[list[tf.Cell]]:
    return [[COLUMNS[k].get(r) for k in columns] for r in results]


# When even the minimum widths do not fit, these columns go first, in this order.
DROP_ORDER = (
    "description", "created", "size", "distance", "role", "path", "modified", "hw", "score",
)  # fmt: skip


def _layout_args(columns: Sequence[str], strict: bool) -> dict[str, Any]:
    cols = list(columns)
    return {
        "id_index": cols.index("model_id") if "model_id" in cols else None,
        "drop": () if strict else [cols.index(k) for k in DROP_ORDER if k in cols],
    }


def results_table(
    results: Sequence[SearchResult],
    columns: Sequence[str],
    *,
    tty: bool,
    title: str = "",
    width: int | None = None,
    strict: bool = False,
) -> Table:
    """The results table fitted to ``width`` cells: one line per row (Description wraps).

    Unless ``strict`` (the user chose the columns), columns that cannot fit are dropped.
    """
    from rich import box
    from rich.table import Table

    fits = [COLUMNS[k].fit for k in columns]
    lay = tf.layout(fits, _cells(results, columns), width, **_layout_args(columns, strict))
    fits = [fits[i] for i in lay.keep]
    rows = _cells(results, [columns[i] for i in lay.keep])
    # On a terminal the box draws a one-cell divider between columns; the padding
    # on each cell's right makes up the rest of the gap.
    table = Table(
        box=box.SIMPLE_HEAD if tty else None,
        show_edge=False,
        pad_edge=False,
        padding=(0, lay.gap - 1 if tty else lay.gap, 0, 0),
        title=title or None,
        title_justify="left",
        header_style="bold" if tty else "",
        expand=False,
    )
    for fit, w in zip(fits, lay.widths, strict=True):
        table.add_column(
            tf.header_for(fit, w),
            justify=fit.justify,  # type: ignore[arg-type]
            no_wrap=not fit.wrap,
            overflow="ellipsis",
            width=w,
        )
    for row in tf.fitted_rows(fits, rows, lay.widths):
        table.add_row(*row)
    return table


def plain_table(
    results: Sequence[SearchResult], columns: Sequence[str], *, strict: bool = False
) -> list[str]:
    """The results as plain text lines (pipes): full values unless $COLUMNS is set."""
    fits = [COLUMNS[k].fit for k in columns]
    return tf.plain_lines(
        fits, _cells(results, columns), _pipe_width(), **_layout_args(columns, strict)
    )


def print_results(
    results: Sequence[SearchResult],
    columns: Sequence[str],
    *,
    title: str = "",
    strict: bool = False,
) -> None:
    """The results on stdout: a fitted rich table on a terminal, plain lines otherwise."""
    if not is_tty():
        out = ([title] if title else []) + plain_table(results, columns, strict=strict)
        sys.stdout.write("\n".join(out) + "\n")
        return
    console = make_console()
    console.print(
        results_table(results, columns, tty=True, title=title, width=console.width, strict=strict)
    )


def search_notes(res: Any) -> list[str]:
    """How the query was read, and how complete the index is (one short note each)."""
    notes = []
    if res.summary:
        notes.append(f"read as: {res.summary}")
    if res.progress.active and res.progress.completeness < 1.0:
        notes.append(f"index {res.progress.completeness:.0%} complete, still indexing")
    if not res.dense:
        notes.append("embedding model still loading: lexical matches only")
    if getattr(res, "closest", False) and res.notice:
        notes.append(res.notice)  # "nothing matches ... fully; closest matches (...)"
    elif res.hidden and res.results:
        notes.append(f"{res.hidden} weak matches hidden (--all shows them)")
    return notes


def card_row(card: Card, rank: int) -> SearchResult:
    """A card as an unscored result row, for ``msq ls``."""
    from ..types import SearchResult

    return SearchResult(rank, card, 0.0, None, 0.0, [])
