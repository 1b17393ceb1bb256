"""Watching roots with watchdog: one observer, folders added one by one.

Each non-ignored folder gets its own non-recursive watch (watchdog shares one
inotify descriptor between them), so ignored folders such as virtualenvs are
never watched. Events go through a per-path trailing debounce with a cap, so a
burst of writes becomes one re-index. An editor's atomic save (write a temp
file, rename it onto the target) arrives as a move whose destination is the
file and is treated as a modify of it.

When the system's watch limit is reached (ENOSPC/EMFILE), the root falls back
to periodic scanning and its status says which sysctl raises the limit.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from .ignore import IgnoreRules

log = logging.getLogger(__name__)

LIMIT_HINT = (
    "the system's file-watch limit is reached; raise it with "
    "'sudo sysctl fs.inotify.max_user_watches=524288' (and fs.inotify.max_user_instances); "
    "meanwhile this root is rescanned periodically"
)


class Debouncer:
    """Per-path trailing debounce: fire after ``quiet`` s without events, or ``cap`` s at most."""

    def __init__(self, fire: Callable[[list[str]], None], quiet: float = 0.2, cap: float = 2.0):
        self.fire = fire
        self.quiet = quiet
        self.cap = cap
        self._pending: dict[str, tuple[float, float]] = {}
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="msqd-debounce", daemon=True)
        self._thread.start()

    def touch(self, path: str) -> None:
        now = time.monotonic()
        with self._cond:
            first = self._pending.get(path, (now, now))[0]
            self._pending[path] = (first, now)
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stop:
                    return
                if not self._pending:
                    self._cond.wait()
                    continue
                now = time.monotonic()
                due = [
                    p
                    for p, (first, last) in self._pending.items()
                    if now - last >= self.quiet or now - first >= self.cap
                ]
                for p in due:
                    del self._pending[p]
                if not due:
                    nearest = min(
                        min(last + self.quiet, first + self.cap)
                        for first, last in self._pending.values()
                    )
                    self._cond.wait(max(0.01, nearest - now))
                    continue
            self.fire(due)

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(2.0)


@dataclass
class RootWatch:
    """The watches and state of one root."""

    root: Path
    rules: IgnoreRules
    watches: dict[Path, ObservedWatch] = field(default_factory=dict)
    state: str = "watching"  # watching, polling, missing, error
    message: str = ""


class Watcher(FileSystemEventHandler):
    """One observer over every root; calls ``on_paths`` with changed file paths."""

    def __init__(
        self,
        on_paths: Callable[[list[str]], None],
        on_new_dir: Callable[[Path, Path], None],
        on_dir_gone: Callable[[str], None],
        *,
        debounce: float = 0.2,
        extra_ignore: list[str] | None = None,
    ) -> None:
        self.on_new_dir = on_new_dir
        self.on_dir_gone = on_dir_gone
        self.extra_ignore = extra_ignore or []
        self.roots: dict[Path, RootWatch] = {}
        self._lock = threading.RLock()
        self.observer = Observer()
        self.debouncer = Debouncer(on_paths, quiet=debounce, cap=max(2.0, debounce * 10))

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.debouncer.stop()
        self.observer.stop()
        self.observer.join(3.0)

    # ------------------------------------------------------------ roots

    def rules_for(self, path: Path) -> IgnoreRules | None:
        """The ignore rules of the innermost watched root containing ``path``."""
        best: RootWatch | None = None
        for rw in self.roots.values():
            inside = path == rw.root or rw.root in path.parents
            if inside and (best is None or len(rw.root.parts) > len(best.root.parts)):
                best = rw
        return best.rules if best else None

    def add_root(self, root: Path) -> RootWatch:
        with self._lock:
            rw = RootWatch(root, IgnoreRules(root, self.extra_ignore))
            self.roots[root] = rw
            if not root.is_dir():
                rw.state, rw.message = "missing", f"{root} does not exist or is not a folder"
                return rw
            for d, _files in rw.rules.walk():
                if not self._watch_dir(rw, d):
                    break
            return rw

    def remove_root(self, root: Path) -> None:
        with self._lock:
            rw = self.roots.pop(root, None)
            if rw is None:
                return
            for w in rw.watches.values():
                self._unschedule(w)

    def _watch_dir(self, rw: RootWatch, d: Path) -> bool:
        if d in rw.watches or rw.state == "polling":
            return rw.state != "polling"
        # Nested roots: a folder already watched for another root is not watched twice.
        for other in self.roots.values():
            if other is not rw and d in other.watches:
                return True
        try:
            rw.watches[d] = self.observer.schedule(self, str(d), recursive=False)
            return True
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EMFILE, errno.ENFILE):
                rw.state, rw.message = "polling", LIMIT_HINT
                log.warning("%s: %s", rw.root, LIMIT_HINT)
                return False
            if e.errno in (errno.EACCES, errno.EPERM):
                rw.message = f"permission denied on {d}; it is not watched"
                return True
            if e.errno == errno.ENOENT:
                return True
            raise

    def _unschedule(self, w: ObservedWatch) -> None:
        with contextlib.suppress(KeyError, OSError):
            self.observer.unschedule(w)

    # ------------------------------------------------------------ events

    def _handle_path(self, path: Path) -> None:
        rules = self.rules_for(path)
        if rules is not None and not rules.file_ignored(path):
            self.debouncer.touch(str(path))

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        src = Path(str(event.src_path))
        if isinstance(event, DirCreatedEvent):
            self._dir_created(src)
            return
        if isinstance(event, DirDeletedEvent):
            self._dir_deleted(src)
            return
        if isinstance(event, DirMovedEvent):
            self._dir_deleted(src)
            self._dir_created(Path(str(event.dest_path)))
            return
        if event.is_directory:
            return
        self._handle_path(src)
        if event.event_type == "moved" and event.dest_path:
            # Atomic save: the temp file is ignored, its destination is the modify.
            self._handle_path(Path(str(event.dest_path)))

    def _dir_created(self, d: Path) -> None:
        with self._lock:
            rules = self.rules_for(d)
            if rules is None or rules.dir_ignored(d):
                return
            rw = next(r for r in self.roots.values() if r.rules is rules)
            # Watch the new tree first, then scan it: files created right after the
            # mkdir, before the watch existed, are found by the scan.
            for sub, _files in rules.walk(d):
                self._watch_dir(rw, sub)
        self.on_new_dir(rw.root, d)

    def _dir_deleted(self, d: Path) -> None:
        with self._lock:
            for rw in self.roots.values():
                for p in [p for p in rw.watches if p == d or d in p.parents]:
                    self._unschedule(rw.watches.pop(p))
        self.on_dir_gone(str(d))
