"""Watching roots with watchdog: one observer, folders added one by one.

Each non-ignored folder gets its own non-recursive watch (watchdog shares one
inotify descriptor between them), so ignored folders such as virtualenvs are
never watched. A folder is watched once even when several roots cover it
(nested roots, a root added twice); it is owned by the innermost root, and the
watch set is recomputed whenever a root is added or removed.

Events go through a per-path trailing debounce with a cap, so a burst of writes
becomes one re-index. An editor's atomic save (write a temp file, rename it onto
the target) arrives as a move whose destination is the file and is treated as a
modify of it. A move reports both paths; the indexer keeps the content's
embedding and first-seen time.

Symlinks follow the one policy in ``links.py`` (the walk and the indexer ask it
too): only links out of every root, and only with ``follow_symlinks``, are entered.
A folder whose mode changes so that it can be read (an attribute event) is watched
and scanned then; one that cannot is reported as permission denied.

When the system's watch limit is reached (ENOSPC/EMFILE), the root falls back
to periodic scanning and its status says which sysctl raises the limit. When
the kernel's event queue overflows, ``on_overflow`` asks for a rescan.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import threading
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
from watchdog.observers.api import BaseObserver, ObservedWatch

from .debounce import Debouncer
from .ignore import IgnoreRules
from .links import LinkPolicy, readable_dir
from .observer import make_observer

log = logging.getLogger(__name__)

LIMIT_HINT = (
    "the system's file-watch limit is reached; raise it with "
    "'sudo sysctl fs.inotify.max_user_watches=524288' (and fs.inotify.max_user_instances); "
    "meanwhile this root is rescanned periodically"
)
RULE_FILES = (".msqignore", ".gitignore")

__all__ = ["LIMIT_HINT", "Debouncer", "RootWatch", "Watcher"]


@dataclass
class RootWatch:
    """The rules, owned folders and state of one root."""

    root: Path
    rules: IgnoreRules
    dirs: set[Path] = field(default_factory=set)
    state: str = "watching"  # watching, polling, missing
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
        on_overflow: Callable[[], None] | None = None,
        on_rules_changed: Callable[[Path], None] | None = None,
        observer: BaseObserver | None = None,
        follow_symlinks: bool = False,
    ) -> None:
        self.on_new_dir = on_new_dir
        self.on_dir_gone = on_dir_gone
        self.on_overflow = on_overflow
        self.on_rules_changed = on_rules_changed
        self.extra_ignore = extra_ignore or []
        self.roots: dict[Path, RootWatch] = {}
        # One symlink policy for every root: "inside" means inside any of them.
        self.links = LinkPolicy(lambda: list(self.roots), follow=follow_symlinks)
        self._watches: dict[Path, ObservedWatch] = {}
        self._lock = threading.RLock()
        self.observer = observer or make_observer(self._overflowed)
        self.debouncer = Debouncer(on_paths, quiet=debounce, cap=max(1.0, debounce * 5))

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.debouncer.stop()
        self.observer.stop()
        self.observer.join(3.0)

    def watched_dirs(self) -> set[Path]:
        """Every folder with a watch (for status and tests)."""
        with self._lock:
            return set(self._watches)

    # ------------------------------------------------------------ roots

    def root_for(self, path: Path) -> RootWatch | None:
        """The innermost root containing ``path``."""
        best: RootWatch | None = None
        for rw in self.roots.values():
            inside = path == rw.root or rw.root in path.parents
            if inside and (best is None or len(rw.root.parts) > len(best.root.parts)):
                best = rw
        return best

    def rules_for(self, path: Path) -> IgnoreRules | None:
        """The ignore rules of the innermost watched root containing ``path``."""
        rw = self.root_for(path)
        return rw.rules if rw else None

    def nested_in(self, root: Path) -> set[Path]:
        """Other roots strictly inside ``root`` (they walk and watch themselves)."""
        return {r for r in self.roots if r != root and root in r.parents}

    def add_root(self, root: Path) -> RootWatch:
        """Watch ``root`` (again: its rules are re-read and its folders rescanned)."""
        with self._lock:
            old = self.roots.get(root)
            rw = RootWatch(root, IgnoreRules(root, self.extra_ignore, self.links))
            if old is not None and old.state == "polling":
                rw.state, rw.message = old.state, old.message
            self.roots[root] = rw
            self.resync()
            return rw

    def remove_root(self, root: Path) -> None:
        with self._lock:
            if self.roots.pop(root, None) is not None:
                self.resync()

    def resync(self) -> None:
        """Make the watch set equal to the non-ignored folders of every root.

        Each folder is owned by its innermost root, so nested roots and a parent
        added after its child never watch a folder twice, and removing one root
        hands its folders back to the root that still covers them.
        """
        with self._lock:
            want: dict[Path, RootWatch] = {}
            for rw in self.roots.values():
                rw.dirs = set()
                if not rw.root.is_dir():
                    rw.state, rw.message = "missing", f"{rw.root} does not exist or is not a folder"
                    continue
                if rw.state == "missing":
                    rw.state, rw.message = "watching", ""
                for d, _files in rw.rules.walk(prune=self.nested_in(rw.root)):
                    want[d] = rw
                    rw.dirs.add(d)
            for d in [d for d in self._watches if d not in want]:
                self._unschedule(self._watches.pop(d))
            for d, rw in want.items():
                self._watch_dir(rw, d)

    def _watch_dir(self, rw: RootWatch, d: Path) -> bool:
        """Schedule a watch on ``d`` unless it has one; False once the limit is hit."""
        rw.dirs.add(d)
        if d in self._watches:
            return True
        try:
            # A folder reached through a followed symlink is watched through it.
            self._watches[d] = self.observer.schedule(
                self, str(d), recursive=False, follow_symlink=d.is_symlink()
            )
            return True
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EMFILE, errno.ENFILE):
                if rw.state != "polling":
                    log.warning("%s: %s", rw.root, LIMIT_HINT)
                rw.state, rw.message = "polling", LIMIT_HINT
                return False
            if e.errno in (errno.EACCES, errno.EPERM):
                rw.message = f"permission denied on {d}; it is not watched"
                return True
            if e.errno in (errno.ENOENT, errno.ENOTDIR):
                return True
            raise

    def _unschedule(self, w: ObservedWatch) -> None:
        with contextlib.suppress(KeyError, OSError):
            self.observer.unschedule(w)

    def _overflowed(self) -> None:
        log.warning("the kernel's file-event queue overflowed; rescanning every root")
        if self.on_overflow is not None:
            self.on_overflow()

    # ------------------------------------------------------------ events

    def _handle_path(self, path: Path) -> None:
        rw = self.root_for(path)
        if rw is None:
            return
        if path.parent == rw.root and path.name in RULE_FILES:
            self._rules_changed(rw)
            return
        if path.is_symlink():
            self._handle_link(rw, path)
        elif not rw.rules.file_ignored(path):
            self.debouncer.touch(str(path))

    def _handle_link(self, rw: RootWatch, path: Path) -> None:
        # inotify reports a new symlink as a file whatever it points to.
        kind = self.links.kind(path)
        if kind == "follow" and path.is_dir():
            self._dir_created(path)
            return
        ignored = rw.rules.dir_ignored(path) if path.is_dir() else rw.rules.file_ignored(path)
        if kind == "loop" or not ignored:
            # The indexer decides: a skipped card, the target's own card, or nothing.
            self.debouncer.touch(str(path))

    def _dir_attrib(self, d: Path) -> None:
        # A folder's mode changed: one that may now be listed is watched and scanned
        # (it held a "permission denied" card); one that may not is reported.
        rw = self.root_for(d)
        if rw is None or d == rw.root or rw.rules.dir_ignored(d):
            return
        if d.parent not in self._watches and d.parent != rw.root:
            return  # inside a folder we do not watch (ignored, or itself unreadable)
        if readable_dir(d):
            if d not in self._watches:
                self._dir_created(d)
        else:
            self.debouncer.touch(str(d))

    def _rules_changed(self, rw: RootWatch) -> None:
        # A changed .msqignore/.gitignore: re-read it, re-watch, and let the owner
        # rescan (files now ignored vanish, files no longer ignored appear).
        self.add_root(rw.root)
        if self.on_rules_changed is not None:
            self.on_rules_changed(rw.root)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        src = Path(str(event.src_path)) if event.src_path else None
        if isinstance(event, DirCreatedEvent):
            if src is not None:
                self._dir_created(src)
            return
        if isinstance(event, DirDeletedEvent):
            if src is not None:
                self._dir_deleted(src)
            return
        if isinstance(event, DirMovedEvent):
            if src is not None:
                self._dir_deleted(src)
            if event.dest_path:
                self._dir_created(Path(str(event.dest_path)))
            return
        if event.is_directory:
            if event.event_type == "attrib" and src is not None:
                self._dir_attrib(src)
            return
        if src is not None:
            self._handle_path(src)
        if event.event_type == "moved" and event.dest_path:
            # Atomic save: the temp file is ignored, its destination is the modify.
            self._handle_path(Path(str(event.dest_path)))

    def _dir_created(self, d: Path) -> None:
        with self._lock:
            rw = self.root_for(d)
            if rw is None or d in self._watches or rw.rules.dir_ignored(d):
                return
            if not readable_dir(d) or (d.is_symlink() and self.links.kind(d) != "follow"):
                # Not entered: the indexer records why (permission denied, or a
                # symlink into a root or out of every root), or drops the path.
                self.debouncer.touch(str(d))
                return
            # Watch the new tree first, then scan it: files created right after the
            # mkdir, before the watch existed, are found by the scan.
            for sub, _files in rw.rules.walk(d, prune=self.nested_in(rw.root)):
                if not self._watch_dir(rw, sub):
                    break
        self.on_new_dir(rw.root, d)

    def _dir_deleted(self, d: Path) -> None:
        with self._lock:
            for p in [p for p in self._watches if p == d or d in p.parents]:
                self._unschedule(self._watches.pop(p))
            for rw in self.roots.values():
                rw.dirs = {p for p in rw.dirs if not (p == d or d in p.parents)}
                if rw.root == d or d in rw.root.parents:
                    rw.state, rw.message = "missing", f"{rw.root} was deleted or moved away"
        self.on_dir_gone(str(d))
