"""The daemon's configuration, built once in the entry point and passed down.

Precedence: constructor argument > ``MSQ_*`` environment > config file > default.
``__init__`` only stores arguments and does cheap checks; :meth:`Config.load`
reads the file and the environment and creates the folders.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from msq import private, settings
from msq.paths import MAX_SOCKET_PATH, Paths, paths_for

from .errors import InvalidRequest


class Config:
    """Everything msqd needs to know before it opens any resource."""

    def __init__(
        self,
        home: str | os.PathLike[str] | None = None,
        *,
        socket: str | None = None,
        roots: list[str] | None = None,
        embedding_model: str | None = None,
        llm_model_path: str | None = None,
        log_level: str = "info",
        reconcile_minutes: float | None = None,
        debounce_seconds: float | None = None,
        follow_symlinks: bool | None = None,
    ) -> None:
        if log_level.lower() not in ("debug", "info", "warning", "error"):
            raise InvalidRequest(f"unknown log level {log_level!r}")
        self.paths: Paths = paths_for(home)
        self.log_level = log_level.lower()
        self._overrides: dict[str, Any] = {
            k: v
            for k, v in {
                "socket": socket,
                "roots": roots,
                "embedding.model": embedding_model,
                "llm.model_path": llm_model_path,
                "watch.reconcile_minutes": reconcile_minutes,
                "watch.debounce_seconds": debounce_seconds,
                "follow_symlinks": follow_symlinks,
            }.items()
            if v is not None
        }
        self.values: dict[str, Any] = {}
        self.loaded = False
        # Paths whose group/other bits load() removed (reported once in the log).
        self.tightened: list[Path] = []

    def load(self) -> None:
        """Read file and environment, validate, and create the folders."""
        values = settings.effective(self.paths.config_file)
        values.update(settings.env_overrides())
        values.update(settings.validate(self._overrides))
        self.values = values
        # The index names every script of the user's: every folder msq owns is 0700
        # and every file in it 0600 (private.py); an older, looser install is
        # tightened here and the daemon logs it once (``tightened``).
        self.tightened += private.tighten(self.private_dirs(), [self.paths.config_file])
        for d in (self.paths.data_dir, self.paths.log_dir):
            private.private_dir(d)
        # The socket's folder (msq's runtime folder, or the one a 'socket' setting
        # names): only the user may reach the socket. Not tightened recursively: a
        # configured socket may sit in a folder that holds other things.
        private.private_dir(self.socket_path.parent)
        if len(str(self.socket_path)) > MAX_SOCKET_PATH:
            raise InvalidRequest(
                f"socket path {self.socket_path} is longer than {MAX_SOCKET_PATH} bytes; "
                "use a shorter --home or set 'socket' in the config"
            )
        self.loaded = True

    def private_dirs(self) -> list[Path]:
        """The folders msq owns: data, logs, runtime, and the config folder.

        Under ``--home DIR`` the config file sits in DIR itself, the user's folder,
        which keeps its own mode; only what msq creates inside it is private.
        """
        dirs = [self.paths.data_dir, self.paths.log_dir, self.paths.runtime_dir]
        conf = self.paths.config_file.parent
        if conf != self.paths.home:
            dirs.append(conf)
        return list(dict.fromkeys(dirs))

    def exposed(self) -> list[Path]:
        """msq's folders and files that another user may read, write or enter."""
        return private.exposed(self.private_dirs(), [self.paths.config_file])

    def get(self, name: str) -> Any:
        """A validated setting by dotted name."""
        return self.values[name]

    @property
    def socket_path(self) -> Path:
        raw = self._overrides.get("socket") or self.values.get("socket")
        return Path(raw).expanduser() if raw else self.paths.socket

    @property
    def roots(self) -> list[Path]:
        return [Path(r).expanduser().absolute() for r in self.values.get("roots", [])]

    def save_roots(self, roots: list[Path]) -> None:
        """Persist the root list to the config file (other keys untouched)."""
        current = settings.read(self.paths.config_file)
        current["roots"] = [str(r) for r in roots]
        settings.write(self.paths.config_file, current, own_folder=self.paths.home is None)
        self.values["roots"] = current["roots"]
