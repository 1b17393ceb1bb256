"""Search benchmark: latency, HNSW recall and memory at 10,000 and 100,000 cards.

    .venv/bin/python bench/search_bench.py --sizes 10000 100000
    .venv/bin/python bench/search_bench.py --embed-only --sizes 100000   # fill the cache

Cards come from bench/gen_cards.py; their vectors are REAL all-MiniLM-L6-v2
embeddings of ``cardtext.embedding_text`` (uniform random vectors are the worst
case for HNSW and say nothing about real recall). Embedding 100k texts takes
~10-30 minutes on two cores, so vectors are cached in bench/.cache/ in chunks
named by a hash of their texts: reruns are repeatable and fast.

Measured, in this process, on a real Store (temporary SQLite file):
- index build time (hnswlib with VectorIndex's defaults, all cores);
- recall@10 of hnswlib against exact numpy search on the same vectors, for the 30
  bench questions and for 500 held-out cards separately (questions are far from
  the cards' vectors and much harder), and the bare knn latency, for ef in
  {64, 128, 256, 512, 1024};
- the full ``SearchEngine.search`` path (query reading, query embedding with the
  query cache cleared before every call, hnswlib, FTS5, card fetch, rerank):
  p50/p99 with the HNSW index and with an exact brute-force index (same engine);
- RSS of this process after loading store + index + model;
- precision@10 of the bench questions whose right answers the cards' attributes
  define (ATTRIBUTE_QUERIES): ranking quality at this scale.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_cards import generate, texts

CACHE = Path(__file__).resolve().parent / ".cache"
CHUNK = 5000
MODEL = "all-MiniLM-L6-v2"


def cached_vectors(emb_texts: list[str], embedder: object | None = None) -> np.ndarray:
    """Vectors of ``emb_texts``, computed in chunks of 5,000 and cached by content."""
    CACHE.mkdir(parents=True, exist_ok=True)
    out: list[np.ndarray] = []
    for start in range(0, len(emb_texts), CHUNK):
        chunk = emb_texts[start : start + CHUNK]
        digest = hashlib.sha256("\n".join(chunk).encode()).hexdigest()[:16]
        f = CACHE / f"{MODEL}-{start // CHUNK:03d}-{digest}.npy"
        if f.exists():
            out.append(np.load(f))
            continue
        if embedder is None:
            from msqd.index.embed import create

            embedder = create(MODEL)
        t0 = time.perf_counter()
        vecs = embedder.embed(chunk)  # type: ignore[attr-defined]
        np.save(f, vecs)
        print(
            f"  embedded {start + len(chunk)}/{len(emb_texts)} "
            f"({len(chunk) / (time.perf_counter() - t0):.0f} texts/s)",
            flush=True,
        )
        out.append(vecs)
    return np.vstack(out).astype(np.float32)


QUERIES = [
    "diffusion cifar vs mnist",
    "which of my models used SGD with lr above 0.01?",
    "Can you please compare differences in architecture between my diffusion models on "
    "CIFAR-10 and MNIST?",
    "difusion cifr",
    "diffusion on ImageNet with TPUs",
    "gan on celeba",
    "variational autoencoder on mnist with more than 50 epochs",
    "class-conditional diffusion with attention",
    "resnet fine-tuning on oxford pets",
    "character level lstm on shakespeare",
    "lightning models on multiple gpus",
    "keras cnn fashion mnist",
    "transformer sentiment classifier on imdb",
    "dqn agent for cartpole",
    "models with batch size 256 and adamw",
    "more than 100 epochs",
    "latent diffusion celeba",
    "super resolution on div2k",
    "siamese network triplet loss",
    "ViT trained with lr below 1e-4",
    "mnist family",
    "gan vs vae on mnist",
    "cosine beta schedule 1000 timesteps",
    "jax flax mlp",
    "sgd momentum cifar-100",
    "gpt language model wikitext",
    "autoencoder mnist",
    "pytorch models running on apple silicon",
    "seq2seq with gru",
    "wasserstein gan with gradient penalty",
]
EFS = (64, 128, 256, 512, 1024)
# Bench questions whose right answers the generated cards' attributes define: a
# result is right when it passes the filter. Ranking quality at scale, which the
# labelled fixture set (46 files) cannot show.
ATTRIBUTE_QUERIES = {
    "gan on celeba": 'arch = gan and dataset = "CelebA"',
    "variational autoencoder on mnist with more than 50 epochs": (
        'arch = vae and dataset = "MNIST" and epochs > 50'
    ),
    "resnet fine-tuning on oxford pets": 'arch = resnet and dataset = "Oxford-IIIT Pets"',
    "character level lstm on shakespeare": 'arch = rnn-lstm and dataset = "Shakespeare"',
    "keras cnn fashion mnist": 'fw = keras and arch = cnn-classifier and dataset = "Fashion-MNIST"',
    "transformer sentiment classifier on imdb": 'arch = transformer and dataset = "IMDB"',
    "dqn agent for cartpole": 'arch = reinforcement-learning and dataset = "CartPole"',
    "models with batch size 256 and adamw": "batch = 256 and optimizer = AdamW",
    "latent diffusion celeba": 'arch = latent-diffusion and dataset = "CelebA"',
    "sgd momentum cifar-100": 'optimizer = SGD and dataset = "CIFAR-100"',
    "autoencoder mnist": 'arch = autoencoder and dataset = "MNIST"',
    "gpt language model wikitext": 'dataset = "WikiText-2"',
    "super resolution on div2k": 'dataset = "DIV2K"',
    "lightning models on multiple gpus": "fw = lightning and device = multi-gpu",
}


class ExactIndex:
    """Brute-force cosine search with VectorIndex's search API (the baseline)."""

    def __init__(self, labels: np.ndarray, vectors: np.ndarray) -> None:
        self.labels = labels
        self.vectors = vectors
        self.pos = {int(x): i for i, x in enumerate(labels)}

    def search(self, vector, k, ef=None, allowed=None):
        d = 1.0 - self.vectors @ vector
        if allowed is not None:
            d = np.where(np.isin(self.labels, allowed), d, np.inf)
        k = min(k, int(np.isfinite(d).sum()))
        top = np.argpartition(d, k - 1)[:k] if k else np.zeros(0, dtype=int)
        top = top[np.argsort(d[top])]
        return [(int(self.labels[i]), float(d[i])) for i in top]

    def distances(self, vector, labels):
        idx = [self.pos[x] for x in labels if x in self.pos]
        d = 1.0 - self.vectors[idx] @ vector
        return {int(self.labels[i]): float(x) for i, x in zip(idx, d, strict=True)}


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def pct(xs: list[float], p: float) -> float:
    return float(np.percentile(np.array(xs), p))


def fill_store(path: Path, cards: list, vecs: np.ndarray, model: str) -> tuple[object, float]:
    """A real Store on ``path`` holding the cards (Store.upsert, one transaction each)."""
    from msqd.index.cardtext import embedding_text, lexical_text
    from msqd.store.db import Store

    store = Store(path)
    store.open()
    # Loading speed only: the bench does not need durability against power loss.
    store.db.execute("PRAGMA synchronous=OFF")
    t0 = time.perf_counter()
    for card, vec in zip(cards, vecs, strict=True):
        store.upsert(
            card,
            root="/bench",
            mtime=card.modified,
            embed_text=embedding_text(card),
            lexical_text=lexical_text(card),
            vector=vec,
            model=model,
        )
    return store, time.perf_counter() - t0


def latency(engine: object, rounds: int = 3) -> list[float]:
    """Wall-clock ms of engine.search for every query, query-embedding cache cleared."""
    out = []
    for _ in range(rounds):
        for q in QUERIES:
            engine._qcache.clear()  # type: ignore[attr-defined]
            t0 = time.perf_counter()
            engine.search(q, limit=10)  # type: ignore[attr-defined]
            out.append((time.perf_counter() - t0) * 1000)
    return out


def attribute_precision(engine: object) -> tuple[float, list[str]]:
    """Mean share of right rows in the top 10 of ATTRIBUTE_QUERIES, and the misses."""
    from msqd.search.filterlang import parse_filter
    from msqd.search.values import card_getter

    shares, misses = [], []
    for q, f in ATTRIBUTE_QUERIES.items():
        expr = parse_filter(f)
        t = engine.table  # type: ignore[attr-defined]
        exist = int((t.mask(expr) & t.alive).sum())
        if exist == 0:
            continue
        hits = engine.search(q, limit=10).hits  # type: ignore[attr-defined]
        right = sum(expr.matches(card_getter(h.card)) for h in hits)
        shares.append(right / min(10, exist))
        if right < min(10, exist):
            misses.append(f"{q!r}: {right}/{min(10, exist)} ({exist} cards match)")
    return float(np.mean(shares)), misses


def run_size(n: int, cards: list, vecs: np.ndarray, embedder: object, tmp: Path) -> None:
    from msqd.search.rank import SearchEngine
    from msqd.store.vindex import VectorIndex

    print(f"\n## {n:,} cards")
    base_rss = rss_mb()
    store, load_s = fill_store(tmp / f"bench-{n}.sqlite3", cards[:n], vecs[:n], MODEL)
    labels, mat = store.vectors(MODEL)  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    vi = VectorIndex(mat.shape[1])
    vi.build(labels, mat)
    build_s = time.perf_counter() - t0
    engine = SearchEngine(store, lambda: vi, lambda: embedder)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    engine.table.refresh()
    table_s = time.perf_counter() - t0
    rss = rss_mb()
    print(
        f"store load {load_s:.1f} s (Store.upsert x {n}); index build {build_s:.2f} s; "
        f"field table first load {table_s:.2f} s; RSS {rss:.0f} MB "
        f"(+{rss - base_rss:.0f} MB for store + field table + index)"
    )
    # HNSW recall@10 against exact search, for the questions (what users send: far
    # from the cards' vectors, the hard case) and for held-out card vectors.
    qsets = {"questions": embedder.embed(QUERIES), "cards": vecs[len(vecs) - 500 :]}  # type: ignore[attr-defined]
    truth = {
        name: [set(labels[row].tolist()) for row in np.argsort(1.0 - qv @ mat.T, axis=1)[:, :10]]
        for name, qv in qsets.items()
    }
    print(
        f"HNSW M={vi.m}, ef_construction={vi.ef_construction}\n"
        "| ef | recall@10 questions | recall@10 held-out cards | knn p50 ms | knn p99 ms |\n"
        "|---|---|---|---|---|"
    )
    for ef in EFS:
        times, recall = [], {}
        for name, qv in qsets.items():
            hits = 0
            for q, want in zip(qv, truth[name], strict=True):
                t0 = time.perf_counter()
                got = vi.search(q, 10, ef=ef)
                times.append((time.perf_counter() - t0) * 1000)
                hits += len(want & {label for label, _ in got})
            recall[name] = hits / (10 * len(qv))
        print(
            f"| {ef} | {recall['questions']:.3f} | {recall['cards']:.3f} | "
            f"{pct(times, 50):.3f} | {pct(times, 99):.3f} |"
        )
    lat = latency(engine)
    ex_engine = SearchEngine(store, lambda: ExactIndex(labels, mat), lambda: embedder)  # type: ignore[arg-type]
    ex_engine.table.refresh()
    ex = latency(ex_engine)
    cached = []
    for q in QUERIES:
        engine.search(q)
        t0 = time.perf_counter()
        engine.search(q)
        cached.append((time.perf_counter() - t0) * 1000)
    print(
        f"SearchEngine.search, HNSW (ef={vi.ef}): p50 {pct(lat, 50):.1f} ms, p99 {pct(lat, 99):.1f} ms"
    )
    print(
        f"SearchEngine.search, exact numpy:      p50 {pct(ex, 50):.1f} ms, p99 {pct(ex, 99):.1f} ms"
    )
    print(
        f"SearchEngine.search, HNSW, query vector cached: p50 {pct(cached, 50):.1f} ms, "
        f"p99 {pct(cached, 99):.1f} ms"
    )
    share, misses = attribute_precision(engine)
    print(
        f"precision@10 of {len(ATTRIBUTE_QUERIES)} questions with attribute-defined answers: "
        f"{share:.3f}" + "".join(f"\n  miss {m}" for m in misses)
    )
    store.close()  # type: ignore[attr-defined]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    ap.add_argument("--embed-only", action="store_true")
    args = ap.parse_args()
    largest = max(args.sizes)
    cards = generate(largest + 500)
    emb, _ = texts(cards)
    from msqd.index.embed import create

    embedder = create(MODEL)
    vecs = cached_vectors(emb, embedder)
    if args.embed_only:
        return
    print(f"cpus {os.cpu_count()}, model {MODEL}, queries {len(QUERIES)}")
    with tempfile.TemporaryDirectory(prefix="msq-bench-") as tmp:
        for n in args.sizes:
            # The last 500 generated cards are held out as recall queries.
            held = np.vstack([vecs[:n], vecs[largest : largest + 500]])
            run_size(n, cards[:n] + cards[largest:], held, embedder, Path(tmp))


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
