"""Symlinks and unreadable folders inside a root: what is followed, skipped or reported.

A symlink whose target lies inside some root is never followed: the target is
indexed (once) under its real path by the root that contains it. A symlink that
points outside every root is not followed either (it could lead anywhere: another
user's files, the whole disk) and is reported as ``skipped`` with the reason,
unless the config's ``follow_symlinks`` is true; then it is indexed or walked
under the link's path. A symlink loop or a dangling link is never followed, so no
scan or watch can spin on one. A folder the daemon's user may not list is reported
as ``permission denied`` instead of silently missing.

The walk (``ignore.py``), the watcher and the indexer (through
:meth:`LinkPolicy.classify`) all ask this one policy, so they agree.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Literal

Kind = Literal["inside", "outside", "follow", "loop", "broken"]

DENIED_DIR = "permission denied: cannot list this folder, so nothing in it is indexed"
LOOP = "symlink loop; not followed"


def outside_message(target: Path) -> str:
    return (
        f"symlink to {target}, outside every root; not followed "
        "(set follow_symlinks = true to index it)"
    )


class LinkPolicy:
    """Decides, for one path met inside a root, whether msq follows it.

    ``roots`` returns every watched root (called each time: roots come and go).
    """

    def __init__(self, roots: Callable[[], Collection[Path]], follow: bool = False) -> None:
        self._roots = roots
        self.follow = follow

    def _inside_a_root(self, target: Path) -> bool:
        for r in self._roots():
            real = Path(os.path.realpath(r))
            if target == real or real in target.parents:
                return True
        return False

    def kind(self, link: Path) -> Kind:
        """What ``link`` (a symlink) is: see the module docstring."""
        try:
            os.stat(link)  # follows the whole chain
        except OSError as e:
            return "loop" if e.errno == errno.ELOOP else "broken"
        target = Path(os.path.realpath(link))
        if self._inside_a_root(target):
            return "inside"
        return "follow" if self.follow else "outside"

    def classify(self, path: str) -> tuple[str, str] | None:
        """For the indexer: None to extract ``path`` as usual, else (status, message).

        Status "drop" means no card belongs at ``path`` (a symlink to a file indexed
        under its real path, a readable folder); "skipped" and "error" become a card
        with that message, listed by ``msq ls --errors``.
        """
        p = Path(path)
        if p.is_symlink():
            k = self.kind(p)
            if k == "loop":
                return ("skipped", LOOP)
            if k == "outside":
                return ("skipped", outside_message(Path(os.path.realpath(p))))
            if k in ("inside", "broken"):
                return ("drop", "")
        if p.is_dir():
            return ("drop", "") if readable_dir(p) else ("error", DENIED_DIR)
        return None


def readable_dir(d: Path) -> bool:
    """True when this process may list ``d`` and enter it."""
    return os.access(d, os.R_OK | os.X_OK)
