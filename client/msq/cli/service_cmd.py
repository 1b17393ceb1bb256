"""`msq service install|uninstall|status`: run msqd under the user's service manager.

Kept free of grpc and rich so these commands start as fast as click allows. The logic
lives in msq.service; this module only maps it to options, output and exit codes.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from msq import service as svc

# Exit code of `status` when the service is not running, as `systemctl status` uses.
EXIT_NOT_RUNNING = 3


def _home(ctx: click.Context) -> str | None:
    return (ctx.obj or {}).get("home")


def _spec(ctx: click.Context, msqd: str | None) -> svc.ServiceSpec:
    path = os.path.abspath(msqd) if msqd else svc.find_msqd()
    return svc.ServiceSpec(msqd=path, home=_home(ctx))


def _manager() -> svc.ServiceManager:
    return svc.detect_manager()


def _fail(exc: Exception) -> click.ClickException:
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return click.ClickException(f"could not write{where}: {exc.strerror or exc}.")
    return click.ClickException(str(exc).rstrip(".") + ".")


def _logs_hint(manager: svc.ServiceManager, spec: svc.ServiceSpec) -> str:
    if isinstance(manager, svc.Launchd):
        return f"logs: {svc.launchd_log_path(spec, manager.user_home)}"
    return f"logs: journalctl --user -u {spec.unit_name} -f"


def _linger_hint() -> str | None:
    """systemd stops user services at logout unless lingering is on for the user."""
    try:
        import pwd

        user = pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return None
    if Path("/var/lib/systemd/linger", user).exists():
        return None
    return f"to keep msqd running after you log out: loginctl enable-linger {user}"


@click.group("service")
def service() -> None:
    """Run msqd as a per-user service (systemd user unit or launchd agent)."""


@service.command("install")
@click.option("--print", "print_only", is_flag=True, help="Only print the service file.")
@click.option("--dry-run", is_flag=True, help="Show what would be written and run; change nothing.")
@click.option(
    "--msqd",
    type=click.Path(dir_okay=False),
    default=None,
    help="msqd executable to run (default: next to this Python, else on PATH).",
)
@click.pass_context
def install_cmd(ctx: click.Context, print_only: bool, dry_run: bool, msqd: str | None) -> None:
    """Write the service file for msqd, then enable and start it.

    Where no per-user service manager runs (e.g. in a container) this says so on stderr,
    prints the file it would install on stdout and exits 0.
    """
    try:
        spec = _spec(ctx, msqd)
        manager = _manager()
        text = manager.render(spec)
        path = manager.service_file(spec)
        if print_only:
            click.echo(text, nl=False)
            return
        if not manager.available:
            assert isinstance(manager, svc.Absent)
            click.echo(
                f"msq: {manager.reason}, so msqd was not installed;"
                f" this is the file msq would write to {path}:",
                err=True,
            )
            click.echo(text, nl=False)
            return
        if dry_run:
            for action in manager.install_actions(spec):
                click.echo(action.describe())
            return
        svc.install(manager, spec)
    except (svc.ServiceError, OSError) as exc:
        raise _fail(exc) from exc
    name = spec.label if isinstance(manager, svc.Launchd) else spec.unit_name
    click.echo(f"installed and started {name}")
    click.echo(f"file: {path}")
    click.echo(_logs_hint(manager, spec))
    if isinstance(manager, svc.SystemdUser):
        hint = _linger_hint()
        if hint:
            click.echo(hint)


@service.command("uninstall")
@click.option("--dry-run", is_flag=True, help="Show what would be removed and run; change nothing.")
@click.pass_context
def uninstall_cmd(ctx: click.Context, dry_run: bool) -> None:
    """Stop and disable the msqd service and remove its file."""
    try:
        # The path of msqd does not matter for removal; only the name does.
        spec = svc.ServiceSpec(msqd="/msqd", home=_home(ctx))
        manager = _manager()
        path = manager.service_file(spec)
        if not manager.available:
            assert isinstance(manager, svc.Absent)
            click.echo(f"msq: {manager.reason}, so there is nothing to uninstall.", err=True)
            return
        if dry_run:
            for action in manager.uninstall_actions(spec):
                click.echo(action.describe())
            return
        existed = path.exists()
        svc.uninstall(manager, spec)
    except (svc.ServiceError, OSError) as exc:
        raise _fail(exc) from exc
    click.echo(f"stopped, disabled and removed {path}" if existed else f"not installed (no {path})")


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


@service.command("status")
@click.pass_context
def status_cmd(ctx: click.Context) -> None:
    """Report whether the msqd service is installed, enabled and running (exit 3 if not running)."""
    try:
        spec = svc.ServiceSpec(msqd="/msqd", home=_home(ctx))
        st = _manager().status(spec)
    except (svc.ServiceError, OSError) as exc:
        raise _fail(exc) from exc
    rows = [
        ("manager", st.manager),
        ("service", st.name),
        ("file", f"{st.path} ({'present' if st.installed else 'absent'})"),
        ("enabled", _yes_no(st.enabled)),
        (
            "running",
            _yes_no(st.active)
            + (f" ({st.state}" + (f", pid {st.pid}" if st.pid else "") + ")" if st.state else ""),
        ),
    ]
    if st.detail:
        rows.append(("note" if st.manager == "none" else "status", st.detail))
    for key, value in rows:
        click.echo(f"{key:<8} {value}")
    if not st.active:
        ctx.exit(EXIT_NOT_RUNNING)
