"""The grounding check: a narrative sentence may only state facts of the models it names.

A sentence is split into the claims it makes (numbers, ratios and differences,
dates, datasets, optimizers, devices, architecture words, class names) and the
models it names (model id, path, file name, stem, project, "side 2", "the MNIST
model"). Each claim is attributed to the nearest model named before it (or, when
none precedes it, the first one named after it) and must be true of that model.
When the sentence names no model, each claim must be true of some compared model
(of every model when it says "both", "all", "each" or "every"). Counts of the
comparison itself ("two models") are allowed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from msqd.vocab import DATASETS, DEVICES, OPTIMIZERS

from .facts import ARCH_WORDS, KIND_WORDS, Facts, ModelFacts
from .words import (
    ABBREVIATIONS,
    AMBIGUOUS,
    COMMON_ACRONYMS,
    COMMON_NAMES,
    DEVICE_SKIP,
    LAYER_WORDS,
    NUMBER_WORDS,
    PROSE_LAYERS,
)

_END = re.compile(r"[.!?]+[\"')\]]*(?=\s)|\n+")
_NUM = re.compile(
    r"(?<![\w.])(?P<pre>[x×]\s?)?(?P<sign>[+-])?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?![\d.])|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<exp>\s?[eE][+-]?\d+|\s?[x×*·]\s?10\s?\^\s?[+-]?\d+)?"
    r"(?P<suf>[kK](?![A-Za-z])|x(?![A-Za-z\d])|×|px)?(?![A-Za-z\d])"
)
_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
_IDENT = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_RATIO_AFTER = re.compile(r"\s*(?:-|\s)?(?:times|fold)\b", re.I)
_DELTA_AFTER = re.compile(
    r"\s*(?:\w+\s)?(?:more|fewer|less|higher|lower|larger|smaller|bigger|greater)\b", re.I
)
_ATTACH_NEXT = re.compile(r"\W*(?:[A-Za-z]+\s+)?(?:in|for|of|by)\s+(?:the\s+)?", re.I)
_SCHEDULE = re.compile(
    r"\b(cosine|linear|quadratic|sigmoid|sqrt|scaled[_ ]linear)"
    r"\s+(?:\w+\s+)?(?:beta|noise|schedule)",
    re.I,
)
_PRONOUN = re.compile(
    r"\W*(?:it|its|it's|this|that|the latter|the former|the same)\b(?!\s+(?:two|models)\b)", re.I
)
_ALL_WORDS = re.compile(r"\b(?:both|all|each|every)\b", re.I)


@dataclass
class Claim:
    """One checkable statement inside a sentence."""

    kind: str  # number, ratio, delta, date, dataset, optimizer, device, arch, layer, class
    text: str
    value: Any
    start: int


@dataclass
class GroundingResult:
    """Whether a sentence is grounded, why not, and which models it named."""

    ok: bool
    reasons: list[str]
    model_ids: list[str]
    claims: list[Claim] = field(default_factory=list)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, contiguous, blank ones left out.

    A sentence ends at ``.``, ``!`` or ``?`` followed by white space (not after an
    abbreviation or a list number such as ``1.``) or at a line break, so ``2.5e-4``
    and ``v10.py`` never split.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group()[0] in ".!?":
            word = re.search(r"(\S*)$", text[start : m.start()])
            w = word.group(1).lower() if word else ""
            line_start = max(start, text.rfind("\n", 0, m.start()) + 1)
            list_marker = w.isdigit() and text[line_start : m.start()].strip() == w
            if w in ABBREVIATIONS or list_marker:
                continue
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped."""
    return [text[a:b].strip() for a, b in sentence_spans(text)]


def _alias_patterns(table: dict[str, tuple[str, ...]], skip: frozenset[str] = frozenset()):
    pairs: list[tuple[str, str, bool]] = []  # (word, canonical, case-sensitive)
    for canon, aliases in table.items():
        for a in {canon.lower(), *aliases}:
            if a in DEVICE_SKIP or a in skip:
                continue
            if a in AMBIGUOUS:
                pairs.append((canon, canon, True))
            else:
                pairs.append((a, canon, False))
    pairs = sorted(set(pairs), key=lambda p: -len(p[0]))
    return [
        (re.compile(rf"(?<![\w-]){re.escape(w)}(?![\w-])", 0 if cs else re.I), canon)
        for w, canon, cs in pairs
    ]


_DATASET_PATTERNS = _alias_patterns(DATASETS)
_OPTIMIZER_PATTERNS = _alias_patterns(OPTIMIZERS)
_DEVICE_PATTERNS = _alias_patterns(DEVICES)
_ARCH_PATTERNS = _alias_patterns(ARCH_WORDS)
_LAYER_PATTERNS = [
    (re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.I), frags)
    for alt, frags in PROSE_LAYERS.items()
]


def _class_like(t: str) -> bool:
    if re.fullmatch(r"[A-Z0-9]+s?", t) or not (re.search(r"[A-Z]", t) and re.search(r"[a-z]", t)):
        return False
    if "_" in t:
        return True
    return bool(re.search(r"[a-z][A-Z]|[A-Z]{2}[a-z]|[A-Za-z]\d+[A-Za-z]|[a-z]\d+$", t))


class _Scan:
    """A sentence with the parts already read blanked out, so nothing counts twice."""

    def __init__(self, text: str) -> None:
        # Markdown emphasis and the unicode minus would only get in the way.
        self.text = text.replace("−", "-").replace("*", " ").replace("`", " ").replace("#", " ")
        self.text = re.sub(r"^\s*(?:[-•]|\d+[.)])\s+", lambda m: " " * len(m.group()), self.text)
        # "32x32" and "x4x6": the x between digits only separates numbers.
        self.text = re.sub(r"(?<=\d)[x×](?=\d)", " ", self.text)

    def take(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        found = list(pattern.finditer(self.text))
        for m in found:
            self.text = self.text[: m.start()] + " " * (m.end() - m.start()) + self.text[m.end() :]
        return found


def _mention_patterns(facts: Facts) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    out = [
        (re.compile(rf"(?<![\w/.-]){re.escape(n)}(?:\.py|\.ipynb)?(?![\w/-])", re.I), ids)
        for n, ids in facts.names
    ]
    by_ds: dict[str, set[str]] = {}
    for mf in facts.models.values():
        for ds in mf.datasets:
            by_ds.setdefault(ds, set()).add(mf.model_id)
    for ds, ids in by_ds.items():
        words = "|".join(
            re.escape(a) for a in sorted({ds.lower(), *DATASETS.get(ds, ())}, key=len, reverse=True)
        )
        kinds = r"(?:model|one|script|network|net|version|run|notebook)s?"
        mods = r"(?:\s+(?:diffusion|ddpm|ddim|gan|vae|cnn|classifier|conditional|latent))*"
        out.append(
            (re.compile(rf"(?<![\w-])(?:{words}){mods}\s+{kinds}(?![\w-])", re.I), frozenset(ids))
        )
        out.append(
            (
                re.compile(
                    rf"\b{kinds}\s+(?:(?:trained|that\s+trains)\s+)?(?:on|for)\s+(?:the\s+)?(?:{words})(?![\w-])",
                    re.I,
                ),
                frozenset(ids),
            )
        )
    return out


def _number_claims(scan: _Scan) -> list[Claim]:
    claims: list[Claim] = []
    text = scan.text
    for m in _NUM.finditer(text):
        value = float(m.group("num").replace(",", ""))
        exp = m.group("exp")
        if exp:
            value *= 10 ** int(re.sub(r"[^\d+-]", "", exp.split("^")[-1].lower().split("e")[-1]))
        suf = (m.group("suf") or "").lower()
        if suf == "k":
            value *= 1000
        after = text[m.end() :]
        kind = "number"
        if m.group("pre") or suf in ("x", "×") or _RATIO_AFTER.match(after):
            kind = "ratio"
        elif m.group("sign") or _DELTA_AFTER.match(after):
            kind = "delta"
        claims.append(Claim(kind, m.group().strip(), value, m.start()))
    for m in re.finditer(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", text, re.I):
        claims.append(Claim("number", m.group(), float(NUMBER_WORDS[m.group().lower()]), m.start()))
    return claims


def _name_claims(scan: _Scan) -> list[Claim]:
    """Proper names and acronyms: anything not ordinary must be a fact."""
    claims = []
    text = scan.text
    for m in re.finditer(r"\b(?:[A-Z][a-z]+|[A-Z]{2,6}\d*s?)\b", text):
        w = m.group()
        before = text[: m.start()].rstrip()
        if not before or before[-1] in ".:;-\n\"'":
            continue  # a sentence or clause starts with a capital anyway
        if w.lower() in COMMON_NAMES or w.upper().rstrip("S") in COMMON_ACRONYMS:
            continue
        if w.upper() in COMMON_ACRONYMS:
            continue
        claims.append(Claim("name", w, (w.lower(), w.lower().rstrip("s")), m.start()))
    return claims


def extract_claims(
    sentence: str, facts: Facts
) -> tuple[list[Claim], list[tuple[int, frozenset[str]]]]:
    """The claims a sentence makes and the models it names (position, ids)."""
    scan = _Scan(sentence)
    mentions: list[tuple[int, frozenset[str]]] = []
    for pat, ids in _mention_patterns(facts):
        mentions += [(m.start(), ids) for m in scan.take(pat)]
    claims = [Claim("date", m.group(), m.group(), m.start()) for m in scan.take(_DATE)]
    for kind, patterns in (
        ("dataset", _DATASET_PATTERNS),
        ("optimizer", _OPTIMIZER_PATTERNS),
        ("device", _DEVICE_PATTERNS),
        ("arch", _ARCH_PATTERNS),
    ):
        for pat, canon in patterns:
            claims += [Claim(kind, m.group(), canon, m.start()) for m in scan.take(pat)]
    claims += [
        Claim("schedule", m.group(1), m.group(1).lower(), m.start()) for m in scan.take(_SCHEDULE)
    ]
    for pat, frags in _LAYER_PATTERNS:
        claims += [Claim("layer", m.group(), frags, m.start()) for m in scan.take(pat)]
    first_word = re.match(r"\s*(\w+)", scan.text)
    for m in list(_IDENT.finditer(scan.text)):
        last = m.group().rsplit(".", 1)[-1]
        cands = [last] + ([last[:-1]] if last.endswith("s") else [])
        known_word = last in LAYER_WORDS and not (first_word and first_word.start(1) == m.start())
        if known_word or any(_class_like(c) for c in cands):
            claims.append(Claim("class", m.group(), tuple(c.lower() for c in cands), m.start()))
            scan.text = scan.text[: m.start()] + " " * len(m.group()) + scan.text[m.end() :]
    claims += _name_claims(scan)
    claims += _number_claims(scan)
    return sorted(claims, key=lambda c: c.start), sorted(mentions, key=lambda x: x[0])


def _true_of(claim: Claim, mf: ModelFacts, facts: Facts) -> bool:
    v = claim.value
    if claim.kind == "number":
        counts = {facts.n_columns, facts.n_sides, *facts.side_sizes}
        return mf.has_number(v) or (v.is_integer() and v in counts)
    if claim.kind == "ratio":
        return mf.has_number(v) or any(math.isclose(v, r, rel_tol=0.02) for r in facts.ratios)
    if claim.kind == "delta":
        return mf.has_number(v) or any(math.isclose(v, d, rel_tol=1e-6) for d in facts.deltas)
    if claim.kind == "date":
        return v in mf.dates
    if claim.kind == "dataset":
        return v in mf.datasets
    if claim.kind == "optimizer":
        return v in mf.optimizers
    if claim.kind == "device":
        return v in mf.devices or (v == "cuda" and "multi-gpu" in mf.devices)
    if claim.kind == "name":
        return any(c in m.classes for c in v for m in facts.models.values())
    if claim.kind == "schedule":
        return v.replace(" ", "_") in mf.schedules
    if claim.kind == "arch":
        return v in mf.arch or (v in KIND_WORDS and not mf.family_known)
    if claim.kind == "layer":
        return any(f in c for f in v for c in mf.classes)
    return any(c in mf.classes for c in v)


def _owner(
    sentence: str, c: Claim, mentions: list[tuple[int, frozenset[str]]]
) -> frozenset[str] | None:
    """The models a claim is about: the nearest named before it; "1000 in the CIFAR-10
    model" attaches to the model right after it; with none before, the first after."""
    after = [(pos, ids) for pos, ids in mentions if pos > c.start]
    if after:
        gap = sentence[c.start + len(c.text) : after[0][0]]
        if _ATTACH_NEXT.fullmatch(gap):
            return after[0][1]
    before = [ids for pos, ids in mentions if pos < c.start]
    if before:
        return before[-1]
    return after[0][1] if after else None


def check_sentence(
    sentence: str, facts: Facts, previous: list[str] | None = None
) -> GroundingResult:
    """Check one sentence against the facts; see the module docstring for the rules.

    ``previous`` (the models the previous sentence named) resolves a sentence that
    opens with "It", "Its", "This model" ... and names no model itself.
    """
    claims, mentions = extract_claims(sentence, facts)
    if not mentions and previous and _PRONOUN.match(sentence):
        mentions = [(0, frozenset(previous))]
    named = [i for i in facts.ids() if any(i in ids for _, ids in mentions)]
    every = not mentions and bool(_ALL_WORDS.search(sentence))
    reasons: list[str] = []
    for c in claims:
        owner = _owner(sentence, c, mentions)
        if owner is None:
            pool = list(facts.models.values())
            ok = (all if every else any)(_true_of(c, mf, facts) for mf in pool)
            who = "every compared model" if every else "any compared model"
        else:
            ok = any(_true_of(c, facts.models[i], facts) for i in owner)
            who = ", ".join(i for i in facts.ids() if i in owner)
        if not ok:
            reasons.append(f"{c.kind} {c.text!r} is not a fact of {who}")
    return GroundingResult(not reasons, reasons, named, claims)
