"""Datasets named rather than loaded: options, env ids, imports, calls, paths, file names.

Real scripts often never call a loader msq knows: they read ``./data/mnist`` through a
helper of their own (``data.mnist_load(path)``), choose the dataset by an option
(``--dataset c10``), import ``tensorflow.examples.tutorials.mnist``, or are simply
called ``train_mnist_dcgan.py``. Each of these names the dataset; this module reads
them in order of strength, the first tier that names a known dataset deciding:

1. a variable, option or config key for the dataset or RL environment (``dataset``,
   ``env_id`` ...), its default value;
2. a string in the code that is a dataset's name or a path through one
   (``"./data/mnist"``, ``"cifar10"``);
3. the name of a function the code calls (``mnist_load``, ``get_cifar10_loaders``);
4. the name of a module it imports (``tensorflow.examples.tutorials.mnist``,
   ``data_mnist``);
5. the module docstring;
6. the file's own name, then its folders up to the project.

Tiers 3-6 are ``inferred``: the card says which name they were read from.
"""

from __future__ import annotations

import os
import re
from collections import Counter

from ..card import Field
from ..vocab import canonical_dataset
from .common import path_names
from .hyper import named_value
from .index import MODULE, Index
from .resolve import Resolver, Val

# Variables and options that name the dataset or, in RL, the environment.
DATASET_OPTION_NAMES = (
    "dataset", "DATASET", "dataset_name", "DATASET_NAME", "data", "data_name",
    "env_id", "ENV_ID", "env_name", "ENV_NAME", "env", "ENV", "environment", "gym_id",
)  # fmt: skip

# An RL environment id: Gym's "Name-vN", Atari's "NameNoFrameskip-v4", "ALE/Name-v5".
_ENV_ID = re.compile(r"^(?:ALE/)?([A-Z][A-Za-z0-9]+?)(?:NoFrameskip|Deterministic)?-v\d+$")
_WORD = re.compile(r"[A-Za-z0-9]+")
# Strings that are prose (help texts, prints, comments turned docstrings) name
# datasets in passing; only short, path- or name-like strings count.
_PROSE = re.compile(r"\s\S+\s\S+\s")
_PATHISH = re.compile(r"^[\w./\\:~-]+$")


def env_name(s: str) -> str | None:
    """``"BreakoutNoFrameskip-v4"`` -> ``"Breakout"``; the vocabulary's spelling when
    it knows the environment (``"CartPole-v1"`` -> ``"CartPole"``)."""
    m = _ENV_ID.match(s.strip())
    if not m:
        return None
    base = m.group(1)
    known = canonical_dataset(base)
    return known if known and known.lower() == base.lower() else base


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def names_in(text: str) -> list[str]:
    """Datasets named by the words of ``text``, longest phrase first at each place:
    ``fashion_mnist`` is Fashion-MNIST, not MNIST; ``cifar_10`` is CIFAR-10."""
    words = _words(text)
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in (3, 2, 1):
            if i + n > len(words):
                continue
            chunk = words[i : i + n]
            hit = None
            for joined in (" ".join(chunk), "-".join(chunk), "".join(chunk), "_".join(chunk)):
                hit = canonical_dataset(joined)
                if hit:
                    break
            if hit:
                out.append(hit)
                i += n
                break
        else:
            i += 1
    return out


def _last_name(s: str) -> str | None:
    """The most specific dataset a name or path names: the last (``glue/sst2`` is SST-2)."""
    names = names_in(s)
    return names[-1] if names else None


def _value_name(v: object) -> str | None:
    if not isinstance(v, str) or not v or len(v) > 120:
        return None
    return env_name(v) or canonical_dataset(v) or _last_name(v)


def _option_value(ix: Index, r: Resolver, n: str) -> Val | None:
    """An option's default, else the module's last assignment to ``n`` (the one in
    force when the script runs: ``data = "edges2shoes"; data = "facades"``)."""
    if n in r.args:
        return named_value(ix, r, (n,))
    module = [b for b in ix.bindings.get(n, ()) if b.scope == MODULE and b.value is not None]
    if module:
        b = module[-1]
        v = r.resolve(b.value, b.scope)  # type: ignore[arg-type]
        if v is not None:
            return Val(v.value, "constant", n, b.line) if v.how == "literal" else v
    return named_value(ix, r, (n,))


def _option_tier(ix: Index, r: Resolver) -> Field | None:
    for n in DATASET_OPTION_NAMES:
        v = _option_value(ix, r, n)
        name = _value_name(v.value) if v is not None else None
        if v is not None and name is not None:
            return Field(name, v.line, v.how, v.detail, file=v.file)
    return None


def _vote(hits: list[tuple[str, int | None, str]]) -> Field | None:
    """The most often named dataset of one tier (the first named on a tie)."""
    if not hits:
        return None
    counts = Counter(h[0] for h in hits)
    best = max(counts.values())
    name, line, detail = next(h for h in hits if counts[h[0]] == best)
    return Field(name, line, "inferred", detail)


_RL_MODULES = ("gym", "gymnasium", "stable_baselines3", "envpool", "procgen", "ale_py")


# Named in a string, a URL or prose, ImageNet is nearly always the pretrained weights
# or their normalisation statistics (weights="imagenet", "imagenet-norm", a tfhub
# feature vector), not the data a script trains on; its loaders and data paths
# (``/datasets/imagenet/train``) still name it.
PRETRAINING_NAMES = frozenset({"ImageNet"})


def _string_tier(ix: Index) -> Field | None:
    doc = ix.docstring.strip()
    rl = ix.has_module(*_RL_MODULES)
    hits = []
    for s, line in ix.strings:
        if len(s) > 120 or s.strip() == doc or _PROSE.search(s) or not _PATHISH.match(s):
            continue
        env = env_name(s) if rl else None
        name = env or canonical_dataset(s) or _last_name(s)
        if name and (name not in PRETRAINING_NAMES or "/" in s or "\\" in s):
            hits.append((name, line, f"string {s!r}"))
    return _vote(hits)


def _call_tier(ix: Index) -> Field | None:
    hits = []
    for cs in ix.calls:
        if cs.last[:1].isupper():
            continue  # a class: torchvision's and tfds' are read by the loader rules
        for name in names_in(cs.last):
            hits.append((name, cs.node.lineno, f"call {cs.last}()"))
    return _vote(hits)


def _import_tier(ix: Index) -> Field | None:
    hits = []
    for mod, line in ix.import_lines:
        for name in names_in(mod):
            hits.append((name, line, f"import {mod}"))
    return _vote(hits)


def _docstring_tier(ix: Index) -> Field | None:
    names = [n for n in names_in(ix.docstring[:2000]) if n not in PRETRAINING_NAMES]
    if not names:
        return None
    return Field(names[0], 1, "inferred", "module docstring")


def _path_tier(path: str, project_dir: str | None) -> Field | None:
    for i, part in enumerate(path_names(path, project_dir)):
        names = names_in(part)
        if names:
            what = f"file name {os.path.basename(path)}" if i == 0 else f"folder name {part}"
            return Field(names[0], None, "inferred", what)
    return None


def named_dataset(
    ix: Index, r: Resolver, path: str, project_dir: str | None, trains: bool
) -> Field | None:
    """The dataset a file names without loading it, or None (tiers in the module doc).

    Only a file that trains is read this way: a model or helper module in a folder
    called ``cifar`` does not say what it is trained on."""
    if not trains:
        return None
    f = _option_tier(ix, r)
    if f is not None:
        return f
    for tier in (_string_tier, _call_tier, _import_tier, _docstring_tier):
        f = tier(ix)
        if f is not None:
            return f
    return _path_tier(path, project_dir)
