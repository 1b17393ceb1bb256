"""The framework a file is written for, from what it imports.

Main framework first, by a fixed order (``FRAMEWORK_ORDER``: the library that
drives training before the one underneath, fastai before PyTorch); imports that
use a framework only as a utility (tensorboard logging, tf.data beside JAX)
rank after a real one.
"""

from __future__ import annotations

from ..card import Field

FRAMEWORK_ORDER = (
    "fastai",
    "skorch",
    "lightning",
    "transformers",
    "diffusers",
    "stable-baselines3",
    "pytorch",
    "tensorflow-keras",
    "jax-flax",
    "xgboost",
    "lightgbm",
    "catboost",
    "lasagne",
    "sklearn",
)
_FRAMEWORK_OF = {
    "torch": "pytorch",
    "torchvision": "pytorch",
    "pytorch_lightning": "lightning",
    "lightning": "lightning",
    "tensorflow": "tensorflow-keras",
    "keras": "tensorflow-keras",
    "tf_keras": "tensorflow-keras",
    "jax": "jax-flax",
    "flax": "jax-flax",
    "optax": "jax-flax",
    "haiku": "jax-flax",
    "sklearn": "sklearn",
    "transformers": "transformers",
    "diffusers": "diffusers",
    "xgboost": "xgboost",
    "lightgbm": "lightgbm",
    "stable_baselines3": "stable-baselines3",
    "catboost": "catboost",
    "fastai": "fastai",
    "skorch": "skorch",
    "lasagne": "lasagne",
    "theano": "lasagne",
}
# Imports that name a framework only as a utility: tensorboard logging from torch,
# tf.data / tfds input pipelines beside a JAX model. They rank after a real one.
_WEAK_IMPORTS = ("torch.utils.tensorboard", "tensorflow_datasets", "tensorboardX")


def framework_field(imports: list[tuple[str, int]]) -> Field | None:
    """The frameworks ``imports`` (module, line) name, main first; None for none."""
    first: dict[str, tuple[int, str]] = {}
    strong: set[str] = set()
    mods = {m.lstrip(".") for m, _ in imports}
    jax = any(m.split(".")[0] in ("jax", "flax") for m in mods)
    keras = any(m.split(".")[0] in ("keras", "tf_keras") or ".keras" in m for m in mods)
    for mod, line in imports:
        m = mod.lstrip(".")
        fw = _FRAMEWORK_OF.get(m.split(".")[0])
        if not fw:
            continue
        if fw not in first:
            first[fw] = (line, mod)
        weak = m.startswith(_WEAK_IMPORTS) or (fw == "tensorflow-keras" and jax and not keras)
        if not weak:
            strong.add(fw)
    if not first:
        return None
    names = [f for f in FRAMEWORK_ORDER if f in first and f in strong]
    names += [f for f in FRAMEWORK_ORDER if f in first and f not in strong]
    line, mod = first[names[0]]
    return Field(names, line, "inferred", f"import {mod}")
