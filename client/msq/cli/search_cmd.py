"""``msq search`` and ``msq compare``: one client call each, then render."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ._common import UsageError, client_for, obj
from .search_out import show_search


def _columns(wide: bool, columns: str | None) -> tuple[str, ...]:
    from ..render import DEFAULT_COLUMNS, WIDE_COLUMNS, parse_columns

    if columns:
        try:
            return parse_columns(columns)
        except ValueError as e:
            raise UsageError(str(e)) from None
    return WIDE_COLUMNS if wide else DEFAULT_COLUMNS


F = TypeVar("F", bound=Callable[..., Any])


def _answer_options(fn: F) -> F:
    """--full, --all-differences and --llm: how much of a comparison to print (search
    and compare take the same three)."""
    fn = click.option(
        "--llm",
        is_flag=True,
        help="Comparison: ask for the LLM narrative even from the bundled model.",
    )(fn)
    fn = click.option(
        "--all-differences",
        is_flag=True,
        help="Comparison: every difference, not only those that separate the sides.",
    )(fn)
    return click.option(
        "--full",
        is_flag=True,
        help="Comparison: the whole table, every difference, ranked results.",
    )(fn)


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option(
    "-f",
    "--filter",
    "filter_",
    default="",
    metavar="EXPR",
    help="Exact filter, e.g. 'dataset = \"CIFAR-10\" and lr >= 0.01'.",
)
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--all", "show_all", is_flag=True, help="Also show rows below the relevance floor.")
@click.option("--explain", is_flag=True, help="Say which terms and constraints lifted each row.")
@click.option("--wide", is_flag=True, help="Add distance, size, created, path and description.")
@click.option("--columns", default=None, metavar="LIST", help="Comma-separated columns to show.")
@click.option("--jsonl", is_flag=True, help="One JSON object per result line.")
@click.option(
    "--per-side",
    default=3,
    show_default=True,
    type=click.IntRange(1, 20),
    help="Models per side of a comparison.",
)
@click.option("--no-llm", is_flag=True, help="Skip the narrative of a comparison.")
@click.option("--no-compare", is_flag=True, help="Show ranked results even for 'A vs B' queries.")
@_answer_options
@click.pass_context
def search(
    ctx: click.Context,
    query: tuple[str, ...],
    filter_: str,
    limit: int,
    show_all: bool,
    explain: bool,
    wide: bool,
    columns: str | None,
    jsonl: bool,
    per_side: int,
    no_llm: bool,
    no_compare: bool,
    full: bool,
    all_differences: bool,
    llm: bool,
) -> None:
    """Rank your models for QUERY; 'A vs B' queries become a comparison.

    \b
      msq search "vae on mnist with more than 50 epochs"
      msq search cifar --filter 'optimizer = SGD or lr >= 0.01'
    """
    text = " ".join(query)
    cols = _columns(wide, columns)
    o = obj(ctx)
    with client_for(ctx) as client:
        res = client.search(
            text, filter=filter_, limit=limit, all=show_all, explain=explain, per_side=per_side
        )
        if res.is_comparison and not no_compare:
            from .compare_run import run_compare

            run_compare(
                ctx,
                client,
                query=text,
                per_side=per_side,
                no_llm=no_llm,
                filter_=filter_,
                cols=cols,
                full=full,
                all_differences=all_differences,
                llm=llm,
            )
            return
    code = show_search(
        res, cols, explain=explain, strict=bool(columns), as_json=o.json, jsonl=jsonl
    )
    if code:
        sys.exit(code)


@click.command()
@click.argument("sides", nargs=-1)
@click.option("--ids", multiple=True, metavar="ID", help="Compare these model ids (repeatable).")
@click.option("--per-side", default=3, show_default=True, type=click.IntRange(1, 20))
@click.option("--diff-only", is_flag=True, help="Hide rows where every model agrees.")
@click.option("--baseline", default="", metavar="ID", help="Show other columns as deltas to ID.")
@click.option("--no-llm", is_flag=True, help="Skip the narrative.")
@click.option(
    "-f", "--filter", "filter_", default="", metavar="EXPR", help="Applied to every side."
)
@click.option("--wide", is_flag=True)
@click.option("--columns", default=None, metavar="LIST")
@click.option(
    "--html", "html", default=None, metavar="FILE", help="Write the comparison as one HTML page."
)
@click.option("--open", "open_", is_flag=True, help="Open the --html page in the browser.")
@_answer_options
@click.pass_context
def compare(
    ctx: click.Context,
    sides: tuple[str, ...],
    ids: tuple[str, ...],
    per_side: int,
    diff_only: bool,
    baseline: str,
    no_llm: bool,
    filter_: str,
    wide: bool,
    columns: str | None,
    html: str | None,
    open_: bool,
    full: bool,
    all_differences: bool,
    llm: bool,
) -> None:
    """Compare models side by side: a question, two or more SIDES, or --ids.

    By default one screen: each side's summary, the differences that separate the
    sides, a summary paragraph and the fields that differ. --full adds the whole
    table, every key difference and each side's ranked results.

    \b
      msq compare "diffusion cifar vs mnist"
      msq compare "diffusion on CIFAR-10" "diffusion on MNIST"
      msq compare --ids proj/ddpm --ids other/ddpm --baseline proj/ddpm
      msq compare "vae vs gan" --html page.html --open
    """
    from .compare_run import run_compare

    if not sides and not ids:
        raise UsageError("give a question, two or more sides, or --ids ID --ids ID")
    if open_ and not html:
        raise UsageError("--open opens the page: give --html FILE too")
    query = sides[0] if len(sides) == 1 else ""
    with client_for(ctx) as client:
        if html:
            from .compare_html import write_compare_page

            n = write_compare_page(
                client,
                html,
                open_=open_,
                query=query,
                sides=list(sides) if len(sides) > 1 else [],
                ids=list(ids),
                per_side=per_side,
                baseline=baseline,
                no_llm=no_llm,
                llm=llm,
                filter_=filter_,
            )
            if not n:
                sys.exit(1)
            return
        run_compare(
            ctx,
            client,
            query=query,
            sides=list(sides) if len(sides) > 1 else [],
            ids=list(ids),
            per_side=per_side,
            diff_only=diff_only,
            baseline=baseline,
            no_llm=no_llm,
            filter_=filter_,
            cols=_columns(wide, columns),
            full=full,
            all_differences=all_differences,
            llm=llm,
        )


COMMANDS = [search, compare]
