"""Debouncer and Watcher with real watchdog on temporary folders."""

from __future__ import annotations

import errno
import threading
import time
from pathlib import Path

from watchdog.observers import Observer

from msqd.watch.debounce import Debouncer
from msqd.watch.watcher import LIMIT_HINT, Watcher
from tests.conftest import wait_until


class Calls:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.lock = threading.Lock()

    def __call__(self, paths: list[str]) -> None:
        with self.lock:
            self.batches.append(sorted(paths))

    def flat(self) -> list[str]:
        with self.lock:
            return [p for b in self.batches for p in b]


def test_debouncer_coalesces_a_burst() -> None:
    calls = Calls()
    d = Debouncer(calls, quiet=0.1, cap=5.0)
    try:
        for _ in range(50):
            d.touch("/a.py")
        d.touch("/b.py")
        assert wait_until(lambda: len(calls.flat()) >= 2, 2)
        time.sleep(0.3)
        assert calls.flat().count("/a.py") == 1
        assert calls.batches[0] == ["/a.py", "/b.py"]  # due together, fired together
    finally:
        d.stop()


def test_debouncer_cap_fires_during_continuous_writes() -> None:
    calls = Calls()
    d = Debouncer(calls, quiet=0.2, cap=0.5)
    try:
        t0 = time.monotonic()
        while time.monotonic() - t0 < 1.3 and not calls.flat():
            d.touch("/log.py")  # never quiet for 0.2 s
            time.sleep(0.02)
        elapsed = time.monotonic() - t0
        assert calls.flat() == ["/log.py"]
        assert 0.45 <= elapsed < 1.0
    finally:
        d.stop()


def test_debouncer_survives_a_failing_callback() -> None:
    seen: list[list[str]] = []

    def fire(paths: list[str]) -> None:
        seen.append(paths)
        if len(seen) == 1:
            raise RuntimeError("boom")

    d = Debouncer(fire, quiet=0.05, cap=1.0)
    try:
        d.touch("/x.py")
        assert wait_until(lambda: len(seen) == 1, 2)
        d.touch("/y.py")
        assert wait_until(lambda: len(seen) == 2, 2)
    finally:
        d.stop()


def make_watcher(**kw) -> tuple[Watcher, Calls, list[str]]:
    calls = Calls()
    gone: list[str] = []
    w = Watcher(calls, lambda root, d: None, gone.append, debounce=0.05, **kw)
    w.start()
    return w, calls, gone


def test_watches_only_non_ignored_folders(tmp_path: Path) -> None:
    for rel in ("a/b", ".git/objects", "node_modules/x", "a/__pycache__", "data", "secret"):
        (tmp_path / rel).mkdir(parents=True)
    (tmp_path / ".msqignore").write_text("secret/\n")
    w, calls, _ = make_watcher()
    try:
        w.add_root(tmp_path)
        assert w.watched_dirs() == {tmp_path, tmp_path / "a", tmp_path / "a" / "b"}
        (tmp_path / "a" / "b" / "m.py").write_text("x = 1\n")
        (tmp_path / "a" / "b" / "m.txt").write_text("x")
        (tmp_path / "secret" / "s.py").write_text("x = 1\n")
        assert wait_until(lambda: str(tmp_path / "a" / "b" / "m.py") in calls.flat(), 5)
        assert set(calls.flat()) == {str(tmp_path / "a" / "b" / "m.py")}
        # A new folder is watched at once (and an ignored one is not).
        (tmp_path / "new").mkdir()
        (tmp_path / "wandb").mkdir()
        assert wait_until(lambda: tmp_path / "new" in w.watched_dirs(), 5)
        assert tmp_path / "wandb" not in w.watched_dirs()
    finally:
        w.stop()


def test_atomic_save_is_a_modify_of_the_target(tmp_path: Path) -> None:
    target = tmp_path / "train.py"
    target.write_text("a = 1\n")
    w, calls, _ = make_watcher()
    try:
        w.add_root(tmp_path)
        tmp = tmp_path / ".train.py.tmp"
        tmp.write_text("a = 2\n")
        tmp.replace(target)
        assert wait_until(lambda: str(target) in calls.flat(), 5)
        assert str(tmp) not in calls.flat()
    finally:
        w.stop()


def test_nested_roots_share_folders_and_hand_them_back(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    (inner / "deep").mkdir(parents=True)
    w, calls, _ = make_watcher()
    try:
        w.add_root(inner)
        assert w.watched_dirs() == {inner, inner / "deep"}
        w.add_root(tmp_path)
        w.add_root(tmp_path)  # the same tree twice
        everything = {tmp_path, inner, inner / "deep"}
        assert w.watched_dirs() == everything
        assert w.roots[inner].dirs == {inner, inner / "deep"}
        assert w.roots[tmp_path].dirs == {tmp_path}
        assert w.root_for(inner / "deep" / "x.py").root == inner
        w.remove_root(inner)
        assert w.watched_dirs() == everything  # the parent still covers them
        assert w.roots[tmp_path].dirs == everything
        (inner / "deep" / "x.py").write_text("x = 1\n")
        assert wait_until(lambda: str(inner / "deep" / "x.py") in calls.flat(), 5)
        w.remove_root(tmp_path)
        assert w.watched_dirs() == set()
    finally:
        w.stop()


def test_deleted_folder_and_deleted_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sub" / "x").mkdir(parents=True)
    w, _calls, gone = make_watcher()
    try:
        w.add_root(root)
        import shutil

        shutil.rmtree(root / "sub")
        assert wait_until(lambda: str(root / "sub") in gone, 5)
        assert w.watched_dirs() == {root}
        shutil.rmtree(root)
        assert wait_until(lambda: w.roots[root].state == "missing", 5)
        assert w.watched_dirs() == set()
    finally:
        w.stop()


class LimitedObserver(Observer):  # type: ignore[misc, valid-type]
    """watchdog's observer with a kernel-like watch limit (the real sysctl is global)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def schedule(self, handler, path, recursive=False, **kw):  # type: ignore[no-untyped-def]
        if len(self._watches) >= self.limit:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")
        return super().schedule(handler, path, recursive=recursive, **kw)


def test_watch_limit_falls_back_to_polling(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"d{i}").mkdir()
    w, _calls, _ = make_watcher(observer=LimitedObserver(3))
    try:
        rw = w.add_root(tmp_path)
        assert rw.state == "polling"
        assert "fs.inotify.max_user_watches" in rw.message and rw.message == LIMIT_HINT
        assert len(w.watched_dirs()) == 3
    finally:
        w.stop()


def test_queue_overflow_calls_back(tmp_path: Path) -> None:
    hits: list[int] = []
    w, _calls, _ = make_watcher(on_overflow=lambda: hits.append(1))
    try:
        w.add_root(tmp_path)
        # Deliver IN_Q_OVERFLOW the way watchdog's shared inotify reader does: to
        # every watch group (the kernel queue limit is global, so it is not provoked).
        emitters = list(w.observer.emitters)
        assert emitters
        assert wait_until(lambda: emitters[0]._inotify is not None, 2)
        emitters[0]._inotify.on_queue_overflow()
        assert hits == [1]
    finally:
        w.stop()
