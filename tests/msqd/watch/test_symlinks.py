"""Symlinks inside a root: the walk, the link policy and the watcher (real watchdog),
then a real daemon (hash embedder) indexing a tree full of them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from msqd.watch.ignore import IgnoreRules
from msqd.watch.links import LOOP, LinkPolicy
from msqd.watch.watcher import Watcher
from tests.conftest import Daemon, start_daemon, wait_indexed, wait_until

SCRIPT = "import torch\nlr = 0.1\nopt = torch.optim.SGD(params, lr=lr)\n"


def make(p: Path, text: str = SCRIPT) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    """A root with every kind of link, and a folder outside it."""
    root, out = tmp_path / "root", tmp_path / "outside"
    real = make(root / "proj" / "train.py")
    make(out / "ext.py")
    make(out / "deep" / "more.py")
    links = {
        "inside_file": root / "alias.py",
        "inside_dir": root / "proj_alias",
        "outside_file": root / "ext_link.py",
        "outside_dir": root / "ext_dir",
        "loop_a": root / "loop_a",
        "loop_b": root / "loop_b",
        "up": root / "proj" / "up",
        "broken": root / "gone.py",
    }
    links["inside_file"].symlink_to(real)
    links["inside_dir"].symlink_to(root / "proj", target_is_directory=True)
    links["outside_file"].symlink_to(out / "ext.py")
    links["outside_dir"].symlink_to(out, target_is_directory=True)
    links["loop_a"].symlink_to(links["loop_b"])
    links["loop_b"].symlink_to(links["loop_a"])
    links["up"].symlink_to(root, target_is_directory=True)
    links["broken"].symlink_to(tmp_path / "nothing.py")
    (out / "back").symlink_to(root, target_is_directory=True)  # a loop through a followed link
    return {"root": root, "out": out, "real": real, **links}


def walked(rules: IgnoreRules) -> set[Path]:
    return {f for _d, files in rules.walk() for f in files}


def test_policy_kinds(tree: dict[str, Path]) -> None:
    policy = LinkPolicy(lambda: [tree["root"]])
    assert policy.kind(tree["inside_file"]) == "inside"
    assert policy.kind(tree["inside_dir"]) == "inside"
    assert policy.kind(tree["up"]) == "inside"
    assert policy.kind(tree["outside_file"]) == "outside"
    assert policy.kind(tree["outside_dir"]) == "outside"
    assert policy.kind(tree["loop_a"]) == "loop"
    assert policy.kind(tree["broken"]) == "broken"
    # A second root makes the outside folder "inside": its files belong to that root.
    assert LinkPolicy(lambda: [tree["root"], tree["out"]]).kind(tree["outside_dir"]) == "inside"
    assert LinkPolicy(lambda: [tree["root"]], follow=True).kind(tree["outside_dir"]) == "follow"


def test_classify_says_why(tree: dict[str, Path]) -> None:
    policy = LinkPolicy(lambda: [tree["root"]])
    status, msg = policy.classify(str(tree["outside_file"])) or ("", "")
    assert status == "skipped" and str(tree["out"] / "ext.py") in msg and "follow_symlinks" in msg
    assert policy.classify(str(tree["loop_a"])) == ("skipped", LOOP)
    assert policy.classify(str(tree["inside_file"])) == ("drop", "")
    assert policy.classify(str(tree["broken"])) == ("drop", "")
    assert policy.classify(str(tree["real"])) is None
    follow = LinkPolicy(lambda: [tree["root"]], follow=True)
    assert follow.classify(str(tree["outside_file"])) is None  # extracted as usual
    assert follow.classify(str(tree["outside_dir"])) == ("drop", "")


def test_walk_default_indexes_real_paths_once_and_reports_outside_links(
    tree: dict[str, Path],
) -> None:
    rules = IgnoreRules(tree["root"])
    t0 = time.monotonic()
    found = walked(rules)
    assert time.monotonic() - t0 < 5  # loops end
    # The real file once, under its real path; never through alias.py or proj_alias/.
    assert tree["real"] in found
    assert not any("proj_alias" in str(p) or p.name == "alias.py" for p in found)
    # Links out of the root and the loop are listed (the indexer makes skipped cards);
    # nothing behind them is walked.
    assert {tree["outside_file"], tree["outside_dir"], tree["loop_a"], tree["loop_b"]} <= found
    assert not any(tree["outside_dir"] in p.parents for p in found)
    assert tree["broken"] not in found
    dirs = {d for d, _ in rules.walk()}
    assert tree["outside_dir"] not in dirs


def test_walk_with_follow_symlinks_enters_outside_folders_once(tree: dict[str, Path]) -> None:
    rules = IgnoreRules(tree["root"], links=LinkPolicy(lambda: [tree["root"]], follow=True))
    found = walked(rules)
    ext = tree["outside_dir"]
    assert {ext / "ext.py", ext / "deep" / "more.py", tree["outside_file"]} <= found
    # outside/back points into the root: not followed, so the root is not walked twice.
    assert not any((ext / "back") in p.parents or p == ext / "back" for p in found)
    assert sorted(found).count(tree["real"]) == 1
    assert tree["loop_a"] in found  # still never followed


class Calls:
    def __init__(self) -> None:
        self.paths: list[str] = []
        self.dirs: list[Path] = []
        self.lock = threading.Lock()

    def __call__(self, paths: list[str]) -> None:
        with self.lock:
            self.paths += paths

    def new_dir(self, _root: Path, d: Path) -> None:
        with self.lock:
            self.dirs.append(d)

    def seen(self) -> set[str]:
        with self.lock:
            return set(self.paths)


def watcher(calls: Calls, follow: bool = False) -> Watcher:
    w = Watcher(calls, calls.new_dir, lambda d: None, debounce=0.05, follow_symlinks=follow)
    w.start()
    return w


def test_watcher_with_loops_starts_and_reports_new_links(tree: dict[str, Path]) -> None:
    calls = Calls()
    w = watcher(calls)
    try:
        t0 = time.monotonic()
        w.add_root(tree["root"])
        assert time.monotonic() - t0 < 5
        watched = w.watched_dirs()
        assert tree["root"] / "proj" in watched
        assert not any("proj_alias" in str(d) or "ext_dir" in str(d) for d in watched)
        # A new link out of the root reaches the indexer (which records it as skipped);
        # a new loop too, and neither hangs the watcher.
        (tree["root"] / "new_ext").symlink_to(tree["out"], target_is_directory=True)
        (tree["root"] / "self_loop").symlink_to(tree["root"] / "self_loop")
        assert wait_until(
            lambda: (
                {str(tree["root"] / "new_ext"), str(tree["root"] / "self_loop")} <= calls.seen()
            ),
            5,
        )
        assert tree["root"] / "new_ext" not in w.watched_dirs()
        # The watcher still works afterwards.
        make(tree["root"] / "proj" / "after.py")
        assert wait_until(lambda: str(tree["root"] / "proj" / "after.py") in calls.seen(), 5)
    finally:
        w.stop()


def test_watcher_follows_outside_links_when_asked(tree: dict[str, Path]) -> None:
    calls = Calls()
    w = watcher(calls, follow=True)
    try:
        w.add_root(tree["root"])
        ext = tree["outside_dir"]
        assert {ext, ext / "deep"} <= w.watched_dirs()
        # Events inside the followed folder arrive under the link's path.
        (tree["out"] / "fresh.py").write_text(SCRIPT)
        assert wait_until(lambda: str(ext / "fresh.py") in calls.seen(), 5)
        # A link created later is followed too: watched and scanned.
        (tree["root"] / "later").symlink_to(tree["out"] / "deep", target_is_directory=True)
        assert wait_until(lambda: tree["root"] / "later" in w.watched_dirs(), 5)
        assert tree["root"] / "later" in calls.dirs
    finally:
        w.stop()


# ---------------------------------------------------------------- a real daemon


@pytest.fixture
def home() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="msq-", dir="/tmp"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def run_daemon(home: Path, follow: bool) -> Daemon:
    env = {"MSQ_EMBEDDING_MODEL": "hash", "MSQ_FOLLOW_SYMLINKS": "true" if follow else "false"}
    return start_daemon(home, env=env)


def errors_of(d: Daemon) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "msq", "--home", str(d.home), "--no-autostart", "ls", "--errors"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("follow", [False, True])
def test_daemon_indexes_real_paths_and_reports_outside_links(
    tree: dict[str, Path], home: Path, follow: bool
) -> None:
    d = run_daemon(home, follow)
    try:
        with d.client() as c:
            c.add_root(str(tree["root"]))
            wait_indexed(c, 60)
            cards = {x.path: x for x in c.list()}
            # The file behind alias.py and proj_alias/ is indexed once, under its real path.
            assert [p for p in cards if p.endswith("train.py")] == [str(tree["real"])]
            assert str(tree["inside_file"]) not in cards
            ext_file, ext_dir = str(tree["outside_file"]), str(tree["outside_dir"])
            assert cards[str(tree["loop_a"])].status == "skipped"
            if follow:
                assert cards[ext_file].status != "skipped"
                assert str(tree["outside_dir"] / "deep" / "more.py") in cards
            else:
                assert cards[ext_file].status == "skipped"
                assert cards[ext_dir].status == "skipped"
                assert not any(p.startswith(ext_dir + "/") for p in cards)
                listing = errors_of(d)
                assert "outside every root; not followed" in listing
                assert LOOP in listing
        assert d.stop() == 0, d.output()
    finally:
        if d.proc.poll() is None:
            d.proc.kill()


def test_turning_follow_symlinks_on_takes_effect_on_restart(
    tree: dict[str, Path], home: Path
) -> None:
    d = run_daemon(home, follow=False)
    with d.client() as c:
        c.add_root(str(tree["root"]))
        wait_indexed(c, 60)
        assert {x.path: x.status for x in c.list()}[str(tree["outside_file"])] == "skipped"
    assert d.stop() == 0, d.output()
    d = run_daemon(home, follow=True)
    try:
        with d.client() as c:
            ext = str(tree["outside_file"])
            assert wait_until(
                lambda: {x.path: x.status for x in c.list()}.get(ext) not in (None, "skipped"),
                60,
            )
        assert d.stop() == 0, d.output()
    finally:
        if d.proc.poll() is None:
            d.proc.kill()


def test_follow_symlinks_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from msq import settings
    from msqd.config import Config

    home = tmp_path / "h"
    assert Config(home).values == {} and _follow(Config(home)) is False  # default
    settings.set_key(home / "config.toml", "follow_symlinks", "true")
    assert _follow(Config(home)) is True  # file
    monkeypatch.setenv("MSQ_FOLLOW_SYMLINKS", "false")
    assert _follow(Config(home)) is False  # env over file
    assert _follow(Config(home, follow_symlinks=True)) is True  # argument over env


def _follow(config: object) -> bool:
    config.load()  # type: ignore[attr-defined]
    return config.get("follow_symlinks")  # type: ignore[attr-defined]
