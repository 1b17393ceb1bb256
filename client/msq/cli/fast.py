"""``msq QUERY`` without click: the search people type most, answered at interpreter speed.

The console script enters here (:func:`run`). When the arguments are a plain search
(``msq [--home H] [--no-autostart] [--timeout S] [--json] [search] WORDS... [search
options]``) and the daemon answers, the search is made and printed by the same code
the click command uses (cli/search_out.py), without importing click. Anything else -
another command, ``--help``, an option this parser does not know, a value it would
have to reject, shell completion, a comparison to run, a daemon that is down or says
no - goes to the click group (cli/main.py), which parses everything afresh and owns
every message and exit code. The fast path therefore prints nothing until it has an
answer it can print in full, and never prints an error.
"""

from __future__ import annotations

import os
import sys

from .commands import LAZY_COMMANDS, leave

# Not typing.TYPE_CHECKING: importing typing costs ~4 ms of a CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


# Options of the group (before the command) and of `msq search`, as click defines them.
_GROUP_VALUE = {"--home": "home", "--timeout": "timeout"}
_GROUP_FLAG = {"--json": "json", "--no-autostart": "no_autostart"}
_SEARCH_VALUE = {
    "-f": "filter",
    "--filter": "filter",
    "-n": "limit",
    "--limit": "limit",
    "--columns": "columns",
    "--per-side": "per_side",
}
_SEARCH_FLAG = {
    "--all": "all",
    "--explain": "explain",
    "--wide": "wide",
    "--jsonl": "jsonl",
    "--no-llm": "no_llm",
    "--no-compare": "no_compare",
}


def parse(argv: list[str], env: dict[str, str] | os._Environ[str]) -> dict[str, Any] | None:
    """The options of a plain search in ``argv``, or None when click must decide."""
    if any(k.startswith("_MSQ_COMPLETE") for k in env):
        return None
    opts: dict[str, Any] = {"words": [], "filter": "", "limit": "10", "per_side": "3"}
    in_search = False
    i = 0
    while i < len(argv):
        a = argv[i]
        name, eq, inline = a.partition("=") if a.startswith("--") else (a, "", "")
        if not in_search and name in _GROUP_FLAG and not eq:
            opts[_GROUP_FLAG[name]] = True
        elif (not in_search and name in _GROUP_VALUE) or name in _SEARCH_VALUE:
            if not eq:  # the value is the next argument
                if i + 1 >= len(argv):
                    return None
                i += 1
                inline = argv[i]
            if name in _SEARCH_VALUE:
                opts[_SEARCH_VALUE[name]] = inline
                in_search = True
            else:
                opts[_GROUP_VALUE[name]] = inline
        elif name in _SEARCH_FLAG and not eq:
            opts[_SEARCH_FLAG[name]] = in_search = True
        elif a.startswith("-"):
            return None  # --help, --version, "--", a typo: click's to answer
        elif not in_search and a in LAZY_COMMANDS:
            if a != "search":
                return None
            in_search = True
        else:
            opts["words"].append(a)
            in_search = True
        i += 1
    return opts if opts["words"] and _checked(opts, env) else None


def _checked(opts: dict[str, Any], env: dict[str, str] | os._Environ[str]) -> bool:
    """Convert values as click would; False for anything click would refuse."""
    try:
        opts["limit"] = _int(opts["limit"], 1, 1000)
        opts["per_side"] = _int(opts["per_side"], 1, 20)
        opts["timeout"] = float(opts.get("timeout", "30"))
    except ValueError:
        return False
    if not opts["timeout"] >= 0.1:  # also refuses nan
        return False
    home = opts.get("home") or env.get("MSQ_HOME") or None
    if home is not None and os.path.isfile(home):
        return False  # click.Path(file_okay=False) says why
    opts["home"] = home
    return True


def _int(text: str, low: int, high: int) -> int:
    if not text.strip().isdigit():
        raise ValueError(text)
    n = int(text)
    if not low <= n <= high:
        raise ValueError(text)
    return n


def search(opts: dict[str, Any]) -> int | None:
    """Run the search and print it; the exit code, or None to let click do it all."""
    from ..client import Client
    from ..render import DEFAULT_COLUMNS, WIDE_COLUMNS, parse_columns
    from .search_out import show_search

    try:
        cols = parse_columns(opts["columns"]) if opts.get("columns") else None
    except ValueError:
        return None
    text = " ".join(opts["words"])
    try:
        # No autostart here: starting msqd shows a spinner, which is click's path.
        with Client(opts["home"], autostart=False, timeout=opts["timeout"]) as client:
            res = client.search(
                text,
                filter=opts["filter"],
                limit=opts["limit"],
                all=bool(opts.get("all")),
                explain=bool(opts.get("explain")),
                per_side=opts["per_side"],
            )
    except Exception:  # every failure is the click path's to report
        return None
    if res.is_comparison and not opts.get("no_compare"):
        return None
    return show_search(
        res,
        cols or (WIDE_COLUMNS if opts.get("wide") else DEFAULT_COLUMNS),
        explain=bool(opts.get("explain")),
        strict=cols is not None,
        as_json=bool(opts.get("json")),
        jsonl=bool(opts.get("jsonl")),
    )


def run() -> None:
    """The ``msq`` console entry point: the fast path when it applies, else click."""
    opts = parse(sys.argv[1:], os.environ)
    try:
        code = search(opts) if opts is not None else None
    except BrokenPipeError:  # `msq cifar | head -1`: the reader has what it wanted
        code = 0
    if code is None:
        from .main import run as run_click

        run_click()  # exits
        return
    leave(code)


if __name__ == "__main__":  # pragma: no cover
    run()
