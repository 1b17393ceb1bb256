"""The bundled demo corpus: small, realistic ML training scripts to index and search.

`msq` can point msqd at this folder so a new user sees useful answers before indexing
their own code. The scripts are data: msq parses them, never runs or imports them.
`corpus/README.md` lists the facts of each file, the ground truth for checking answers.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["corpus_path"]


def corpus_path() -> Path:
    """Return the directory holding the demo corpus.

    msqd watches a real directory, so the package must be installed as files (a normal
    wheel or source checkout), not imported from a zip archive.
    """
    root = resources.files(__name__).joinpath("corpus")
    if not isinstance(root, Path):
        raise RuntimeError(f"the msq demo corpus is not on the file system: {root}")
    return root
