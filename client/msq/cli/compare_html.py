"""``msq compare ... --html FILE [--open]``: the comparison as one self-contained page."""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..client import Client


def write_compare_page(
    client: Client,
    path: str,
    *,
    open_: bool = False,
    query: str = "",
    sides: list[str] | None = None,
    ids: list[str] | None = None,
    per_side: int = 3,
    baseline: str = "",
    no_llm: bool = False,
    llm: bool = False,
    filter_: str = "",
) -> int:
    """Run the comparison, fetch each compared card, write the page; the number of models.

    The page always holds everything (as ``--full`` does on a terminal): it is read by
    scrolling, not on one screen.
    """
    from .. import __version__
    from ..errors import NotFound
    from ..render.htmlpage import collect, compare_page

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
    title = query or (" vs ".join(sides) if sides else "")
    data = collect(events, title)
    cards = {}
    for model_id in data.model_ids():
        try:  # the diagrams need the components, which the table does not carry
            cards[model_id] = client.get(model_id)
        except NotFound:
            continue  # deleted since the comparison: its figure says so
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    page = compare_page(data, cards, generated=f"msq {__version__}, {when}")
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(page)
    except OSError as e:
        raise click.ClickException(f"cannot write {path}: {e.strerror}") from None
    n = len(data.model_ids())
    click.echo(f"wrote {path} ({n} model{'s' if n != 1 else ''})", err=True)
    if open_:
        import webbrowser

        uri = "file://" + os.path.abspath(path)
        if not webbrowser.open(uri):
            click.echo(f"no browser found; open {uri}", err=True)
    return n
