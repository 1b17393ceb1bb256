"""Framework and architecture family, inferred from evidence in the code.

Families come from what the code builds and computes (layers, losses, noise
schedules, timestep embeddings, generator/discriminator pairs, KL terms, library
classes), never from the file name. Each piece of evidence has a weight; a family
is reported when its evidence reaches the family's threshold. Main family first,
by a fixed specificity order (FAMILY_ORDER).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..card import Component, Field
from .index import Index
from .process import diffusion_findings, unet_findings
from .signals import (
    CALL_EVIDENCE,
    CLASS_WORDS,
    DIFF_CLASSES,
    LAYER_EVIDENCE,
    NAME_INDEX,
)

FAMILY_ORDER = (
    "style-transfer",
    "super-resolution",
    "siamese",
    "seq2seq",
    "language-model",
    "reinforcement-learning",
    "latent-diffusion",
    "diffusion",
    "gan",
    "vae",
    "autoencoder",
    "unet",
    "resnet",
    "transformer",
    "rnn-lstm",
    "cnn-classifier",
    "other",
)
_THRESHOLD = {
    "diffusion": 4,
    "latent-diffusion": 4,
    "vae": 3,
    "gan": 5,
    "autoencoder": 3,
    "unet": 4,
    "resnet": 4,
    "transformer": 4,
    "rnn-lstm": 4,
    "seq2seq": 5,
    "reinforcement-learning": 5,
    "siamese": 5,
    "style-transfer": 5,
    "super-resolution": 5,
    "language-model": 5,
    "cnn-classifier": 5,
}
GENERATIVE = {"diffusion", "latent-diffusion", "gan", "vae", "autoencoder"}

FRAMEWORK_ORDER = (
    "lightning",
    "transformers",
    "diffusers",
    "stable-baselines3",
    "pytorch",
    "tensorflow-keras",
    "jax-flax",
    "xgboost",
    "lightgbm",
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
}


@dataclass
class Evidence:
    family: str
    weight: int
    line: int | None
    detail: str
    file: str | None = None


def framework_field(imports: list[tuple[str, int]]) -> Field | None:
    first: dict[str, tuple[int, str]] = {}
    for mod, line in imports:
        fw = _FRAMEWORK_OF.get(mod.lstrip(".").split(".")[0])
        if fw and fw not in first:
            first[fw] = (line, mod)
    if not first:
        return None
    names = [f for f in FRAMEWORK_ORDER if f in first]
    line, mod = first[names[0]]
    return Field(names, line, "inferred", f"import {mod}")


def family_evidence(ix: Index, comps: list[Component], file: str | None = None) -> list[Evidence]:
    ev: list[Evidence] = []
    for word, hits in NAME_INDEX.items():
        line = ix.names.get(word)
        if line is not None:
            for fam, w, what in hits:
                ev.append(Evidence(fam, w, line, f"{what} ({word})", file))
    for cs in ix.calls:
        if cs.last in DIFF_CLASSES:
            ev.append(Evidence("diffusion", 5, cs.node.lineno, cs.last, file))
        if cs.last in CALL_EVIDENCE:
            fam, w = CALL_EVIDENCE[cs.last]
            ev.append(Evidence(fam, w, cs.node.lineno, cs.last, file))
        low = cs.last.lower()
        if re.match(r"resnet\d|wide_resnet|resnext", low) or cs.last in (
            "ResNet50",
            "ResNet18",
            "ResNet101",
        ):
            ev.append(Evidence("resnet", 5, cs.node.lineno, cs.raw, file))
        if cs.name.startswith(("gym.", "gymnasium.")) and cs.last == "make":
            ev.append(Evidence("reinforcement-learning", 5, cs.node.lineno, cs.raw, file))
        if cs.name.startswith("transformers.") and re.match(
            r"(Auto|Bert|DistilBert|Roberta|ViT|GPT2|T5|Bart)", cs.last
        ):
            ev.append(Evidence("transformer", 5, cs.node.lineno, cs.last, file))
    enc = [c for c in comps if "encoder" in c.name.lower()]
    dec = [c for c in comps if "decoder" in c.name.lower()]
    if enc and dec:
        ev.append(
            Evidence("seq2seq", 3, enc[0].line, "encoder/decoder classes", enc[0].file or file)
        )
        ev.append(
            Evidence("autoencoder", 3, enc[0].line, "encoder/decoder classes", enc[0].file or file)
        )
    for text, line in ix.strings:
        if text.endswith("categorical_crossentropy"):
            ev.append(Evidence("cnn-classifier", 3, line, f"classification loss ({text})", file))
            break
    for comp in comps:
        f = comp.file or file
        for layer, n in comp.layers.items():
            if layer in LAYER_EVIDENCE:
                fam, w = LAYER_EVIDENCE[layer]
                ev.append(
                    Evidence(
                        fam,
                        w + (1 if n > 2 and fam == "cnn-classifier" else 0),
                        comp.line,
                        f"{layer} in {comp.name}",
                        f,
                    )
                )
        low = comp.name.lower()
        for pat, fam, w in CLASS_WORDS:
            if re.search(pat, low):
                ev.append(Evidence(fam, w, comp.line, f"class {comp.name}", f))
    # What the code computes, whatever it names things: noise schedule, forward
    # process, noise-prediction loss, U-Net skip connections.
    for fam, w, line, detail in diffusion_findings(ix) + unet_findings(ix):
        ev.append(Evidence(fam, w, line, detail, file))
    return ev


def _best(ev: list[Evidence], fam: str) -> Evidence | None:
    cands = [e for e in ev if e.family == fam]
    if not cands:
        return None
    return max(cands, key=lambda e: (e.weight, -(e.line or 0)))


def family_field(ev: list[Evidence], comps: list[Component], has_model: bool) -> Field | None:
    score: dict[str, int] = {}
    for e in ev:
        # One kind of evidence counts once per family; variety is what convinces.
        score[e.family] = score.get(e.family, 0)
    kinds: dict[tuple[str, str], int] = {}
    for e in ev:
        key = (e.family, e.detail.split(" (")[0].split(" in ")[0])
        kinds[key] = max(kinds.get(key, 0), e.weight)
    for (fam, _), w in kinds.items():
        score[fam] += w
    fams = {f for f, s in score.items() if s >= _THRESHOLD.get(f, 99)}
    if (
        "gan" in fams
        and not (
            _has(ev, "gan", "generator")
            and (_has(ev, "gan", "discrim") or _has(ev, "gan", "critic"))
        )
        and score["gan"] < 8
        and not _has(ev, "gan", "netG")
    ):
        fams.discard("gan")
    if "latent-diffusion" in fams and "diffusion" not in fams:
        fams.discard("latent-diffusion")
    if "diffusion" in fams and ("vae" in fams or "autoencoder" in fams):
        # A denoiser trained next to an (variational) autoencoder: diffusion in latent space.
        fams.add("latent-diffusion")
    if "vae" in fams or "seq2seq" in fams or "latent-diffusion" in fams:
        fams.discard("autoencoder")
    if "seq2seq" in fams and score.get("rnn-lstm", 0) < 4 and "transformer" not in fams:
        fams.discard("seq2seq")
    if fams & {
        "diffusion",
        "gan",
        "vae",
        "autoencoder",
        "reinforcement-learning",
        "siamese",
        "style-transfer",
        "super-resolution",
        "language-model",
        "seq2seq",
    }:
        fams.discard("cnn-classifier")
        if "transformer" in fams and score["transformer"] < 5:
            fams.discard("transformer")
    if "unet" in fams:
        fams.discard("cnn-classifier")  # per-pixel classes are segmentation, not a classifier
    if ("diffusion" in fams or "unet" in fams) and score.get("resnet", 0) < 5:
        fams.discard("resnet")  # residual blocks inside a U-Net are not a ResNet
    if "transformer" in fams and "cnn-classifier" in fams and score["cnn-classifier"] < 8:
        # A ViT's patch-embedding convolution does not make it a CNN.
        fams.discard("cnn-classifier")
    if "cnn-classifier" in fams and not (_conv(ev) or "resnet" in fams):
        fams.discard("cnn-classifier")  # an MLP is a classifier but not a CNN
    if not fams:
        if not has_model:
            return None
        return Field(["other"], None, "inferred", "no family evidence")
    order = [f for f in FAMILY_ORDER if f in fams]
    top = _best(ev, order[0])
    return Field(
        order,
        top.line if top else None,
        "inferred",
        top.detail if top else "",
        file=top.file if top else None,
    )


def _has(ev: list[Evidence], fam: str, word: str) -> bool:
    return any(e.family == fam and word.lower() in e.detail.lower() for e in ev)


def _conv(ev: list[Evidence]) -> bool:
    return any(e.family == "cnn-classifier" and e.detail.startswith("Conv") for e in ev)


_COND_NAMES = (
    "num_classes",
    "n_classes",
    "class_labels",
    "label_emb",
    "class_emb",
    "label_embedding",
    "label_embed",
    "class_embed",
    "y_embed",
    "num_class_embeds",
    "class_embed_type",
    "guidance_scale",
    "cfg_scale",
    "p_uncond",
    "cond_drop_prob",
    "encoder_hidden_states",
    "cross_attention_dim",
    "context_dim",
    "text_encoder",
    "label_emb",
    "n_class",
    "class_cond",
    "num_labels",
    "y_emb",
    "cond_dim",
)


def conditional_field(ix: Index, families: list[str]) -> Field | None:
    if not set(families) & GENERATIVE:
        return None
    hits = [(ix.names[n], n) for n in _COND_NAMES if n in ix.names]
    if hits:
        line, name = min(hits)
        return Field(True, line, "inferred", name)
    return Field(False, None, "inferred", "no label/text conditioning found")
