"""The ``msq`` command group. ``msq QUERY`` is short for ``msq search QUERY``.

Commands live in topic modules (search, models, daemon, config, service); this
module only parses the global options and dispatches.
"""

from __future__ import annotations

import sys

import click

from .. import __version__
from ._common import Obj


class DefaultGroup(click.Group):
    """A group that treats an unknown first word as the start of a search query."""

    default_command = "search"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Find the first non-option word; if it is not a command, insert "search".
        i = 0
        while i < len(args):
            a = args[i]
            if a == "--":
                break
            if a.startswith("-"):
                opt = self._global_option(a)
                i += 2 if opt is not None and not opt.is_flag and "=" not in a else 1
                continue
            if a not in self.commands:
                args = [*args[:i], self.default_command, *args[i:]]
            break
        return super().parse_args(ctx, args)

    def _global_option(self, flag: str) -> click.Option | None:
        name = flag.split("=", 1)[0]
        for p in self.params:
            if isinstance(p, click.Option) and name in p.opts + p.secondary_opts:
                return p
        return None


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    envvar="MSQ_HOME",
    type=click.Path(file_okay=False),
    default=None,
    help="Use config, data and socket under this folder (env MSQ_HOME).",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option(
    "--no-autostart",
    is_flag=True,
    default=False,
    help="Fail instead of starting msqd when it is not running.",
)
@click.version_option(__version__, prog_name="msq")
@click.pass_context
def main(ctx: click.Context, home: str | None, as_json: bool, no_autostart: bool) -> None:
    """Search your machine-learning scripts by what they train.

    \b
      msq "diffusion cifar vs mnist"
      msq "which of my models used SGD with lr above 0.01?"
      msq show Generative-CIFAR-10-Cat-Dog/v10

    msq asks the msqd daemon, starting it when needed. Exit codes: 0 ok,
    1 nothing found or daemon error, 2 usage error.
    """
    ctx.obj = Obj(home=home, json=as_json, autostart=False if no_autostart else None)


def _register() -> None:
    from . import config_cmd, daemon_cmd, demo_cmd, models_cmd, search_cmd, service_cmd

    for mod in (search_cmd, models_cmd, daemon_cmd, config_cmd, demo_cmd):
        for cmd in mod.COMMANDS:
            main.add_command(cmd)
    main.add_command(service_cmd.service)


_register()


def run() -> None:
    """Entry point that keeps click's exit codes (2 for usage errors)."""
    main(prog_name="msq")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
