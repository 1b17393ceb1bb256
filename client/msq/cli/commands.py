"""The table of msq's commands, without click.

``msq --help`` lists them from here without importing any command module, and the
fast path (cli/fast.py) uses it to tell a command from the first word of a query.
"""

from __future__ import annotations

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
