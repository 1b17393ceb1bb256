"""Which socket and autostart setting msq.Client takes from the config file and env."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from msq import Client
from msq.paths import paths_for


def _config(home: Path, text: str) -> None:
    f = paths_for(home).config_file
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    [
        'socket = "/tmp/elsewhere.sock"\n',
        "socket = '/tmp/elsewhere.sock'\n",
        # An escaped key spells "socket" without the word appearing in the file.
        '"sock\\u0065t" = "/tmp/elsewhere.sock"\n',
    ],
)
def test_socket_from_the_config_file(tmp_path: Path, text: str) -> None:
    _config(tmp_path, 'roots = ["/data"]\n' + text)
    assert Client(tmp_path).socket == Path("/tmp/elsewhere.sock")


def test_env_beats_file_and_autostart_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _config(tmp_path, 'socket = "/tmp/file.sock"\n[client]\nautostart = false\n')
    c = Client(tmp_path)
    assert c.autostart is False
    monkeypatch.setenv("MSQ_SOCKET", "/tmp/env.sock")
    assert Client(tmp_path).socket == Path("/tmp/env.sock")


def test_a_config_without_client_keys_is_not_parsed(tmp_path: Path) -> None:
    _config(tmp_path, 'roots = ["/data"]\n[llm]\nmodel_path = "/m.gguf"\n')
    code = (
        "import sys\nfrom msq import Client\n"
        f"c = Client({str(tmp_path)!r})\n"
        "print(c.socket == c.paths.socket, c.autostart, 'tomllib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["True", "True", "False"], out.stdout + out.stderr


def test_a_broken_config_falls_back_to_defaults(tmp_path: Path) -> None:
    _config(tmp_path, "socket = [unclosed\n")
    c = Client(tmp_path)
    assert c.socket == c.paths.socket and c.autostart is True
