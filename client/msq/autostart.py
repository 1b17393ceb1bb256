"""Starting msqd in the background for this user when the client needs it.

The daemon itself never forks; the client launches it as a detached child
(new session, output to the log folder) and waits until health says SERVING.
msq.client imports this only then: ``subprocess`` is no part of a plain search.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .errors import DaemonNotRunning, DaemonStarting
from .paths import Paths
from .private import open_private_append, private_dir

# Not typing.TYPE_CHECKING, as in msq.client: importing typing costs ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .client import Client


def ensure_running(client: Client) -> None:
    """Wait for ``client``'s daemon, starting it if allowed; one clear error otherwise."""
    state = client.health()
    if state == "SERVING":
        return
    if state == "NOT_SERVING":
        try:
            wait_serving(
                client.health, None, client.paths, timeout=client.timeout, tick=client.on_wait
            )
        except DaemonNotRunning:
            raise DaemonStarting(
                f"msqd is still starting (health NOT_SERVING on {client.socket} after "
                f"{client.timeout:g} s); try again in a moment, or see 'msq status'"
            ) from None
        return
    if not client.autostart:
        raise DaemonNotRunning(
            f"msqd is not running (no answer on {client.socket}); start it with "
            "'msq daemon start' or run 'msqd' in a terminal"
        )
    proc = spawn(client.paths)
    wait_serving(
        client.health, proc, client.paths, timeout=max(client.timeout, 90.0), tick=client.on_wait
    )


def daemon_command(home: Path | None) -> list[str]:
    """The command that runs msqd from the same environment as this client."""
    cmd = [sys.executable, "-m", "msqd"]
    if home is not None:
        cmd += ["--home", str(home)]
    return cmd


def spawn(paths: Paths) -> subprocess.Popen[bytes]:
    """Start msqd detached from this terminal; its output goes to the log folder."""
    private_dir(paths.log_dir)
    # The daemon's output may name the user's files: owner-only, whatever the umask.
    log = open_private_append(paths.log_dir / "msqd.out")
    try:
        return subprocess.Popen(
            daemon_command(paths.home),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    finally:
        log.close()


def wait_serving(
    check: Callable[[], str],
    proc: subprocess.Popen[bytes] | None,
    paths: Paths,
    timeout: float = 90.0,
    tick: Callable[[str], None] | None = None,
) -> None:
    """Poll ``check()`` (a health state) until SERVING; fail if the child dies."""
    deadline = time.monotonic() + timeout
    state = "UNKNOWN"
    while time.monotonic() < deadline:
        state = check()
        if state == "SERVING":
            return
        if proc is not None and proc.poll() is not None:
            tail = _log_tail(paths.log_dir / "msqd.out")
            raise DaemonNotRunning(
                f"msqd exited with code {proc.returncode} while starting"
                + (f": {tail}" if tail else f"; see {paths.log_dir / 'msqd.out'}")
            )
        if tick:
            tick(state)
        time.sleep(0.1)
    raise DaemonNotRunning(
        f"msqd did not start within {timeout:.0f} s (last health state {state}); "
        f"see {paths.log_dir / 'msqd.out'}"
    )


def _log_tail(path: Path) -> str:
    try:
        lines = [x for x in path.read_text(errors="replace").splitlines() if x.strip()]
    except OSError:
        return ""
    return lines[-1][-300:] if lines else ""
