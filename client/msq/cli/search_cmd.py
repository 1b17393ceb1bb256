"""``msq search`` and ``msq compare``: one client call each, then render."""

from __future__ import annotations

import sys

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
) -> None:
    """Compare models side by side: a question, two or more SIDES, or --ids.

    \b
      msq compare "diffusion cifar vs mnist"
      msq compare "diffusion on CIFAR-10" "diffusion on MNIST"
      msq compare --ids proj/ddpm --ids other/ddpm --baseline proj/ddpm
    """
    from .compare_run import run_compare

    if not sides and not ids:
        raise UsageError("give a question, two or more sides, or --ids ID --ids ID")
    query = sides[0] if len(sides) == 1 else ""
    with client_for(ctx) as client:
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
        )


COMMANDS = [search, compare]
