"""Install msqd as a per-user service: a systemd user unit on Linux, a launchd agent on macOS.

Everything here is plain standard library so `msq service ...` starts fast. The part
that talks to another program's service manager is a `ServiceManager` (SystemdUser,
Launchd, Absent) that runs commands through a swappable `run` callable: tests pass a
recording fake for `systemctl --user` / `launchctl`, which cannot run in a container.

Naming: the real service is ``msqd.service`` / ``dev.msq.msqd``. A service for
``msqd --home DIR`` (a test or second instance) is ``msqd-<hash8>.service`` /
``dev.msq.msqd.<hash8>``, with ``hash8`` taken from the absolute DIR, so installing a test
instance never overwrites the user's real one. See docs/service.md.

The package owns service installation: ``base`` (names, rendered unit and plist, actions,
the `ServiceManager` protocol), ``managers`` (SystemdUser, Launchd, Absent, install and
uninstall; imports base, never the reverse) and the packaged templates in
``service_files/`` (package data). It imports only the standard library: no other msq
module, no grpc, rich or click (pyproject.toml's import-linter contracts check it).
This module is the API (``from msq import service``): it re-exports both modules' names.
"""

from __future__ import annotations

from .base import (
    BASE_LABEL,
    BASE_UNIT,
    LAUNCHD_TEMPLATE,
    SYSTEMD_TEMPLATE,
    Action,
    Runner,
    ServiceError,
    ServiceManager,
    ServiceSpec,
    ServiceStatus,
    execute,
    find_msqd,
    home_suffix,
    launchd_log_path,
    render_plist,
    render_unit,
    run_command,
    template_text,
)
from .managers import Absent, Launchd, SystemdUser, detect_manager, install, uninstall

__all__ = [
    "BASE_LABEL",
    "BASE_UNIT",
    "LAUNCHD_TEMPLATE",
    "SYSTEMD_TEMPLATE",
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
    "execute",
    "find_msqd",
    "home_suffix",
    "install",
    "launchd_log_path",
    "render_plist",
    "render_unit",
    "run_command",
    "template_text",
    "uninstall",
]
