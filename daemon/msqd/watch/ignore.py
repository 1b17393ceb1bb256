"""What is never indexed or watched: tool folders, data, and the user's ignore files.

A root's ``.msqignore`` and ``.gitignore`` (gitignore syntax) and the config's
``ignore`` globs are honoured, on top of a built-in list of folders that hold
environments, caches, logs, checkpoints and data rather than code.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterator
from pathlib import Path

import pathspec

from .links import LinkPolicy, readable_dir

# Folder names that never hold the user's training code.
IGNORED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "env",
        ".env",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "__pycache__",
        "node_modules",
        "site-packages",
        ".ipynb_checkpoints",
        "wandb",
        "mlruns",
        "lightning_logs",
        "tb_logs",
        "runs",
        "checkpoints",
        "checkpoint",
        "ckpt",
        "ckpts",
        "outputs",
        "data",
        "datasets",
        ".cache",
        ".idea",
        ".vscode",
        "build",
        "dist",
        ".eggs",
        "conda-meta",
    }
)

INDEXED_SUFFIXES = (".py", ".ipynb")


class IgnoreRules:
    """The ignore rules of one root."""

    def __init__(
        self, root: Path, extra: list[str] | None = None, links: LinkPolicy | None = None
    ) -> None:
        self.root = root
        # Alone (tests, one root) only this root counts as "inside" for symlinks.
        self.links = links or LinkPolicy(lambda: (root,))
        lines: list[str] = list(extra or [])
        for name in (".msqignore", ".gitignore"):
            with contextlib.suppress(OSError):
                lines += (root / name).read_text(encoding="utf-8", errors="replace").splitlines()
        self.spec = pathspec.GitIgnoreSpec.from_lines(lines)

    def _rel(self, path: Path) -> str | None:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return None

    def dir_ignored(self, path: Path) -> bool:
        """True when no file below ``path`` is indexed."""
        if path.name in IGNORED_DIRS or path.name.endswith(".egg-info"):
            return True
        try:
            if (path / "pyvenv.cfg").exists():  # a virtualenv under any name
                return True
        except OSError:
            pass  # a folder we may not enter: not ignored, reported as permission denied
        rel = self._rel(path)
        if rel is None:
            return True
        return rel not in ("", ".") and self.spec.match_file(rel + "/")

    def file_ignored(self, path: Path) -> bool:
        """True when ``path`` is not a script or notebook, or an ignore rule matches."""
        if path.suffix not in INDEXED_SUFFIXES:
            return True
        rel = self._rel(path)
        if rel is None:
            return True
        parts = Path(rel).parts[:-1]
        if any(p in IGNORED_DIRS for p in parts):
            return True
        return self.spec.match_file(rel)

    def walk(
        self, top: Path | None = None, prune: Collection[Path] = ()
    ) -> Iterator[tuple[Path, list[Path]]]:
        """(directory, paths to index) for every non-ignored directory under ``top``.

        Folders in ``prune`` (nested roots, which walk themselves) are not entered.
        Symlinks follow :class:`~msqd.watch.links.LinkPolicy`: one into a root is
        passed over (its target is met under its real path), one out of every root
        is followed only with ``follow_symlinks``; each folder is entered once (by
        device and inode), so a loop ends. Besides files, the paths to index include
        the folders this user may not list and the symlinks not followed: the
        indexer turns them into ``permission denied`` / ``skipped`` cards.
        """
        stack = [top or self.root]
        seen: set[tuple[int, int]] = set()
        while stack:
            d = stack.pop()
            try:
                st = d.stat()
                key = (st.st_dev, st.st_ino)
                if key in seen:
                    continue
                seen.add(key)
                entries = list(os.scandir(d))
            except OSError:
                continue
            files: list[Path] = []
            for e in entries:
                p = Path(e.path)
                try:
                    if e.is_symlink():
                        self._link(p, prune, stack, files)
                    elif e.is_dir(follow_symlinks=False):
                        if p in prune or self.dir_ignored(p):
                            continue
                        if readable_dir(p):
                            stack.append(p)
                        else:
                            files.append(p)  # reported: permission denied
                    elif e.is_file(follow_symlinks=False) and not self.file_ignored(p):
                        files.append(p)
                except OSError:
                    continue
            yield d, files

    def _link(self, p: Path, prune: Collection[Path], stack: list[Path], files: list[Path]) -> None:
        kind = self.links.kind(p)
        if kind in ("inside", "broken"):
            return
        is_dir = kind != "loop" and p.is_dir()
        ignored = self.dir_ignored(p) if is_dir or kind == "loop" else self.file_ignored(p)
        if ignored or p in prune:
            return
        if kind == "follow" and is_dir:
            stack.append(p)
        else:
            files.append(p)  # a followed file, or a link reported as skipped
