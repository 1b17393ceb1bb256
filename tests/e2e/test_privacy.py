"""Private by default, checked for real: file modes under any umask, another user locked
out, and a daemon running as an ordinary user meeting what it may not read.

Tests run as root, which reads anything, so the permission paths need a second user:
``msqtest`` (``.ci/run`` creates it) or else ``nobody``, in child processes started
with ``user=``/``group=``. When this interpreter lives where that user cannot reach it
(pyenv under a 0700 /root), a copy of its standard library is made in a temporary
folder the user can read, with the project's venv on its path, so the daemon and the
CLI really run as that user.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from msq import Client
from msq.paths import paths_for
from tests.conftest import start_daemon, wait_indexed, wait_until

HASH = {"MSQ_EMBEDDING_MODEL": "hash"}
SCRIPT = "import torch\nlr = 0.01\nopt = torch.optim.Adam(model.parameters(), lr=lr)\n"


def modes(home: Path) -> dict[str, int]:
    """Relative path -> permission bits of everything under ``home`` (not home itself)."""
    out = {}
    for p in sorted(home.rglob("*")):
        if p.name == "daemon-test.out":  # the test harness's own capture, not msq's
            continue
        out[p.relative_to(home).as_posix()] = stat.S_IMODE(p.lstat().st_mode)
    return out


def assert_private(home: Path) -> None:
    found = modes(home)
    assert found, "nothing was created"
    loose = {k: oct(m) for k, m in found.items() if m & 0o077}
    assert not loose, f"open to other users: {loose}"
    for rel, m in found.items():
        p = home / rel
        if p.is_dir():
            assert m == 0o700, (rel, oct(m))
        elif stat.S_ISSOCK(p.lstat().st_mode) or p.is_file():
            assert m == 0o600, (rel, oct(m))


def msq_cli(home: Path, *args: str, umask: int | None = None, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, **HASH}
    return subprocess.run(
        [sys.executable, "-m", "msq", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
        **kw,
    )


@pytest.fixture
def tree() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="msq-tree-", dir="/tmp"))
    (d / "proj").mkdir()
    (d / "proj" / "train.py").write_text(SCRIPT)
    (d / "gan.py").write_text(SCRIPT.replace("Adam", "SGD"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _stop(home: Path) -> None:
    msq_cli(home, "daemon", "stop")


# ---------------------------------------------------------------- modes (as root)


def test_fresh_home_is_owner_only_even_with_umask_000(short_home: Path, tree: Path) -> None:
    os.chmod(short_home, 0o755)  # the folder the user names keeps its own mode
    try:
        out = msq_cli(short_home, "add", str(tree), umask=0)
        assert out.returncode == 0, out.stderr
        with Client(short_home, autostart=False) as c:
            wait_indexed(c, 60)
            assert c.status().cards_total == 2
            # The vector index and its sidecar are written when indexing goes idle.
            assert wait_until(lambda: paths_for(short_home).index_file.exists(), 20)
        out = msq_cli(short_home, "config", "set", "watch.debounce_seconds", "0.3", umask=0)
        assert out.returncode == 0, out.stderr
        found = modes(short_home)
        for name in (
            "config.toml",
            "data",
            "data/msq.sqlite3",
            "data/msq.sqlite3-wal",
            "data/msq.sqlite3-shm",
            "data/vectors.hnsw",
            "data/vectors.hnsw.json",
            "data/msqd.lock",
            "logs",
            "logs/msqd.log",
            "logs/msqd.out",
            "run",
            "run/msqd.sock",
        ):
            assert name in found, f"{name} missing: {sorted(found)}"
        assert_private(short_home)
        assert stat.S_IMODE(short_home.stat().st_mode) == 0o755
    finally:
        _stop(short_home)


def test_a_home_msq_creates_is_private(tree: Path) -> None:
    parent = Path(tempfile.mkdtemp(prefix="msq-", dir="/tmp"))
    home = parent / "h"
    try:
        out = msq_cli(home, "config", "set", "follow_symlinks", "false", umask=0)
        assert out.returncode == 0, out.stderr
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        assert stat.S_IMODE((home / "config.toml").stat().st_mode) == 0o600
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def test_loose_install_is_tightened_once_and_status_warns(short_home: Path, tree: Path) -> None:
    d = start_daemon(short_home, env=HASH)
    with d.client() as c:
        c.add_root(str(tree))
        wait_indexed(c, 60)
        # Loosened while running: status says so, in one line.
        os.chmod(short_home / "data", 0o755)
        os.chmod(short_home / "data" / "msq.sqlite3", 0o644)
        probs = [p for p in c.status().problems if "other users" in p]
        assert len(probs) == 1 and "data/" in probs[0] and str(short_home) in probs[0], probs
        out = msq_cli(short_home, "status")
        assert out.returncode == 0, out.stderr
        assert sum("can be read by other users" in x for x in out.stdout.splitlines()) == 1
    assert d.stop() == 0, d.output()
    # An older, looser install: everything world-readable, as before issue 15.
    for p in [short_home / "data", short_home / "logs", short_home / "run"]:
        os.chmod(p, 0o755)
        for f in p.iterdir():
            os.chmod(f, 0o644)
    os.chmod(short_home / "config.toml", 0o644)
    d = start_daemon(short_home, env=HASH)
    try:
        with d.client() as c:
            assert not [p for p in c.status().problems if "other users" in p]
        assert_private(short_home)
        log = (short_home / "logs" / "msqd.log").read_text()
        lines = [x for x in log.splitlines() if "to owner-only" in x]
        assert len(lines) == 1 and f"under {short_home} to owner-only" in lines[0], lines
        n = int(lines[0].split("tightened ")[1].split()[0])
        assert n >= 7  # 3 folders, config, db, lock, logs ... at least
    finally:
        assert d.stop() == 0, d.output()
    d = start_daemon(short_home, env=HASH)  # nothing left to tighten: no second line
    assert d.stop() == 0, d.output()
    log = (short_home / "logs" / "msqd.log").read_text()
    assert sum("to owner-only" in x for x in log.splitlines()) == 1


# ---------------------------------------------------------------- another user


@dataclass
class User:
    name: str
    uid: int
    gid: int
    python: str
    env: dict[str, str]

    def run(self, *cmd: str, timeout: float = 60, **kw) -> subprocess.CompletedProcess:
        return subprocess.run(
            list(cmd),
            capture_output=True,
            text=True,
            timeout=timeout,
            user=self.uid,
            group=self.gid,
            extra_groups=[],
            env=self.env,
            **kw,
        )

    def msq(self, home: Path, *args: str) -> subprocess.CompletedProcess:
        return self.run(self.python, "-m", "msq", "--home", str(home), *args)

    def popen(self, *cmd: str, log: Path) -> subprocess.Popen[bytes]:
        with open(log, "ab") as out:
            return subprocess.Popen(
                list(cmd),
                stdout=out,
                stderr=subprocess.STDOUT,
                user=self.uid,
                group=self.gid,
                extra_groups=[],
                env=self.env,
            )

    def owned_dir(self, prefix: str) -> Path:
        d = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
        os.chown(d, self.uid, self.gid)
        return d


def _copy_interpreter(dest: Path) -> Path:
    """This interpreter and its standard library, where any user can run them."""
    base = Path(sys.base_prefix)
    ver = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    skip = {"site-packages", "test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3"}
    (dest / "bin").mkdir(parents=True)
    (dest / "lib").mkdir()
    shutil.copy2(os.path.realpath(sys.executable), dest / "bin" / ver)
    for lib in (base / "lib").glob("libpython*.so*"):
        shutil.copy2(lib, dest / "lib" / lib.name)
    shutil.copytree(
        base / "lib" / ver,
        dest / "lib" / ver,
        symlinks=True,
        ignore=lambda d, names: [
            n for n in names if Path(d) == base / "lib" / ver and (n in skip or "config-" in n)
        ],
    )
    site = dest / "lib" / ver / "site-packages"
    site.mkdir()
    # The project's venv (editable msq + msqd, grpc, hnswlib, watchdog ...) on its path.
    purelib = sysconfig.get_paths()["purelib"]
    (site / "_msq_venv.pth").write_text(f"import site; site.addsitedir({purelib!r})\n")
    for p in [dest, *dest.rglob("*")]:
        if not p.is_symlink():
            os.chmod(p, (p.stat().st_mode | 0o444 | (0o111 if p.is_dir() else 0)) & 0o7777)
    return dest / "bin" / ver


@pytest.fixture(scope="module")
def user() -> Iterator[User]:
    if os.geteuid() != 0:
        pytest.skip("switching to another user needs root (tests here run as root in CI)")
    for name in ("msqtest", "nobody"):
        try:
            pw = pwd.getpwnam(name)
            break
        except KeyError:
            continue
    else:
        pytest.skip("no unprivileged user (msqtest or nobody); .ci/run creates msqtest")
    uhome = Path(tempfile.mkdtemp(prefix="msq-user-", dir="/tmp"))
    os.chown(uhome, pw.pw_uid, pw.pw_gid)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(uhome),
        "XDG_CONFIG_HOME": str(uhome / ".config"),
        "XDG_DATA_HOME": str(uhome / ".local/share"),
        "XDG_STATE_HOME": str(uhome / ".local/state"),
        "XDG_CACHE_HOME": str(uhome / ".cache"),
        "XDG_RUNTIME_DIR": str(uhome / "run"),
        "HF_HUB_OFFLINE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MSQ_EMBEDDING_MODEL": "hash",
    }
    u = User(pw.pw_name, pw.pw_uid, pw.pw_gid, sys.executable, env)
    copy: Path | None = None
    probe = ("-c", "import msqd.cli, msq.cli.main, grpc, hnswlib, watchdog")
    try:
        reachable = u.run(sys.executable, *probe).returncode == 0
    except PermissionError:  # exec itself refused: the interpreter is out of reach
        reachable = False
    if not reachable:
        copy = Path(tempfile.mkdtemp(prefix="msq-py-", dir="/tmp"))
        os.chmod(copy, 0o755)
        u.python = str(_copy_interpreter(copy))
        u.env.update(PYTHONHOME=str(copy), LD_LIBRARY_PATH=str(copy / "lib"))
        got = u.run(u.python, *probe)
        if got.returncode != 0:
            shutil.rmtree(copy, ignore_errors=True)
            pytest.skip(f"{name} cannot run this Python or import msq: {got.stderr[-300:]}")
    yield u
    shutil.rmtree(uhome, ignore_errors=True)
    if copy is not None:
        shutil.rmtree(copy, ignore_errors=True)


def test_another_user_cannot_read_the_index_or_reach_the_socket(
    user: User, short_home: Path, tree: Path
) -> None:
    d = start_daemon(short_home, env=HASH)
    try:
        with d.client() as c:
            c.add_root(str(tree))
            wait_indexed(c, 60)
        # Loosen the home itself as a shared machine's home folders often are: msq's
        # own folders and files must still keep the other user out.
        os.chmod(short_home, 0o755)
        paths = paths_for(short_home)
        targets = [
            paths.db_file,
            paths.db_file.with_name("msq.sqlite3-wal"),
            paths.daemon_log,
            short_home / "daemon-test.out",  # the harness's capture (0644), for contrast
            paths.config_file,
        ]
        script = (
            "import sys\n"
            "for p in sys.argv[1:]:\n"
            "    try:\n"
            "        open(p, 'rb').read(1); print('READ', p)\n"
            "    except PermissionError:\n"
            "        print('DENIED', p)\n"
            "    except FileNotFoundError:\n"
            "        print('MISSING', p)\n"
        )
        out = user.run(user.python, "-c", script, *map(str, targets))
        lines = dict(x.split(" ", 1)[::-1] for x in out.stdout.splitlines())
        for t in (targets[0], targets[1], targets[2], targets[4]):
            assert lines[str(t)] == "DENIED", (t, out.stdout, out.stderr)
        # Guard: the harness's capture file (0644 in a 0755 home) IS readable, so the
        # check above can tell a readable file from a private one.
        assert lines[str(targets[3])] == "READ", out.stdout
        # The socket: a raw connect is refused, and the CLI says so in one sentence.
        conn = user.run(
            user.python,
            "-c",
            "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])",
            str(paths.socket),
        )
        assert conn.returncode != 0 and "PermissionError" in conn.stderr, conn.stderr
        for args in (("status",), ("--no-autostart", "ls"), ("search", "adam")):
            cli = user.msq(short_home, *args)
            assert cli.returncode == 1, (args, cli.stdout, cli.stderr)
            msg = cli.stderr.strip()
            assert "permission denied on the socket" in msg and "another user" in msg, msg
            assert len(msg.splitlines()) == 1 and "Traceback" not in msg, msg
    finally:
        assert d.stop() == 0, d.output()


def test_daemon_as_ordinary_user_reports_unreadable_paths_and_recovers(user: User) -> None:
    home = user.owned_dir("msq-uh-")
    root = user.owned_dir("msq-ur-")
    for rel in ("ok.py", "proj/train.py", "secret_dir/hidden.py", "secret_dir/deep/more.py"):
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(SCRIPT)
    (root / "locked.py").write_text(SCRIPT)
    for p in [root, *root.rglob("*")]:
        os.chown(p, user.uid, user.gid)
    # A folder and a file the daemon's user may not read (root's, owner-only).
    for p in [root / "secret_dir", *(root / "secret_dir").rglob("*")]:
        os.chown(p, 0, 0)
    os.chmod(root / "secret_dir", 0o700)
    os.chown(root / "locked.py", 0, 0)
    os.chmod(root / "locked.py", 0o600)
    log = Path(tempfile.mkdtemp(prefix="msq-ulog-", dir="/tmp")) / "msqd.out"

    def start() -> subprocess.Popen[bytes]:
        p = user.popen(user.python, "-m", "msqd", "--home", str(home), log=log)
        assert wait_until(
            lambda: p.poll() is None and user.msq(home, "--no-autostart", "status").returncode == 0,
            60,
            0.5,
        ), log.read_text(errors="replace")
        return p

    def status_of(rel: str) -> str | None:
        got = user.msq(home, "--no-autostart", "--json", "ls")
        by = {c["path"]: c["status"] for c in json.loads(got.stdout)} if got.returncode == 0 else {}
        return by.get(str(root / rel))

    proc = start()
    try:
        add = user.msq(home, "--no-autostart", "add", str(root))
        assert add.returncode == 0, add.stderr
        out = user.msq(home, "--no-autostart", "status", "--wait")
        assert out.returncode == 0, out.stderr
        # Everything else is indexed: ok.py and proj/train.py.
        ls = user.msq(home, "--no-autostart", "--json", "ls")
        cards = {c["path"]: c for c in json.loads(ls.stdout)}
        assert cards[str(root / "ok.py")]["status"] == "ok"
        assert cards[str(root / "proj" / "train.py")]["status"] == "ok"
        # The two it may not read are listed as permission denied, in ls --errors ...
        errs = user.msq(home, "--no-autostart", "ls", "--errors")
        assert errs.returncode == 0, errs.stderr
        denied = [x for x in errs.stdout.splitlines() if "permission denied" in x]
        assert len(denied) == 2, errs.stdout
        assert any("locked" in x for x in denied) and any("secret_dir" in x for x in denied)
        assert cards[str(root / "locked.py")]["status"] == "error"
        assert cards[str(root / "secret_dir")]["status"] == "error"
        # ... and in status, on the root's line.
        st = user.msq(home, "--no-autostart", "status")
        line = next(x for x in st.stdout.splitlines() if x.startswith("root"))
        assert "2 errors" in line and "2 permission denied" in line, st.stdout
        # What this daemon wrote, as this user, is owner-only too.
        assert_private(home)
        # Fixed modes are picked up by the watcher (inotify IN_ATTRIB), no restart.
        os.chmod(root / "locked.py", 0o644)
        os.chmod(root / "secret_dir", 0o755)
        for p in (root / "secret_dir").rglob("*"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)

        def fixed() -> bool:
            got = user.msq(home, "--no-autostart", "--json", "ls")
            if got.returncode != 0:
                return False
            by = {c["path"]: c["status"] for c in json.loads(got.stdout)}
            want = ["locked.py", "secret_dir/hidden.py", "secret_dir/deep/more.py"]
            return (
                all(by.get(str(root / w)) == "ok" for w in want)
                and str(root / "secret_dir") not in by
            )

        assert wait_until(fixed, 30, 0.5), user.msq(home, "--no-autostart", "ls", "--errors").stdout
        errs = user.msq(home, "--no-autostart", "ls", "--errors")
        assert "permission denied" not in errs.stdout, errs.stdout
        # A mode fixed while msqd is down: the start-up reconcile reads the file again
        # although a chmod leaves its size and mtime as they were.
        os.chmod(root / "locked.py", 0o600)
        assert wait_until(lambda: status_of("locked.py") == "error", 30, 0.5)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0, log.read_text(errors="replace")[-3000:]
        os.chmod(root / "locked.py", 0o644)
        proc = start()
        assert wait_until(lambda: status_of("locked.py") == "ok", 30, 0.5), status_of("locked.py")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = -9
            assert code == 0, log.read_text(errors="replace")[-3000:]
        for d in (home, root, log.parent):
            shutil.rmtree(d, ignore_errors=True)
