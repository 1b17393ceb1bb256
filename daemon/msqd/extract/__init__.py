"""Static analysis of training scripts: source file -> :class:`~msqd.card.ModelCard`.

The extractor reads the syntax tree and resolves values the way Python would; it
never imports or executes the code it reads.

The lowest step with logic in it: may import only msqd.card and msqd.vocab (checked by
the ``msqd-extract-pure`` import-linter contract), so it can run in a worker process and
be tested with nothing else of the daemon loaded.
"""

from __future__ import annotations

from .core import extract_file, extract_source
from .describe import describe
from .ids import model_id_for

# Bumped whenever a rule changes what a card says: a daemon that finds cards written
# by another version extracts those files again (reconcile), so an upgrade never
# keeps serving stale facts until a file happens to change.
EXTRACTOR_VERSION = 12

__all__ = ["EXTRACTOR_VERSION", "describe", "extract_file", "extract_source", "model_id_for"]
