"""Texts built from a card: a short one to embed, a long one for full-text search.

The embedding text depends only on the file's content (not its path), so a moved
file keeps its vector: embeddings are cached by content hash (and the text they
embed). It is kept short because all-MiniLM-L6-v2 is ~10x faster on 20 words than on 256 tokens.
"""

from __future__ import annotations

import re

from ..card import ModelCard

_EMBED_FIELDS = (
    "arch_family",
    "conditional",
    "pretrained",
    "dataset",
    "framework",
    "optimizer",
    "loss",
    "beta_schedule",
    "device",
)


def _fmt(value: object) -> str:
    if isinstance(value, list):
        return " ".join(_fmt(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def embedding_text(card: ModelCard) -> str:
    """What the model is, compactly: description, key facts, component names."""
    parts: list[str] = []
    if card.description:
        parts.append(card.description)
    else:
        for name in _EMBED_FIELDS:
            v = card.value(name)
            if v is not None and v != []:
                parts.append(f"{name.replace('_', ' ')} {_fmt(v)}")
    comps = [c.name for c in card.components][:8]
    if comps:
        parts.append("classes " + " ".join(comps))
    text = ". ".join(parts)
    if not text:
        text = f"{card.language} script {card.status}"
    # ~60 words keeps MiniLM fast and well under its 256-token limit.
    words = text.split()
    return " ".join(words[:60])


def _split_identifier(s: str) -> str:
    s = re.sub(r"([a-z])([A-Z])", r"\1 \2", s)
    return re.sub(r"[_\-./\\]+", " ", s)


def lexical_text(card: ModelCard) -> str:
    """Everything a person might type to find this card."""
    # The file's last folders, not its absolute path: "/home/alice/work" would
    # make every card match "work" or the user's name.
    tail = "/".join(card.path.replace("\\", "/").split("/")[-3:])
    parts = [card.description, card.llm_description, _split_identifier(tail)]
    for name, f in card.fields.items():
        parts.append(f"{name.replace('_', ' ')} {_fmt(f.value)}")
        if f.detail:
            parts.append(_split_identifier(f.detail))
        for alt in f.alternatives:
            parts.append(_fmt(alt.value))
    for c in card.components:
        parts.append(f"{c.name} {_split_identifier(c.name)} {c.base} " + " ".join(c.layers))
    if card.identifiers:
        parts.append(" ".join(f"{i} {_split_identifier(i)}" for i in card.identifiers))
    if card.status not in ("ok",):
        parts.append(f"status {card.status} {card.message}")
    return "\n".join(p for p in parts if p)
