"""How fast `msq` starts, against a bare interpreter in the same run.

    python bench/client_bench.py [--runs 15] [--query "diffusion cifar"]

Starts a hash-embedder msqd on a temporary home, indexes the bundled demo corpus, then
times (median of N runs, each a fresh process) `python -c pass`, `msq --help`,
`msq --version`, and `msq search` / `msq show` / `msq status` round trips whose stdout
is a pipe (and `msq QUERY` once on a pseudo-terminal, where rich draws the table),
each over both transports: the fast HTTP/2 path (msq.transport._h2 + msq.transport._wire, the
default) and grpc (MSQ_TRANSPORT=grpc). `msq search` goes through the click-free fast
path (msq/cli/fast.py) with either transport; show and status go through click. The fresh-process runs are interleaved, so load changes on
the machine hit both transports alike. In-process call latency (a warm Client) is
reported for both too. The search's own server time comes from SearchResponse.server_ms.
Target:

    msq search wall time < 2 x (python -c pass) + server_ms

Bytecode is cached in a temporary PYTHONPYCACHEPREFIX (warmed by one untimed run),
as it is for an installed package, even when PYTHONDONTWRITEBYTECODE is set here.
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common import start_daemon, wait_idle  # noqa: E402 - after the path set-up
from msq import Client  # noqa: E402


def _msq_exe() -> list[str]:
    # The same code path as the `msq` console script (msq.cli.fast:run).
    return [sys.executable, "-m", "msq"]


def _run(cmd: list[str], env: dict[str, str], tty: bool) -> subprocess.CompletedProcess[bytes]:
    if not tty:
        return subprocess.run(cmd, env=env, capture_output=True, check=False)
    # stdout on a pseudo-terminal, as when a person types the command: rich draws the table.
    leader, follower = pty.openpty()
    try:
        p = subprocess.run(
            cmd, env={**env, "COLUMNS": "120"}, stdout=follower, stderr=subprocess.PIPE, check=False
        )
        while select.select([leader], [], [], 0)[0] and os.read(leader, 65536):
            pass
        return p
    finally:
        os.close(leader)
        os.close(follower)


def _time_all(
    cases: dict[str, tuple[list[str], dict[str, str]]], runs: int
) -> dict[str, list[float]]:
    """Wall time of each case, round-robin (one run of each, N times) after one warm-up.

    A case whose name ends in "(tty)" writes to a pseudo-terminal, the others to a pipe.
    """
    out: dict[str, list[float]] = {name: [] for name in cases}
    for i in range(runs + 1):
        for name, (cmd, env) in cases.items():
            t0 = time.perf_counter()
            p = _run(cmd, env, name.endswith("(tty)"))
            if i:  # run 0 warms the bytecode and page caches
                out[name].append(time.perf_counter() - t0)
            if p.returncode not in (0, 1):
                raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode()}")
    return out


def _in_process(c: Client, query: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        c.search(query)
        out.append(time.perf_counter() - t0)
    return out


def _row(name: str, xs: list[float]) -> None:
    print(
        f"{name:<34} median {statistics.median(xs) * 1000:7.1f} ms   "
        f"min {min(xs) * 1000:7.1f}   max {max(xs) * 1000:7.1f}   (n={len(xs)})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--query", default="diffusion cifar")
    args = ap.parse_args()

    from msq.demo import corpus_path

    home = Path(tempfile.mkdtemp(prefix="msqb-", dir="/tmp"))
    pycache = Path(tempfile.mkdtemp(prefix="msqb-pyc-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    daemon = start_daemon(home, env={"MSQ_EMBEDDING_MODEL": "hash"}, timeout=60)
    try:
        with daemon.client(timeout=60) as c:
            c.add_root(corpus_path())
            wait_idle(c, timeout=120)
            # add_root may return before the scan has queued anything: wait for cards.
            while not (st := c.status()).cards_total:
                time.sleep(0.1)
                wait_idle(c, timeout=120)
            print(f"msqd (hash embedder) on {home}: {st.cards_total} cards indexed")
            print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load {os.getloadavg()}")

            msq = [*_msq_exe(), "--home", str(home), "--no-autostart"]
            shown = c.search(args.query).results[0].card.model_id
            genv = {**env, "MSQ_TRANSPORT": "grpc"}
            cases = {"python -c pass": ([sys.executable, "-c", "pass"], env)}
            # Floors: what `msq QUERY` imports (client, wire codec, plain-table renderer),
            # and what it avoids (click; grpc, protobuf and rich for a search in a pipe).
            floor = "import msq.cli.fast, msq.client, msq.render"
            cases[f"python -c '{floor}'"] = ([sys.executable, "-c", floor], env)
            avoided = "import click, grpc, google.protobuf, rich.table"
            cases[f"python -c '{avoided}'"] = ([sys.executable, "-c", avoided], env)
            cases["msq --help"] = ([*msq, "--help"], env)
            cases["msq --version"] = ([*msq, "--version"], env)
            for label, tenv in (("h2", env), ("grpc", genv)):
                cases[f"msq search [{label}]"] = ([*msq, "search", args.query], tenv)
                cases[f"msq show [{label}]"] = ([*msq, "show", shown], tenv)
                cases[f"msq status [{label}]"] = ([*msq, "status"], tenv)
            cases["msq QUERY [h2]"] = ([*msq, args.query], env)
            cases["msq QUERY [h2] (tty)"] = ([*msq, args.query], env)
            times = _time_all(cases, args.runs)
            server = [c.search(args.query).server_ms / 1000 for _ in range(args.runs)]
            with Client(home, autostart=False, transport="grpc") as g:
                warm = {
                    "Client.search [h2] in-process": _in_process(c, args.query, args.runs * 4),
                    "Client.search [grpc] in-process": _in_process(g, args.query, args.runs * 4),
                }
            assert not c.fallbacks, c.fallbacks
    finally:
        daemon.stop()
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(pycache, ignore_errors=True)

    print(f"query {args.query!r}; show {shown}; stdout is a pipe; runs interleaved")
    print()
    for name, xs in {**times, **warm}.items():
        _row(name, xs)
    _row("server_ms (SearchResponse)", server)
    base = statistics.median(times["python -c pass"])
    target = 2 * base + statistics.median(server)
    print()
    for label in ("h2", "grpc"):
        got = statistics.median(times[f"msq search [{label}]"])
        print(
            f"target: 2 x {base * 1000:.1f} + {statistics.median(server) * 1000:.1f}"
            f" = {target * 1000:.1f} ms; msq search [{label}] {got * 1000:.1f} ms; "
            f"ratio {got / target:.2f} ({'met' if got <= target else 'MISSED'})"
        )


if __name__ == "__main__":
    main()
