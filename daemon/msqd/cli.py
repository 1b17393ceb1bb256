"""The ``msqd`` command: run the daemon in the foreground, or extract cards offline."""

from __future__ import annotations

import json
import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

import click

from msq.private import make_private

from . import __version__


def _setup_logging(level: str, logfile: str | None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if logfile:
        handlers.append(RotatingFileHandler(logfile, maxBytes=5_000_000, backupCount=2))
        # Log lines name the user's files: 0600 even if the file predates the umask.
        make_private(Path(logfile))
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    envvar="MSQ_HOME",
    type=click.Path(file_okay=False),
    default=None,
    help="Keep config, data, logs and socket under this folder (env MSQ_HOME).",
)
@click.option("--socket", "socket_path", default=None, help="Unix socket path to serve on.")
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
@click.version_option(__version__, prog_name="msqd")
@click.pass_context
def main(ctx: click.Context, home: str | None, socket_path: str | None, log_level: str) -> None:
    """Run the msq daemon in the foreground until SIGTERM or SIGINT.

    msqd watches the roots listed in its config (add them with `msq add PATH`),
    reads every training script and notebook without running it, and serves
    search and compare on a unix socket. Services supervise it; it never forks.
    """
    ctx.ensure_object(dict)
    ctx.obj["home"] = home
    if ctx.invoked_subcommand is not None:
        return
    # Before any file is created: everything msqd writes (database, WAL, index, logs,
    # lock) is born owner-only whatever the user's umask; files that predate this or
    # that a library creates with its own mode are chmod-ed as well.
    os.umask(0o077)
    from .config import Config
    from .errors import MsqError
    from .serve.server import Server

    try:
        config = Config(home, socket=socket_path, log_level=log_level)
        config.load()
    except (MsqError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    _setup_logging(log_level, str(config.paths.daemon_log))
    sys.exit(Server(config).run())


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=False))
@click.option("--json", "as_json", is_flag=True, help="Print the cards as a JSON list.")
@click.option(
    "--root",
    default=None,
    type=click.Path(file_okay=False),
    help="Folder the files belong to (decides the model ids).",
)
def extract(paths: tuple[str, ...], as_json: bool, root: str | None) -> None:
    """Print the ModelCards of PATHS without any daemon running.

    Nothing is imported or executed: the files are only parsed.
    """
    from pathlib import Path

    from .extract import extract_file

    cards = []
    for p in paths:
        path = Path(p).absolute()
        cards.append(extract_file(path, Path(root).absolute() if root else None))
    if as_json:
        click.echo(json.dumps([c.to_json() for c in cards], indent=2))
        return
    for c in cards:
        click.echo(f"{c.model_id}  [{c.status}]  {c.path}")
        if c.message:
            click.echo(f"  {c.message}")
        for name, f in c.fields.items():
            where = f"line {f.line}" if f.line else "?"
            if f.cell:
                where = f"cell {f.cell}, {where}"
            click.echo(
                f"  {name} = {f.value}  ({where}, {f.how}{' ' + f.detail if f.detail else ''})"
            )
    if any(c.status == "error" for c in cards):
        sys.exit(1)
