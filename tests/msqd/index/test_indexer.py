"""Indexer with real parts (store, hash embedder, hnswlib, extractor), and the LLM job."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from msq.paths import paths_for
from msqd.extract import extract_file
from msqd.index.embed import HashEmbedder
from msqd.index.indexer import Indexer
from msqd.store.db import Store
from msqd.store.vindex import VectorIndex
from tests.conftest import start_daemon, wait_indexed, wait_until


def write_scripts(root: Path, n: int, tag: str = "") -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        p = root / f"m{i}.py"
        p.write_text(f"import torch\nLR = {i + 1}e-3\n# {tag}\n")
        out.append(p)
    return out


@pytest.fixture
def indexer(tmp_path: Path):
    store = Store(tmp_path / "db.sqlite3")
    store.open()
    ix = Indexer(store, extract_file, batch_size=4)
    ix.start()
    yield ix, store
    ix.stop()
    store.close()


def test_completeness_counts_new_and_stale(indexer, tmp_path: Path) -> None:
    ix, store = indexer
    files = write_scripts(tmp_path / "r", 10)
    ix.enqueue_many([(str(p), str(tmp_path / "r")) for p in files])
    # Nothing indexed yet (no embedder attached): nothing of the tree is searchable.
    assert ix.completeness(store.total()) == 0.0
    emb = HashEmbedder()
    vi = VectorIndex(emb.dim)
    ix.attach(emb, vi)
    assert ix.wait_idle(20)
    assert store.total() == 10 and len(vi) == 10
    assert ix.completeness(store.total()) == 1.0
    assert ix.embeddings_computed == 10
    # Two edited files queued behind a held worker: 8 of 10 cards are current.
    with ix._cond:  # hold the worker so the queue is observed before it drains
        for p in files[:2]:
            p.write_text(p.read_text() + "# edited\n")
        ix._queue.update({str(p): str(tmp_path / "r") for p in files[:2]})
        assert ix.completeness(store.total()) == pytest.approx(0.8)
        ix._cond.notify_all()
    assert ix.wait_idle(20)
    assert ix.embeddings_computed == 12 and ix.embeddings_reused == 0


def test_unchanged_content_is_not_re_embedded(indexer, tmp_path: Path) -> None:
    ix, _store = indexer
    emb = HashEmbedder()
    ix.attach(emb, VectorIndex(emb.dim))
    files = write_scripts(tmp_path / "r", 3)
    ix.enqueue_many([(str(p), "") for p in files])
    assert ix.wait_idle(20)
    ix.enqueue_many([(str(p), "") for p in files], hot=True)
    assert ix.wait_idle(20)
    assert ix.embeddings_computed == 3 and ix.embeddings_reused == 3


def test_a_new_description_of_unchanged_content_is_re_embedded(tmp_path: Path) -> None:
    """An upgraded extractor describes the same files anew (a DDPM script once read as a
    CNN classifier): their vectors must embed the new text, not the cached old one."""
    store = Store(tmp_path / "db.sqlite3")
    store.open()
    files = write_scripts(tmp_path / "r", 2)
    emb = HashEmbedder()
    vi = VectorIndex(emb.dim)

    def reading(text: str):
        def extract(path: str, root: str | None = None, max_bytes: int | None = None):
            card = extract_file(path, root, max_bytes=max_bytes)
            card.description = f"{text} {Path(path).stem}"
            return card

        return extract

    try:
        for text in ("CNN classifier", "Diffusion model"):
            ix = Indexer(store, reading(text), batch_size=4)
            ix.start()
            ix.attach(emb, vi)
            ix.enqueue_many([(str(p), str(tmp_path / "r")) for p in files], hot=True)
            assert ix.wait_idle(20)
            ix.stop()
        assert ix.embeddings_computed == 2 and ix.embeddings_reused == 0
        assert len(vi) == 2 and vi.labels() == store.vector_labels()
        # The index serves the new text's vector under each card's current label.
        db = sqlite3.connect(tmp_path / "db.sqlite3")
        rows = db.execute("SELECT path, embed_text, vec_label FROM cards").fetchall()
        db.close()
        for path, text, label in rows:
            assert text.startswith("Diffusion model")
            got, dist = vi.search(emb.embed([text])[0], 1)[0]
            assert got == label and dist < 1e-4, path
    finally:
        store.close()


def _llm_path() -> str | None:
    from msqd.compare import resolve_model_path
    from msqd.compare.llm import llama_available

    return resolve_model_path(None) if llama_available() else None


@pytest.mark.llm
@pytest.mark.skipif(_llm_path() is None, reason="no local GGUF model / llama-cpp-python")
def test_llm_descriptions_written_in_background(short_home: Path, tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root).mkdir()
    (root / "cnn.py").write_text(
        '"""Train a small CNN classifier on MNIST."""\nimport torch\nimport torch.nn as nn\n'
        "LR = 0.01\nEPOCHS = 5\n\nclass Net(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.conv = nn.Conv2d(1, 8, 3)\n"
        "opt = torch.optim.SGD(Net().parameters(), lr=LR)\n"
    )
    env = {"MSQ_EMBEDDING_MODEL": "hash", "MSQ_LLM_DESCRIBE_CARDS": "true"}
    d = start_daemon(short_home, env=env)
    try:
        with d.client() as c:
            c.add_root(str(root))
            wait_indexed(c, 30)
            model_id = next(iter(c.list())).model_id
            assert wait_until(lambda: c.get(model_id).llm_description, 90), d.output()[-2000:]
            text = c.get(model_id).llm_description
    finally:
        assert d.stop() == 0
    # Searchable: the description went into the card's full-text row.
    db = sqlite3.connect(f"file:{paths_for(short_home).db_file}?mode=ro", uri=True)
    try:
        bodies = [r[0] for r in db.execute("SELECT body FROM cards_fts")]
    finally:
        db.close()
    assert any(text in b for b in bodies)
    # Cached by content: a restart does not ask the LLM again, and the card keeps it.
    d = start_daemon(short_home, env=env)
    try:
        with d.client() as c:
            assert c.get(model_id).llm_description == text
    finally:
        assert d.stop() == 0
