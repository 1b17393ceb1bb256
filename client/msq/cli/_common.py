"""What every command shares: the context object, the client, the error edge."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from .search_out import json_text

if TYPE_CHECKING:
    from ..client import Client


@dataclass
class Obj:
    """Global options, built once by the main group."""

    home: str | None
    json: bool
    autostart: bool | None
    timeout: float = 30.0

    def get(self, key: str, default: Any = None) -> Any:
        # service_cmd reads ctx.obj like a dict.
        return getattr(self, key, default)


def obj(ctx: click.Context) -> Obj:
    o = ctx.find_object(Obj)
    if o is None:  # a command invoked without the main group (tests)
        o = Obj(None, False, None)
    return o


class UsageError(click.ClickException):
    exit_code = 2


@contextmanager
def client_for(ctx: click.Context) -> Iterator[Client]:
    """A client whose start-up wait shows a spinner on a terminal; errors become one sentence."""
    from ..client import Client
    from ..errors import InvalidRequest, MsqClientError

    o = obj(ctx)
    status_cm = None
    if sys.stderr.isatty() and not o.json:
        from rich.console import Console

        status_cm = Console(stderr=True).status("starting msqd…")

    started = False

    def tick(state: str) -> None:
        nonlocal started
        if status_cm is not None and not started:
            status_cm.start()
            started = True

    client = Client(o.home, autostart=o.autostart, timeout=o.timeout, on_wait=tick)
    try:
        yield client
    except InvalidRequest as e:
        raise UsageError(str(e)) from None
    except MsqClientError as e:
        raise click.ClickException(str(e)) from None
    finally:
        if status_cm is not None and started:
            status_cm.stop()
        client.close()


def echo_json(data: Any) -> None:
    """One JSON document (the shapes in docs/json.md)."""
    click.echo(json_text(data))


def echo_jsonl(data: Any) -> None:
    """One JSON object on one line."""
    click.echo(json_text(data, one_line=True))
