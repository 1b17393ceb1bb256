"""The embedders, loaded for real: MiniLM from its installed package, and "hash"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from msqd.index import embed

TEXTS = [
    "diffusion cifar",
    "which of my models used SGD with lr above 0.01?",
    "Variational autoencoder — MNIST, β=4, naïve über-prior 🚀",
    "x",
    # Past MiniLM's 256-token limit: truncation must match encode()'s.
    "compare the learning rate schedules of my transformer models " * 40,
]


@pytest.fixture(scope="module")
def minilm() -> embed.SentenceTransformerEmbedder:
    emb = embed.create(embed.DEFAULT_MODEL)
    assert isinstance(emb, embed.SentenceTransformerEmbedder)
    return emb


def test_default_model_loads_offline_with_its_dimension(minilm: embed.Embedder) -> None:
    assert minilm.name == embed.DEFAULT_MODEL
    assert minilm.dim == 384
    vecs = minilm.embed(TEXTS)
    assert vecs.shape == (len(TEXTS), 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_single_query_fast_path_is_on_and_equals_encode(
    minilm: embed.SentenceTransformerEmbedder,
) -> None:
    # The direct path is what makes a query ~5 ms cheaper; it must be in use for
    # the default model, and give encode()'s vectors.
    assert minilm._direct is not None
    assert minilm._direct.kind == "traced"  # type: ignore[attr-defined]
    for text in TEXTS:
        one = minilm.embed_queries([text])
        assert one.shape == (1, 384) and one.dtype == np.float32
        assert np.allclose(one, minilm._encode([text]), atol=1e-5), text


def test_a_few_texts_go_one_direct_call_and_equal_encode(
    minilm: embed.SentenceTransformerEmbedder,
) -> None:
    # A comparison's sides: padded into one call of the plain modules.
    assert minilm._direct_batch is not None
    for few in (TEXTS[:2], TEXTS[1:4], TEXTS[-2:]):
        got = minilm.embed_queries(few)
        assert got.shape == (len(few), 384) and got.dtype == np.float32
        assert np.allclose(got, minilm._encode(few), atol=1e-5), few


def test_batches_equal_single_queries(minilm: embed.Embedder) -> None:
    batch = minilm.embed(TEXTS * 3)  # more than one chunk of CHUNK texts
    singles = np.vstack([minilm.embed_queries([t]) for t in TEXTS * 3])
    assert np.allclose(batch, singles, atol=1e-5)


def test_other_pipelines_keep_encode() -> None:
    assert embed._direct_paths(object(), lambda texts: np.zeros((1, 3))) == (None, None)


def test_unknown_model_is_refused_without_a_download(tmp_path: Path) -> None:
    with pytest.raises(embed.EmbedderError, match="never downloads"):
        embed.create(str(tmp_path / "no-such-model"))


def test_hash_embedder_is_deterministic_and_normalised() -> None:
    a, b = embed.create("hash"), embed.create("hash")
    va, vb = a.embed(TEXTS), b.embed(TEXTS)
    assert np.array_equal(va, vb)
    assert np.allclose(np.linalg.norm(va, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(va[0], va[1])
