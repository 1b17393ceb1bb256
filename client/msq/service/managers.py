"""The service managers msq can install into: systemd --user, launchd, or none.

Each builds the actions (commands and files) for install/uninstall and reads the
status; commands run through a swappable ``run`` callable (see msq.service.base).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from .base import (
    Action,
    Runner,
    ServiceError,
    ServiceManager,
    ServiceSpec,
    ServiceStatus,
    _tail,
    execute,
    launchd_log_path,
    render_plist,
    render_unit,
    run_command,
)


class SystemdUser:
    """systemd user manager (`systemctl --user`); units in $XDG_CONFIG_HOME/systemd/user."""

    name = "systemd"
    available = True

    def __init__(self, run: Runner = run_command, env: Mapping[str, str] | None = None) -> None:
        self.run = run
        self.env = os.environ if env is None else env

    def unit_dir(self) -> Path:
        """$XDG_CONFIG_HOME/systemd/user (default ~/.config/systemd/user)."""
        config = self.env.get("XDG_CONFIG_HOME") or os.path.join(
            self.env.get("HOME") or os.path.expanduser("~"), ".config"
        )
        return Path(config) / "systemd" / "user"

    def service_file(self, spec: ServiceSpec) -> Path:
        return self.unit_dir() / spec.unit_name

    def render(self, spec: ServiceSpec) -> str:
        return render_unit(spec)

    def install_actions(self, spec: ServiceSpec) -> list[Action]:
        unit = spec.unit_name
        return [
            Action("write", str(self.service_file(spec)), self.render(spec)),
            Action("run", ["systemctl", "--user", "daemon-reload"]),
            Action("run", ["systemctl", "--user", "enable", unit]),
            # restart, not start: a reinstall (new msqd path, new options) takes effect now.
            Action("run", ["systemctl", "--user", "restart", unit]),
        ]

    def uninstall_actions(self, spec: ServiceSpec) -> list[Action]:
        unit = spec.unit_name
        return [
            Action("run", ["systemctl", "--user", "disable", "--now", unit], check=False),
            Action("remove", str(self.service_file(spec))),
            Action("run", ["systemctl", "--user", "daemon-reload"]),
            # Forget a failed state so `systemctl --user` no longer lists the unit.
            Action("run", ["systemctl", "--user", "reset-failed", unit], check=False),
        ]

    def status(self, spec: ServiceSpec) -> ServiceStatus:
        path = self.service_file(spec)
        cp = self.run(
            [
                "systemctl", "--user", "show", spec.unit_name,
                "-p", "LoadState,ActiveState,SubState,UnitFileState,MainPID,StatusText",
            ]
        )  # fmt: skip
        props: dict[str, str] = {}
        for line in (cp.stdout or "").splitlines():
            key, sep, value = line.partition("=")
            if sep:
                props[key.strip()] = value.strip()
        if cp.returncode != 0:
            return ServiceStatus(self.name, spec.unit_name, path, path.exists(), detail=_tail(cp))
        pid = int(props.get("MainPID", "0") or 0)
        active_state = props.get("ActiveState", "")
        return ServiceStatus(
            manager=self.name,
            name=spec.unit_name,
            path=path,
            installed=path.exists() or props.get("LoadState") == "loaded",
            enabled=props.get("UnitFileState") in {"enabled", "enabled-runtime", "linked"},
            active=active_state in {"active", "reloading"},
            state="/".join(s for s in (active_state, props.get("SubState", "")) if s),
            pid=pid or None,
            detail=props.get("StatusText", ""),
            extra=props,
        )


class Launchd:
    """macOS launchd, per-user GUI domain; agents in ~/Library/LaunchAgents."""

    name = "launchd"
    available = True

    def __init__(
        self,
        run: Runner = run_command,
        user_home: Path | None = None,
        uid: int | None = None,
    ) -> None:
        self.run = run
        self.user_home = user_home if user_home is not None else Path.home()
        self.uid = uid if uid is not None else os.getuid()

    @property
    def domain(self) -> str:
        """The per-user GUI domain, e.g. gui/501."""
        return f"gui/{self.uid}"

    def service_file(self, spec: ServiceSpec) -> Path:
        return self.user_home / "Library" / "LaunchAgents" / f"{spec.label}.plist"

    def render(self, spec: ServiceSpec) -> str:
        return render_plist(spec, self.user_home)

    def install_actions(self, spec: ServiceSpec) -> list[Action]:
        path = str(self.service_file(spec))
        target = f"{self.domain}/{spec.label}"
        return [
            # launchd creates the log file but not its directory.
            Action("mkdir", str(launchd_log_path(spec, self.user_home).parent)),
            Action("write", path, self.render(spec)),
            # Unload an older copy so the new plist is read; fails harmlessly if absent.
            Action("run", ["launchctl", "bootout", target], check=False),
            # bootstrap refuses a service that was disabled earlier (`launchctl disable`).
            Action("run", ["launchctl", "enable", target], check=False),
            Action("run", ["launchctl", "bootstrap", self.domain, path]),
        ]

    def uninstall_actions(self, spec: ServiceSpec) -> list[Action]:
        target = f"{self.domain}/{spec.label}"
        return [
            Action("run", ["launchctl", "bootout", target], check=False),
            Action("remove", str(self.service_file(spec))),
        ]

    def install(self, spec: ServiceSpec) -> None:
        """Install; falls back to the legacy `launchctl load -w` where bootstrap fails."""
        actions = self.install_actions(spec)
        try:
            execute(actions, self.run)
        except ServiceError as exc:
            # Older macOS (< 10.11) has no bootstrap; some sessions (ssh) have no GUI domain.
            cp = self.run(["launchctl", "load", "-w", str(self.service_file(spec))])
            if cp.returncode != 0:
                raise ServiceError(f"{exc} (and `launchctl load -w` failed: {_tail(cp)})") from exc

    def status(self, spec: ServiceSpec) -> ServiceStatus:
        path = self.service_file(spec)
        cp = self.run(["launchctl", "print", f"{self.domain}/{spec.label}"])
        loaded = cp.returncode == 0
        state = ""
        pid: int | None = None
        if loaded:
            m = re.search(r"^\s*state = (\S+)", cp.stdout or "", flags=re.M)
            state = m.group(1) if m else ""
            m = re.search(r"^\s*pid = (\d+)", cp.stdout or "", flags=re.M)
            pid = int(m.group(1)) if m else None
        dis = self.run(["launchctl", "print-disabled", self.domain])
        disabled = False
        if dis.returncode == 0:
            # "label" => disabled (macOS 12+) or => true (older).
            m = re.search(rf'"{re.escape(spec.label)}" => (\w+)', dis.stdout or "")
            disabled = bool(m and m.group(1) in {"disabled", "true"})
        return ServiceStatus(
            manager=self.name,
            name=spec.label,
            path=path,
            installed=path.exists(),
            enabled=path.exists() and not disabled,
            active=loaded and state == "running",
            state=state or ("loaded" if loaded else "not loaded"),
            pid=pid,
        )


class Absent:
    """No usable per-user service manager: nothing is installed, the file is only shown."""

    name = "none"
    available = False

    def __init__(self, reason: str, fallback: ServiceManager) -> None:
        self.reason = reason
        # The manager whose file would be installed on a machine that had one.
        self.fallback = fallback

    def service_file(self, spec: ServiceSpec) -> Path:
        return self.fallback.service_file(spec)

    def render(self, spec: ServiceSpec) -> str:
        return self.fallback.render(spec)

    def install_actions(self, spec: ServiceSpec) -> list[Action]:
        return []

    def uninstall_actions(self, spec: ServiceSpec) -> list[Action]:
        return []

    def status(self, spec: ServiceSpec) -> ServiceStatus:
        path = self.service_file(spec)
        name = spec.label if isinstance(self.fallback, Launchd) else spec.unit_name
        return ServiceStatus(
            self.name,
            name,
            path,
            path.exists(),
            enabled=False,
            active=False,
            state="no service manager",
            detail=self.reason,
        )


def detect_manager(
    run: Runner = run_command,
    platform: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
    env: Mapping[str, str] | None = None,
    systemd_run_dir: Path = Path("/run/systemd/system"),
    user_home: Path | None = None,
) -> ServiceManager:
    """Pick the service manager of this machine, or Absent with a one-sentence reason."""
    env = os.environ if env is None else env
    if platform == "darwin":
        launchd = Launchd(run, user_home=user_home)
        if which("launchctl"):
            return launchd
        return Absent("launchctl is not on PATH", launchd)
    systemd = SystemdUser(run, env=env)
    if not which("systemctl"):
        return Absent("systemctl is not on PATH", systemd)
    # sd_booted(): systemd is PID 1 exactly when this directory exists.
    if not systemd_run_dir.is_dir():
        return Absent(
            "systemd is not running on this machine (no /run/systemd/system; a container?)",
            systemd,
        )
    probe = run(["systemctl", "--user", "show-environment"])
    if probe.returncode != 0:
        return Absent(
            f"the systemd user manager is not reachable (`systemctl --user` said: {_tail(probe)})",
            systemd,
        )
    return systemd


def install(manager: ServiceManager, spec: ServiceSpec) -> None:
    """Install, enable and start the service with *manager*."""
    if isinstance(manager, Launchd):
        manager.install(spec)
    else:
        execute(manager.install_actions(spec), _runner_of(manager))


def uninstall(manager: ServiceManager, spec: ServiceSpec) -> None:
    """Stop, disable and remove the service with *manager*."""
    execute(manager.uninstall_actions(spec), _runner_of(manager))


def _runner_of(manager: ServiceManager) -> Runner:
    return getattr(manager, "run", run_command)
