"""Loss functions, seeds and mixed precision."""

from __future__ import annotations

import ast

from ..card import Field
from .common import arg_or_kw, kwarg, number, resolve_at, to_field, with_alternatives
from .hyper import named_value
from .index import Index
from .names import HF_ARGS, SEED_NAMES
from .resolve import Resolver, Val, unparse

_FUNCTIONAL = {
    "mse_loss": "mse",
    "l1_loss": "l1",
    "smooth_l1_loss": "smooth_l1",
    "huber_loss": "huber",
    "cross_entropy": "cross_entropy",
    "binary_cross_entropy": "bce",
    "binary_cross_entropy_with_logits": "bce_with_logits",
    "nll_loss": "nll",
    "kl_div": "kl",
    "kl_divergence": "kl",
    "triplet_margin_loss": "triplet",
    "cosine_embedding_loss": "cosine",
    "softmax_cross_entropy": "cross_entropy",
    "softmax_cross_entropy_with_integer_labels": "cross_entropy",
    "l2_loss": "mse",
    "sigmoid_binary_cross_entropy": "bce",
    "margin_ranking_loss": "margin_ranking",
    "ctc_loss": "ctc",
}
_SEED_CALLS = {
    "manual_seed",
    "manual_seed_all",
    "seed",
    "set_seed",
    "set_random_seed",
    "seed_everything",
    "PRNGKey",
    "default_rng",
}


def loss_field(ix: Index, r: Resolver) -> Field | None:
    found: list[Field] = []
    seen: set[str] = set()

    def add(name: str, line: int, detail: str) -> None:
        if name not in seen:
            seen.add(name)
            found.append(Field(name, line, "literal", detail))

    for cs in ix.calls:
        name = cs.name
        if cs.last.endswith("Loss") and (
            name.startswith(("torch.nn", "nn."))
            or ("." not in cs.raw and (name != cs.raw or cs.last in ix.classes))
        ):
            add(cs.last, cs.node.lineno, cs.raw)
        elif cs.last in _FUNCTIONAL and (
            name.startswith(("torch", "optax", "F.", "jax"))
            or ".functional." in name
            or "losses" in name
        ):
            add(_FUNCTIONAL[cs.last], cs.node.lineno, cs.raw)
        elif "losses." in name and cs.last[:1].isupper():
            add(cs.last, cs.node.lineno, cs.raw)
        elif cs.last == "compile":
            v = resolve_at(r, cs, kwarg(cs.node, "loss"))
            if v is not None and isinstance(v.value, str):
                add(v.value, v.line or cs.node.lineno, v.detail or "compile(loss=...)")
    kl = _kl_term(ix)
    if kl is not None:
        add("kl", kl, "KL term (mu, logvar)")
    if not found:
        return None
    found.sort(key=lambda f: f.line or 0)
    if len(found) == 1:
        return found[0]
    first = found[0]
    return Field(
        [str(f.value) for f in found], first.line, "literal", ", ".join(f.detail for f in found)
    )


def _kl_term(ix: Index) -> int | None:
    """Line of a Gaussian KL term such as ``-0.5 * sum(1 + logvar - mu**2 - exp(logvar))``."""
    logvars = [n for n in ("logvar", "log_var", "logsigma", "log_sigma", "lv") if n in ix.names]
    if not logvars or ("mu" not in ix.names and "mean" not in ix.names):
        return None
    for cs in ix.calls:
        if cs.last in ("sum", "mean") and (cs.node.args or isinstance(cs.node.func, ast.Attribute)):
            text = unparse(cs.node)
            if (
                len(text) < 300
                and any(lv in text for lv in logvars)
                and ("exp" in text or "pow" in text or "**" in text)
            ):
                return cs.node.lineno
    return None


def seed_field(ix: Index, r: Resolver) -> Field | None:
    found: list[Field] = []
    for cs in ix.calls:
        node = None
        if cs.last in _SEED_CALLS:
            if cs.last == "seed" and not cs.name.endswith(("random.seed", "np.random.seed")):
                continue
            node = arg_or_kw(cs.node, 0, "seed")
        elif cs.last in HF_ARGS or cs.last in ("reset", "make_vec_env", "make_atari_env"):
            node = kwarg(cs.node, "seed")
        if node is None:
            continue
        v = number(resolve_at(r, cs, node), int)
        if v is not None:
            found.append(to_field(v))
    if not found:
        v = number(named_value(ix, r, SEED_NAMES), int)
        if v is None:
            for cs in ix.calls:
                v = number(resolve_at(r, cs, kwarg(cs.node, "random_state")), int)
                if v is not None:
                    break
        return to_field(v) if v is not None else None
    return with_alternatives(found[0], found[1:])


def _dtype_word(node: ast.expr | None) -> str | None:
    if node is None:
        return None
    text = unparse(node)
    if "bfloat16" in text or "bf16" in text:
        return "bf16"
    if "float16" in text or "half" in text or "fp16" in text:
        return "fp16"
    return None


def precision_field(ix: Index, r: Resolver) -> Field | None:
    found: list[Field] = []

    def add(value: bool | str, v: Val | None, line: int, detail: str) -> None:
        if v is not None and v.how != "literal":
            found.append(Field(value, v.line, v.how, v.detail, file=v.file))
        else:
            found.append(
                Field(value, v.line if v is not None and v.line else line, "literal", detail)
            )

    for cs in ix.calls:
        line = cs.node.lineno
        if cs.last in ("autocast", "GradScaler"):
            en = resolve_at(r, cs, kwarg(cs.node, "enabled"))
            if en is not None and en.value is False:
                add(False, en, line, cs.raw)
                continue
            word = _dtype_word(kwarg(cs.node, "dtype"))
            add(word or True, en if en is not None and en.how != "literal" else None, line, cs.raw)
        elif cs.last == "Trainer":
            v = resolve_at(r, cs, kwarg(cs.node, "precision"))
            if v is None:
                continue
            s = str(v.value)
            value: bool | str = "bf16" if "bf16" in s else "fp16" if s.startswith("16") else False
            add(value, v, line, "Trainer(precision)")
        elif cs.last in HF_ARGS or cs.last == "Accelerator":
            for kw, word in (("fp16", "fp16"), ("bf16", "bf16")):
                v = resolve_at(r, cs, kwarg(cs.node, kw))
                if v is not None:
                    add(word if v.value is True else False, v, line, f"{cs.raw}({kw})")
            v = resolve_at(r, cs, kwarg(cs.node, "mixed_precision"))
            if v is not None and isinstance(v.value, str):
                add(
                    v.value if v.value in ("fp16", "bf16") else False,
                    v,
                    line,
                    f"{cs.raw}(mixed_precision)",
                )
        elif cs.last in ("set_global_policy", "Policy", "set_policy"):
            v = resolve_at(r, cs, arg_or_kw(cs.node, 0, "name"))
            if v is not None and isinstance(v.value, str):
                word2 = (
                    "bf16" if "bfloat16" in v.value else "fp16" if "float16" in v.value else None
                )
                add(word2 or False, v, line, cs.raw)
    if not found:
        return None
    for pref in (lambda f: isinstance(f.value, str), lambda f: f.value is True):
        hits = [f for f in found if pref(f)]
        if hits:
            return with_alternatives(hits[0], [f for f in found if f is not hits[0]])
    return with_alternatives(found[0], found[1:])
