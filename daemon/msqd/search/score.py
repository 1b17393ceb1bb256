"""How a candidate is scored and whether it is shown: the ranking policy.

Score = fused retrieval rank + constraint evidence:

- **Fusion.** Reciprocal rank fusion of the dense (hnswlib), lexical (FTS5
  bm25) and name (cover.py) lists: ``sum(RRF_K / (RRF_K + rank))`` over the lists a card is in, so a
  card ranked first in one list scores ~1.0, first in both ~2.0, and neither
  score's scale (cosine vs bm25) dominates.
- **Soft constraints** (vocabulary words) are grouped by field; several on one
  list field ("unet diffusion") form one group that holds when any of them
  does. A group that matches adds ``SOFT_MATCH``; one the card contradicts (it
  states a value and it is not the asked one) adds ``SOFT_MISMATCH``; a card
  without the field is neutral.
- **Hard constraints** and ``--filter`` never reach this module's scoring: rows
  failing them are removed before retrieval (exact masks over all cards).

Relevance (the floor). A row is shown when it is evidence of what was asked:
it satisfies more constraint groups than it contradicts, or it passed an exact
filter, or - when it is neutral on every constraint - it contains every content
word of the question (FTS5 AND query) or is close in meaning (dense distance at
most ``DENSE_FLOOR``, or ``LEXICAL_DENSE_FLOOR`` when some words also hit).
Other rows are counted in ``hidden`` and shown only with ``all``. The floors
were set from MiniLM distances on the demo and test corpora (docs/search.md).

Comparison sides are strict: cards contradicting a side's constraint never
reach scoring (rank.py masks them), and a row is shown only when it satisfies
every constraint of the side, or all but missing ones while being close in
meaning (``DENSE_FLOOR``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .reading import Constraint

RRF_K = 60.0
SOFT_MATCH = 0.5
# A value the question states and the card contradicts costs more than a match earns:
# "gan on mnist in tensorflow" does not want the PyTorch GAN on MNIST above the
# TensorFlow ones (2 matches, 1 contradiction must not tie 2 matches, 0 stated).
SOFT_MISMATCH = -0.75
# all-MiniLM-L6-v2 cosine distances between a question and a card's text:
# the right card ~0.35-0.55, related ones ~0.5-0.65, unrelated 0.7-0.95.
DENSE_FLOOR = 0.55
LEXICAL_DENSE_FLOOR = 0.62
# Name evidence (cover.py): a card whose own names hold the whole question gains
# as much as a first rank in one more retrieval list.
NAME_MATCH = 1.2
# A card holding this idf share of the question (in names or rare words) is shown
# whatever its dense distance; when nothing is shown and some card holds CLOSE_COVER,
# the best-scored cards holding at least CLOSE_SHARE of that card's share are offered
# as the closest matches (a training script whose names hold "image captioning" ranks
# above the notebook whose name holds a little more of the question).
STRONG_COVER = 0.6
CLOSE_COVER = 0.45
CLOSE_SHARE = 0.8
# What a file is: training entry points (and notebooks) first, then model
# definitions, then the configs and helpers around them; a framework's own
# source last unless the question asks for it (ROLE_ASKED).
ROLE_PRIOR = {"train": 0.15, "model": 0.0, "config": -0.15, "data": -0.15, "util": -0.15}
LIBRARY_PRIOR = -0.5  # and rank.py orders library rows after the rest
ROLE_ASKED = frozenset({"library", "libraries", "source", "src", "package", "internals"})


@dataclass
class Group:
    """Soft constraints on one field; holds when any of them does."""

    field: str
    constraints: list[Constraint]
    match: np.ndarray  # per slot: the card's value satisfies the group
    present: np.ndarray  # per slot: the card states the field

    @property
    def source(self) -> str:
        return " / ".join(c.source for c in self.constraints)


@dataclass
class Evidence:
    """Where a candidate came from in each retrieval list."""

    dense_rank: int | None = None
    distance: float = -1.0
    lex_rank: int | None = None
    bm25: float = 0.0
    lex_all: bool = False  # the card contains every content word of the question
    name_rank: int | None = None  # rank among the cards whose names hold the question
    name_cover: float = 0.0  # idf share of the question held in the card's names
    cover: float = 0.0  # idf share held in names or rare words (cover.py)


@dataclass
class Judged:
    slot: int
    score: float
    relevant: bool
    distance: float
    bm25: float
    matched: int = 0
    contradicted: int = 0
    why: list[str] = field(default_factory=list)
    cover: float = 0.0


def fused(ev: Evidence) -> float:
    """Reciprocal rank fusion, scaled so rank 1 in one list is ~1.0."""
    s = 0.0
    if ev.dense_rank is not None:
        s += RRF_K / (RRF_K + ev.dense_rank + 1)
    if ev.lex_rank is not None:
        s += RRF_K / (RRF_K + ev.lex_rank + 1)
    if ev.name_rank is not None:
        # Weighed by how much of the question the names hold: the list ranks ties.
        s += ev.name_cover * RRF_K / (RRF_K + ev.name_rank + 1)
    return s


def judge(
    slot: int,
    ev: Evidence,
    groups: list[Group],
    value_of: object,
    *,
    exact: list[str],
    explain: bool,
    strict: bool = False,
    role_prior: float = 0.0,
    axis: frozenset[str] = frozenset(),
) -> Judged:
    """Score one candidate; ``exact`` names the hard constraints it passed.

    ``role_prior`` is the card's role weight (:func:`role_weight`); ``axis`` the
    fields a comparison contrasts, which a side's row must state and match.
    """
    score = fused(ev) + NAME_MATCH * ev.name_cover + role_prior
    why: list[str] = []
    if explain:
        if ev.dense_rank is not None or ev.distance >= 0:
            where = f"#{ev.dense_rank + 1} " if ev.dense_rank is not None else ""
            why.append(f"dense {where}cosine distance {ev.distance:.3f}")
        if ev.lex_rank is not None:
            why.append(f"lexical #{ev.lex_rank + 1} bm25 {ev.bm25:.2f}")
        if ev.name_rank is not None:
            why.append(f"names #{ev.name_rank + 1}")
        why.append(f"fused (RRF k={RRF_K:g}) {fused(ev):.3f}")
        if ev.name_cover:
            why.append(f"+{NAME_MATCH * ev.name_cover:.2f} names hold the question")
        if ev.cover:
            why.append(f"holds {ev.cover:.0%} of the question (idf)")
        if role_prior:
            why.append(f"{role_prior:+g} role")
    matched = contradicted = 0
    for g in groups:
        if g.match[slot]:
            matched += 1
            score += SOFT_MATCH
            if explain:
                why.append(f"+{SOFT_MATCH:g} {g.field} matches {g.source!r}")
        elif g.present[slot]:
            contradicted += 1
            score += SOFT_MISMATCH
            if explain:
                got = value_of(g.field)  # type: ignore[operator]
                why.append(f"{SOFT_MISMATCH:g} {g.field} is {got!r}, not {g.source!r}")
    if explain:
        why += [f"passes {e}" for e in exact]
    strong = ev.cover >= STRONG_COVER
    if strict and groups:
        close = 0 <= ev.distance <= DENSE_FLOOR or strong
        on_axis = all(g.match[slot] for g in groups if g.field in axis)
        relevant = (
            not contradicted and on_axis and (matched == len(groups) or (matched > 0 and close))
        )
        reason = f"{matched} of {len(groups)} side constraints match"
    elif matched or contradicted:
        relevant = matched > contradicted or (strong and matched >= contradicted)
        reason = f"{matched} of {len(groups)} constraints match, {contradicted} contradicted"
    elif exact:
        relevant, reason = True, "passes the exact conditions"
    elif strong:
        relevant, reason = True, f"holds {ev.cover:.0%} of the question"
    elif ev.lex_all:
        relevant, reason = True, "contains every word of the question"
    elif ev.distance >= 0:
        floor = LEXICAL_DENSE_FLOOR if ev.lex_rank is not None else DENSE_FLOOR
        relevant = ev.distance <= floor
        reason = f"distance {ev.distance:.3f} {'<=' if relevant else '>'} floor {floor:g}"
    else:
        # No vectors (model still loading): the lexical hit is all the evidence.
        relevant, reason = ev.lex_rank is not None, "lexical match only"
    if explain:
        why.append(("shown: " if relevant else "below the relevance floor: ") + reason)
    return Judged(slot, score, relevant, ev.distance, ev.bm25, matched, contradicted, why, ev.cover)


# Within one project, the order of what a file is: entry points and notebooks first.
_ROLE_RANK = {"train": 0, "model": 1, "config": 2, "data": 2, "util": 2, "library": 3}
# A row holding at least the name cover of another, less this, holds the question as well.
_SAME_HOLD = 0.05


def entry_points_first(
    judged: list[Judged],
    project_of: Callable[[int], str],
    role_of: Callable[[int], str],
    name_cover_of: Callable[[int], float],
) -> list[Judged]:
    """Reorder each project's rows among the places they hold: an entry point moves
    ahead of the project's model files and helpers that hold no more of the question's
    names ("lightning hydra template" matches the project name in every file of it: its
    train.py goes first, but "instantiators" still finds that helper first). Other
    projects' rows keep their places."""
    places: dict[str, list[int]] = {}
    for i, j in enumerate(judged):
        proj = project_of(j.slot)
        if proj:
            places.setdefault(proj, []).append(i)
    out = list(judged)
    for idxs in places.values():
        if len(idxs) < 2:
            continue
        # (role rank, name cover, row), each looked up once.
        order: list[tuple[int, float, Judged]] = []
        for j in (judged[i] for i in idxs):
            rank, held = _ROLE_RANK.get(role_of(j.slot) or "train", 2), name_cover_of(j.slot)
            # Ahead of the first row of a lower role that holds no more of the names.
            at = next(
                (n for n, (r, h, _) in enumerate(order) if r > rank and held >= h - _SAME_HOLD),
                len(order),
            )
            if at < len(order) and j.why:
                # --explain: say why a row may print above one with a higher score.
                passed = order[at][2]
                j.why.append(
                    "entry point first: placed ahead of its project's rows "
                    f"(score {passed.score:.2f})"
                )
            order.insert(at, (rank, held, j))
        for place, (_, _, j) in zip(idxs, order, strict=True):
            out[place] = j
    return out


def role_weight(role: str, language: str, library_asked: bool) -> float:
    """The rank prior of a card's role (notebooks without a role count as training)."""
    if role == "library":
        return 0.0 if library_asked else LIBRARY_PRIOR
    if not role and language == "ipynb":
        role = "train"
    return ROLE_PRIOR.get(role, 0.0)


def closest_rows(judged: list[Judged], n: int) -> list[Judged]:
    """The ``n`` best-ranked rows near the best cover, when one holds ``CLOSE_COVER``."""
    best = max((j.cover for j in judged), default=0.0)
    if best < CLOSE_COVER:
        return []
    return [j for j in judged if j.cover >= CLOSE_SHARE * best][:n]
