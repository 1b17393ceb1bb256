"""Where msq keeps its files, shared by the client and the daemon.

``--home DIR`` (or ``MSQ_HOME``) puts config, data, logs and the socket under one
folder, so tests and a second instance never touch the user's real ones.
Otherwise the platform's user directories are used (platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path

from ._record import record

APP = "msq"
SOCKET_NAME = "msqd.sock"
# sockaddr_un.sun_path is 108 bytes on Linux (104 on macOS), NUL included.
MAX_SOCKET_PATH = 103


@record(frozen=True)
class Paths:
    """Resolved locations for one msq home."""

    home: Path | None
    config_file: Path
    data_dir: Path
    log_dir: Path
    runtime_dir: Path

    @property
    def socket(self) -> Path:
        return self.runtime_dir / SOCKET_NAME

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "msqd.lock"

    @property
    def db_file(self) -> Path:
        return self.data_dir / "msq.sqlite3"

    @property
    def index_file(self) -> Path:
        return self.data_dir / "vectors.hnsw"

    @property
    def daemon_log(self) -> Path:
        return self.log_dir / "msqd.log"


def resolve_home(home: str | os.PathLike[str] | None) -> Path | None:
    """The explicit home: the argument, else ``MSQ_HOME``, else None."""
    if home:
        return Path(home).expanduser().absolute()
    env = os.environ.get("MSQ_HOME")
    if env:
        return Path(env).expanduser().absolute()
    return None


def paths_for(home: str | os.PathLike[str] | None = None) -> Paths:
    """Locations for ``home`` (see :func:`resolve_home`)."""
    root = resolve_home(home)
    if root is not None:
        return Paths(
            home=root,
            config_file=root / "config.toml",
            data_dir=root / "data",
            log_dir=root / "logs",
            runtime_dir=root / "run",
        )
    import platformdirs

    runtime = Path(platformdirs.user_runtime_dir(APP, appauthor=False))
    return Paths(
        home=None,
        config_file=Path(platformdirs.user_config_dir(APP, appauthor=False)) / "config.toml",
        data_dir=Path(platformdirs.user_data_dir(APP, appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir(APP, appauthor=False)),
        runtime_dir=runtime,
    )


def socket_address(socket: Path) -> str:
    """The grpc target string for a unix socket path."""
    return f"unix://{socket}"
