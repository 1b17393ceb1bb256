"""The click-free fast path (msq/cli/fast.py) against click itself.

Whatever argv the fast parser accepts, click must parse to the same values; whatever
click refuses, the fast parser must hand to click (return None).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msq.cli import fast
from msq.cli.main import main
from tests.conftest import Daemon, wait_indexed

TOKENS = [
    "search",
    "show",
    "ls",
    "compare",
    "status",
    "cifar",
    "diffusion",
    "vs",
    "mnist",
    "--home",
    "/tmp/h",
    "--timeout",
    "5",
    "0.01",
    "nan",
    "--json",
    "--no-autostart",
    "-f",
    "--filter",
    "lr >= 0.01",
    "-n",
    "--limit",
    "0",
    "7",
    "1001",
    "--all",
    "--explain",
    "--wide",
    "--columns",
    "id,lr",
    "--jsonl",
    "--per-side",
    "21",
    "2",
    "--no-llm",
    "--no-compare",
    "--help",
    "-h",
    "--version",
    "--",
    "--limit=3",
    "--filter=x",
    "--home=/tmp/x",
    "--bogus",
    "-n5",
    "-x",
    "",
]


def click_parse(argv: list[str]) -> dict[str, Any] | None:
    """Global and search options as click reads argv; None when it refuses or it is
    not a search (no command runs: contexts are only made)."""
    try:
        ctx = main.make_context("msq", list(argv), resilient_parsing=False)
        name, cmd, rest = main.resolve_command(ctx, ctx._protected_args + ctx.args)
        if name != "search" or cmd is None:
            return None
        sub = cmd.make_context(name, rest, parent=ctx)
    except (click.exceptions.Exit, click.ClickException):
        return None
    g, s = ctx.params, sub.params
    home = g["home"]
    return {
        "home": home,
        "timeout": g["timeout"],
        "json": g["as_json"],
        "no_autostart": g["no_autostart"],
        "words": list(s["query"]),
        "filter": s["filter_"],
        "limit": s["limit"],
        "per_side": s["per_side"],
        "all": s["show_all"],
        "explain": s["explain"],
        "wide": s["wide"],
        "columns": s["columns"],
        "jsonl": s["jsonl"],
        "no_llm": s["no_llm"],
        "no_compare": s["no_compare"],
    }


def fast_parse(argv: list[str], env: dict[str, str]) -> dict[str, Any] | None:
    got = fast.parse(list(argv), env)
    if got is None:
        return None
    keys = ("json", "no_autostart", "all", "explain", "wide", "jsonl", "no_llm", "no_compare")
    return {
        **{k: bool(got.get(k)) for k in keys},
        **{
            k: got.get(k)
            for k in ("home", "timeout", "words", "filter", "limit", "per_side", "columns")
        },
    }


@pytest.mark.parametrize(
    "argv",
    [
        ["cifar"],
        ["diffusion", "cifar", "vs", "mnist"],
        ["search", "cifar", "--limit", "3"],
        ["--home", "/tmp/h", "--json", "cifar", "-n", "5", "--filter", "lr > 1"],
        ["--wide", "cifar"],
        ["--timeout=2.5", "search", "--per-side=4", "gan", "--all", "--explain"],
        ["search", "search"],
        ["cifar", "show"],
    ],
)
def test_plain_searches_take_the_fast_path_with_clicks_values(argv: list[str]) -> None:
    got = fast_parse(argv, {})
    assert got is not None, argv
    assert got == click_parse(argv)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["search", "--help"],
        ["--version"],
        ["show", "x"],
        ["search"],
        ["search", "cifar", "--json"],  # --json belongs before the command
        ["cifar", "--limit", "0"],
        ["cifar", "--timeout", "1"],
        ["cifar", "-n5"],
        ["--timeout", "0.01", "cifar"],
        ["cifar", "--bogus"],
        ["--", "cifar"],
    ],
)
def test_everything_else_goes_to_click(argv: list[str]) -> None:
    assert fast.parse(argv, {}) is None


def test_completion_and_a_file_as_home_go_to_click(tmp_path: Path) -> None:
    assert fast.parse(["cifar"], {"_MSQ_COMPLETE": "bash_complete"}) is None
    f = tmp_path / "file"
    f.write_text("x")
    assert fast.parse(["--home", str(f), "cifar"], {}) is None
    assert fast.parse(["cifar"], {"MSQ_HOME": str(tmp_path)})["home"] == str(tmp_path)  # type: ignore[index]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=7))
def test_fast_parser_never_disagrees_with_click(argv: list[str]) -> None:
    got = fast_parse(argv, {})
    if got is not None:
        assert got == click_parse(argv), argv


def test_commands_table_is_clicks() -> None:
    assert set(fast.LAZY_COMMANDS) == set(main.list_commands(None))  # type: ignore[arg-type]


@pytest.fixture
def demo_home(hash_daemon: Daemon) -> Path:
    """A hash-embedder daemon with the demo corpus indexed."""
    from msq.demo import corpus_path

    with hash_daemon.client() as c:
        c.add_root(corpus_path())
        wait_indexed(c)
    return hash_daemon.home


CASES = [
    ["diffusion", "cifar"],
    ["search", "vae", "on", "mnist", "-n", "2", "--explain"],
    ["--json", "gan"],
    ["gan", "--jsonl", "--all"],
    ["--wide", "diffusion"],
    ["cifar", "--columns", "model_id,lr,dataset"],
    ["cifar", "--filter", "lr >= 0.001"],
    ["zzqx", "nothing", "here"],
    ["diffusion", "cifar", "vs", "mnist", "--no-compare"],
    ["cifar", "--filter", "lr >> 1"],
    ["cifar", "--columns", "nosuch"],
]


@pytest.mark.parametrize("argv", CASES)
def test_fast_path_prints_what_click_prints(demo_home: Path, argv: list[str]) -> None:
    env = {**os.environ, "COLUMNS": ""}
    base = ["--home", str(demo_home), "--no-autostart"]

    def run(module: str) -> tuple[int, str, str]:
        p = subprocess.run(
            [sys.executable, "-m", module, *base, *argv],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        return p.returncode, p.stdout, p.stderr

    fast_out, click_out = run("msq"), run("msq.cli.main")
    assert fast_out[1] or fast_out[2]
    if argv[0] == "--json":  # the daemon's own time differs between two calls
        docs = [json.loads(out[1]) for out in (fast_out, click_out)]
        assert docs[0].pop("server_ms") > 0 and docs[1].pop("server_ms") > 0
        assert docs[0] == docs[1]
        fast_out, click_out = fast_out[::2], click_out[::2]
    assert fast_out == click_out


# Which CASES the fast path answers itself (the rest are errors: click reports them).
FAST = [True] * 9 + [False, False]


@pytest.mark.parametrize(("argv", "answered"), list(zip(CASES, FAST, strict=True)))
def test_fast_path_answers_without_click_or_protobuf(
    demo_home: Path, argv: list[str], answered: bool
) -> None:
    code = (
        "import json, sys\n"
        "from msq.cli import fast\n"
        "opts = fast.parse(sys.argv[1:], {})\n"
        "code = fast.search(opts)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('click', 'grpc', 'google', 'rich', 'hpack', 'torch', 'numpy', 'msqd'))\n"
        "print(json.dumps([code, bad]), file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, "--home", str(demo_home), "--no-autostart", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": ""},
    )
    got, loaded = json.loads(out.stderr.strip().splitlines()[-1])
    assert (got is not None) == answered, out.stderr
    if answered:
        assert loaded == [], loaded
        assert got == (1 if argv[0] == "zzqx" else 0)
