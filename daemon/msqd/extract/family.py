"""Architecture family, inferred from evidence in the code.

Families come from what the code builds and computes (layers, losses, noise
schedules, timestep embeddings, generator/discriminator pairs, KL terms, library
classes), never from the file name. Each piece of evidence has a weight; a family
is reported when its evidence reaches the family's threshold. Main family first,
by a fixed specificity order (FAMILY_ORDER).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache

from ..card import Component, Field
from .common import path_names
from .index import CallSite, Index
from .process import diffusion_findings, unet_findings, vae_findings
from .signals import (
    CALL_EVIDENCE,
    CLASS_WORDS,
    CNN_ARCH,
    DIFF_CLASSES,
    FUNCTIONAL_LAYERS,
    GRAPH_MODULES,
    LAYER_EVIDENCE,
    LAYER_MODULES,
    NAME_INDEX,
    PATH_WORDS,
)

FAMILY_ORDER = (
    "style-transfer",
    "super-resolution",
    "siamese",
    "seq2seq",
    "language-model",
    "reinforcement-learning",
    "gnn",
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
    "gnn": 5,
}
# Families a helper module can belong to by what its functions compute.
PROCESS_FAMILIES = frozenset({"diffusion", "reinforcement-learning", "gan"})
GENERATIVE = {"diffusion", "latent-diffusion", "gan", "vae", "autoencoder"}


@dataclass
class Evidence:
    family: str
    weight: int
    line: int | None
    detail: str
    file: str | None = None


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
        # Layers built outside any class: Keras Sequential/functional code, tf.layers,
        # tf.nn and tf.contrib.rnn calls, flax/haiku modules.
        if cs.name.startswith(LAYER_MODULES):
            layer = cs.last if cs.last in LAYER_EVIDENCE else FUNCTIONAL_LAYERS.get(cs.last)
            if layer in LAYER_EVIDENCE:
                fam, w = LAYER_EVIDENCE[layer]
                ev.append(Evidence(fam, w, cs.node.lineno, f"{layer} in code", file))
        if cs.name.startswith(_MODEL_FACTORIES) and (CNN_ARCH.match(low) or "cnn" in low):
            ev.append(
                Evidence("cnn-classifier", 5, cs.node.lineno, f"cnn architecture {cs.raw}", file)
            )
        if (
            cs.last not in ix.classes
            and cs.raw.split(".")[0] in ix.imports
            and not cs.name.startswith("sklearn.")  # ColumnTransformer is not a model
        ):
            # A model built from an imported module (``vgg16.Vgg16()``,
            # ``pix2pix.unet_generator(...)``, lightning's demo ``Transformer``): its
            # name says what it is, as a class of the file's own would.
            for fam, w in _imported_families(cs.last):
                detail = f"class {cs.last} (imported)"
                ev.append(Evidence(fam, w, cs.node.lineno, detail, file))
        hub = _hub_model(cs)
        if hub is not None:
            hub_low = hub.lower()
            if CNN_ARCH.match(hub_low):
                ev.append(Evidence("cnn-classifier", 5, cs.node.lineno, f"torch.hub {hub}", file))
            if re.match(r"resnet|wide_resnet|resnext", hub_low):
                ev.append(Evidence("resnet", 5, cs.node.lineno, f"torch.hub {hub}", file))
        if cs.name.startswith(("gym.", "gymnasium.")) and cs.last == "make":
            ev.append(Evidence("reinforcement-learning", 5, cs.node.lineno, cs.raw, file))
        if cs.name.startswith("transformers.") and re.match(
            r"(Auto|Bert|DistilBert|Roberta|ViT|GPT2|T5|Bart)", cs.last
        ):
            ev.append(Evidence("transformer", 5, cs.node.lineno, cs.last, file))
    ev.extend(_adversarial(ix, file))
    for mod, line in ix.import_lines:
        if mod.split(".")[0] in GRAPH_MODULES:
            ev.append(Evidence("gnn", 5, line, f"graph library (import {mod})", file))
            break
    ev.extend(encoder_decoder_evidence(comps, file))
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
        cls = ix.classes.get(comp.name) if comp.file is None else None
        if cls is not None and any(k.startswith("Conv") for k in comp.layers):
            line = _residual_add(cls)
            if line is not None:
                ev.append(Evidence("resnet", 4, line, f"residual connection in {comp.name}", f))
        low = comp.name.lower()
        for pat, fam, w in CLASS_WORDS:
            if re.search(pat, low):
                ev.append(Evidence(fam, w, comp.line, f"class {comp.name}", f))
    ev += _suffix_pair(comps, file)
    # What the code computes, whatever it names things: noise schedule, forward
    # process, noise-prediction loss, U-Net skip connections, reparameterization, KL.
    diffusion = diffusion_findings(ix)
    for fam, w, line, detail in diffusion + unet_findings(ix) + vae_findings(ix, diffusion):
        ev.append(Evidence(fam, w, line, detail, file))
    return ev


def encoder_decoder_evidence(comps: list[Component], file: str | None = None) -> list[Evidence]:
    """An encoder class and a decoder class in one model, wherever each is defined
    (``encoders.py`` and ``decoders.py`` of one package): seq2seq or autoencoder."""
    enc = [c for c in comps if "encoder" in c.name.lower()]
    dec = [c for c in comps if "decoder" in c.name.lower()]
    if not (enc and dec):
        return []
    where = enc[0].file or file
    # What the decoder emits tells the two apart: tokens (an embedding of its own
    # outputs, a recurrent cell, attention over the encoder) make a seq2seq model
    # such as a captioner or a translator; up-sampling back to the input's shape
    # makes an autoencoder.
    layers = {k.lower() for c in dec for k in c.layers}
    names = {n.lower() for c in dec for n in (c.name, *c.uses)}
    tokens = bool(layers & _TOKEN_DECODER) or any("attention" in n for n in names)
    pixels = any(k.startswith(_PIXEL_DECODER) for k in layers | names)
    seq, auto = (3, 3) if tokens == pixels else (5, 1) if tokens else (1, 4)
    return [
        Evidence("seq2seq", seq, enc[0].line, "encoder/decoder classes", where),
        Evidence("autoencoder", auto, enc[0].line, "encoder/decoder classes", where),
    ]


_TOKEN_DECODER = frozenset({"embedding", "lstm", "lstmcell", "gru", "grucell", "rnn"})
_PIXEL_DECODER = ("convtranspose", "upsample", "pixelshuffle", "deconv")


# Families an imported class's name may vouch for: not the ones whose words name
# library helpers too (ImageDataGenerator, an actor-critic "critic", skimage's denoise_*,
# Lightning's *Plugin for GIN); graph libraries count by their import instead.
_IMPORTED_FAMILIES = frozenset(
    {"cnn-classifier", "unet", "resnet", "transformer", "rnn-lstm", "seq2seq", "super-resolution"}
)


@lru_cache(maxsize=4096)
def _imported_families(last: str) -> tuple[tuple[str, int], ...]:
    """(family, weight) an imported callable's name vouches for; cached: the same names
    (``nn.Linear``, ``np.zeros``) come back in every file."""
    low = last.lower()
    # Classes by any name; functions (tf.gather, login) only as builders of a named
    # network (``unet_generator``, ``resnet_v2``).
    upper = last[:1].isupper()
    return tuple(
        (fam, w)
        for pat, fam, w in CLASS_WORDS
        if fam in _IMPORTED_FAMILIES
        and (upper or ("_" in last and fam in ("unet", "resnet", "cnn-classifier")))
        and re.search(pat, low)
    )


def _hub_model(cs: CallSite) -> str | None:
    """The model a ``torch.hub.load("pytorch/vision", "mobilenet_v2")`` call builds."""
    if cs.name != "torch.hub.load":
        return None
    args = cs.node.args
    if len(args) >= 2 and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str):
        return args[1].value
    for kw in cs.node.keywords:
        if kw.arg == "model" and isinstance(kw.value, ast.Constant):
            return str(kw.value.value)
    return None


_MODEL_FACTORIES = (
    "fastai.",
    "torchvision.models",
    "keras.applications",
    "tensorflow.keras.applications",
    "tf.keras.applications",
    "timm",
)
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def _path_tokens(part: str) -> set[str]:
    out = set()
    for tok in re.split(r"[^A-Za-z0-9]+", part):
        if tok:
            out.add(tok.lower())
            out.update(t.lower() for t in _CAMEL.findall(tok))
    return out


ARCH_OPTION_NAMES = (
    "arch", "architecture", "model", "model_name", "model_type", "backbone", "net",
    "network", "arch_name", "ARCH", "MODEL", "MODEL_NAME", "BACKBONE",
)  # fmt: skip


def option_evidence(values: list[tuple[str, object, int | None]]) -> list[Evidence]:
    """Models built by name (``models.__dict__[args.arch]``, ``get_model(args)``,
    ``timm.create_model(args.model)``): the default of an ``--arch``/``--model`` option
    names the architecture. ``values`` are (option, default, line)."""
    ev: list[Evidence] = []
    for name, value, line in values:
        if not isinstance(value, str) or len(value) > 60:
            continue
        toks = _path_tokens(value)
        low = value.lower()
        fams = {f for t in toks for f in PATH_WORDS.get(t, ())}
        if CNN_ARCH.match(low):
            fams.add("cnn-classifier")
        if re.match(r"(pre)?resn|wrn|wide_res|resnext", low):
            fams |= {"resnet", "cnn-classifier"}
        for fam in sorted(fams):
            ev.append(Evidence(fam, 5, line, f"model chosen by option ({name}={value!r})"))
    return ev


def path_evidence(path: str, project_dir: str | None) -> list[Evidence]:
    """Family words in the file's name and its folders up to the project's
    (``train_dcgan.py``, ``WassersteinGAN/``, ``examples/vae/``): evidence weighted
    below the code, so a name supports what the code shows but decides nothing alone."""
    ev: list[Evidence] = []
    for part in path_names(path, project_dir, folders=5):
        for tok in sorted(_path_tokens(part)):
            for fam in PATH_WORDS.get(tok, ()):
                ev.append(Evidence(fam, 3, None, f"path name ({part})"))
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
        "gnn",
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


# Owners of optimizer steps on the two sides of adversarial training:
# optimizerG / opt_g / generator_opt against optimizerD / d_optimizer / critic_opt.
_GEN_SIDE = re.compile(r"(?i:gen)|(?:^|_)[gG](?:_|$)|[a-z0-9]G(?:_|$)")
_DISC_SIDE = re.compile(r"(?i:disc|critic)|(?:^|_)[dD](?:_|$)|[a-z0-9]D(?:_|$)")
_OPT_OWNER = re.compile(r"opt|solver|trainer", re.I)


def _adversarial(ix: Index, file: str | None) -> list[Evidence]:
    """Two optimizers stepped in turn, one for a generator and one for a
    discriminator or critic: adversarial training, whatever the networks are called."""
    gen = disc = None
    for cs in ix.calls:
        if cs.last != "step" or not cs.raw.endswith(".step") or cs.node.args:
            continue
        owner = cs.raw[: -len(".step")]
        if not _OPT_OWNER.search(owner) or re.search(r"sched", owner, re.I):
            continue
        if _GEN_SIDE.search(owner) and not _DISC_SIDE.search(owner):
            gen = gen or cs
        elif _DISC_SIDE.search(owner) and not _GEN_SIDE.search(owner):
            disc = disc or cs
    if gen is None or disc is None:
        return []
    what = f"adversarial optimizer steps ({gen.raw}, {disc.raw}: generator, discriminator)"
    return [Evidence("gan", 8, min(gen.node.lineno, disc.node.lineno), what, file)]


def _residual_add(cls: ast.ClassDef) -> int | None:
    """Line of ``out += self.shortcut(x)`` / ``return self.block(x) + x`` in the class's
    ``forward``/``call``/``__call__``: the block adds its input back to its output."""
    for fn in cls.body:
        if not isinstance(fn, ast.FunctionDef) or fn.name not in ("forward", "call", "__call__"):
            continue
        args = [a.arg for a in fn.args.args[1:2]]
        if not args:
            continue
        x = args[0]
        for node in ast.walk(fn):
            sides: list[ast.expr] = []
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                sides = [node.left, node.right]
            elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
                sides = [node.value]
            for side in sides:
                if _is_input(side, x):
                    return node.lineno
    return None


def _is_input(e: ast.expr, x: str) -> bool:
    """``x`` itself, or a shortcut applied to it (``self.shortcut(x)``, ``self.downsample(x)``)."""
    if isinstance(e, ast.Name):
        return e.id in (x, "identity", "residual", "shortcut")
    if isinstance(e, ast.Call) and len(e.args) == 1 and isinstance(e.args[0], ast.Name):
        fn = ast.unparse(e.func).lower()
        return e.args[0].id == x and bool(re.search(r"shortcut|downsample|skip|proj", fn))
    return False


def _suffix_pair(comps: list[Component], file: str | None) -> list[Evidence]:
    """``DCGAN_G`` beside ``DCGAN_D`` (``MLP_G``/``MLP_D``, ``G_AB``/``D_A``): the
    generator and discriminator of a GAN, as ``netG``/``netD`` are."""
    own = {c.name: c for c in comps if c.file is None}
    for name, c in own.items():
        m = re.fullmatch(r"(\w+?)_?G(_\w+)?", name) or re.fullmatch(r"G_(\w+)", name)
        if m is None:
            continue
        if name.startswith("G_"):
            partners = [n for n in own if n.startswith("D_")]
        else:
            head, tail = m.group(1), m.group(2) or ""
            partners = [n for n in (f"{head}_D{tail}", f"{head}D{tail}") if n in own]
        if partners:
            what = f"generator/discriminator networks (netG/netD: {name}, {partners[0]})"
            return [Evidence("gan", 5, c.line, what, file)]
    return []


def _has(ev: list[Evidence], fam: str, word: str) -> bool:
    return any(e.family == fam and word.lower() in e.detail.lower() for e in ev)


def _conv(ev: list[Evidence]) -> bool:
    """Convolutions, or a named CNN architecture (VGG, MobileNet ...) built or defined."""
    return any(
        e.family == "cnn-classifier"
        and (
            e.detail.startswith("Conv")
            or e.detail.startswith(("cnn architecture", "torch.hub"))
            or (e.detail.startswith("class ") and e.weight >= 5)
        )
        for e in ev
    )
