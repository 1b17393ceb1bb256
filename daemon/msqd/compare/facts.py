"""The facts a narrative sentence may state, per compared model.

Values are stored normalised (numbers as floats, datasets/optimizers/devices as
canonical names, class names lower-cased) so that every way people write a value
(0.0002, 2e-4, 2e-04, 1,000, 1k, GPU for cuda) matches the same fact. ``forms``
keeps the rendered strings for display and debugging.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from msqd.card import ModelCard
from msqd.vocab import ARCH_FAMILIES, DATASET_CLASSES, DATASETS, DEVICES, canonical_optimizer

from .render import FRAMEWORK_NAMES, format_date, format_number, total_layers

# Architecture words a sentence may claim, with the words that state them.
ARCH_WORDS: dict[str, tuple[str, ...]] = {
    "gan": ("gan", "gans", "dcgan", "wgan", "generative adversarial"),
    "vae": ("vae", "vaes", "variational autoencoder", "variational auto-encoder"),
    "autoencoder": ("autoencoder", "autoencoders", "auto-encoder"),
    "lstm": ("lstm", "lstms"),
    "gru": ("gru", "grus"),
    "transformer": ("transformer", "transformers"),
    "resnet": ("resnet", "resnets"),
    "attention": ("attention", "self-attention", "multi-head attention", "multihead attention"),
    "residual": ("residual", "resblock", "resblocks", "residual connections"),
    "unet": ("u-net", "unet", "u-nets", "unets"),
    "latent": ("latent diffusion", "latent space", "latent"),
    "conditional": ("conditional", "class-conditional", "class conditioning", "conditioned"),
    "unconditional": ("unconditional",),
    # What kind of model it is (KIND_WORDS): a small LLM readily calls a diffusion
    # model a classifier.
    "diffusion": ("diffusion", "diffusion model", "diffusion models", "ddpm", "ddim"),
    "classifier": ("classifier", "classifiers", "classification"),
    "cnn": ("cnn", "cnns", "convnet", "convnets", "convolutional"),
}
# Architecture words that say what kind of model it is. They can only be wrong of a
# model whose family the extractor knows ("other" is no family).
KIND_WORDS = frozenset({"diffusion", "classifier", "cnn"})
# Class-name fragments that show an architecture word is true of a model.
ARCH_EVIDENCE: dict[str, tuple[str, ...]] = {
    "attention": ("attention", "attn"),
    "residual": ("residual", "resblock", "resnet"),
    "unet": ("unet",),
    "latent": ("vae", "autoencoder", "latent"),
    "classifier": ("classifier",),
    "cnn": ("conv",),
}
# arch_family value -> architecture words it implies.
FAMILY_WORDS: dict[str, tuple[str, ...]] = {
    "gan": ("gan",),
    "vae": ("vae", "autoencoder"),
    "autoencoder": ("autoencoder",),
    "rnn-lstm": ("lstm", "gru"),
    "transformer": ("transformer",),
    "resnet": ("resnet",),
    "seq2seq": ("lstm", "gru", "transformer"),
    "diffusion": ("diffusion",),
    "latent-diffusion": ("diffusion",),
    "cnn-classifier": ("classifier", "cnn"),
}
# File stems too generic to name a model by themselves.
GENERIC_STEMS = frozenset(
    {
        "model",
        "models",
        "train",
        "training",
        "main",
        "test",
        "run",
        "script",
        "net",
        "network",
        "example",
        "demo",
        "notebook",
        "untitled",
        "sample",
        "new",
        "old",
        "final",
        "code",
        "app",
    }
)
NUMBER_RE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _numbers_in(text: str) -> list[float]:
    return [float(m.group()) for m in NUMBER_RE.finditer(text)]


def canonical_device(word: str) -> str | None:
    """Canonical device key (cuda, mps, cpu, tpu, multi-gpu) for a word, or None."""
    w = word.strip().lower()
    for name, aliases in DEVICES.items():
        if w == name or w in aliases:
            return name
    return None


def dataset_parts(value: str) -> tuple[str | None, list[str]]:
    """``"CIFAR-10 (cat, dog)"`` -> ("CIFAR-10", ["cat", "dog"])."""
    from msqd.vocab import canonical_dataset

    name, _, rest = value.partition("(")
    labels = [x.strip().lower() for x in rest.rstrip(")").split(",") if x.strip()]
    return canonical_dataset(name.strip()) or name.strip() or None, labels


@dataclass
class ModelFacts:
    """What is true of one compared model."""

    model_id: str
    side: int
    numbers: set[float] = field(default_factory=set)
    datasets: set[str] = field(default_factory=set)  # canonical names
    labels: set[str] = field(default_factory=set)  # dataset class subset, lower-case
    optimizers: set[str] = field(default_factory=set)  # canonical names
    devices: set[str] = field(default_factory=set)  # canonical device keys
    classes: set[str] = field(default_factory=set)  # lower-case identifiers
    arch: set[str] = field(default_factory=set)  # ARCH_WORDS keys
    family_known: bool = False  # an arch_family other than "other"
    schedules: set[str] = field(default_factory=set)  # beta schedule / LR scheduler words
    dates: set[str] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)  # rendered values, for display

    def has_number(self, x: float, rel: float = 1e-6) -> bool:
        """True when ``x`` equals one of this model's numbers."""
        return any(math.isclose(x, y, rel_tol=rel, abs_tol=1e-12) for y in self.numbers)


def short_name(model_id: str, all_ids: Iterable[str]) -> str:
    """The shortest unambiguous way to name a model: its file stem, else the full id."""
    stem = model_id.rsplit("/", 1)[-1]
    stems = [i.rsplit("/", 1)[-1] for i in all_ids]
    if stems.count(stem) == 1 and _nameable_stem(stem):
        return stem
    return model_id


def _nameable_stem(stem: str) -> bool:
    low = stem.lower()
    if len(low) < 2 or low in GENERIC_STEMS or low.isdigit():
        return False
    words = {a for aliases in ARCH_FAMILIES.values() for a in aliases} | set(ARCH_FAMILIES)
    words |= {a for aliases in DATASETS.values() for a in aliases}
    return low not in words


def _add_value(mf: ModelFacts, name: str, v: object) -> None:
    """Add one field value (scalar) to the facts, in every normalised form."""
    if v is None or isinstance(v, bool):
        return
    if isinstance(v, int | float):
        mf.numbers.add(float(v))
        mf.forms.update({format_number(v), str(v), f"{float(v):g}", f"{float(v):.6g}"})
        if isinstance(v, float) and v and abs(v) < 1e-2:
            mf.forms.add(f"{v:.0e}" if float(f"{v:.0e}") == v else f"{v:e}")
        return
    text = str(v)
    mf.forms.add(text)
    if name == "dataset":
        ds, labels = dataset_parts(text)
        if ds:
            mf.datasets.add(ds)
        mf.labels.update(labels)
        n = len(labels) or len(DATASET_CLASSES.get(ds or "", ()))
        if n:
            mf.numbers.add(float(n))
        return
    if name == "optimizer":
        mf.optimizers.add(canonical_optimizer(text) or text)
    if name == "device":
        dev = canonical_device(text)
        if dev:
            mf.devices.add(dev)
            if dev == "multi-gpu":
                mf.devices.add("cuda")
    if name in ("beta_schedule", "scheduler"):
        mf.schedules.update(w.lower() for w in re.findall(r"[a-z]+(?:_[a-z]+)*", text.lower()))
        mf.schedules.update(w.lower() for w in re.findall(r"[A-Z][a-z]+", text))
    if name == "arch_family":
        mf.arch.update(FAMILY_WORDS.get(text, ()))
        mf.family_known = mf.family_known or text != "other"
    mf.numbers.update(_numbers_in(text))
    mf.classes.update(t.lower() for t in re.findall(r"[A-Za-z_]\w*", text))


def _model_facts(card: ModelCard, side: int) -> ModelFacts:
    mf = ModelFacts(model_id=card.model_id, side=side)
    for name, f in card.fields.items():
        for fv in [f, *f.alternatives]:
            for v in fv.value if isinstance(fv.value, list) else [fv.value]:
                _add_value(mf, name, v)
    fw = card.value("framework")
    for disp in FRAMEWORK_NAMES.get(str(fw), ()) if fw else ():
        mf.classes.add(disp.lower())
    for comp in card.components:
        mf.classes.add(comp.name.lower())
        if comp.base:
            mf.classes.add(comp.base.rsplit(".", 1)[-1].lower())
        mf.classes.update(k.lower() for k in comp.layers)
        mf.numbers.update(float(v) for v in comp.layers.values())
    for k, v in total_layers(card.components).items():
        mf.numbers.add(float(v))
        mf.forms.add(f"{k} x{v}")
    if card.components:
        mf.numbers.add(float(len(card.components)))
    for key in ARCH_WORDS:
        if any(frag in c for frag in ARCH_EVIDENCE.get(key, (key,)) for c in mf.classes):
            mf.arch.add(key)
    if card.value("arch_family") == "latent-diffusion":
        mf.arch.add("latent")
    cond = card.value("conditional")
    if cond is not None:
        mf.arch.add("conditional" if cond else "unconditional")
    if card.size:
        kb = card.size / 1024
        mf.numbers.update({float(card.size), round(kb, 1), float(round(kb)), round(kb / 1024, 1)})
        mf.numbers.add(round(kb / 1024, 2))
    for ts in (card.modified, card.created):
        if ts:
            day = format_date(ts)
            mf.dates.add(day)
            mf.numbers.add(float(day[:4]))
    return mf


@dataclass
class Facts:
    """Facts of every compared model, plus how the models can be named."""

    models: dict[str, ModelFacts]
    n_columns: int
    n_sides: int
    # (lower-case name, model ids it names), longest name first.
    names: list[tuple[str, frozenset[str]]]
    # Ratios and differences between two models' values of the same numeric field.
    ratios: set[float] = field(default_factory=set)
    deltas: set[float] = field(default_factory=set)
    # How many models each side holds: "the 3 CIFAR-10 models" counts the comparison.
    side_sizes: set[int] = field(default_factory=set)

    @classmethod
    def from_columns(cls, columns: list[tuple[ModelCard, int]]) -> Facts:
        """Facts of ``(card, side index)`` columns."""
        models = {c.model_id: _model_facts(c, s) for c, s in columns}
        ids = list(models)
        names: dict[str, set[str]] = {}
        for card, side in columns:
            mid = card.model_id
            keys = {mid, card.path, PurePosixPath(card.path).name, f"side {side + 1}"}
            stem = mid.rsplit("/", 1)[-1]
            if short_name(mid, ids) == stem:
                keys.update({stem, PurePosixPath(card.path).name})
            if card.project and len(card.project) > 3:
                keys.add(card.project)
            for k in keys:
                if k:
                    names.setdefault(k.lower(), set()).add(mid)
        ordered = sorted(((k, frozenset(v)) for k, v in names.items()), key=lambda kv: -len(kv[0]))
        facts = cls(models, len(columns), len({s for _, s in columns}), ordered)
        facts.side_sizes = {sum(1 for _, x in columns if x == s) for _, s in columns}
        facts._comparisons(columns)
        return facts

    def _comparisons(self, columns: list[tuple[ModelCard, int]]) -> None:
        for (a, _), (b, _) in itertools.combinations(columns, 2):
            for name in set(a.fields) & set(b.fields):
                x, y = a.value(name), b.value(name)
                if isinstance(x, bool) or isinstance(y, bool):
                    continue
                if isinstance(x, int | float) and isinstance(y, int | float) and x and y:
                    self.ratios.update({x / y, y / x})
                    self.deltas.add(abs(float(x) - float(y)))

    def ids(self) -> list[str]:
        """Model ids in column order."""
        return list(self.models)

    def rendered(self, model_id: str) -> list[str]:
        """Rendered fact strings of one model (sorted), for display."""
        return sorted(self.models[model_id].forms)
