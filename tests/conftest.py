"""Shared fixtures: isolated homes and real daemons on temporary unix sockets.

Every test runs with HOME, the XDG folders and MSQ_HOME pointing into a
temporary folder, so nothing a test does can touch the user's real config,
data or socket.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    fake_home = tmp_path_factory.mktemp("userhome")
    monkeypatch.setenv("HOME", str(fake_home))
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_RUNTIME_DIR", "run"),
    ):
        monkeypatch.setenv(var, str(fake_home / sub))
    monkeypatch.delenv("MSQ_HOME", raising=False)
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def short_home() -> Iterator[Path]:
    """A home folder with a short path: unix socket paths are limited to ~104 bytes."""
    d = Path(tempfile.mkdtemp(prefix="msq-", dir="/tmp"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@dataclass
class Daemon:
    """A real msqd subprocess on a temporary home."""

    home: Path
    proc: subprocess.Popen[bytes]
    log: Path

    def client(self, **kw: object):
        from msq import Client

        return Client(self.home, autostart=False, **kw)  # type: ignore[arg-type]

    def stop(self, timeout: float = 10.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def output(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""


def start_daemon(home: Path, env: dict[str, str] | None = None, timeout: float = 120.0) -> Daemon:
    """Start ``msqd --home home`` and wait until health says SERVING."""
    from msq import Client

    log = home / "daemon-test.out"
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "msqd", "--home", str(home)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    d = Daemon(home, proc, log)
    c = Client(home, autostart=False)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"msqd exited with {proc.returncode}:\n{d.output()}")
        if c.health() == "SERVING":
            return d
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"msqd did not serve within {timeout} s:\n{d.output()}")


def wait_until(pred, timeout: float = 60.0, interval: float = 0.1) -> bool:
    """Poll ``pred()`` until true or ``timeout``; return the last result."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(interval)
    return bool(pred())


def wait_indexed(client, timeout: float = 120.0) -> None:
    """Wait until the daemon has loaded its model and drained its queue."""

    def idle() -> bool:
        st = client.status()
        return st.embedding_ready and not st.progress.active

    assert wait_until(idle, timeout), "daemon did not finish indexing"


@pytest.fixture
def daemon(short_home: Path) -> Iterator[Daemon]:
    """A real daemon with the real embedding model on a temporary home."""
    d = start_daemon(short_home)
    yield d
    code = d.stop()
    assert code == 0, f"msqd exited with {code}:\n{d.output()}"


@pytest.fixture
def hash_daemon(short_home: Path) -> Iterator[Daemon]:
    """A real daemon using the deterministic hash embedder (fast start, for CLI tests)."""
    d = start_daemon(short_home, env={"MSQ_EMBEDDING_MODEL": "hash"})
    yield d
    code = d.stop()
    assert code == 0, f"msqd exited with {code}:\n{d.output()}"


def load_gen_protos() -> ModuleType:
    """scripts/gen_protos.py as a module (it is a script, not in a package)."""
    spec = importlib.util.spec_from_file_location("gen_protos", REPO / "scripts" / "gen_protos.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
