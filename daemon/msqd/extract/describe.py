"""A short deterministic description built only from a card's facts.

It is also the text that gets embedded, so it stays under ~45 words.
"""

from __future__ import annotations

import re

from ..card import ModelCard

_FAMILY_TEXT = {
    "diffusion": "DDPM-style diffusion model",
    "latent-diffusion": "latent diffusion model",
    "vae": "variational autoencoder",
    "gan": "GAN",
    "autoencoder": "autoencoder",
    "unet": "U-Net",
    "cnn-classifier": "CNN classifier",
    "resnet": "ResNet",
    "transformer": "transformer",
    "rnn-lstm": "LSTM/GRU network",
    "seq2seq": "sequence-to-sequence model",
    "reinforcement-learning": "reinforcement-learning agent",
    "siamese": "siamese network",
    "style-transfer": "neural style transfer",
    "super-resolution": "super-resolution network",
    "language-model": "language model",
    "gnn": "graph neural network",
    "other": "model",
}
_FRAMEWORK_TEXT = {
    "pytorch": "PyTorch",
    "lightning": "PyTorch Lightning",
    "tensorflow-keras": "TensorFlow/Keras",
    "jax-flax": "JAX/Flax",
    "sklearn": "scikit-learn",
    "transformers": "Hugging Face Transformers",
    "diffusers": "Diffusers",
    "xgboost": "XGBoost",
    "lightgbm": "LightGBM",
    "stable-baselines3": "Stable-Baselines3",
}
MAX_WORDS = 45


def _num(x: object) -> str:
    """2e-4 rather than 0.0002: learning rates read as people write them."""
    if isinstance(x, float):
        if 0 < abs(x) < 1e-3:
            mant, exp = f"{x:.6e}".split("e")
            return f"{mant.rstrip('0').rstrip('.')}e{int(exp)}"
        return f"{x:g}"
    return str(x)


def _head(card: ModelCard) -> str:
    fams = card.value("arch_family")
    fams = fams if isinstance(fams, list) else []
    main = str(fams[0]) if fams else ""
    text = _FAMILY_TEXT.get(main, "Script")
    if card.value("conditional") is True:
        text = "class-conditional " + text
    extras = [
        str(f) for f in fams[1:] if f in ("unet", "vae", "resnet", "transformer", "rnn-lstm", "gan")
    ]
    layers = {k for c in card.components for k in c.layers}
    attn = any("Attention" in k for k in layers)
    if "unet" in extras and attn:
        extras[extras.index("unet")] = "UNet with attention"
    if extras:
        text += " (" + ", ".join(_FAMILY_TEXT.get(e, e) for e in extras) + ")"
    fw = card.value("framework")
    if isinstance(fw, list) and fw:
        text += " in " + _FRAMEWORK_TEXT.get(str(fw[0]), str(fw[0]))
    return text[0].upper() + text[1:]


def describe(card: ModelCard, docstring: str = "") -> str:
    """One deterministic paragraph (< ~45 words) from the card's facts.

    The first sentence of ``docstring`` (the module docstring) is appended when
    it fits in the word budget.
    """
    parts = [_head(card)]
    ds = card.value("dataset")
    tuned = card.value("pretrained") is True
    if tuned:
        parts.append("fine-tuned from pretrained weights")
    if ds:
        seg = f"on {ds}" if tuned else f"trained on {ds}"
        size = card.value("image_size")
        if size:
            seg += f" at {size}x{size}"
        parts.append(seg)
    facts = []
    v = card.value("batch_size")
    if v is not None:
        facts.append(f"batch {v}")
    opt, lr = card.value("optimizer"), card.value("learning_rate")
    if opt or lr is not None:
        facts.append(
            " ".join(
                x
                for x in (str(opt) if opt else "", f"lr {_num(lr)}" if lr is not None else "")
                if x
            )
        )
    v = card.value("epochs")
    if v is not None:
        facts.append(f"{v} epochs")
    v = card.value("timesteps")
    if v is not None:
        facts.append(f"{v} timesteps")
    v = card.value("beta_schedule")
    if v:
        facts.append(f"{v} beta schedule")
    text = " ".join(parts)
    if facts:
        text += ": " + ", ".join(facts)
    dev = card.value("device")
    if isinstance(dev, list) and dev:
        text += "; runs on " + "/".join(str(d) for d in dev)
    text += "."
    doc = _first_sentence(docstring)
    words = text.split()
    if doc and len(words) + len(doc.split()) <= MAX_WORDS:
        text += " " + doc
    elif len(words) > MAX_WORDS:
        text = " ".join(words[:MAX_WORDS]) + "..."
    return text


def _first_sentence(doc: str) -> str:
    if not doc:
        return ""
    # A sentence ends at ". " before a capital letter ("et al. 2017" does not end one).
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])|\n\s*\n", doc.strip(), maxsplit=1)[0]
    first = " ".join(first.split())
    if len(first.split()) > 16:
        first = " ".join(first.split()[:16]) + "..."
    if first and first[-1] not in ".!?":
        first += "."
    return first
