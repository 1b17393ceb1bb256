"""``msq ls`` grouping: a project's parts listed under the entry points that use them.

A training script and the model definitions, configs, data loaders and helpers
around it are one project to the person who wrote them. An *entry point* is a
card whose role is ``train`` (a notebook without a role counts as one). Every
other card goes under the entry point nearest above it: in its own folder, else
in the closest parent folder of the same project that has one ("models/unet.py"
under "train.py"). Several entry points in one folder share its parts: they go
under the first. Cards with no entry point above them keep their place.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..types import Card

PART_PREFIX = "  └ "


def _folder(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[0]


def _is_entry(card: Card) -> bool:
    return card.role == "train" or (not card.role and card.language == "ipynb")


def group_cards(cards: list[Card]) -> list[tuple[Card, bool]]:
    """``cards`` reordered as (card, is_part): each entry point, then its parts.

    The order of entry points (and of ungrouped cards) is the listing's order.
    """
    first_entry: dict[tuple[str, str], int] = {}
    for i, c in enumerate(cards):
        if _is_entry(c):
            first_entry.setdefault((c.project, _folder(c.path)), i)
    parts: dict[int, list[Card]] = {}
    placed: set[int] = set()
    for i, c in enumerate(cards):
        if _is_entry(c):
            continue
        folder = _folder(c.path)
        while True:
            owner = first_entry.get((c.project, folder))
            if owner is not None:
                parts.setdefault(owner, []).append(c)
                placed.add(i)
                break
            up = _folder(folder)
            # Stop at the project's own folder (or the path's root).
            if up == folder or not c.project or folder.endswith("/" + c.project):
                break
            folder = up
    out: list[tuple[Card, bool]] = []
    for i, c in enumerate(cards):
        if i in placed:
            continue
        out.append((c, False))
        out += [(p, True) for p in parts.get(i, [])]
    return out
