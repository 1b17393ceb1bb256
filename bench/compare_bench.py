"""Compare latency: time to the first table event and to the first narrative token.

Starts a real msqd (real embedding model, default SmolLM2 narrative model) on a
throw-away home, indexes the bundled demo corpus, then runs the same comparison
several times over gRPC, measured at the client. The first run includes loading
the LLM (cold); later runs reuse it (warm). A plain Search round trip is measured
in the same run as the baseline.

    .venv/bin/python bench/compare_bench.py [--runs 5] [--query "diffusion cifar vs mnist"]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def start(home: Path) -> subprocess.Popen[bytes]:
    from msq import Client

    proc = subprocess.Popen(
        [sys.executable, "-m", "msqd", "--home", str(home)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    c = Client(home, autostart=False)
    while c.health() != "SERVING":
        if proc.poll() is not None:
            raise SystemExit("msqd died while starting")
        time.sleep(0.05)
    return proc


def one_compare(client: object, query: str, llm: bool = False) -> dict[str, float]:
    from msq.compare_types import DoneEvent, OverviewEvent, TableEvent, TokenEvent

    t0 = time.perf_counter()
    first_line = first_table = overview = first_token = 0.0
    tokens = 0
    done: DoneEvent | None = None
    for ev in client.compare(query, llm=llm):  # type: ignore[attr-defined]
        now = time.perf_counter() - t0
        if not first_line:
            first_line = now  # the sides-as-read event: the answer's first printed line
        if isinstance(ev, OverviewEvent) and not overview:
            overview = now  # side summaries, ranked differences, summary paragraph
        if isinstance(ev, TableEvent) and not first_table:
            first_table = now
        elif isinstance(ev, TokenEvent):
            tokens += 1
            if not first_token:
                first_token = now
        elif isinstance(ev, DoneEvent):
            done = ev
    total = time.perf_counter() - t0
    return {
        "first_line_ms": first_line * 1000,
        "overview_ms": overview * 1000,
        "first_table_ms": first_table * 1000,
        "first_token_ms": first_token * 1000,
        "total_s": total,
        "server_tok_s": done.tokens_per_second if done else 0.0,
        "kept": float(done.kept_sentences if done else 0),
        "dropped": float(done.dropped_sentences if done else 0),
        "emitted_tokens": float(tokens),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--query", default="diffusion cifar vs mnist")
    ap.add_argument("--llm", action="store_true", help="ask for the narrative (off by default)")
    args = ap.parse_args()

    from msq import Client
    from msq.demo import corpus_path

    home = Path(tempfile.mkdtemp(prefix="msq-bench-", dir="/tmp"))
    proc = start(home)
    try:
        with Client(home, autostart=False, timeout=300) as c:
            c.add_root(corpus_path())
            while True:
                st = c.status()
                if st.embedding_ready and not st.progress.active:
                    break
                time.sleep(0.2)
            search_ms = []
            for _ in range(20):
                t0 = time.perf_counter()
                c.search(args.query.split(" vs ")[0])
                search_ms.append((time.perf_counter() - t0) * 1000)
            runs = [one_compare(c, args.query, args.llm) for _ in range(args.runs)]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        shutil.rmtree(home, ignore_errors=True)

    print(f"query: {args.query!r}; {st.cards_total} demo cards; llm {st.llm_model or 'none'}")
    print(f"baseline Search round trip: median {statistics.median(search_ms):.1f} ms (20 runs)")
    print(
        f"{'run':>4} {'first line':>11} {'overview':>9} {'first table':>12} {'first token':>12} "
        f"{'total':>8} {'tok/s':>7} {'kept':>5} {'dropped':>8}"
    )
    for i, r in enumerate(runs, 1):
        label = f"{i}{' (cold)' if i == 1 else ''}"
        print(
            f"{label:>4} {r['first_line_ms']:>9.1f}ms {r['overview_ms']:>7.1f}ms "
            f"{r['first_table_ms']:>10.1f}ms {r['first_token_ms']:>10.0f}ms "
            f"{r['total_s']:>7.1f}s {r['server_tok_s']:>7.1f} {r['kept']:>5.0f} {r['dropped']:>8.0f}"
        )
    warm = runs[1:] or runs
    fl = statistics.median(r["first_line_ms"] for r in warm)
    ov = statistics.median(r["overview_ms"] for r in warm)
    print(f"warm median: first line {fl:.1f} ms (goal < 100 ms), one-screen answer {ov:.1f} ms")
    ft = statistics.median(r["first_table_ms"] for r in warm)
    fk = (
        statistics.median(r["first_token_ms"] for r in warm if r["first_token_ms"])
        if any(r["first_token_ms"] for r in warm)
        else 0.0
    )
    tps = statistics.median(r["server_tok_s"] for r in warm)
    base = statistics.median(search_ms)
    print(
        f"warm median: first table {ft:.1f} ms ({ft / base:.1f}x a Search round trip), "
        f"first token {fk:.0f} ms, {tps:.0f} tokens/s"
    )


if __name__ == "__main__":
    main()
