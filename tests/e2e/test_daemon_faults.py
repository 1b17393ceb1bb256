"""Faults the daemon must survive while it keeps serving: real conditions, real daemon.

- database locked by another process (BEGIN EXCLUSIVE): indexing pauses and says
  so, searches go on (WAL readers), and it recovers when the lock goes;
- disk full, made real with RLIMIT_FSIZE on the running daemon (prlimit): writes
  fail with EFBIG ("database or disk is full"), status says so, it recovers;
- broken files become error cards counted by status and ListModels;
- SIGTERM in the middle of indexing exits 0 within 5 s.

Not testable here: permission denied (tests run as root, which reads anything)
and read-only or network file systems (no mount rights); see docs/architecture.md.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import psutil
import pytest

from bench.common import generate
from msq.paths import paths_for
from tests.conftest import Daemon, start_daemon, wait_indexed, wait_until

HASH = {"MSQ_EMBEDDING_MODEL": "hash"}


@pytest.fixture
def hd(short_home: Path):
    d = start_daemon(short_home, env=HASH)
    yield d
    if d.proc.poll() is None:
        assert d.stop() == 0, d.output()[-3000:]


def problems(c) -> str:
    return " | ".join(c.status().problems)


def test_database_locked_pauses_indexing_and_search_goes_on(
    hd: Daemon, short_home: Path, tmp_path: Path
) -> None:
    root = tmp_path / "tree"
    generate(root, 30, seed=3)
    with hd.client() as c:
        c.add_root(str(root))
        wait_indexed(c, 30)
        before = c.status().cards_total
        other = sqlite3.connect(paths_for(short_home).db_file, timeout=1.0)
        other.execute("BEGIN EXCLUSIVE")
        try:
            generate(root / "more", 20, seed=4)
            assert wait_until(lambda: "locked" in problems(c), 15), problems(c)
            # Searches keep answering from the committed state, quickly.
            for _ in range(5):
                t0 = time.monotonic()
                res = c.search("gan mnist")
                assert time.monotonic() - t0 < 1.5
                assert res.results
            assert c.status().cards_total == before
        finally:
            other.rollback()
            other.close()
        assert wait_until(lambda: c.status().cards_total == before + 20, 20)
        wait_indexed(c, 20)
        assert "locked" not in problems(c)


def test_disk_full_is_reported_and_recovers(hd: Daemon, short_home: Path, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    generate(root, 10, seed=5)
    with hd.client() as c:
        c.add_root(str(root))
        wait_indexed(c, 30)
        db = paths_for(short_home).db_file
        wal = db.with_name(db.name + "-wal")
        limit = max(db.stat().st_size, wal.stat().st_size if wal.exists() else 0) + 16_384
        proc = psutil.Process(hd.proc.pid)
        # Soft limit only: raising it back needs no privilege (the hard one stays).
        _soft, hard = proc.rlimit(psutil.RLIMIT_FSIZE)
        proc.rlimit(psutil.RLIMIT_FSIZE, (limit, hard))
        try:
            generate(root / "big", 300, seed=6)
            # SQLite says "database or disk is full" or "disk I/O error" (EFBIG).
            assert wait_until(lambda: "indexing paused" in problems(c), 30), problems(c)
            assert "disk" in problems(c)
            assert hd.proc.poll() is None
            assert c.search("diffusion").results is not None
            stuck = c.status().cards_total
            assert stuck < 310
        finally:
            proc.rlimit(psutil.RLIMIT_FSIZE, (hard, hard))
        assert wait_until(lambda: c.status().cards_total == 310, 60), problems(c)
        wait_indexed(c, 30)
        assert "indexing paused" not in problems(c)


def test_broken_files_become_error_cards(hd: Daemon, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "good.py").write_text("import torch\nLR = 0.1\n")
    (root / "syntax.py").write_text("def broken(:\n    pass\n")
    (root / "binary.py").write_bytes(b"\x00\x01\x02" * 1000)
    (root / "nb.ipynb").write_text("{not json")
    with hd.client() as c:
        c.add_root(str(root))
        wait_indexed(c, 30)
        st = c.status()
        errors = [m for m in c.list(status=["error"])]
        assert st.cards_total == 4
        assert len(errors) == st.counts.get("error", 0) >= 1
        assert st.roots[0].errors == len(errors)
        assert all(m.message for m in errors)
        # The daemon is fine: a new good file is still indexed.
        (root / "later.py").write_text("import torch\n")
        assert wait_until(lambda: c.status().cards_total == 5, 30)


def test_sigterm_during_indexing_exits_within_5s(short_home: Path, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    generate(root, 1500, seed=8)
    d = start_daemon(short_home, env=HASH)
    try:
        with d.client() as c:
            c.add_root(str(root))
            assert wait_until(lambda: c.status().progress.done > 50, 30)
            assert c.status().progress.active
    except BaseException:
        d.proc.kill()
        raise
    t0 = time.monotonic()
    d.proc.send_signal(signal.SIGTERM)
    assert d.proc.wait(10) == 0
    assert time.monotonic() - t0 < 5.0
    # Restarted, it catches up and ends with every file.
    d = start_daemon(short_home, env=HASH)
    try:
        with d.client() as c:
            assert wait_until(lambda: c.status().cards_total == 1500, 90)
    finally:
        assert d.stop() == 0
