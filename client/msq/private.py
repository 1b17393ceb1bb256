"""Owner-only files: msq's config, data, logs and socket are private to their user.

The index holds paths, docstrings and hyper-parameters of unpublished work, so on a
shared machine nobody else may read it. Folders msq creates are 0700 and files 0600
whatever the umask: each helper asks for the private mode at creation *and* chmods
afterwards (a umask can only remove bits, and a file may predate us or be created by
a library with its own mode). Used by both the client (``msq config set``, the
autostart log) and the daemon, so it imports only the standard library.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

# Not typing.TYPE_CHECKING, as in msq.client: importing typing costs ~4 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import BinaryIO

DIR_MODE = 0o700
FILE_MODE = 0o600
# Group and other bits: any of them set means someone else may read, write or enter.
OPEN_BITS = 0o077


def private_dir(path: Path) -> Path:
    """Create ``path`` and its missing parents 0700, and make ``path`` itself 0700.

    Parents that already exist keep their mode (``~/.config``, or the folder a user
    names with ``--home``, are not ours to change); one msq creates is private.
    """
    missing = []
    p = path
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            d.mkdir(mode=DIR_MODE)
            _chmod(d, DIR_MODE)  # mkdir's mode is masked by the umask, never widened
    _chmod(path, DIR_MODE)
    return path


def make_private(path: Path) -> None:
    """chmod ``path`` to 0600 (files) or 0700 (folders) when it exists and is ours."""
    try:
        st = path.lstat()
    except OSError:
        return
    if stat.S_ISLNK(st.st_mode):
        return
    _chmod(path, DIR_MODE if stat.S_ISDIR(st.st_mode) else FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            os.chmod(path, mode)
    except OSError:
        pass  # not ours (another user's file) or gone: tighten() reports, never fails


def write_private(path: Path, text: str) -> None:
    """Atomically replace ``path`` with ``text``, born 0600 (temp file, then rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # a leftover temp file keeps its old mode otherwise
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
    os.replace(tmp, path)


def open_private_append(path: Path) -> BinaryIO:
    """``open(path, "ab")`` for a log, with the file 0600 even if it already existed."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    with contextlib.suppress(OSError):  # another user's file: the write still works
        os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, "ab")


def _owned_paths(dirs: Iterable[Path], files: Iterable[Path]) -> list[Path]:
    """``dirs`` and the files directly in them, and ``files`` (existing ones only).

    Not recursive: msq's folders hold only files, and a folder it is pointed at
    (``--home ~`` makes ``~/data`` its data folder) may hold the user's own trees.
    """
    out: list[Path] = []
    for d in dirs:
        if not d.is_dir() or d.is_symlink():
            continue
        out.append(d)
        try:
            entries = list(os.scandir(d))
        except OSError:
            continue
        # Files and the socket; never what a symlink points at.
        out += [
            Path(e.path)
            for e in entries
            if not e.is_symlink() and not e.is_dir(follow_symlinks=False)
        ]
    out += [f for f in files if f.is_file() and not f.is_symlink()]
    return list(dict.fromkeys(out))  # the same folder may be named twice


def exposed(dirs: Iterable[Path], files: Iterable[Path] = ()) -> list[Path]:
    """``dirs``, the files in them, and ``files``: those other users may open."""
    out = []
    for p in _owned_paths(dirs, files):
        try:
            if p.lstat().st_mode & OPEN_BITS:
                out.append(p)
        except OSError:
            continue
    return out


def tighten(dirs: Iterable[Path], files: Iterable[Path] = ()) -> list[Path]:
    """Make ``dirs`` 0700 and the files in them (and ``files``) 0600; return what changed."""
    changed = []
    for p in exposed(dirs, files):
        make_private(p)
        try:
            if not p.lstat().st_mode & OPEN_BITS:
                changed.append(p)
        except OSError:
            continue
    return changed
