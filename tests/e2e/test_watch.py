"""Watching for real: a daemon over gRPC, watchdog on a temporary tree, SQLite, hnswlib.

Every change is made on disk and awaited through the public API (ListModels,
Status); the watched folder set is read from the kernel (/proc/<pid>/fdinfo of
the daemon's inotify descriptor), not from the daemon's own word.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Daemon, start_daemon, wait_indexed, wait_until

HASH = {"MSQ_EMBEDDING_MODEL": "hash", "MSQ_WATCH_DEBOUNCE_SECONDS": "0.1"}


def script(name: str, lr: float = 0.01) -> str:
    return (
        f'"""{name}: a small CNN on MNIST."""\n'
        "import torch\nimport torch.nn as nn\n\n"
        f"LR = {lr}\n\n"
        f"class {name.title().replace('_', '')}(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.conv = nn.Conv2d(1, 8, 3)\n\n"
        "opt = torch.optim.SGD([], lr=LR)\n"
    )


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def cards(c) -> dict:
    return {card.path: card for card in c.list()}


def watched_inodes(pid: int) -> set[int]:
    """Inodes of the folders the process has inotify watches on (from the kernel)."""
    out: set[int] = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") != "anon_inode:inotify":
                continue
            info = Path(f"/proc/{pid}/fdinfo/{fd}").read_text()
        except OSError:
            continue
        for line in info.splitlines():
            if line.startswith("inotify wd:"):
                ino = next(p for p in line.split() if p.startswith("ino:"))
                out.add(int(ino[4:], 16))
    return out


def inodes(dirs: list[Path]) -> set[int]:
    return {d.stat().st_ino for d in dirs}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "projects"
    (root / "mnist").mkdir(parents=True)
    (root / "mnist" / "train.py").write_text(script("train"))
    return root


@pytest.fixture
def hd(short_home: Path) -> Iterator[Daemon]:
    d = start_daemon(short_home, env=HASH)
    yield d
    code = d.stop()
    assert code == 0, f"msqd exited with {code}:\n{d.output()}"


def test_create_modify_atomic_save_delete(hd: Daemon, tree: Path) -> None:
    with hd.client() as c:
        c.add_root(str(tree))
        wait_indexed(c, 30)
        f = tree / "mnist" / "new_model.py"
        f.write_text(script("new_model"))
        assert wait_until(lambda: str(f) in cards(c), 10), "created file not indexed"

        text = script("new_model", lr=0.5)
        f.write_text(text)
        assert wait_until(lambda: cards(c)[str(f)].sha256 == sha(text), 10), "modify missed"

        # Editor-style atomic save: write a temp file, rename it onto the target.
        text2 = script("new_model", lr=0.25)
        tmp = f.with_name(".new_model.py.swp")
        tmp.write_text(text2)
        os.replace(tmp, f)
        assert wait_until(lambda: cards(c).get(str(f)) and cards(c)[str(f)].sha256 == sha(text2))
        assert str(tmp) not in cards(c)

        f.unlink()
        assert wait_until(lambda: str(f) not in cards(c), 10), "deleted file still listed"
        res = c.search("new_model")
        assert all(r.card.path != str(f) for r in res.results)


def test_burst_is_coalesced(hd: Daemon, tree: Path) -> None:
    with hd.client() as c:
        c.add_root(str(tree))
        wait_indexed(c, 30)
        before = c.status().embeddings_computed
        f = tree / "mnist" / "train.py"
        for i in range(30):  # 30 saves within ~0.1 s
            f.write_text(script("train", lr=0.001 * (i + 1)))
        final = script("train", lr=0.03)
        f.write_text(final)
        assert wait_until(lambda: cards(c)[str(f)].sha256 == sha(final), 10)
        wait_indexed(c, 10)
        # Far fewer embeddings than saves: the burst became one or two re-indexes.
        assert c.status().embeddings_computed - before <= 3


def test_move_keeps_embedding_and_first_seen(hd: Daemon, tree: Path) -> None:
    with hd.client() as c:
        c.add_root(str(tree))
        wait_indexed(c, 30)
        src = tree / "mnist" / "train.py"
        before = cards(c)[str(src)]
        computed = c.status().embeddings_computed
        time.sleep(0.05)  # a different wall clock for a wrongly fresh first-seen
        (tree / "moved").mkdir()
        dst = tree / "moved" / "renamed.py"
        os.rename(src, dst)
        assert wait_until(lambda: str(dst) in cards(c) and str(src) not in cards(c), 10)
        after = cards(c)[str(dst)]
        assert after.sha256 == before.sha256
        assert c.status().embeddings_computed == computed, "a move re-embedded"
        if before.created_source == "first-seen":  # no birth time on this platform
            assert after.created == pytest.approx(before.created, abs=1e-3)
        # A moved folder keeps its files' embeddings too.
        os.rename(tree / "moved", tree / "moved2")
        moved = tree / "moved2" / "renamed.py"
        assert wait_until(lambda: str(moved) in cards(c) and str(dst) not in cards(c), 10)
        assert c.status().embeddings_computed == computed


def test_new_folder_with_files_and_folder_delete(hd: Daemon, tree: Path, tmp_path: Path) -> None:
    with hd.client() as c:
        c.add_root(str(tree))
        wait_indexed(c, 30)
        # A folder that arrives with files already in it (moved in from elsewhere).
        outside = tmp_path / "incoming"
        (outside / "deep").mkdir(parents=True)
        for i in range(5):
            (outside / "deep" / f"m{i}.py").write_text(script(f"m{i}"))
        os.rename(outside, tree / "incoming")
        # mkdir then files at once: events before the watch exists are lost; the scan finds them.
        fresh = tree / "fresh" / "sub"
        fresh.mkdir(parents=True)
        for i in range(5):
            (fresh / f"f{i}.py").write_text(script(f"f{i}"))
        want = {str(tree / "incoming" / "deep" / f"m{i}.py") for i in range(5)}
        want |= {str(fresh / f"f{i}.py") for i in range(5)}
        assert wait_until(lambda: want <= set(cards(c)), 10), want - set(cards(c))
        # New folders are watched: an edit inside one is seen.
        g = fresh / "later.py"
        g.write_text(script("later"))
        assert wait_until(lambda: str(g) in cards(c), 10)

        shutil.rmtree(tree / "fresh")
        assert wait_until(lambda: not any("/fresh/" in p for p in cards(c)), 10)
        assert not inodes([tree]) - watched_inodes(hd.proc.pid)
        assert len(watched_inodes(hd.proc.pid)) == len(
            [tree, tree / "mnist", tree / "incoming", tree / "incoming" / "deep"]
        )


def test_ignored_folders_never_watched_nor_indexed(hd: Daemon, tree: Path) -> None:
    ignored = [
        tree / ".git" / "hooks",
        tree / ".venv" / "lib",
        tree / "envx",  # a virtualenv under any name: it has pyvenv.cfg
        tree / "node_modules" / "pkg",
        tree / "mnist" / "__pycache__",
        tree / "wandb" / "run-1",
        tree / "mlruns" / "0",
        tree / "lightning_logs" / "version_0",
        tree / "checkpoints",
        tree / "data" / "raw",
        tree / "secret",  # from .msqignore
        tree / "build_tmp",  # from .gitignore
    ]
    for d in ignored:
        d.mkdir(parents=True)
        (d / "x.py").write_text(script("x"))
    (tree / "envx" / "pyvenv.cfg").write_text("home = /usr\n")
    (tree / ".msqignore").write_text("secret/\n*_scratch.py\n")
    (tree / ".gitignore").write_text("build_tmp/\n")
    (tree / "mnist" / "try_scratch.py").write_text(script("try"))
    (tree / "mnist" / "notes.txt").write_text("not code")
    with hd.client() as c:
        c.add_root(str(tree))
        wait_indexed(c, 30)
        assert set(cards(c)) == {str(tree / "mnist" / "train.py")}
        assert watched_inodes(hd.proc.pid) == inodes([tree, tree / "mnist"])
        # Changes inside ignored folders stay invisible; a later good file proves the
        # events were processed.
        (tree / "node_modules" / "pkg" / "y.py").write_text(script("y"))
        (tree / "mnist" / "other_scratch.py").write_text(script("other"))
        sentinel = tree / "mnist" / "sentinel.py"
        sentinel.write_text(script("sentinel"))
        assert wait_until(lambda: str(sentinel) in cards(c), 10)
        wait_indexed(c, 10)
        assert set(cards(c)) == {str(tree / "mnist" / "train.py"), str(sentinel)}

        # Editing .msqignore takes effect at once: now mnist/sentinel.py is ignored too.
        (tree / ".msqignore").write_text("secret/\n*_scratch.py\nsentinel.py\n")
        assert wait_until(lambda: str(sentinel) not in cards(c), 10)


def test_add_and_remove_nested_roots(hd: Daemon, tree: Path) -> None:
    sub = tree / "mnist"
    (sub / "models").mkdir()
    (sub / "models" / "unet.py").write_text(script("unet"))
    (tree / "top.py").write_text(script("top"))
    all_files = {str(tree / "top.py"), str(sub / "train.py"), str(sub / "models" / "unet.py")}
    dirs = [tree, sub, sub / "models"]
    with hd.client() as c:
        # The child first, then its parent, then the parent again (same tree twice).
        c.add_root(str(sub))
        wait_indexed(c, 30)
        assert set(cards(c)) == all_files - {str(tree / "top.py")}
        c.add_root(str(tree))
        c.add_root(str(tree))
        wait_indexed(c, 30)
        listed = list(c.list())
        assert sorted(x.path for x in listed) == sorted(all_files), "double-indexed"
        assert len({x.model_id for x in listed}) == 3
        assert watched_inodes(hd.proc.pid) == inodes(dirs)
        assert len([r for r in c.status().roots]) == 2

        # Removing the nested root keeps its files (the parent covers them) and its
        # folders stay watched: an edit there is still seen.
        c.remove_root(str(sub))
        wait_indexed(c, 30)
        assert set(cards(c)) == all_files
        assert watched_inodes(hd.proc.pid) == inodes(dirs)
        text = script("unet", lr=0.9)
        (sub / "models" / "unet.py").write_text(text)
        assert wait_until(lambda: cards(c)[str(sub / "models" / "unet.py")].sha256 == sha(text))

        # Parent added first, child added and removed: nothing changes for the files.
        c.add_root(str(sub))
        wait_indexed(c, 30)
        assert set(cards(c)) == all_files
        c.remove_root(str(tree))
        wait_indexed(c, 30)
        assert set(cards(c)) == all_files - {str(tree / "top.py")}
        assert watched_inodes(hd.proc.pid) == inodes([sub, sub / "models"])
        c.remove_root(str(sub))
        assert wait_until(lambda: not cards(c), 10)
        assert watched_inodes(hd.proc.pid) == set()


def test_root_deleted_while_watched(hd: Daemon, tree: Path) -> None:
    with hd.client() as c:
        c.add_root(str(tree))
        wait_indexed(c, 30)
        shutil.rmtree(tree)

        def missing() -> bool:
            st = c.status()
            return st.roots[0].state == "missing" and st.cards_total == 0

        assert wait_until(missing, 10)
        st = c.status()
        assert any(str(tree) in p for p in st.problems)
        assert c.search("mnist cnn").results == []
        # Recreated and added again: watched and indexed again.
        (tree / "mnist").mkdir(parents=True)
        (tree / "mnist" / "train.py").write_text(script("train"))
        c.add_root(str(tree))
        assert wait_until(lambda: c.status().roots[0].state == "watching", 10)
        assert wait_until(lambda: str(tree / "mnist" / "train.py") in cards(c), 10)
