"""``msq config show|set|edit`` over the TOML file, and ``msq completion``."""

from __future__ import annotations

import os
import shlex
import subprocess

import click

from ._common import UsageError, echo_json, obj


@click.group()
def config() -> None:
    """Show or change msq's settings (the daemon reads them at start)."""


@config.command(name="show")
@click.pass_context
def config_show(ctx: click.Context) -> None:
    """Every setting with its value; changed ones are marked."""
    from .. import settings
    from ..paths import paths_for

    path = paths_for(obj(ctx).home).config_file
    try:
        current = settings.read(path)
    except settings.SettingsError as e:
        raise click.ClickException(str(e)) from None
    values = settings.effective(path)
    if obj(ctx).json:
        echo_json({"file": str(path), "values": values})
        return
    click.echo(f"# {path}{'' if path.exists() else ' (not created yet)'}")
    for name, key in settings.KEYS.items():
        mark = "*" if name in current else " "
        click.echo(f"{mark} {name} = {values[name]!r}    # {key.help}")


@config.command(name="set")
@click.argument("key")
@click.argument("value")
@click.pass_context
def config_set(ctx: click.Context, key: str, value: str) -> None:
    """Set KEY to VALUE (lists: comma-separated). Restart msqd to apply."""
    from .. import settings
    from ..paths import paths_for

    paths = paths_for(obj(ctx).home)
    try:
        # The platform's msq config folder is msq's own (0700); a --home DIR keeps its mode.
        parsed = settings.set_key(paths.config_file, key, value, own_folder=paths.home is None)
    except settings.SettingsError as e:
        raise UsageError(str(e)) from None
    click.echo(f"{key} = {parsed!r} (restart msqd to apply: msq daemon stop)")


@config.command(name="edit")
@click.pass_context
def config_edit(ctx: click.Context) -> None:
    """Open the config file in $EDITOR and validate it afterwards."""
    from .. import settings
    from ..paths import paths_for
    from ..private import make_private, private_dir, write_private

    paths = paths_for(obj(ctx).home)
    path = paths.config_file
    if paths.home is None or not path.parent.exists():
        private_dir(path.parent)
    if not path.exists():
        write_private(path, "# msq settings; see `msq config show` for every key\n")
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        subprocess.call([*shlex.split(editor), str(path)])
    except FileNotFoundError:
        raise click.ClickException(f"editor {editor!r} not found; set $EDITOR") from None
    make_private(path)  # an editor may have saved a new file under the user's umask
    try:
        settings.read(path)
    except settings.SettingsError as e:
        raise click.ClickException(f"the file is not valid now: {e}") from None
    click.echo(f"{path} is valid")


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the completion script for SHELL.

    \b
      eval "$(msq completion bash)"     # in ~/.bashrc
      eval "$(msq completion zsh)"      # in ~/.zshrc
      msq completion fish > ~/.config/fish/completions/msq.fish
    """
    from click.shell_completion import get_completion_class

    from .main import main

    cls = get_completion_class(shell)
    if cls is None:  # pragma: no cover - click ships all three
        raise UsageError(f"no completion for {shell}")
    comp = cls(main, {}, "msq", "_MSQ_COMPLETE")
    click.echo(comp.source())


COMMANDS = [config, completion]
