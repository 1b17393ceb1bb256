"""What every service manager builds on: names, rendered files, actions and their runner.

The service's name and command (`ServiceSpec`), the systemd unit and launchd plist
rendered from the packaged templates (``service_files/``), the steps of an install
(`Action`, `execute`), what a manager reports (`ServiceStatus`) and the protocol the
managers in msq.service.managers follow. Plain standard library, like the whole package.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Protocol
from xml.sax.saxutils import escape as xml_escape

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
    files = resources.files("msq.service").joinpath("service_files")
    return files.joinpath(name).read_text(encoding="utf-8")


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
