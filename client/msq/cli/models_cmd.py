"""``msq show`` and ``msq ls``: one card in full, or everything indexed."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

import click

from ._common import UsageError, client_for, echo_json, echo_jsonl, obj


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Model ids from the daemon, for shell completion (never starts it, never fails)."""
    try:
        from ..client import Client

        home = ctx.find_root().params.get("home") or os.environ.get("MSQ_HOME")
        with Client(home, autostart=False, timeout=2.0) as c:
            return [card.model_id for card in c.list(prefix=incomplete, ids_only=True)][:200]
    except Exception:
        return []


@click.command()
@click.argument("model_id", shell_complete=_complete_ids)
@click.option(
    "--open", "open_", is_flag=True, help="Open the file in $EDITOR at the first fact's line."
)
@click.option("--field", "field_", default=None, help="Open at this field's line (with --open).")
@click.option(
    "--graph",
    "graph",
    type=click.Choice(["dot", "mermaid", "svg", "png"]),
    default=None,
    help="Print the component graph instead: DOT or Mermaid text, or SVG/PNG (needs Graphviz).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the --graph output to FILE.",
)
@click.pass_context
def show(
    ctx: click.Context,
    model_id: str,
    open_: bool,
    field_: str | None,
    graph: str | None,
    output: str | None,
) -> None:
    """Print one card in full: every field, its value and where it came from.

    \b
    The model classes print as a tree from the main model down.
      msq show proj/train --graph mermaid
      msq show proj/train --graph svg -o model.svg
    """
    from ..render import make_console
    from ..render.card import card_view

    if output and not graph:
        raise UsageError("-o/--output writes a diagram: give --graph too")
    if graph and obj(ctx).json:
        raise UsageError("--graph and --json do not combine")
    if graph == "png" and not output and sys.stdout.isatty():
        raise UsageError("PNG is binary: give -o FILE")
    with client_for(ctx) as client:
        card = client.get(model_id)
    if open_:
        _open_in_editor(card.path, _line_for(card, field_))
        return
    if graph:
        _write_graph(card, graph, output)
        return
    if obj(ctx).json:
        from ..render.tree import build_hierarchy

        echo_json({**card.to_json(), "hierarchy": build_hierarchy(card.components).to_json()})
        return
    console = make_console()
    card_view(console, card)


def _write_graph(card: object, fmt: str, output: str | None) -> None:
    from ..render.graph import GraphvizMissing, card_graph

    if not getattr(card, "components", None):
        raise click.ClickException(f"{getattr(card, 'model_id', '')} has no model classes to draw")
    try:
        data = card_graph(card, fmt)
    except GraphvizMissing as e:
        raise click.ClickException(str(e)) from None
    except RuntimeError as e:
        raise click.ClickException(str(e)) from None
    if output:
        try:
            with open(output, "wb") as f:
                f.write(data)
        except OSError as e:
            raise click.ClickException(f"cannot write {output}: {e.strerror}") from None
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _line_for(card: object, field_: str | None) -> int:
    fields = getattr(card, "fields", {})
    if field_:
        if field_ not in fields:
            raise UsageError(f"{field_!r} is not a field of this card; it has {', '.join(fields)}")
        return fields[field_].line or 1
    lines = [f.line for f in fields.values() if f.line and not f.file]
    return min(lines) if lines else 1


def _open_in_editor(path: str, line: int) -> None:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    cmd = [*shlex.split(editor)]
    name = os.path.basename(cmd[0])
    if name in ("code", "code-insiders", "cursor"):
        cmd += ["--goto", f"{path}:{line}"]
    elif name in ("subl", "sublime_text", "zed"):
        cmd += [f"{path}:{line}"]
    else:  # vi, vim, nvim, nano, emacs, micro, kak ... all take +LINE
        cmd += [f"+{line}", path]
    try:
        sys.exit(subprocess.call(cmd))
    except FileNotFoundError:
        raise click.ClickException(f"editor {cmd[0]!r} not found; set $EDITOR") from None


# What a file is (docs/modelcard.md "role").
ROLES = ("train", "model", "config", "data", "util", "library")


@click.command(name="ls")
@click.option(
    "-f", "--filter", "filter_", default="", metavar="EXPR", help="Only cards matching EXPR."
)
@click.option(
    "--sort",
    default="model_id",
    show_default=True,
    type=click.Choice(
        [
            "model_id",
            "modified",
            "created",
            "size",
            "path",
            "-model_id",
            "-modified",
            "-created",
            "-size",
            "-path",
        ]
    ),
    help="Sort key; a leading '-' sorts descending.",
)
@click.option("--errors", is_flag=True, help="Only files that failed or were skipped.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(ROLES),
    help="Only files of this role (repeatable): train = entry points that train.",
)
@click.option("--wide", is_flag=True)
@click.option("--columns", default=None, metavar="LIST")
@click.option("--jsonl", is_flag=True)
@click.option(
    "--flat", is_flag=True, help="One plain list; by default parts go under their entry points."
)
@click.pass_context
def ls(
    ctx: click.Context,
    filter_: str,
    sort: str,
    errors: bool,
    roles: tuple[str, ...],
    wide: bool,
    columns: str | None,
    jsonl: bool,
    flat: bool,
) -> None:
    """List everything indexed, with filters and sorting.

    \b
    A project's model definitions, configs, data loaders and helpers are listed
    indented under the training script (or notebook) of their folder, or of the
    nearest parent folder that has one; --flat lists every card on its own.
    --json and --jsonl are always the flat list.
    """
    from ..render import card_row, print_results
    from .ls_groups import PART_PREFIX, group_cards
    from .search_cmd import _columns

    status = ["error", "partial", "skipped"] if errors else []
    if roles:
        by_role = " or ".join(f'role = "{r}"' for r in roles)
        filter_ = f"({filter_}) and ({by_role})" if filter_ else by_role
    with client_for(ctx) as client:
        cards = list(client.list(filter=filter_, sort=sort, status=status))
    if obj(ctx).json:
        echo_json([c.to_json() for c in cards])
    elif jsonl:
        for c in cards:
            echo_jsonl(c.to_json())
    elif cards:
        cols = _columns(wide, columns)
        if not columns:
            cols = tuple(k for k in cols if k not in ("score", "distance"))
            if errors:
                cols = ("rank", "model_id", "status", "path")
        shown = [(c, False) for c in cards] if flat or errors else group_cards(cards)
        rows = []
        for i, (c, part) in enumerate(shown):
            row = card_row(c, i + 1)
            if part:
                # Display only: the row's card is this listing's own copy.
                row.card.model_id = PART_PREFIX + c.model_id
            rows.append(row)
        print_results(rows, cols, strict=bool(columns))
        if errors:
            for c in cards:
                click.echo(f"{c.model_id}: ({c.status}) {c.message}")
    if not cards:
        if not obj(ctx).json and not jsonl:
            click.echo("no errors" if errors else "nothing indexed matches", err=True)
        sys.exit(0 if errors else 1)


COMMANDS = [show, ls]
