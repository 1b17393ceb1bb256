"""What both entry points (cli/fast.py and cli/main.py) share, without click.

The table of msq's commands: ``msq --help`` lists them from here without importing any
command module, and the fast path (cli/fast.py) uses it to tell a command from the
first word of a query. And :func:`leave`, how both end a command. Both import this
module; main does not import fast (fast imports main only when click must answer).
"""

from __future__ import annotations

import contextlib
import os
import sys

# name -> (module, attribute, one-line help shown by `msq --help`).
# tests/msq/test_cli_unit.py checks that every entry resolves to a command.
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "search": (
        "search_cmd",
        "search",
        "Rank your models for QUERY; 'A vs B' becomes a comparison.",
    ),
    "compare": ("search_cmd", "compare", "Compare models side by side."),
    "show": ("models_cmd", "show", "Print one card in full, with where each value came from."),
    "ls": ("models_cmd", "ls", "List everything indexed, with filters and sorting."),
    "status": ("daemon_cmd", "status", "Roots, counts, indexing progress, versions and models."),
    "add": ("daemon_cmd", "add", "Watch and index PATHS (kept in the config)."),
    "rm": ("daemon_cmd", "rm", "Stop watching PATH and drop its models from the index."),
    "reindex": ("daemon_cmd", "reindex", "Rescan every root (or ROOT) and show progress."),
    "daemon": ("daemon_cmd", "daemon", "Start, stop or check msqd for this user (or this --home)."),
    "config": ("config_cmd", "config", "Show or change msq's settings."),
    "completion": ("config_cmd", "completion", "Print the completion script for SHELL."),
    "demo": ("demo_cmd", "demo", "Index the bundled demo corpus on a throw-away home and ask."),
    "service": ("service_cmd", "service", "Run msqd as a per-user service (systemd or launchd)."),
}


def leave(code: int) -> None:
    """Flush and exit without interpreter teardown.

    Tearing down grpc, protobuf and rich at exit costs ~30-50 ms, a third of a search;
    nothing is left to clean up once a command has returned and its output is flushed.
    """
    for stream in (sys.stdout, sys.stderr):
        # `msq ls | head`: the reader may have left already.
        with contextlib.suppress(BrokenPipeError, ValueError):
            stream.flush()
    os._exit(code)
