"""msq.private: owner-only folders and files whatever the umask, on a real filesystem."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from msq import private, settings


def mode(p: Path) -> int:
    return stat.S_IMODE(p.lstat().st_mode)


@pytest.fixture
def umask_000() -> Iterator[None]:
    old = os.umask(0)
    yield
    os.umask(old)


def test_private_dir_creates_missing_parents_0700_and_keeps_existing_ones(
    tmp_path: Path, umask_000: None
) -> None:
    os.chmod(tmp_path, 0o755)
    d = private.private_dir(tmp_path / "a" / "b")
    assert mode(d) == mode(tmp_path / "a") == 0o700
    assert mode(tmp_path) == 0o755  # not ours: left alone
    os.chmod(d, 0o777)
    private.private_dir(d)  # an existing one of ours is tightened
    assert mode(d) == 0o700


def test_write_private_and_append_are_0600_under_umask_000(tmp_path: Path, umask_000: None) -> None:
    f = tmp_path / "config.toml"
    f.write_text("old")
    os.chmod(f, 0o666)
    private.write_private(f, "roots = []\n")
    assert (f.read_text(), mode(f)) == ("roots = []\n", 0o600)
    log = tmp_path / "msqd.out"
    log.write_bytes(b"x")
    os.chmod(log, 0o644)
    with private.open_private_append(log) as fh:
        fh.write(b"y")
    assert (log.read_bytes(), mode(log)) == (b"xy", 0o600)
    assert not list(tmp_path.glob(".*.tmp"))


def test_settings_write_is_private(tmp_path: Path, umask_000: None) -> None:
    home = tmp_path / "h"
    settings.set_key(home / "config.toml", "follow_symlinks", "true")
    assert mode(home) == 0o700 and mode(home / "config.toml") == 0o600
    # An existing --home folder keeps its mode; the platform's msq folder is tightened.
    os.chmod(home, 0o755)
    settings.set_key(home / "config.toml", "follow_symlinks", "false")
    assert mode(home) == 0o755
    settings.set_key(home / "config.toml", "follow_symlinks", "false", own_folder=True)
    assert mode(home) == 0o700
    assert settings.read(home / "config.toml") == {"follow_symlinks": False}


def test_tighten_reports_what_it_changed_and_is_not_recursive(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    (data / "db").write_text("x")
    os.chmod(data / "db", 0o644)
    (data / "ok").write_text("x")
    os.chmod(data / "ok", 0o600)
    user_tree = data / "mine"  # a folder msq did not make: not descended into
    user_tree.mkdir()
    (user_tree / "f").write_text("x")
    os.chmod(user_tree / "f", 0o644)
    (data / "link").symlink_to(user_tree / "f")
    conf = tmp_path / "config.toml"
    conf.write_text("")
    os.chmod(conf, 0o640)
    assert set(private.exposed([data], [conf])) == {data, data / "db", conf}
    changed = private.tighten([data], [conf])
    assert set(changed) == {data, data / "db", conf}
    assert mode(data) == 0o700 and mode(data / "db") == mode(conf) == 0o600
    assert mode(user_tree / "f") == 0o644
    assert private.exposed([data], [conf]) == []
    assert private.tighten([data], [conf]) == []
