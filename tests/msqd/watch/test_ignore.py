"""IgnoreRules on a real temporary tree."""

from __future__ import annotations

from pathlib import Path

from msqd.watch.ignore import IgnoreRules


def make(root: Path, rel: str, text: str = "x = 1\n") -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def test_builtin_folders_and_suffixes(tmp_path: Path) -> None:
    keep = [
        make(tmp_path, "a.py"),
        make(tmp_path, "proj/nb.ipynb", "{}"),
        make(tmp_path, "proj/m.py"),
    ]
    for rel in (
        ".git/x.py",
        ".venv/lib/x.py",
        "node_modules/p/x.py",
        "proj/__pycache__/x.py",
        "wandb/run/x.py",
        "mlruns/0/x.py",
        "lightning_logs/v0/x.py",
        "checkpoints/x.py",
        "data/x.py",
        "pkg.egg-info/x.py",
        "proj/readme.md",
        "proj/weights.pt",
    ):
        make(tmp_path, rel)
    make(tmp_path, "myenv/pyvenv.cfg", "home = /usr\n")
    make(tmp_path, "myenv/lib/x.py")
    rules = IgnoreRules(tmp_path)
    found = sorted(f for _d, files in rules.walk() for f in files)
    assert found == sorted(keep)
    dirs = {d for d, _ in rules.walk()}
    assert dirs == {tmp_path, tmp_path / "proj"}
    assert rules.dir_ignored(tmp_path / "myenv")
    assert rules.file_ignored(tmp_path / ".venv" / "lib" / "x.py")
    assert not rules.file_ignored(tmp_path / "proj" / "m.py")
    assert rules.file_ignored(tmp_path / "proj" / "m.pyc")


def test_msqignore_gitignore_and_config_globs(tmp_path: Path) -> None:
    (tmp_path / ".msqignore").write_text("# comment\nscratch/\n*_old.py\n!keep_old.py\n")
    (tmp_path / ".gitignore").write_text("/generated/\n")
    for rel in (
        "scratch/a.py",
        "x_old.py",
        "keep_old.py",
        "generated/g.py",
        "sub/generated/h.py",
        "exp/tmp_1.py",
        "ok.py",
    ):
        make(tmp_path, rel)
    rules = IgnoreRules(tmp_path, ["exp/tmp_*.py"])
    found = {f.relative_to(tmp_path).as_posix() for _d, files in rules.walk() for f in files}
    # "/generated/" is anchored to the root; the nested one is indexed.
    assert found == {"keep_old.py", "sub/generated/h.py", "ok.py"}
    assert rules.dir_ignored(tmp_path / "scratch")
    assert not rules.dir_ignored(tmp_path / "sub" / "generated")


def test_outside_root_is_ignored_and_prune(tmp_path: Path) -> None:
    root = tmp_path / "r"
    make(root, "a/x.py")
    make(root, "b/y.py")
    rules = IgnoreRules(root)
    assert rules.file_ignored(tmp_path / "elsewhere.py")
    found = {f.name for _d, files in rules.walk(prune={root / "b"}) for f in files}
    assert found == {"x.py"}


def test_symlink_loop_is_not_followed(tmp_path: Path) -> None:
    make(tmp_path, "a/x.py")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    rules = IgnoreRules(tmp_path)
    found = [f for _d, files in rules.walk() for f in files]
    assert found == [tmp_path / "a" / "x.py"]
