"""Finding vocabulary terms (datasets, architectures, frameworks ...) in free text.

Phrases are matched on word n-grams with separators removed, so "cifar10",
"CIFAR-10", "cifar 10" and "cifar_10" are one key. Matching is longest-first,
left to right ("fashion mnist" beats "mnist", "pytorch lightning" beats
"pytorch"). Unmatched words of five letters or more get one chance at a typo
correction against single-word aliases (edit distance 1, or 2 from eight letters),
found through a precomputed deletion index so a query stays well under a
millisecond.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from msqd import vocab

TermValue = str | bool | tuple[str, ...]


@dataclass(frozen=True)
class Term:
    """What a phrase means: ``field op value`` with op "=" or "in"."""

    field: str
    op: str
    value: TermValue


@dataclass(frozen=True)
class TermMatch:
    """One phrase found in the text: character span, the words as typed, the term."""

    start: int
    end: int
    text: str
    term: Term
    corrected_to: str = ""  # set when the words were a typo of this alias


# Words in questions that do not come from vocab.py tables (query-only readings).
_CONDITIONAL: dict[bool, tuple[str, ...]] = {
    True: (
        "conditional",
        "class-conditional",
        "class conditional",
        "label-conditional",
        "label conditioned",
        "class conditioned",
        "conditioned",
        # Guidance steers a class-conditional diffusion model; its "classifier" is
        # not an image classifier being asked for.
        "classifier-free guidance",
        "classifier free guidance",
        "classifier guidance",
    ),
    False: ("unconditional", "non-conditional", "unconditioned"),
}
_PRETRAINED: dict[bool, tuple[str, ...]] = {
    True: (
        "pretrained",
        "pre-trained",
        "transfer learning",
        "fine-tune",
        "fine-tuned",
        "fine-tuning",
        "fine tune",
        "fine tuned",
        "fine tuning",
        "finetune",
        "finetuned",
        "finetuning",
    ),
    False: ("from scratch", "trained from scratch"),
}
_MIXED_PRECISION = (
    "mixed precision",
    "mixed-precision",
    "fp16",
    "bf16",
    "half precision",
    "amp",
    "autocast",
    "float16",
)

# Frequent English words within typo distance of an alias; never "corrected".
_NOT_TYPOS = frozenset(
    {
        "lighting",
        "touch",
        "porch",
        "irish",
        "unset",
        "petal",
        "medal",
        "metals",
        "cocoa",
        "transform",
        "transforms",
        "transformed",
        "models",
        "model",
        "modal",
        "latest",
        "using",
        "there",
        "where",
        "which",
        "pests",
        "poets",
        "wines",
        "adams",
        "swine",
        "digit",
        "classes",
        "better",
        "condition",
        "conditions",
        "additional",
        "traditional",
        "diffused",
        "contrasting",
        "triple",
    }
)

_KEY_DROP_RE = re.compile(r"[\s\-_.]+")
# Word pieces; a piece never spans punctuation other than - _ . and spaces.
_PIECE_RE = re.compile(r"[A-Za-z0-9]+")
_BREAK_RE = re.compile(r"[^\sA-Za-z0-9\-_.]")
MAX_NGRAM = 4


def key(phrase: str) -> str:
    """The lookup key of a phrase: lower case, separators removed."""
    return _KEY_DROP_RE.sub("", phrase.lower())


def _build_phrases() -> dict[str, Term]:
    table: dict[str, Term] = {}

    def add(field: str, op: str, value: TermValue, phrases: tuple[str, ...]) -> None:
        for phrase in phrases:
            # First registration wins: datasets and architectures before frameworks,
            # so "transformers" reads as the architecture.
            table.setdefault(key(phrase), Term(field, op, value))

    for name, aliases in vocab.DATASETS.items():
        add("dataset", "=", name, (name, *aliases))
    for family, aliases in vocab.DATASET_FAMILY_ALIASES.items():
        add("dataset", "in", vocab.DATASET_FAMILIES[family], (family, *aliases))
    for name, aliases in vocab.ARCH_FAMILIES.items():
        if name != "other":  # "other" is a card value, not a word to look for
            add("arch_family", "=", name, (name, *aliases))
    for name, aliases in vocab.OPTIMIZERS.items():
        add("optimizer", "=", name, (name, *aliases))
    for name, aliases in vocab.DEVICES.items():
        add("device", "=", name, (name, *aliases))
    for name, aliases in vocab.FRAMEWORKS.items():
        add("framework", "=", name, (name, *aliases))
    for flag, words in _CONDITIONAL.items():
        add("conditional", "=", flag, words)
    for flag, words in _PRETRAINED.items():
        add("pretrained", "=", flag, words)
    add("mixed_precision", "=", True, _MIXED_PRECISION)
    # A long form reads as its abbreviation's term: "deep q network" as dqn.
    for short, longs in vocab.ABBREVIATIONS.items():
        term = table.get(key(short))
        if term is not None:
            for phrase in longs:
                table.setdefault(key(phrase), term)
    return table


PHRASES: dict[str, Term] = _build_phrases()
_MAX_KEY = max(len(k) for k in PHRASES)


def _deletions(word: str, depth: int) -> set[str]:
    out = {word}
    for n in range(1, depth + 1):
        for drop in combinations(range(len(word)), n):
            out.add("".join(c for i, c in enumerate(word) if i not in drop))
    return out


# Deletion index over single-word keys (SymSpell): two words within distance d
# share a string reachable by at most d deletions from each.
_TYPO_INDEX: dict[str, set[str]] = {}
for _k in PHRASES:
    if len(_k) >= 4 and _k.isalnum():
        for _d in _deletions(_k, 2 if len(_k) >= 6 else 1):
            _TYPO_INDEX.setdefault(_d, set()).add(_k)


def _osa_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: edits plus adjacent transpositions."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


@lru_cache(maxsize=4096)
def correct_typo(word: str) -> str | None:
    """The alias key a misspelt word stands for, or None (short, common or ambiguous)."""
    w = word.lower()
    if len(w) < 5 or w in _NOT_TYPOS or w in PHRASES or not w.isalnum() or w.isdigit():
        return None
    limit = 2 if len(w) >= 8 else 1
    candidates: set[str] = set()
    for d in _deletions(w, limit):
        candidates |= _TYPO_INDEX.get(d, set())
    best: dict[str, int] = {}
    for cand in candidates:
        dist = _osa_distance(w, cand)
        if dist <= limit:
            best[cand] = dist
    if not best:
        return None
    low = min(best.values())
    winners = sorted(c for c, d in best.items() if d == low)
    # Two different meanings at the same distance: do not guess.
    if len({PHRASES[c] for c in winners}) > 1:
        return None
    return winners[0]


def _pieces(text: str) -> list[list[re.Match[str]]]:
    """Word pieces grouped into segments that phrases may not cross."""
    segments: list[list[re.Match[str]]] = [[]]
    last = 0
    for m in _PIECE_RE.finditer(text):
        if _BREAK_RE.search(text, last, m.start()):
            segments.append([])
        segments[-1].append(m)
        last = m.end()
    return [s for s in segments if s]


def data_terms(datasets: list[object]) -> dict[str, Term]:
    """Dataset names the index's cards hold that the built-in table lacks, as terms.

    Only names that look like names: a digit or two capitals in a word
    (Multi30k, FordA, MUTAG, IMDB-BINARY), so "names (18 languages)" or
    "Landscape Pictures" never turn a common word into a constraint. A class
    subset ("X (a, b)") is known by its base name too.
    """
    out: dict[str, Term] = {}
    for value in datasets:
        for v in value if isinstance(value, list) else [value]:
            if not isinstance(v, str):
                continue
            base = v.split(" (")[0].strip()
            k = key(base)
            if k in PHRASES or k in out or len(k) < 3 or len(k) > _MAX_KEY:
                continue
            if any(_NAME_LIKE.search(w) for w in base.split()) and len(base.split()) <= MAX_NGRAM:
                out[k] = Term("dataset", "=", base)
    return out


_NAME_LIKE = re.compile(r"[A-Za-z].*\d|\d.*[A-Za-z]|[A-Z].*[A-Z]")


def find_terms(text: str, extra: dict[str, Term] | None = None) -> list[TermMatch]:
    """All vocabulary terms in ``text``, left to right, non-overlapping.

    ``extra`` adds terms known from the data (:func:`data_terms`); the built-in
    table wins where both know a phrase.
    """
    extra = extra or {}
    found: list[TermMatch] = []
    for seg in _pieces(text):
        i = 0
        while i < len(seg):
            match = None
            for n in range(min(MAX_NGRAM, len(seg) - i), 0, -1):
                joined = "".join(m.group().lower() for m in seg[i : i + n])
                if len(joined) > _MAX_KEY:
                    continue
                term = PHRASES.get(joined) or extra.get(joined)
                if term is not None:
                    start, end = seg[i].start(), seg[i + n - 1].end()
                    match = TermMatch(start, end, text[start:end], term)
                    i += n
                    break
            if match is None:
                fixed = correct_typo(seg[i].group())
                m = seg[i]
                if fixed is not None:
                    match = TermMatch(m.start(), m.end(), m.group(), PHRASES[fixed], fixed)
                elif extra:
                    near = _extra_typo(m.group().lower(), extra)
                    if near is not None:
                        match = TermMatch(m.start(), m.end(), m.group(), extra[near], near)
                i += 1
            if match is not None:
                found.append(match)
    return found


def _extra_typo(word: str, extra: dict[str, Term]) -> str | None:
    """The one data-vocabulary key a misspelt word (5+ letters) is one edit from."""
    if len(word) < 5 or word in _NOT_TYPOS or word in extra or not word.isalnum():
        return None
    near = [k for k in extra if abs(len(k) - len(word)) <= 1 and _osa_distance(word, k) <= 1]
    return near[0] if len(near) == 1 else None
