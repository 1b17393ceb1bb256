"""Freshness: how long from saving a file until Search over gRPC shows the change.

"Shows the change" means a Search for the file's number returns the file with the
sha256 it now has on disk (the edit itself appends a line).

Index of 5,000 generated scripts (fixture and demo scripts with small
deterministic mutations), the REAL embedding model. 50 edits, each appending a
unique marker word to one file, are timed from the write until a Search for
the marker returns that file; meanwhile a burst rewrites 500 other files.
Then the daemon is stopped, 1,000 files change, and the catch-up after
restart is timed. The baseline is the round trip of a Search on the idle
daemon, printed in the same run.

The prepared home (data dir with the 5,000-card index) is cached under
bench/.cache/ so reruns skip the first indexing (a few minutes on 2 cores).

    .venv/bin/python bench/freshness_bench.py [--files 5000] [--edits 50] [--burst 500]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import edit, generate, percentile, start_daemon, wait_idle

CACHE = Path(__file__).resolve().parent / ".cache"


def visible(client, path: Path) -> bool:
    """True when Search finds ``path`` with its current content (sha256 on disk)."""
    want = hashlib.sha256(path.read_bytes()).hexdigest()
    # The file number is a unique token of the card's path (and so of its FTS row).
    res = client.search(path.stem.rsplit("_", 1)[1], limit=10)
    return any(r.card.path == str(path) and r.card.sha256 == want for r in res.results)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--burst", type=int, default=500)
    ap.add_argument("--offline", type=int, default=1000)
    ap.add_argument(
        "--burst-every",
        type=float,
        default=0.0,
        help="repeat the burst every N s (default 0: one burst as the edits start)",
    )
    ap.add_argument("--model", default="", help="embedding model (default: the real one)")
    args = ap.parse_args()
    env = {"MSQ_EMBEDDING_MODEL": args.model} if args.model else {}
    tag = f"fresh-{args.files}-{args.model or 'default'}"
    # A short path: the unix socket lives under the home.
    home = Path("/tmp") / f"msqb-{args.files}"
    cache = CACHE / tag
    tree = cache / "tree"
    if not home.is_symlink():
        cache.mkdir(parents=True, exist_ok=True)
        if home.exists():
            raise SystemExit(f"{home} exists and is not our symlink; remove it")
        home.symlink_to(cache / "home", target_is_directory=True)
    (cache / "home").mkdir(parents=True, exist_ok=True)

    t0 = time.monotonic()
    files = generate(tree, args.files, seed=42)  # deterministic: restores earlier edits
    print(f"corpus: {len(files)} scripts under {tree} ({time.monotonic() - t0:.1f} s)")
    d = start_daemon(home, env=env, timeout=300)
    try:
        with d.client(timeout=60) as c:
            c.add_root(str(tree))
            t0 = time.monotonic()
            wait_idle(c)
            st = c.status()
            print(
                f"index ready: {st.cards_total} cards, model {st.embedding_model}, "
                f"catch-up at start {time.monotonic() - t0:.1f} s"
            )
            assert st.cards_total == args.files, st.cards_total

            # Baseline: the round trip of a search on the idle daemon.
            for _ in range(3):
                c.search("diffusion model on cifar")
            rtts = []
            for _ in range(30):
                s = time.perf_counter()
                c.search("diffusion model on cifar", limit=3)
                rtts.append(time.perf_counter() - s)
            base = percentile(rtts, 0.5)
            print(f"baseline: idle Search round trip p50 {base * 1000:.1f} ms")

            rng = random.Random(7)
            targets = rng.sample(files, args.edits + args.burst)
            edited, burst = targets[: args.edits], targets[args.edits :]
            stop = threading.Event()

            def churn() -> None:
                # The burst: 500 other files rewritten within ~1 s (again every
                # --burst-every s when given).
                n = 0
                while not stop.is_set():
                    for p in burst:
                        edit(p, 900_000 + n)
                        n += 1
                        time.sleep(0.002)
                    if not args.burst_every:
                        return
                    stop.wait(args.burst_every)

            th = threading.Thread(target=churn, daemon=True)
            th.start()
            lat = []
            for i, p in enumerate(edited):
                edit(p, i)
                s = time.perf_counter()
                while not visible(c, p):
                    if time.perf_counter() - s > 60:
                        res = c.search(p.stem.rsplit("_", 1)[1], limit=3)
                        seen = [(r.card.path, r.card.sha256[:8]) for r in res.results]
                        raise SystemExit(f"edit {i} of {p} not visible after 60 s: {seen}")
                    time.sleep(0.02)
                lat.append(time.perf_counter() - s)
                time.sleep(rng.uniform(0.05, 0.3))
            stop.set()
            th.join()
            p50, p95 = percentile(lat, 0.5), percentile(lat, 0.95)
            print(
                f"freshness over {len(lat)} edits, {args.burst}-file burst "
                f"{f'every {args.burst_every:g} s' if args.burst_every else 'once, at the start'}: "
                f"p50 {p50:.3f} s, p95 {p95:.3f} s, max {max(lat):.3f} s "
                f"(target p95 < 1.5 s: {'met' if p95 < 1.5 else 'MISSED'}); "
                f"p50 = {p50 / base:.0f}x the idle Search round trip"
            )
            wait_idle(c)
    finally:
        d.stop(60)

    # Catch-up: 1,000 files change while the daemon is down.
    offline = random.Random(9).sample(files, args.offline)
    salt = f"run{time.time_ns()}"  # new content every run: no embedding cache hits
    for i, p in enumerate(offline):
        edit(p, 500_000 + i, salt)
    t0 = time.monotonic()
    d = start_daemon(home, env=env, timeout=300)
    serving = time.monotonic() - t0
    try:
        with d.client(timeout=60) as c:
            wait_idle(c, tick=0.1)
            caught = time.monotonic() - t0
            assert all(visible(c, p) for p in offline[-20:])
            st = c.status()
            print(
                f"catch-up after {args.offline} offline changes: serving in {serving:.2f} s, "
                f"all indexed in {caught:.1f} s ({args.offline / caught:.0f} files/s, "
                f"{st.embeddings_computed} embeddings computed)"
            )
    finally:
        d.stop(60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
