"""The ``msq`` command group. ``msq QUERY`` is short for ``msq search QUERY``.

Commands live in topic modules (search, models, daemon, config, service) and are
imported only when invoked: ``msq --help`` lists them from the table below without
importing grpc, rich or any command module, so it starts as fast as click allows.
"""

from __future__ import annotations

import importlib
import sys

import click

from .. import __version__
from ._common import Obj
from .commands import LAZY_COMMANDS, leave


class LazyGroup(click.Group):
    """A group whose commands are imported on first use.

    An unknown first word is the start of a search query: ``msq diffusion cifar``.
    """

    default_command = "search"

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(LAZY_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = LAZY_COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module = importlib.import_module(f"{__package__}.{spec[0]}")
        cmd: click.Command = getattr(module, spec[1])
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The static table, so that --help imports no command module.
        rows = [(name, spec[2]) for name, spec in LAZY_COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Find the first non-option word; if it is not a command, insert "search".
        i = 0
        while i < len(args):
            a = args[i]
            if a == "--":
                break
            if a.startswith("-"):
                opt = self._global_option(a)
                if opt is None and a not in ctx.help_option_names:
                    # A search option before the query: `msq --wide cifar`.
                    args = [*args[:i], self.default_command, *args[i:]]
                    break
                i += 2 if opt is not None and not opt.is_flag and "=" not in a else 1
                continue
            if a not in LAZY_COMMANDS:
                args = [*args[:i], self.default_command, *args[i:]]
            break
        return super().parse_args(ctx, args)

    def _global_option(self, flag: str) -> click.Option | None:
        name = flag.split("=", 1)[0]
        for p in self.params:
            if isinstance(p, click.Option) and name in p.opts + p.secondary_opts:
                return p
        return None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    envvar="MSQ_HOME",
    type=click.Path(file_okay=False),
    default=None,
    help="Use config, data and socket under this folder (env MSQ_HOME).",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON (docs/json.md).")
@click.option(
    "--no-autostart",
    is_flag=True,
    default=False,
    help="Fail instead of starting msqd when it is not running.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for msqd to answer (or to finish starting).",
)
@click.version_option(__version__, prog_name="msq")
@click.pass_context
def main(
    ctx: click.Context, home: str | None, as_json: bool, no_autostart: bool, timeout: float
) -> None:
    """Search your machine-learning scripts by what they train.

    \b
      msq "diffusion cifar vs mnist"
      msq "which of my models used SGD with lr above 0.01?"
      msq show Generative-CIFAR-10-Cat-Dog/ddpm_v10

    msq asks the msqd daemon, starting it when needed. Exit codes: 0 ok,
    1 nothing found or daemon error, 2 usage error.
    """
    ctx.obj = Obj(
        home=home, json=as_json, autostart=False if no_autostart else None, timeout=timeout
    )


def run() -> None:
    """Run the click group, flush, and leave without interpreter teardown.

    The ``msq`` command enters at cli/fast.py, which comes here for everything but a
    plain search. ``main`` itself stays a plain click group for CliRunner and
    in-process callers.
    """
    code: int
    try:
        main.main(prog_name="msq")
        code = 0
    except SystemExit as e:
        if e.code is None or isinstance(e.code, int):
            code = e.code or 0
        else:
            sys.stderr.write(f"{e.code}\n")
            code = 1
    leave(code)


if __name__ == "__main__":  # pragma: no cover
    run()
