"""How ``msq search`` prints its results, shared by the click command and the fast path.

Click-free on purpose: ``msq QUERY`` in a pipe is answered without importing click
or rich (cli/fast.py), and both paths must print exactly the same thing.
"""

from __future__ import annotations

import sys

# Not typing.TYPE_CHECKING: importing typing costs ~4 ms of a CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..types import SearchResults


def _line(text: str, err: bool = False) -> None:
    (sys.stderr if err else sys.stdout).write(text + "\n")


def json_text(data: Any, *, one_line: bool = False) -> str:
    """``data`` as msq prints JSON: indented (``--json``) or on one line (``--jsonl``)."""
    import json  # only JSON output needs it

    return json.dumps(data, indent=None if one_line else 2, ensure_ascii=False, default=str)


def show_search(
    res: SearchResults,
    cols: tuple[str, ...],
    *,
    explain: bool,
    strict: bool,
    as_json: bool,
    jsonl: bool,
) -> int:
    """Print ``res`` (JSON, JSON lines, or a table with notes); return the exit code."""
    if as_json:
        _line(json_text(res.to_json()))
    elif jsonl:
        for r in res.results:
            _line(json_text(r.to_json(), one_line=True))
    else:
        _table(res, cols, explain, strict=strict)
    if not res.results:
        if not as_json and not jsonl:
            _line(res.notice or "nothing found", err=True)
        return 1
    return 0


def _table(res: SearchResults, cols: tuple[str, ...], explain: bool, *, strict: bool) -> None:
    from ..render import is_tty, print_results, search_notes

    notes = search_notes(res)
    if not is_tty():
        # In a pipe stdout carries only the table; the notes go to stderr.
        if notes:
            _line("  ".join(notes), err=True)
        if res.results:
            print_results(res.results, cols, strict=strict)
        if explain:
            for r in res.results:
                _line(f"{r.rank}. {r.card.model_id}: " + "; ".join(r.explain))
        return
    from ..render import make_console

    console = make_console()
    if notes:
        console.print("  ".join(f"[dim]{n}[/]" for n in notes))
    if res.results:
        print_results(res.results, cols, strict=strict)
    if explain:
        for r in res.results:
            console.print(f"[bold]{r.rank}. {r.card.model_id}[/]: " + "; ".join(r.explain))
