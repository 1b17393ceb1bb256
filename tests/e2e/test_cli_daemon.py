"""Every msq subcommand against a real msqd (hash embedder) with the demo corpus indexed.

Output is checked through real subprocesses (a pipe, so no terminal) and through click's
CliRunner; --json output is validated against the shipped JSON Schemas.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from msq.cli.main import main
from msq.demo import corpus_path
from tests.conftest import Daemon, start_daemon, wait_indexed, wait_until

MSQ = [sys.executable, "-m", "msq"]
ANSI = re.compile(r"\x1b\[")


@pytest.fixture(scope="module")
def demo() -> Iterator[Daemon]:
    home = Path(tempfile.mkdtemp(prefix="msq-", dir="/tmp"))
    d = start_daemon(home, env={"MSQ_EMBEDDING_MODEL": "hash"})
    try:
        with d.client() as c:
            c.add_root(corpus_path())
            wait_indexed(c)
            assert c.status().cards_total == 18
        yield d
    finally:
        code = d.stop()
        shutil.rmtree(home, ignore_errors=True)
        assert code == 0, d.output()


def msq(
    d: Daemon, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MSQ, "--home", str(d.home), "--no-autostart", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def validate(doc: Any, name: str, pointer: str = "") -> None:
    import jsonschema
    from referencing import Registry, Resource

    from msq import schemas

    all_ = schemas.load_all()
    registry = Registry().with_resources(
        (uri, Resource.from_contents(s)) for uri, s in all_.items()
    )
    schema = schemas.load(name)
    if pointer:
        schema = {"$ref": f"{schema['$id']}#{pointer}"}
    jsonschema.Draft202012Validator(schema, registry=registry).validate(doc)


# ---------------------------------------------------------------- search


def test_search_in_a_pipe_is_plain_and_notes_go_to_stderr(demo: Daemon) -> None:
    out = msq(demo, "search", "diffusion")
    assert out.returncode == 0, out.stderr
    assert not ANSI.search(out.stdout + out.stderr)
    assert not any(ch in out.stdout for ch in "─│┃━")
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["#", "Model", "ID"]
    assert "read as: diffusion" in out.stderr
    assert any("Generative-CIFAR-10-Cat-Dog/ddpm_v10" in x for x in lines)
    # Full values in a pipe: the learning rate as written, the date as a date.
    row = next(x for x in lines if "ddpm_v10" in x)
    assert "2e-4" in row and re.search(r"\d{4}-\d\d-\d\d", row)


def test_search_json_and_jsonl_match_the_schema(demo: Daemon) -> None:
    out = msq(demo, "--json", "search", "cifar")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    validate(doc, "search")
    assert doc["results"] and doc["results"][0]["card"]["fields"]["dataset"]["line"]
    jl = msq(demo, "search", "cifar", "--jsonl")
    rows = [json.loads(x) for x in jl.stdout.splitlines()]
    assert [r["card"]["model_id"] for r in rows] == [r["card"]["model_id"] for r in doc["results"]]
    for r in rows:
        validate(r, "search", "/$defs/result")


def test_schema_validation_can_fail(demo: Daemon) -> None:
    import jsonschema

    doc = json.loads(msq(demo, "--json", "search", "cifar").stdout)
    doc["results"][0]["card"]["fields"]["dataset"]["line"] = "twelve"
    with pytest.raises(jsonschema.ValidationError):
        validate(doc, "search")


def test_nothing_found_exits_1(demo: Daemon) -> None:
    out = msq(demo, "search", "cifar", "--filter", 'dataset = "ImageNet"')
    assert out.returncode == 1
    assert out.stdout == ""
    assert out.stderr.strip()


def test_malformed_filter_points_at_the_bad_token(demo: Daemon) -> None:
    out = msq(demo, "search", "cifar", "--filter", "lr >>= 3")
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert "bad filter" in lines[0]
    assert lines[1] == "lr >>= 3"
    assert lines[2].index("^") == 4  # under the second '>'


def test_compare_json_matches_the_schema(demo: Daemon) -> None:
    out = msq(demo, "--json", "compare", "diffusion cifar vs mnist", "--no-llm")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    validate(doc, "compare")
    assert len(doc["sides"]) == 2 and doc["table"]["columns"]


def test_compare_text_in_a_pipe(demo: Daemon) -> None:
    out = msq(demo, "compare", "diffusion on CIFAR-10", "diffusion on MNIST", "--no-llm")
    assert out.returncode == 0, out.stderr
    assert "side 1:" in out.stdout and "side 2:" in out.stdout
    assert not ANSI.search(out.stdout)


def test_cli_runner_search_and_ls(demo: Daemon) -> None:
    r = CliRunner()
    out = r.invoke(main, ["--home", str(demo.home), "--no-autostart", "mnist"])
    assert out.exit_code == 0, out.output
    assert "vae-mnist/vae" in out.output and not ANSI.search(out.output)
    out = r.invoke(main, ["--home", str(demo.home), "ls", "--columns", "model_id,lr"])
    assert out.exit_code == 0
    assert out.output.splitlines()[0].split() == ["Model", "ID", "LR"]
    assert len(out.output.splitlines()) == 19


# ---------------------------------------------------------------- show, ls, status


def test_show_prints_every_field_with_its_provenance(demo: Daemon) -> None:
    card = json.loads(msq(demo, "--json", "show", "Generative-CIFAR-10-Cat-Dog/ddpm_v10").stdout)
    validate(card, "show")
    out = msq(demo, "show", "Generative-CIFAR-10-Cat-Dog/ddpm_v10")
    assert out.returncode == 0
    for name, f in card["fields"].items():
        line = next((x for x in out.stdout.splitlines() if x.split()[:1] == [name]), None)
        assert line is not None, f"{name} missing from show"
        if f["line"]:
            assert f"line {f['line']}" in line
    lr = next(x for x in out.stdout.splitlines() if x.startswith("learning_rate"))
    assert "2e-4" in lr and card["fields"]["learning_rate"]["how"] in lr
    # The components as a tree from the main model (docs/graphs.md), ASCII in a pipe.
    assert "\nComponents\n  UNet(nn.Module)  ddpm_v10.py:" in out.stdout
    assert "  |-- ResBlock(nn.Module) x 5  ddpm_v10.py:" in out.stdout  # built at 5 places


def test_show_unknown_id_suggests_the_closest(demo: Daemon) -> None:
    out = msq(demo, "show", "Generative-CIFAR")
    assert out.returncode == 1
    assert "did you mean Generative-CIFAR-10-Cat-Dog/ddpm_v10" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_show_open_runs_the_editor_at_the_line(demo: Daemon, tmp_path: Path) -> None:
    log = tmp_path / "argv"
    editor = tmp_path / "ed"
    editor.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {log}\n')
    editor.chmod(0o755)
    card = json.loads(msq(demo, "--json", "show", "vae-mnist/vae").stdout)
    out = msq(
        demo,
        "show",
        "vae-mnist/vae",
        "--open",
        "--field",
        "learning_rate",
        env={"EDITOR": str(editor), "VISUAL": ""},
    )
    assert out.returncode == 0, out.stderr
    line = card["fields"]["learning_rate"]["line"]
    assert log.read_text().splitlines() == [f"+{line}", card["path"]]


def test_ls_json_sort_and_errors(demo: Daemon) -> None:
    doc = json.loads(msq(demo, "--json", "ls", "--sort", "-size").stdout)
    validate(doc, "ls")
    sizes = [c["size"] for c in doc]
    assert len(doc) == 18 and sizes == sorted(sizes, reverse=True)
    errs = msq(demo, "ls", "--errors")
    assert errs.returncode == 0 and "no errors" in errs.stderr
    filtered = msq(demo, "ls", "--filter", 'optimizer = "SGD"')
    assert filtered.returncode == 0
    assert len(filtered.stdout.splitlines()) == 4  # header + 3 SGD scripts (README)


def test_ls_by_role(demo: Daemon) -> None:
    # Every demo script is a training entry point (daemon/msqd/demo_corpus/README.md).
    doc = json.loads(msq(demo, "--json", "ls", "--role", "train").stdout)
    validate(doc, "ls")
    assert len(doc) == 18 and {c["role"] for c in doc} == {"train"}
    none = msq(demo, "ls", "--role", "model", "--role", "util")
    assert none.returncode == 1 and "nothing indexed matches" in none.stderr
    both = msq(demo, "--json", "ls", "--role", "train", "--filter", 'optimizer = "SGD"')
    assert len(json.loads(both.stdout)) == 3
    same = msq(demo, "--json", "ls", "--filter", 'role = "train" and optimizer = "SGD"')
    assert json.loads(same.stdout) == json.loads(both.stdout)
    wide = msq(demo, "ls", "--columns", "model_id,role")
    assert wide.stdout.splitlines()[1].split()[-1] == "train"
    bad = msq(demo, "ls", "--role", "nonsense")
    assert bad.returncode == 2


def test_status_json_text_and_wait(demo: Daemon) -> None:
    doc = json.loads(msq(demo, "--json", "status").stdout)
    validate(doc, "status")
    assert doc["cards_total"] == 18 and doc["socket_path"].endswith("msqd.sock")
    out = msq(demo, "status", "--wait")
    assert out.returncode == 0
    for word in ("msqd 0.1.0", "socket", "embedding  hash", "llm", "models     18", "root"):
        assert word in out.stdout
    assert not ANSI.search(out.stdout)


# ---------------------------------------------------------------- roots


def test_add_reindex_rm(demo: Daemon, tmp_path: Path) -> None:
    proj = tmp_path / "extra-proj"
    proj.mkdir()
    shutil.copy(corpus_path() / "vae-mnist" / "vae.py", proj / "vae_copy.py")
    assert msq(demo, "add", str(proj)).returncode == 0
    with demo.client() as c:
        assert wait_until(lambda: any(x.model_id == "extra-proj/vae_copy" for x in c.list()), 30)
    re_ = msq(demo, "reindex", str(proj))
    assert re_.returncode == 0 and "reindexed:" in re_.stdout
    rm = msq(demo, "rm", str(proj))
    assert rm.returncode == 0 and "no longer watching" in rm.stdout
    ids = [c["model_id"] for c in json.loads(msq(demo, "--json", "ls").stdout)]
    assert "extra-proj/vae_copy" not in ids and len(ids) == 18


# ---------------------------------------------------------------- completion, imports


def test_completion_offers_model_ids_from_the_daemon(demo: Daemon) -> None:
    env = {
        **os.environ,
        "_MSQ_COMPLETE": "bash_complete",
        "COMP_WORDS": "msq show Gen",
        "COMP_CWORD": "2",
        "MSQ_HOME": str(demo.home),
    }
    out = subprocess.run(MSQ, capture_output=True, text=True, env=env, timeout=30)
    ids = [x.split(",", 1)[1] for x in out.stdout.splitlines()]
    assert "Generative-CIFAR-10-Cat-Dog/ddpm_v10" in ids
    assert all(i.startswith("Gen") for i in ids) and len(ids) == 3


def test_no_subcommand_imports_heavy_modules(demo: Daemon) -> None:
    h = str(demo.home)
    runs = [
        ["search", "cifar"],
        ["compare", "diffusion cifar vs mnist", "--no-llm"],
        ["show", "vae-mnist/vae"],
        ["ls"],
        ["status"],
        ["daemon", "status"],
        ["config", "show"],
        ["completion", "bash"],
        ["reindex"],
        ["--help"],
    ]
    code = (
        "import sys\nfrom msq.cli.main import main\n"
        f"for args in {runs!r}:\n"
        f"    try:\n        main(['--home', {h!r}, '--no-autostart', *args])\n"
        "    except SystemExit as e:\n        assert e.code in (0, None), (args, e.code)\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'hnswlib', 'llama_cpp', 'numpy')"
        " if m in sys.modules]\nprint('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in out.stdout, out.stdout[-2000:] + out.stderr[-2000:]


# ---------------------------------------------------------------- the table at 100 columns


@pytest.mark.parametrize("query", ["diffusion", "cifar", "mnist", "vae on mnist", "sgd"])
def test_default_table_fits_100_columns_one_line_per_row(demo: Daemon, query: str) -> None:
    from rich.console import Console

    from msq.render import DEFAULT_COLUMNS, results_table

    with demo.client() as c:
        res = c.search(query, all=True, limit=20)
    assert res.results
    console = Console(width=100, force_terminal=True, record=True, color_system="truecolor")
    console.print(results_table(res.results, DEFAULT_COLUMNS, tty=True, width=100))
    text = console.export_text()
    lines = text.rstrip("\n").split("\n")
    assert all(len(x) <= 100 for x in lines), max(lines, key=len)
    assert len(lines) == len(res.results) + 2  # header, rule, one line per row
    header = lines[0].split()
    assert header[:3] == ["#", "Model", "ID"] and header[-1] == "Modified"
    for r, line in zip(res.results, lines[2:], strict=True):
        assert line.split()[0] == str(r.rank)
        assert re.search(r"\d{4}-\d\d-\d\d$", line.rstrip())  # the date is whole
        mid = r.card.model_id
        shown = line.split()[1]
        assert shown == mid or "…" in shown  # cut only with a marker


def test_ls_table_fits_narrow_terminals_by_dropping_columns(demo: Daemon) -> None:
    from rich.console import Console

    from msq.render import DEFAULT_COLUMNS, card_row, results_table

    with demo.client() as c:
        rows = [card_row(x, i + 1) for i, x in enumerate(c.list())]
    for width in (60, 80, 100, 120):
        console = Console(width=width, force_terminal=True, record=True)
        console.print(results_table(rows, DEFAULT_COLUMNS, tty=True, width=width))
        lines = console.export_text().rstrip("\n").split("\n")
        assert all(len(x) <= width for x in lines)
        assert len(lines) == len(rows) + 2, width


# ---------------------------------------------------------------- permission denied


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv"
)
def test_socket_permission_denied_is_one_sentence(demo: Daemon) -> None:
    # Root bypasses file modes; drop CAP_DAC_OVERRIDE so the kernel checks them for real
    # against a socket owned by another user.
    sock = demo.home / "run" / "msqd.sock"
    os.chown(sock, 65534, 65534)
    try:
        out = subprocess.run(
            [
                "setpriv",
                "--bounding-set=-dac_override,-dac_read_search",
                *MSQ,
                "--home",
                str(demo.home),
                "status",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.chown(sock, 0, 0)
    assert out.returncode == 1
    lines = [x for x in out.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "permission denied on the socket" in lines[0], out.stderr
    assert not (demo.home / "logs" / "msqd.out").exists(), "it tried to start a second daemon"


# ---------------------------------------------------------------- daemon start|stop|status


def test_daemon_start_status_stop(short_home: Path) -> None:
    env = {"MSQ_EMBEDDING_MODEL": "hash"}

    def run(*a: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*MSQ, "--home", str(short_home), *a],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **env},
        )

    down = run("daemon", "status")
    assert down.returncode == 1 and "not running" in down.stdout
    up = run("daemon", "start")
    assert up.returncode == 0 and "started" in up.stdout, up.stderr
    st = run("--json", "daemon", "status")
    assert st.returncode == 0 and json.loads(st.stdout)["state"] == "SERVING"
    again = run("daemon", "start")
    assert "already running" in again.stdout
    stop = run("daemon", "stop")
    assert stop.returncode == 0 and "stopped" in stop.stdout
    assert run("daemon", "stop").stdout.strip() == "msqd is not running"
