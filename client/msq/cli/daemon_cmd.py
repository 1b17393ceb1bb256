"""Roots and the daemon: ``status``, ``add``, ``rm``, ``reindex``, ``daemon start|stop|status``."""

from __future__ import annotations

import os
import signal
import sys
import time

import click

from ._common import client_for, echo_json, obj


@click.command()
@click.option("--wait", is_flag=True, help="Block with a live progress bar until indexing is done.")
@click.pass_context
def status(ctx: click.Context, wait: bool) -> None:
    """Roots, counts, indexing progress, versions and models of the daemon."""
    from ..render import make_console
    from ..render.status import progress_bar, status_view

    with client_for(ctx) as client:
        st = client.status()
        if wait and (st.progress.active or not st.embedding_ready):
            if obj(ctx).json or not sys.stdout.isatty():
                while st.progress.active or not st.embedding_ready:
                    time.sleep(0.5)
                    st = client.status()
            else:
                progress_bar(client, make_console())
                st = client.status()
    if obj(ctx).json:
        echo_json(st.to_json())
        return
    status_view(make_console(), st)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.pass_context
def add(ctx: click.Context, paths: tuple[str, ...]) -> None:
    """Watch and index PATHS (kept in the config)."""
    with client_for(ctx) as client:
        roots = []
        for p in paths:
            roots = client.add_root(p)
    if obj(ctx).json:
        echo_json([r.__dict__ for r in roots])
        return
    for p in paths:
        click.echo(
            f"watching {os.path.abspath(p)}; indexing runs in the background (msq status --wait)"
        )


@click.command(name="rm")
@click.argument("path", type=click.Path())
@click.pass_context
def rm(ctx: click.Context, path: str) -> None:
    """Stop watching PATH and drop its models from the index (files are untouched)."""
    with client_for(ctx) as client:
        roots = client.remove_root(path)
    if obj(ctx).json:
        echo_json([r.__dict__ for r in roots])
        return
    click.echo(f"no longer watching {os.path.abspath(path)}")


@click.command()
@click.argument("root", required=False, default="")
@click.option("--force", is_flag=True, help="Re-extract unchanged files too.")
@click.pass_context
def reindex(ctx: click.Context, root: str, force: bool) -> None:
    """Rescan every root (or ROOT) and show progress until done."""
    with client_for(ctx) as client:
        last = None
        for p in client.reindex(root, force=force):
            last = p
            if not obj(ctx).json and sys.stderr.isatty():
                click.echo(
                    f"\r{p.done}/{p.seen} files, {p.failed} failed, {p.rate:.0f}/s   ",
                    nl=False,
                    err=True,
                )
    if obj(ctx).json:
        echo_json(last.__dict__ if last else {})
    elif last is not None:
        if sys.stderr.isatty():
            click.echo("", err=True)
        click.echo(f"reindexed: {last.done} files processed, {last.failed} failed")


# ---------------------------------------------------------------- daemon group


@click.group()
def daemon() -> None:
    """Start, stop or check msqd for this user (or this --home)."""


@daemon.command(name="start")
@click.pass_context
def daemon_start(ctx: click.Context) -> None:
    """Start msqd in the background and wait until it serves."""
    from ..client import Client
    from ..errors import MsqClientError

    c = Client(obj(ctx).home, autostart=True)
    try:
        was = c.health()
        c.ensure_running()
        st = c.status()
    except MsqClientError as e:
        raise click.ClickException(str(e)) from None
    finally:
        c.close()
    word = "already running" if was == "SERVING" else "started"
    click.echo(f"msqd {word} (pid {st.pid}) on {st.socket_path}")


@daemon.command(name="stop")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for exit.")
@click.pass_context
def daemon_stop(ctx: click.Context, timeout: float) -> None:
    """Stop msqd gracefully (SIGTERM) and wait until it has exited."""
    from ..client import Client
    from ..errors import MsqClientError

    c = Client(obj(ctx).home, autostart=False)
    try:
        if c.health() == "DOWN":
            click.echo("msqd is not running")
            return
        pid = c.status().pid
    except MsqClientError as e:
        raise click.ClickException(str(e)) from None
    finally:
        c.close()
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            click.echo(f"msqd (pid {pid}) stopped")
            return
        time.sleep(0.1)
    raise click.ClickException(f"msqd (pid {pid}) did not exit within {timeout:.0f} s")


@daemon.command(name="status")
@click.pass_context
def daemon_status(ctx: click.Context) -> None:
    """Say whether msqd is running; exit 1 when it is not."""
    from ..client import Client
    from ..errors import MsqClientError

    c = Client(obj(ctx).home, autostart=False)
    try:
        state = c.health()
        if state == "DOWN":
            click.echo(f"msqd is not running (no answer on {c.socket})")
            sys.exit(1)
        st = c.status()
    except MsqClientError as e:
        raise click.ClickException(str(e)) from None
    finally:
        c.close()
    if obj(ctx).json:
        echo_json({"state": state, "pid": st.pid, "socket": st.socket_path, "version": st.version})
        return
    click.echo(f"msqd {st.version} is running (pid {st.pid}, {state.lower()}) on {st.socket_path}")


COMMANDS = [status, add, rm, reindex, daemon]
