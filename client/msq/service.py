"""Install msqd as a per-user service: a systemd user unit on Linux, a launchd agent on macOS.

Everything here is plain standard library so `msq service ...` starts fast. The part
that talks to another program's service manager is a `ServiceManager` (SystemdUser,
Launchd, Absent) that runs commands through a swappable `run` callable: tests pass a
recording fake for `systemctl --user` / `launchctl`, which cannot run in a container.

Naming: the real service is ``msqd.service`` / ``dev.msq.msqd``. A service for
``msqd --home DIR`` (a test or second instance) is ``msqd-<hash8>.service`` /
``dev.msq.msqd.<hash8>``, with ``hash8`` taken from the absolute DIR, so installing a test
instance never overwrites the user's real one. See docs/service.md.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Protocol
from xml.sax.saxutils import escape as xml_escape

__all__ = [
    "Absent",
    "Action",
    "Launchd",
    "Runner",
    "ServiceError",
    "ServiceManager",
    "ServiceSpec",
    "ServiceStatus",
    "SystemdUser",
    "detect_manager",
    "find_msqd",
    "render_plist",
    "render_unit",
    "run_command",
    "template_text",
]

SYSTEMD_TEMPLATE = "msqd.service"
LAUNCHD_TEMPLATE = "dev.msq.msqd.plist"
BASE_UNIT = "msqd"
BASE_LABEL = "dev.msq.msqd"

Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


class ServiceError(Exception):
    """A service operation failed; the message is one sentence fit for the user."""


def run_command(cmd: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run *cmd*, capturing text output; a missing program becomes exit code 127."""
    try:
        return subprocess.run(list(cmd), capture_output=True, text=True, timeout=60, check=False)
    except FileNotFoundError as exc:
        return subprocess.CompletedProcess(list(cmd), 127, "", str(exc))
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(list(cmd), 124, "", "timed out after 60 s")


# --------------------------------------------------------------------------- templates


def template_text(name: str) -> str:
    """Return the packaged template *name* (a copy of systemd/ or launchd/ at the repo top)."""
    return (
        resources.files("msq").joinpath("service_files").joinpath(name).read_text(encoding="utf-8")
    )


def home_suffix(home: str | os.PathLike[str] | None) -> str | None:
    """Return the 8-hex-digit instance tag for ``--home``, or None for the default instance."""
    if home is None:
        return None
    absolute = os.path.abspath(os.path.expanduser(os.fspath(home)))
    return hashlib.sha256(absolute.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class ServiceSpec:
    """What to run and under which name: the inputs of both renderers."""

    msqd: str
    home: str | None = None

    def __post_init__(self) -> None:
        if not os.path.isabs(self.msqd):
            # A service manager starts programs without the user's PATH or cwd.
            raise ServiceError(f"the msqd path must be absolute, got {self.msqd!r}")

    @property
    def args(self) -> list[str]:
        """Arguments after the msqd executable."""
        if self.home is None:
            return []
        return ["--home", os.path.abspath(os.path.expanduser(self.home))]

    @property
    def unit_name(self) -> str:
        """systemd unit file name: msqd.service, or msqd-<hash8>.service for a --home instance."""
        tag = home_suffix(self.home)
        return f"{BASE_UNIT}.service" if tag is None else f"{BASE_UNIT}-{tag}.service"

    @property
    def label(self) -> str:
        """launchd label: dev.msq.msqd, or dev.msq.msqd.<hash8> for a --home instance."""
        tag = home_suffix(self.home)
        return BASE_LABEL if tag is None else f"{BASE_LABEL}.{tag}"

    @property
    def description(self) -> str:
        """Human description used in the unit."""
        if self.home is None:
            return "msq search daemon for ML training scripts"
        return f"msq search daemon for ML training scripts (home {self.args[1]})"


def _systemd_quote(word: str) -> str:
    """Quote one ExecStart word for systemd: specifiers (%) and variables ($) stay literal."""
    word = word.replace("%", "%%").replace("$", "$$")
    if word and not re.search(r"[\s\"'\\;]", word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _strip_leading_comments(text: str) -> str:
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines)


def render_unit(spec: ServiceSpec, template: str | None = None) -> str:
    """Render the systemd user unit for *spec* from the packaged template."""
    text = _strip_leading_comments(
        template if template is not None else template_text(SYSTEMD_TEMPLATE)
    )
    args = "".join(" " + _systemd_quote(a) for a in spec.args)
    header = (
        "# Written by `msq service install` from systemd/msqd.service.\n"
        "# Edits are lost on the next install; see docs/service.md.\n"
    )
    return header + (
        text.replace("@MSQD@", _systemd_quote(spec.msqd))
        .replace("@ARGS@", args)
        .replace("@DESCRIPTION@", spec.description.replace("%", "%%"))
    )


def launchd_log_path(spec: ServiceSpec, user_home: Path) -> Path:
    """Where the agent's stdout/stderr go: ~/Library/Logs/msq/msqd[.<hash8>].log."""
    tag = home_suffix(spec.home)
    name = "msqd.log" if tag is None else f"msqd.{tag}.log"
    return user_home / "Library" / "Logs" / "msq" / name


def render_plist(spec: ServiceSpec, user_home: Path, template: str | None = None) -> str:
    """Render the launchd agent plist for *spec*; *user_home* anchors the log path."""
    text = template if template is not None else template_text(LAUNCHD_TEMPLATE)
    # The template's comment explains placeholders that no longer exist once rendered.
    text = re.sub(
        r"<!--.*?-->",
        "<!-- Written by `msq service install` from launchd/dev.msq.msqd.plist;"
        " edits are lost on the next install. -->",
        text,
        count=1,
        flags=re.S,
    )
    args_line = re.search(r"^([ \t]*)<string>@ARGS@</string>\n", text, flags=re.M)
    if args_line is None:
        raise ServiceError("the launchd template has no @ARGS@ element")
    indent = args_line.group(1)
    args_xml = "".join(f"{indent}<string>{xml_escape(a)}</string>\n" for a in spec.args)
    text = text[: args_line.start()] + args_xml + text[args_line.end() :]
    log = str(launchd_log_path(spec, user_home))
    return (
        text.replace("@LABEL@", xml_escape(spec.label))
        .replace("@MSQD@", xml_escape(spec.msqd))
        .replace("@LOG@", xml_escape(log))
    )


def find_msqd(
    executable: str = sys.executable, which: Callable[[str], str | None] = shutil.which
) -> str:
    """Return the absolute path of msqd.

    The sibling of the running Python comes first, so the service runs the msqd of the
    same installation as this msq (a venv or pipx env), not whatever PATH finds first.
    Symlinks are kept (not resolved) so a pipx/venv shim path survives upgrades.
    """
    sibling = Path(executable).parent / "msqd"
    if sibling.is_file() and os.access(sibling, os.X_OK):
        return os.path.abspath(sibling)
    found = which("msqd")
    if found:
        return os.path.abspath(found)
    raise ServiceError(
        f"msqd was not found next to {executable} or on PATH; install the msq package first."
    )


# ----------------------------------------------------------------------------- managers


@dataclass
class Action:
    """One step of an install/uninstall: a file write/removal or a command."""

    kind: str  # "write" | "remove" | "mkdir" | "run"
    target: str | Sequence[str]
    content: str | None = None
    check: bool = True  # a failing command aborts the operation

    def describe(self) -> str:
        """One line for --dry-run output."""
        if self.kind == "run":
            return "run    " + " ".join(self.target)
        return f"{self.kind:<6} {self.target}"


@dataclass
class ServiceStatus:
    """What the service manager says about the msqd service."""

    manager: str
    name: str
    path: Path | None
    installed: bool
    enabled: bool | None = None
    active: bool | None = None
    state: str = ""
    pid: int | None = None
    detail: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class ServiceManager(Protocol):
    """A per-user service manager that can install, remove and report the msqd service."""

    name: str
    available: bool

    def service_file(self, spec: ServiceSpec) -> Path:
        """Where the rendered file goes."""
        ...

    def render(self, spec: ServiceSpec) -> str:
        """The file content for *spec*."""
        ...

    def install_actions(self, spec: ServiceSpec) -> list[Action]:
        """Steps that install, enable and (re)start the service."""
        ...

    def uninstall_actions(self, spec: ServiceSpec) -> list[Action]:
        """Steps that stop, disable and remove the service."""
        ...

    def status(self, spec: ServiceSpec) -> ServiceStatus:
        """Ask the manager about the service."""
        ...


def _tail(cp: subprocess.CompletedProcess[str]) -> str:
    text = (cp.stderr or cp.stdout or "").strip()
    return text.splitlines()[-1] if text else f"exit code {cp.returncode}"


def execute(actions: Sequence[Action], run: Runner) -> None:
    """Carry out *actions* in order; the first failing checked command raises ServiceError."""
    for action in actions:
        if action.kind == "mkdir":
            Path(str(action.target)).mkdir(parents=True, exist_ok=True)
        elif action.kind == "write":
            path = Path(str(action.target))
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a half-written unit is never loaded.
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(action.content or "", encoding="utf-8")
            os.replace(tmp, path)
        elif action.kind == "remove":
            Path(str(action.target)).unlink(missing_ok=True)
        elif action.kind == "run":
            cp = run(list(action.target))
            if action.check and cp.returncode != 0:
                raise ServiceError(f"`{' '.join(action.target)}` failed: {_tail(cp)}")
        else:  # pragma: no cover - programming error
            raise ValueError(action.kind)


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
