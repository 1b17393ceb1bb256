"""Card identity: model ids, project names and creation times."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

# Re-read a repository's history after this many seconds so new commits count.
GIT_CACHE_SECONDS = 300.0

_git_lock = threading.Lock()
# repo top folder -> (time read, {absolute path: first add time})
_git_cache: dict[str, tuple[float, dict[str, float]]] = {}
# folder -> repo top folder ("" when not in a repository)
_repo_of: dict[str, str] = {}


def _stem_parts(path: Path) -> list[str]:
    name = path.name
    for suffix in (".ipynb", ".py"):
        if name.endswith(suffix):
            return [name[: -len(suffix)]]
    return [path.stem or name]


def model_id_for(path: str | os.PathLike[str], root: str | os.PathLike[str] | None) -> str:
    """The model id: path relative to ``root`` without suffix, joined with "/".

    A file directly in ``root`` is "<root folder name>/<stem>"; without a root
    (or a file outside it) the id is "<parent folder name>/<stem>".
    """
    p = Path(os.path.abspath(os.fspath(path)))
    if root is not None:
        r = Path(os.path.abspath(os.fspath(root)))
        try:
            rel = p.relative_to(r)
        except ValueError:
            rel = None
        if rel is not None and len(rel.parts) >= 2:
            return "/".join([*rel.parts[:-1], *_stem_parts(p)])
        if rel is not None:
            return "/".join([r.name or "root", *_stem_parts(p)])
    return "/".join([p.parent.name or "root", *_stem_parts(p)])


def project_for(path: str | os.PathLike[str], root: str | os.PathLike[str] | None) -> str:
    """The top-level project folder: first folder under ``root`` (or the parent)."""
    return model_id_for(path, root).split("/")[0]


def _find_repo(folder: str) -> str:
    chain: list[str] = []
    cur = folder
    top = ""
    while True:
        if cur in _repo_of:
            top = _repo_of[cur]
            break
        chain.append(cur)
        if os.path.exists(os.path.join(cur, ".git")):
            top = cur
            break
        parent = os.path.dirname(cur)
        if parent == cur:
            break
        cur = parent
    for c in chain:
        _repo_of[c] = top
    return top


def _read_git_history(top: str) -> dict[str, float]:
    """One ``git log`` for the whole repository: path -> time it was first added."""
    out: dict[str, float] = {}
    try:
        proc = subprocess.run(
            ["git", "-C", top, "log", "--diff-filter=A", "--name-only", "--format=%x01%at"],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return out
    if proc.returncode != 0:
        return out
    stamp: float | None = None
    # Newest commit first: later lines overwrite, so the oldest add wins.
    for raw in proc.stdout.decode("utf-8", errors="replace").split("\n"):
        if raw.startswith("\x01"):
            try:
                stamp = float(raw[1:].strip())
            except ValueError:
                stamp = None
        elif raw.strip() and stamp is not None:
            out[os.path.normpath(os.path.join(top, raw.strip()))] = stamp
    return out


def git_first_added(path: str) -> float | None:
    """When ``path`` was first committed, from a per-repository cached history."""
    folder = os.path.dirname(os.path.abspath(path))
    with _git_lock:
        top = _find_repo(folder)
        if not top:
            return None
        cached = _git_cache.get(top)
        now = time.monotonic()
        if cached is None or now - cached[0] > GIT_CACHE_SECONDS:
            cached = (now, _read_git_history(top))
            _git_cache[top] = cached
    return cached[1].get(os.path.normpath(os.path.abspath(path)))


def created_time(path: str, st: os.stat_result, first_seen: float | None) -> tuple[float, str]:
    """(created, source): birth time, else first git commit, else first seen."""
    birth = getattr(st, "st_birthtime", None)
    if birth:
        return float(birth), "birthtime"
    added = git_first_added(path)
    if added is not None:
        return added, "git"
    return (first_seen if first_seen is not None else time.time()), "first-seen"
