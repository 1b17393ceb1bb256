"""Whether a generative model is conditioned on labels or text.

Read from the names its code uses (``num_classes``, ``label_emb``,
``guidance_scale``, ``encoder_hidden_states``); only generative families have
the field.
"""

from __future__ import annotations

from ..card import Field
from .family import GENERATIVE
from .index import Index

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
    """``True`` with the first conditioning name, ``False`` when none; None when not generative."""
    if not set(families) & GENERATIVE:
        return None
    hits = [(ix.names[n], n) for n in _COND_NAMES if n in ix.names]
    if hits:
        line, name = min(hits)
        return Field(True, line, "inferred", name)
    return Field(False, None, "inferred", "no label/text conditioning found")
