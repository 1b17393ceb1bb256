"""The wild corpus: real public code, hand-labelled, split by repository.

Shared by ``test_wild.py`` (integrity and accuracy floors) and
``scripts/wild_accuracy.py`` (the tables in docs/benchmarks.md). Scoring follows
``LABELING.md``: batch size and epochs exact, learning rate to a relative 1e-6,
optimizer case-insensitive, device as a set (half when only the first choice
matches), model classes as set F1, dataset by normalised name (half for the base
of a class subset), architecture family full when the labelled primary family is
among the predicted ones and half when only a secondary one is; a value a label
lists as an alternative scores half.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from msqd.vocab import canonical_dataset

WILD = Path(__file__).resolve().parents[2] / "fixtures" / "wild"

FIELDS = (
    "role",
    "framework",
    "arch_family",
    "model_classes",
    "dataset",
    "batch_size",
    "learning_rate",
    "optimizer",
    "epochs",
    "device",
)

# Label spellings -> the card's framework vocabulary (docs/modelcard.md). The card
# does not tell Keras 3 from tf.keras: both are "tensorflow-keras".
_FRAMEWORK = {
    "tensorflow": "tensorflow-keras",
    "keras": "tensorflow-keras",
    "tf.keras": "tensorflow-keras",
    "jax": "jax-flax",
    "flax": "jax-flax",
    "scikit-learn": "sklearn",
    "pytorch-lightning": "lightning",
}


def load_rows() -> list[dict[str, Any]]:
    """Every label line of every repository folder, in a stable order."""
    rows = []
    for lab in sorted(WILD.glob("*/labels.jsonl")):
        for line in lab.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def load_split() -> dict[str, str]:
    """owner/name -> "dev" or "check"."""
    data = json.loads((WILD / "split.json").read_text(encoding="utf-8"))
    return {r: part for part in ("dev", "check") for r in data[part]}


def scored_rows(part: str | None = None) -> list[dict[str, Any]]:
    """The code files (not config files) of one part, or of both when ``part`` is None."""
    split = load_split()
    return [
        r
        for r in load_rows()
        if r["id"].endswith((".py", ".ipynb"))
        and r["role"] != "config"
        and (part is None or split.get(r["repo"]) == part)
    ]


def _norm(s: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", str(s).lower())


def _dataset_norm(s: str) -> str:
    """A dataset name through the vocabulary's synonyms ("Oxford-IIIT Pet" and
    "Oxford-IIIT Pets" are one data set), then normalised."""
    return _norm(canonical_dataset(s) or s)


def _env_norm(s: Any) -> str:
    return re.sub(r"v\d+$", "", _norm(re.sub(r"NoFrameskip", "", str(s))))


def _split_subset(name: str) -> tuple[str, frozenset[str]]:
    m = re.match(r"^(.*?)\s*\((.*)\)\s*$", name)
    if not m:
        return _dataset_norm(name), frozenset()
    words = re.split(r"[,;/]|\band\b", m.group(2).replace("subset", ""))
    return _dataset_norm(m.group(1)), frozenset(_norm(w) for w in words if _norm(w))


def _dataset_score(want: Any, got: Any, env: Any) -> float:
    if want is None and env is not None:
        # An environment id with or without its version and frame-skip suffix.
        return 1.0 if got is not None and _env_norm(got) == _env_norm(env) else 0.0
    if want is None:
        return 1.0 if got is None else 0.0
    if got is None:
        return 0.0
    if isinstance(got, list):
        got = got[0] if got else None
        if got is None:
            return 0.0
    if isinstance(want, list):
        return 1.0 if _split_subset(str(got))[0] in {_split_subset(w)[0] for w in want} else 0.0
    # Spellings of one name: "GLUE MRPC" is the card's "GLUE (mrpc)"; a hub id
    # "databricks/databricks-dolly-15k" is "databricks-dolly-15k".
    flat = {_norm(str(x).rsplit("/", 1)[-1]) for x in (want, got)}
    if len(flat) == 1:
        return 1.0
    wb, ws = _split_subset(str(want))
    gb, gs = _split_subset(str(got))
    if wb != gb:
        return 0.0
    return 1.0 if ws == gs else 0.5


def _frameworks(v: Any) -> list[str]:
    vals = v if isinstance(v, list) else [] if v is None else [v]
    return [_FRAMEWORK.get(str(x).lower(), str(x).lower()) for x in vals]


def _framework_score(want: Any, got: Any) -> float:
    w, g = _frameworks(want), _frameworks(got)
    if not w:
        return 1.0 if not g else 0.0
    if g and g[0] == w[0]:
        return 1.0
    return 0.5 if w[0] in g else 0.0


def _family_score(want: Any, got: Any) -> float:
    w = list(want or [])
    g = [x for x in (got or []) if x]
    if not w:
        return 1.0 if not g or g == ["other"] else 0.0
    if w[0] in g:
        return 1.0
    return 0.5 if any(x in g for x in w[1:]) else 0.0


def _f1(want: Iterable[str], got: Iterable[str]) -> float:
    w, g = set(want), set(got)
    if not w and not g:
        return 1.0
    if not w or not g:
        return 0.0
    tp = len(w & g)
    return 2 * tp / (len(w) + len(g))


def _devices(v: Any) -> list[str]:
    vals = v if isinstance(v, list) else [] if v is None else [v]
    return [str(x) for x in vals if x != "multi-gpu"]


def _device_score(want: Any, got: Any) -> float:
    w, g = _devices(want), _devices(got)
    if not w:
        return 1.0 if not g else 0.0
    if set(w) == set(g):
        return 1.0
    return 0.5 if g and g[0] == w[0] else 0.0


def _exact(want: Any, got: Any) -> float:
    if want is None or got is None:
        return 1.0 if want is None and got is None else 0.0
    if isinstance(want, float) or isinstance(got, float):
        try:
            return 1.0 if math.isclose(float(want), float(got), rel_tol=1e-6) else 0.0
        except (TypeError, ValueError):
            return 0.0
    return 1.0 if want == got else 0.0


def _optimizer_score(want: Any, got: Any) -> float:
    if want is None or got is None:
        return 1.0 if want is None and got is None else 0.0
    return 1.0 if str(want).lower() == str(got).lower() else 0.0


def _plain(want: Any, got: Any) -> float:
    return 1.0 if want == got else 0.0


_SCORERS: dict[str, Callable[[Any, Any], float]] = {
    "role": _plain,
    "framework": _framework_score,
    "arch_family": _family_score,
    "model_classes": _f1,
    "batch_size": _exact,
    "learning_rate": _exact,
    "optimizer": _optimizer_score,
    "epochs": _exact,
    "device": _device_score,
}


def predicted(card: Any) -> dict[str, Any]:
    """The card's answer for each scored field, in label terms."""
    out = {name: card.value(name) for name in FIELDS if name not in ("role", "model_classes")}
    out["role"] = getattr(card, "role", None) or None
    # Labels list the classes a file defines; Sequential/functional models are components
    # of the card but not classes.
    out["model_classes"] = [
        c.name for c in card.components if c.file is None and getattr(c, "kind", "class") == "class"
    ]
    return out


def score_row(row: dict[str, Any], got: dict[str, Any]) -> dict[str, float]:
    """Per-field credit (0, 0.5 or 1; F1 for model classes) of one card against its label."""
    alts = row.get("alternatives") or {}
    out: dict[str, float] = {}
    for name in FIELDS:
        if name == "dataset":
            s = _dataset_score(row["dataset"], got["dataset"], row.get("environment"))
            if s < 1.0:
                for alt in alts.get("dataset") or []:
                    s = max(s, 0.5 * _dataset_score(alt, got["dataset"], None))
        elif name == "model_classes":
            s = _f1(row["model_classes"] or [], got["model_classes"])
        else:
            fn = _SCORERS[name]
            s = fn(row[name], got[name])
            if s < 1.0:
                for alt in alts.get(name) or []:
                    s = max(s, 0.5 * fn(alt, got[name]))
        out[name] = s
    return out


@dataclass
class Report:
    """Per-field accuracy of one part of the corpus, and the rows behind it."""

    part: str
    n: int = 0
    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0.0))
    misses: dict[str, list[tuple[str, Any, Any]]] = field(
        default_factory=lambda: {f: [] for f in FIELDS}
    )

    def add(self, row: dict[str, Any], got: dict[str, Any]) -> None:
        self.n += 1
        for name, s in score_row(row, got).items():
            self.sums[name] += s
            if s < 1.0:
                want = row.get(name)
                if name == "dataset" and want is None and row.get("environment"):
                    want = f"environment {row['environment']}"
                self.misses[name].append((row["id"], want, got.get(name)))

    def accuracy(self) -> dict[str, float]:
        return {f: (self.sums[f] / self.n if self.n else 0.0) for f in FIELDS}

    def mean(self) -> float:
        acc = self.accuracy()
        return sum(acc.values()) / len(acc)


def evaluate(part: str, extract: Callable[[Path], Any]) -> Report:
    """Extract every scored file of ``part`` and score it."""
    rep = Report(part)
    for row in scored_rows(part):
        rep.add(row, predicted(extract(WILD / row["id"])))
    return rep
