"""Store on a real SQLite file: moves keep first-seen, readers never wait, LLM cache."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from msqd.card import ModelCard
from msqd.errors import StorageError
from msqd.store.db import Store, text_hash


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "msq.sqlite3")
    s.open()
    yield s
    s.close()


def put(store: Store, path: str, sha: str, vec: bool = True, text: str = "t", fill: float = 1.0):
    card = ModelCard(model_id=Path(path).stem, path=path, sha256=sha, created_source="first-seen")
    return store.upsert(
        card,
        root="/r",
        mtime=1.0,
        embed_text=text,
        lexical_text="body",
        vector=np.full(4, fill, dtype=np.float32) if vec else None,
        model="m",
    )


def test_move_keeps_first_seen_and_embedding(store: Store) -> None:
    put(store, "/r/a.py", "s1")
    first = store.card("a").created
    time.sleep(0.01)
    store.delete_paths(["/r/a.py"])
    put(store, "/r/b.py", "s1")
    assert store.card("b").created == first
    # New content at a new path is new.
    put(store, "/r/c.py", "s2")
    assert store.card("c").created > first
    assert store.embedding("s1", "m", text_hash("t")) is not None


def test_a_new_text_for_the_same_content_is_not_served_the_old_vector(store: Store) -> None:
    """A newer extractor describes an unchanged file anew: the vector cached for the old
    description must not be reused, and the index label must change with the vector."""
    a = put(store, "/r/a.py", "s1", text="CNN classifier in PyTorch")
    assert store.embedding("s1", "m", text_hash("Diffusion model in PyTorch")) is None
    b = put(store, "/r/a.py", "s1", text="Diffusion model in PyTorch", fill=2.0)
    assert b.vec_label != a.vec_label and b.old_label == a.vec_label
    got = store.embedding("s1", "m", text_hash("Diffusion model in PyTorch"))
    assert got is not None and float(got[0]) == 2.0
    assert store.embedding("s1", "m", text_hash("CNN classifier in PyTorch")) is None
    # Unchanged text keeps its label.
    c = put(store, "/r/a.py", "s1", text="Diffusion model in PyTorch", fill=2.0)
    assert c.vec_label == b.vec_label and c.old_label is None


def test_labels_and_generation(store: Store) -> None:
    g0 = store.generation
    a = put(store, "/r/a.py", "s1")
    same = put(store, "/r/a.py", "s1")
    assert same.vec_label == a.vec_label and same.old_label is None
    changed = put(store, "/r/a.py", "s2")
    assert changed.vec_label != a.vec_label and changed.old_label == a.vec_label
    assert store.vector_labels() == {changed.vec_label}
    assert store.generation == g0 + 3
    assert store.has_path("/r/a.py") and not store.has_path("/r/x.py")
    assert store.paths_with_sha("s2") == ["/r/a.py"]


def test_reads_do_not_wait_for_a_locked_writer(store: Store, tmp_path: Path) -> None:
    put(store, "/r/a.py", "s1")
    other = sqlite3.connect(tmp_path / "msq.sqlite3")
    other.execute("BEGIN EXCLUSIVE")
    try:
        result: list[BaseException] = []

        def write() -> None:
            try:
                put(store, "/r/b.py", "s2")
            except StorageError as e:
                result.append(e)

        t = threading.Thread(target=write)
        t.start()
        t0 = time.monotonic()
        assert store.total() == 1  # a read while the writer waits on the lock
        assert store.fts("body", 5)
        assert time.monotonic() - t0 < 0.5
        t.join(5)
        assert result and "locked" in str(result[0])
    finally:
        other.rollback()
        other.close()
    put(store, "/r/b.py", "s2")
    assert store.total() == 2


def test_llm_description_cache(store: Store) -> None:
    put(store, "/r/a.py", "s1")
    got = store.card_lacking_llm_description("llm")
    assert got is not None and got[0] == "/r/a.py"
    assert store.set_llm_description("/r/a.py", "s1", "llm", "A tiny CNN.", "tiny cnn body")
    assert store.card("a").llm_description == "A tiny CNN."
    assert store.llm_description("s1") == "A tiny CNN."
    assert store.card_lacking_llm_description("llm") is None
    assert [r for r, _ in store.fts("tiny", 5)]
    # Content changed meanwhile: the cache keeps it, the card is not touched.
    assert not store.set_llm_description("/r/a.py", "old", "llm", "stale", None)


def test_set_mtime_and_file_states(store: Store) -> None:
    put(store, "/r/a.py", "s1")
    store.set_mtime("/r/a.py", 42.0)
    st = store.file_states("/r")["/r/a.py"]
    assert st.mtime == 42.0 and st.root == "/r" and st.sha256 == "s1"
