"""The bundled demo corpus: small, realistic ML training scripts to index and search.

`msq demo` points a throw-away msqd at this folder so a new user sees useful answers
before indexing their own code. The scripts are data: msq parses them, never runs or
imports them. They ship inside the daemon package (``msqd/demo_corpus``), which is the
part that reads them; `README.md` there lists the facts of each file, the ground truth
for checking answers.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["corpus_path"]


def corpus_path() -> Path:
    """Return the directory holding the demo corpus.

    Found through the msqd package's location without importing it (the client
    stays light). msqd watches a real directory, so the package must be installed
    as files (a normal wheel or source checkout), not imported from a zip archive.
    """
    spec = importlib.util.find_spec("msqd")
    for loc in (spec.submodule_search_locations or []) if spec else []:
        root = Path(loc) / "demo_corpus"
        if root.is_dir():
            return root
    raise RuntimeError("the msq demo corpus is missing: is the msqd package installed as files?")
