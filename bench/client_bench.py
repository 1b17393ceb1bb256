"""How fast `msq` starts, against a bare interpreter in the same run.

    python bench/client_bench.py [--runs 15] [--query "diffusion cifar"]

Starts a hash-embedder msqd on a temporary home, indexes the bundled demo corpus, then
times (median of N runs, each a fresh process) `python -c pass`, `msq --help`,
`msq --version` and a `msq search` round trip whose stdout is a pipe. The search's
own server time comes from SearchResponse.server_ms. Target:

    msq search wall time < 2 x (python -c pass) + server_ms

Bytecode is cached in a temporary PYTHONPYCACHEPREFIX (warmed by one untimed run),
as it is for an installed package, even when PYTHONDONTWRITEBYTECODE is set here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _msq_exe() -> list[str]:
    # The same code path as the `msq` console script once it points at msq.cli.main:run.
    return [sys.executable, "-m", "msq.cli.main"]


def _time(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    subprocess.run(cmd, env=env, capture_output=True, check=False)  # warm the caches
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, env=env, capture_output=True, check=False)
        out.append(time.perf_counter() - t0)
        if p.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode()}")
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

    from msq import Client
    from msq.demo import corpus_path

    home = Path(tempfile.mkdtemp(prefix="msqb-", dir="/tmp"))
    pycache = Path(tempfile.mkdtemp(prefix="msqb-pyc-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    denv = {**env, "MSQ_EMBEDDING_MODEL": "hash"}
    log = open(home / "msqd.out", "wb")  # noqa: SIM115 - the daemon's output
    proc = subprocess.Popen(
        [sys.executable, "-m", "msqd", "--home", str(home)], stdout=log, stderr=log, env=denv
    )
    try:
        with Client(home, autostart=False, timeout=60) as c:
            deadline = time.monotonic() + 60
            while c.health() != "SERVING":
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("msqd did not start; see " + str(home / "msqd.out"))
                time.sleep(0.05)
            c.add_root(corpus_path())
            while True:
                st = c.status()
                if st.embedding_ready and not st.progress.active and st.cards_total:
                    break
                time.sleep(0.1)
            print(f"msqd (hash embedder) on {home}: {st.cards_total} cards indexed")
            print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load {os.getloadavg()}")

            msq = [*_msq_exe(), "--home", str(home), "--no-autostart"]
            base = _time([sys.executable, "-c", "pass"], env, args.runs)
            helpt = _time([*msq, "--help"], env, args.runs)
            vers = _time([*msq, "--version"], env, args.runs)
            search = _time([*msq, "search", args.query], env, args.runs)
            server = [c.search(args.query).server_ms / 1000 for _ in range(args.runs)]
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(pycache, ignore_errors=True)

    print()
    _row("python -c pass", base)
    _row("msq --help", helpt)
    _row("msq --version", vers)
    _row(f"msq search {args.query!r} (pipe)", search)
    _row("server_ms (SearchResponse)", server)
    target = 2 * statistics.median(base) + statistics.median(server)
    got = statistics.median(search)
    print()
    print(
        f"target: 2 x {statistics.median(base) * 1000:.1f} + {statistics.median(server) * 1000:.1f}"
        f" = {target * 1000:.1f} ms; msq search {got * 1000:.1f} ms; "
        f"ratio {got / target:.2f} ({'met' if got <= target else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
