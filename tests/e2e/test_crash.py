"""SIGKILL at random moments during indexing: nothing committed is lost, nothing is half-written.

Between kills the tree changes (edits, deletes, new files, a moved folder), so
every restart has catching up to do, and the vector index on disk is often
older than the database (the repair path). At the end the store must equal the
disk (paths and sha256), the vector index must hold exactly the cards' labels,
and SQLite's integrity check must pass.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from bench.common import generate
from msq.paths import paths_for
from tests.conftest import start_daemon, wait_indexed, wait_until

KILLS = 22
HASH = {"MSQ_EMBEDDING_MODEL": "hash", "MSQ_EMBEDDING_BATCH_SIZE": "8"}


def disk_state(root: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*.py")
        if p.is_file()
    }


def db_generation(home: Path) -> int:
    db = sqlite3.connect(f"file:{paths_for(home).db_file}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0
    finally:
        db.close()


def saved_generation(side: Path) -> int:
    try:
        return int(json.loads(side.read_text())["generation"])
    except (OSError, ValueError, KeyError):
        return -1


def churn(root: Path, rng: random.Random, step: int) -> None:
    """Edit, delete, create and move a few files while or between daemons run."""
    files = sorted(root.rglob("*.py"))
    for p in rng.sample(files, min(40, len(files))):
        with open(p, "a") as fh:
            fh.write(f"\nSTEP_{step} = {rng.random()}\n")
    for p in rng.sample(files, 5):
        if p.exists():
            p.unlink()
    new = root / f"new-{step}"
    generate(new, 15, seed=step)
    dirs = sorted(d for d in root.iterdir() if d.is_dir())
    d = rng.choice(dirs)
    d.rename(root / f"moved-{step}-{d.name}"[:80])


@pytest.mark.slow
def test_sigkill_during_indexing_loses_nothing(short_home: Path, tmp_path: Path) -> None:
    rng = random.Random(1234)
    root = tmp_path / "tree"
    generate(root, 400, seed=1)
    d = start_daemon(short_home, env=HASH)
    with d.client() as c:
        c.add_root(str(root))
    kills_while_active = 0
    side = paths_for(short_home).index_file.with_name(
        paths_for(short_home).index_file.name + ".json"
    )
    try:
        for i in range(KILLS):
            if i % 5 == 4:
                # Let it go idle and save the vector index, then change files and kill:
                # the next start finds the index older than the database and repairs it.
                with d.client() as c:
                    wait_indexed(c, 60)
                assert wait_until(lambda: saved_generation(side) == db_generation(short_home), 10)
                churn(root, rng, i)
                time.sleep(rng.uniform(0.3, 0.8))
            else:
                # While running: events and a racing indexer. The kill lands at a random
                # moment of the debounce + indexing that the churn starts (on a fast,
                # idle machine a longer wait would find the daemon idle again).
                churn(root, rng, i)
                time.sleep(rng.uniform(0.05, 0.6))
            with d.client() as c, contextlib.suppress(Exception):
                kills_while_active += bool(c.status().progress.active)
            d.proc.send_signal(signal.SIGKILL)
            d.proc.wait(10)
            if rng.random() < 0.6:
                churn(root, rng, 1000 + i)  # while down: found by the start-up reconcile
            d = start_daemon(short_home, env=HASH)
    except BaseException:
        d.proc.kill()  # never leave a daemon behind a failed run
        raise
    try:
        with d.client() as c:
            wait_indexed(c, 60)
            want = disk_state(root)
            assert wait_until(lambda: c.status().cards_total == len(want), 20)
            st = c.status()
            assert st.vectors == st.cards_total - st.counts.get("error", 0) - st.counts.get(
                "skipped", 0
            )
    finally:
        assert d.stop() == 0, d.output()[-3000:]
    log = d.output()

    db = sqlite3.connect(f"file:{paths_for(short_home).db_file}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = dict(db.execute("SELECT path, sha256 FROM cards"))
        labels = {r[0] for r in db.execute("SELECT vec_label FROM cards WHERE vec_label >= 0")}
        fts = db.execute("SELECT COUNT(*) FROM cards_fts").fetchone()[0]
    finally:
        db.close()
    assert stored == want
    assert fts == len(stored)
    meta = json.loads(side.read_text())
    assert set(meta["labels"]) == labels
    print(f"\ncrash test: {KILLS} kills, {kills_while_active} while indexing")
    # Checked last, so that a lost card is reported before a weak run.
    assert "vector index repaired" in log, "the repair path was never exercised"
    assert kills_while_active >= KILLS // 3, f"only {kills_while_active} kills hit indexing"
