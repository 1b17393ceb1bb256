"""The msq CLI without a running msqd: start-up cost, config, completion, error edges.

A real grpc health server on a temporary unix socket stands in for a daemon that is
still starting (it reports NOT_SERVING, as msqd does before its store is open).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import pytest
from click.testing import CliRunner

from msq.cli.main import LAZY_COMMANDS, main

MSQ = [sys.executable, "-m", "msq"]
HEAVY = ("torch", "sentence_transformers", "hnswlib", "llama_cpp", "numpy")


def run(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MSQ, "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_every_lazy_command_resolves_and_help_lists_them() -> None:
    for name, (_mod, _attr, short) in LAZY_COMMANDS.items():
        cmd = main.get_command(None, name)  # type: ignore[arg-type]
        assert cmd is not None and cmd.name == name
        assert short.endswith(".")
    out = CliRunner().invoke(main, ["--help"])
    assert out.exit_code == 0
    for name in LAZY_COMMANDS:
        assert f"  {name} " in out.output


def test_help_imports_neither_grpc_nor_rich_nor_command_modules() -> None:
    code = (
        "import sys\n"
        "from msq.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in "
        "('grpc', 'rich', 'google') or m.startswith('msq.cli.') and m.endswith('_cmd')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "LOADED []" in out.stdout, out.stdout + out.stderr


def test_version_and_query_shorthand_parse(short_home: Path) -> None:
    r = CliRunner().invoke(main, ["--version"])
    assert r.exit_code == 0 and "msq, version" in r.output
    # `msq --wide cifar` is `msq search --wide cifar`; no daemon here, so it says so.
    r = CliRunner().invoke(main, ["--home", str(short_home), "--no-autostart", "--wide", "cifar"])
    assert r.exit_code == 1
    assert "not running" in r.output


def test_daemon_down_with_autostart_off_is_one_sentence(short_home: Path) -> None:
    out = run(short_home, "--no-autostart", "search", "cifar")
    assert out.returncode == 1
    lines = [x for x in out.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "msqd is not running" in lines[0]
    assert "msq daemon start" in lines[0]


def test_query_too_long_is_a_usage_error_before_any_connection(short_home: Path) -> None:
    # Autostart is on: if the client did not check first it would try to start msqd.
    out = run(short_home, "search", "x" * 2001)
    assert out.returncode == 2
    assert "2001 characters" in out.stderr and "limit is 2000" in out.stderr
    assert not (short_home / "run").exists(), "the client started a daemon for a bad query"


def test_bad_columns_is_a_usage_error(short_home: Path) -> None:
    r = CliRunner().invoke(main, ["--home", str(short_home), "search", "x", "--columns", "rank,zz"])
    assert r.exit_code == 2
    assert "unknown column 'zz'" in r.output


@pytest.fixture
def starting_daemon() -> Iterator[Path]:
    """A real grpc server on a temp socket whose health says NOT_SERVING."""
    import grpc
    from grpc_health.v1 import health, health_pb2, health_pb2_grpc

    home = Path(tempfile.mkdtemp(prefix="msq-", dir="/tmp"))
    (home / "run").mkdir(mode=0o700)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    svc = health.HealthServicer()
    svc.set("msq.v1.ModelSearch", health_pb2.HealthCheckResponse.NOT_SERVING)
    health_pb2_grpc.add_HealthServicer_to_server(svc, server)
    server.add_insecure_port(f"unix://{home / 'run' / 'msqd.sock'}")
    server.start()
    try:
        yield home
    finally:
        server.stop(None).wait()
        import shutil

        shutil.rmtree(home, ignore_errors=True)


def test_daemon_still_starting_is_one_sentence(starting_daemon: Path) -> None:
    out = run(starting_daemon, "--timeout", "1", "status")
    assert out.returncode == 1
    lines = [x for x in out.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, out.stderr
    assert "still starting" in lines[0] and "NOT_SERVING" in lines[0]


def test_config_show_set_and_bad_values(short_home: Path) -> None:
    r = CliRunner()
    out = r.invoke(main, ["--home", str(short_home), "config", "set", "llm.max_tokens", "64"])
    assert out.exit_code == 0, out.output
    assert "llm.max_tokens = 64" in out.output
    assert "max_tokens = 64" in (short_home / "config.toml").read_text()
    shown = r.invoke(main, ["--home", str(short_home), "config", "show"])
    assert "* llm.max_tokens = 64" in shown.output
    bad_key = r.invoke(main, ["--home", str(short_home), "config", "set", "llm.max_token", "64"])
    assert bad_key.exit_code == 2
    assert "unknown setting 'llm.max_token'" in bad_key.output
    assert "did you mean llm.max_tokens" in bad_key.output
    bad_val = r.invoke(main, ["--home", str(short_home), "config", "set", "llm.enabled", "maybe"])
    assert bad_val.exit_code == 2 and "expected true or false" in bad_val.output
    js = r.invoke(main, ["--home", str(short_home), "--json", "config", "show"])
    import json

    assert json.loads(js.output)["values"]["llm.max_tokens"] == 64


def _recording_editor(tmp_path: Path, append: str = "") -> tuple[str, Path]:
    log = tmp_path / "editor-argv.txt"
    script = tmp_path / "fake-editor"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > {log}\n' + (f'printf "{append}" >> "$1"\n' if append else "")
    )
    script.chmod(0o755)
    return str(script), log


def test_config_edit_validates_after_the_editor(short_home: Path, tmp_path: Path) -> None:
    editor, log = _recording_editor(tmp_path, append="[llm]\\nmax_tokens = 32\\n")
    out = run(short_home, "config", "edit", env={"EDITOR": editor, "VISUAL": ""})
    assert out.returncode == 0, out.stderr
    assert log.read_text().strip() == str(short_home / "config.toml")
    assert "is valid" in out.stdout
    editor2, _ = _recording_editor(tmp_path, append="bogus = 1\\n")
    out = run(short_home, "config", "edit", env={"EDITOR": editor2, "VISUAL": ""})
    assert out.returncode == 1 and "unknown setting 'llm.bogus'" in out.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    out = CliRunner().invoke(main, ["completion", shell])
    assert out.exit_code == 0
    assert "_MSQ_COMPLETE" in out.output
    assert f"{shell}_complete" in out.output


def test_output_without_a_terminal_has_no_ansi(short_home: Path) -> None:
    out = run(short_home, "config", "show")
    assert "\x1b[" not in out.stdout + out.stderr
