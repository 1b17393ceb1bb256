"""Load: 20 concurrent clients x 200 searches over the unix socket while 2,000 files index."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bench.common import generate, percentile
from tests.conftest import start_daemon, wait_indexed

CLIENTS = 20
SEARCHES = 200
FILES = 2000
QUERIES = [
    "diffusion cifar",
    "gan on mnist with adam",
    "lr above 0.01",
    "transformer text classification",
    "vae celeba",
    "resnet finetune on gpu",
    "lstm char model",
    "more than 50 epochs",
]


@pytest.mark.slow
def test_concurrent_searches_while_indexing(short_home: Path, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    generate(root, FILES, seed=7)
    d = start_daemon(short_home, env={"MSQ_EMBEDDING_MODEL": "hash"})
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    active_during: list[bool] = []

    def worker(n: int) -> None:
        mine: list[float] = []
        try:
            with d.client() as c:
                for i in range(SEARCHES):
                    t0 = time.perf_counter()
                    res = c.search(QUERIES[(n + i) % len(QUERIES)], limit=10)
                    mine.append(time.perf_counter() - t0)
                    if i % 50 == 0:
                        active_during.append(res.progress.active)
        except BaseException as e:  # collected and asserted below
            with lock:
                errors.append(e)
        with lock:
            latencies.extend(mine)

    try:
        with d.client() as c:
            c.add_root(str(root))
        t0 = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(180)
        wall = time.perf_counter() - t0
        with d.client() as c:
            wait_indexed(c, 120)
            st = c.status()
    finally:
        assert d.stop() == 0, d.output()[-3000:]
    assert not errors, errors[:3]
    assert len(latencies) == CLIENTS * SEARCHES
    assert st.cards_total == FILES
    assert any(active_during), "searches never overlapped indexing"
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    print(
        f"\nload: {CLIENTS} clients x {SEARCHES} searches during indexing of {FILES} files: "
        f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms, "
        f"{len(latencies) / wall:.0f} searches/s over {wall:.1f} s"
    )
    assert p99 < 5.0
