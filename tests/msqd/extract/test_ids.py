"""Model ids, projects and creation times."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from msqd.extract import extract_file, model_id_for
from msqd.extract import ids as ids_mod


@pytest.mark.parametrize(
    ("path", "root", "want"),
    [
        ("/home/u/code/Generative-CIFAR/v10.py", "/home/u/code", "Generative-CIFAR/v10"),
        ("/home/u/code/proj/src/train.py", "/home/u/code", "proj/src/train"),
        ("/home/u/code/other/train.py", "/home/u/code", "other/train"),
        ("/home/u/code/train.py", "/home/u/code", "code/train"),
        ("/home/u/code/proj/nb/explore.ipynb", "/home/u/code", "proj/nb/explore"),
        ("/home/u/code/proj/train.py", None, "proj/train"),
        ("/elsewhere/x/train.py", "/home/u/code", "x/train"),
    ],
)
def test_model_id(path: str, root: str | None, want: str) -> None:
    assert model_id_for(path, root) == want


def test_two_projects_with_train_py_get_distinct_ids() -> None:
    a = model_id_for("/r/a/train.py", "/r")
    b = model_id_for("/r/b/train.py", "/r")
    assert a != b


def test_first_seen_without_git(tmp_path: Path) -> None:
    p = tmp_path / "proj" / "t.py"
    p.parent.mkdir()
    p.write_text("import torch\n")
    card = extract_file(p, tmp_path, first_seen=1234.5)
    if card.created_source == "birthtime":  # macOS/BSD record a birth time
        assert card.created is not None
        return
    assert (card.created, card.created_source) == (1234.5, "first-seen")
    assert card.modified == p.stat().st_mtime
    assert card.project == "proj"


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_created_from_first_commit(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "proj").mkdir(parents=True)
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "1600000000 +0000",
        "GIT_COMMITTER_DATE": "1600000000 +0000",
    }

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.email=t@e.st", "-c", "user.name=t", *args],
            cwd=repo,
            env=env,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    (repo / "proj" / "a.py").write_text("import torch\n")
    (repo / "proj" / "b.py").write_text("import jax\n")
    git("add", ".")
    git("commit", "-q", "-m", "one")
    env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = "1700000000 +0000"
    (repo / "proj" / "a.py").write_text("import torch\nLR = 1\n")
    (repo / "proj" / "c.py").write_text("import keras\n")
    git("add", ".")
    git("commit", "-q", "-m", "two")
    (repo / "proj" / "new.py").write_text("import torch\n")  # never committed
    cards = {
        n: extract_file(repo / "proj" / n, repo, first_seen=42.0)
        for n in ("a.py", "b.py", "c.py", "new.py")
    }
    if cards["a.py"].created_source == "birthtime":
        pytest.skip("this OS records birth times, git is not consulted")
    assert (cards["a.py"].created, cards["a.py"].created_source) == (1600000000.0, "git")
    assert (cards["b.py"].created, cards["b.py"].created_source) == (1600000000.0, "git")
    assert (cards["c.py"].created, cards["c.py"].created_source) == (1700000000.0, "git")
    assert (cards["new.py"].created, cards["new.py"].created_source) == (42.0, "first-seen")
    # One history read for the whole repository, not one per file.
    assert list(ids_mod._git_cache).count(str(repo)) == 1
