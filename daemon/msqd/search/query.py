"""Reading a loose question: free text, implied constraints, comparison sides.

    read_query("diffusion cifar vs mnist")
    read_query("which of my models used SGD with lr above 0.01?")

The reading is rule-based and deterministic (no model): numeric conditions and
explicit ``field op value`` pieces become hard constraints; vocabulary words
(datasets, architectures, frameworks, optimizers, hardware) become soft ones;
a comparison cue splits the question into sides that share context words. The
rules are documented in docs/search.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from msqd.search import terms
from msqd.search.reading import (
    Constraint,
    ConstraintValue,
    QueryReading,
    SideReading,
    summarize,
)
from msqd.search.values import ALIASES, FIELDS, parse_date

__all__ = ["Constraint", "QueryReading", "SideReading", "read_query"]

# ------------------------------------------------------------ numeric conditions

_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_FIELD_WORDS: dict[str, str] = {
    "learning_rate": r"learning[\s_-]*rates?|lr",
    "batch_size": r"batch[\s_-]*sizes?|batch|bs",
    "epochs": r"epochs?",
    "weight_decay": r"weight[\s_-]*decay|wd",
    "timesteps": r"time[\s_-]*steps|timesteps|diffusion\s+steps|noise\s+steps",
    "image_size": r"image[\s_-]*size|img[\s_-]*size|resolution",
    "seed": r"seed",
}
_FIELD = "|".join(f"(?:{w})" for w in _FIELD_WORDS.values())
_FIELD_RES = {f: re.compile(w, re.I) for f, w in _FIELD_WORDS.items()}
_INT_FIELDS = frozenset({"batch_size", "epochs", "timesteps", "image_size", "seed", "size"})
# Comparator words, most specific first (">= words" before "> words").
_CMP_WORDS: tuple[tuple[str, str], ...] = (
    (r"greater\s+than\s+or\s+equal\s+to|at\s+least|no\s+less\s+than|>=|≥|minimum(?:\s+of)?", ">="),
    (
        r"less\s+than\s+or\s+equal\s+to|at\s+most|no\s+more\s+than|up\s+to|<=|≤|"
        r"maximum(?:\s+of)?",
        "<=",
    ),
    (
        r"greater\s+than|more\s+than|higher\s+than|larger\s+than|bigger\s+than|above|over|exceeding|>",
        ">",
    ),
    (r"less\s+than|lower\s+than|smaller\s+than|fewer\s+than|below|under|<", "<"),
    (r"exactly|equal\s+to|equals|==|=", "="),
    (r"!=", "!="),
)
_CMP = "|".join(f"(?:{w})" for w, _ in _CMP_WORDS)
_CMP_RES = tuple((re.compile(w, re.I), op) for w, op in _CMP_WORDS)
_ALIAS_NAMES = "|".join(re.escape(a) for a in sorted(ALIASES, key=len, reverse=True))
_PRE = r"(?<![\w.])"
_POST = r"(?![\w])"

_EXPLICIT_RE = re.compile(
    rf"{_PRE}(?P<f>{_ALIAS_NAMES})\s*(?P<op>!=|==|>=|<=|=|<|>|~)\s*"
    rf"(?P<v>\"[^\"]*\"|'[^']*'|[-+]?[\w.][\w.\-+/:]*)",
    re.I,
)
_RANGE_RES = (
    re.compile(
        rf"{_PRE}(?P<f>{_FIELD})\b\s*(?:(?:is|was|of)\s+)?between\s+(?P<lo>{_NUM})\s*"
        rf"(?:and|to|-)\s*(?P<hi>{_NUM}){_POST}",
        re.I,
    ),
    re.compile(
        rf"{_PRE}between\s+(?P<lo>{_NUM})\s*(?:and|to|-)\s*(?P<hi>{_NUM})\s*(?P<f>{_FIELD})\b", re.I
    ),
)
_SINGLE_RES = (
    # "lr above 0.01", "learning rate of 2e-4", "batch size 256", "epochs >= 100"
    re.compile(
        rf"{_PRE}(?P<f>{_FIELD})\b\s*(?:(?:is|was|of|at|set\s+to)\s+|:\s*)?"
        rf"(?:(?P<cmp>{_CMP})\s*)?(?P<num>{_NUM}){_POST}",
        re.I,
    ),
    # "more than 50 epochs", "under 1e-4 learning rate"
    re.compile(rf"{_PRE}(?P<cmp>{_CMP})\s*(?P<num>{_NUM})\s*(?P<f>{_FIELD})\b", re.I),
    # "100 epochs", "1000+ timesteps": only for fields that read like units
    re.compile(
        rf"{_PRE}(?P<num>{_NUM})(?P<plus>\s*\+)?\s*(?P<f>epochs?|{_FIELD_WORDS['timesteps']})\b",
        re.I,
    ),
)


def _field_of(word: str) -> str:
    return next(f for f, rx in _FIELD_RES.items() if rx.fullmatch(word.strip()))


def _op_of(word: str | None) -> str:
    if not word:
        return "="
    return next(op for rx, op in _CMP_RES if rx.fullmatch(word.strip()))


def _number(field: str, text: str) -> int | float:
    num = float(text)
    return int(num) if field in _INT_FIELDS and num.is_integer() else num


def _explicit_value(field: str, raw: str) -> ConstraintValue | None:
    """A value typed after an explicit operator, in the field's type; None if it does not fit."""
    text = raw[1:-1] if raw[:1] in "\"'" else raw
    kind = FIELDS[field].kind
    if kind == "num":
        return _number(field, text) if re.fullmatch(_NUM, text) else None
    if kind == "bool" and text.lower() in ("true", "false", "yes", "no"):
        return text.lower() in ("true", "yes")
    if kind == "date":
        # Kept as text; the filter language turns it into a day range.
        return text if parse_date(text) else None
    term = terms.PHRASES.get(terms.key(text))
    if term is not None and term.field == field and term.op == "=" and isinstance(term.value, str):
        return term.value
    return text


def _hard_constraints(text: str) -> list[Constraint]:
    """Explicit operators and numeric conditions, non-overlapping, in text order."""
    found: list[Constraint] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= s or m.start() >= e for s, e in taken)

    def add(m: re.Match[str], field: str, op: str, value: ConstraintValue) -> None:
        span = (m.start(), m.end())
        found.append(Constraint(field, op, value, m.group().strip(), True, span))

    for m in _EXPLICIT_RE.finditer(text):
        field = ALIASES[m.group("f").lower()]
        value = _explicit_value(field, m.group("v"))
        op = "=" if m.group("op") == "==" else m.group("op")
        if value is not None and free(m):
            add(m, field, op, value)
            taken.append((m.start(), m.end()))
    for rx in _RANGE_RES:
        for m in rx.finditer(text):
            if free(m):
                field = _field_of(m.group("f"))
                add(m, field, ">=", _number(field, m.group("lo")))
                add(m, field, "<=", _number(field, m.group("hi")))
                taken.append((m.start(), m.end()))
    for rx in _SINGLE_RES:
        for m in rx.finditer(text):
            if free(m):
                field = _field_of(m.group("f"))
                plus = "plus" in rx.groupindex and m.group("plus")
                op = ">=" if plus else _op_of(m.groupdict().get("cmp"))
                add(m, field, op, _number(field, m.group("num")))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda c: c.span)


def _soft_constraints(masked: str, extra: dict[str, terms.Term] | None) -> list[Constraint]:
    out = []
    for m in terms.find_terms(masked, extra):
        source = m.text if not m.corrected_to else f"{m.text} (typo for {m.corrected_to})"
        span = (m.start, m.end)
        out.append(Constraint(m.term.field, m.term.op, m.term.value, source, False, span))
    return out


# ------------------------------------------------------------------- free text

_WORD_RE = re.compile(r"\w[\w\-+.']*\w|\w")
_STOP_TEXT = """
a an the of my me i you your we our us please can could would will should which what
whats what's who that those these this show find list give tell get all any some each
did do does done is are was were be been have has had with on in for to from by and or
at as it its there their them they models model scripts script code files file ones one
used use using uses trained just only also about like want need look looking see how
compare comparing comparison contrast versus vs difference differences differ differs
different between among amongst against compared than other others where when why
"""
STOPWORDS = frozenset(_STOP_TEXT.split())
# Words that open a comparison; everything after them is split into sides.
_VS_RE = re.compile(
    r"(?<![\w])(?:vs\.?|v\.s\.|versus|compared\s+(?:to|with|against)|differs?\s+from|"
    r"different\s+from)(?![\w])",
    re.I,
)
_BETWEEN_RE = re.compile(r"\b(?:between|among|amongst)\b", re.I)
_COMPARE_RE = re.compile(r"\b(?:compare|comparing|comparison\s+of|contrast)\b", re.I)
_WITH_SPLIT = re.compile(r"\b(?:with|to|against)\b", re.I)
_AND_SPLIT = re.compile(r",\s*(?:and\b|&)?|\band\b|&", re.I)


@dataclass
class _Ctx:
    """The question being read, with hard-constraint spans masked out."""

    text: str
    masked: str
    cons: list[Constraint]
    fixes: dict[int, str]  # start offset of a misspelt word -> its correction

    def words(self, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
        """Content words (stopwords and masked spans dropped) in [start, end)."""
        end = len(self.text) if end is None else end
        return [
            m
            for m in _WORD_RE.finditer(self.masked, start, end)
            if m.group().lower() not in STOPWORDS
        ]

    def join(self, words: list[re.Match[str]]) -> str:
        return " ".join(self.fixes.get(m.start(), m.group()) for m in words)


def _split(ctx: _Ctx, start: int, end: int, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    parts, last = [], start
    for m in sep.finditer(ctx.masked, start, end):
        parts.append((last, m.start()))
        last = m.end()
    parts.append((last, end))
    # Judge emptiness on the unmasked text: "lr 0.01 vs lr 0.001" has sides made
    # only of hard constraints.
    return [(s, e) for s, e in parts if ctx.text[s:e].strip()]


def _own(ctx: _Ctx, part: tuple[int, int]) -> list[Constraint]:
    return [c for c in ctx.cons if part[0] <= c.span[0] < part[1]]


def _score(ctx: _Ctx, parts: list[tuple[int, int]]) -> int:
    """0 = not a comparison; 1 = every side has words; 2 = constraints; 3 = a common kind."""
    if len(parts) < 2:
        return 0
    owns = [_own(ctx, p) for p in parts]
    if not all(o or ctx.words(*p) for o, p in zip(owns, parts, strict=True)):
        return 0
    if not all(owns):
        return 1
    common = set.intersection(*({c.field for c in o} for o in owns))
    return 3 if common else 2


def _find_sides(ctx: _Ctx) -> list[tuple[int, int]]:
    """The character spans of the sides of a comparison, or [] when it is not one."""
    low = ctx.masked
    if _VS_RE.search(low):
        candidates = [_split(ctx, 0, len(low), _VS_RE)]
    else:
        opener = _BETWEEN_RE.search(low) or _COMPARE_RE.search(low)
        if opener is None:
            return []
        seps = [_AND_SPLIT] if opener.re is _BETWEEN_RE else [_WITH_SPLIT, _AND_SPLIT]
        candidates = [_split(ctx, opener.end(), len(low), sep) for sep in seps]
    # max() keeps the first of equal scores, so separators are tried in order.
    best = max(candidates, key=lambda p: _score(ctx, p))
    return best if _score(ctx, best) else []


def _shared(ctx: _Ctx, parts: list[tuple[int, int]]) -> list[Constraint]:
    """Constraints that describe every side: outside all sides, or leading/trailing context."""
    owns = [_own(ctx, p) for p in parts]
    seen = [{c.field for c in o} for o in owns]
    axis = {f for f in set().union(*seen) if sum(f in s for s in seen) >= 2}
    inside = {id(c) for o in owns for c in o}
    shared = [c for c in ctx.cons if id(c) not in inside]
    # "diffusion cifar vs mnist": words before the first contrasted word of the
    # first side, or after the last one of the last side, qualify every side.
    first_axis = [c.span[0] for c in owns[0] if c.field in axis]
    if first_axis:
        shared += [c for c in owns[0] if c.field not in axis and c.span[0] < min(first_axis)]
    last_axis = [c.span[0] for c in owns[-1] if c.field in axis]
    if last_axis:
        shared += [c for c in owns[-1] if c.field not in axis and c.span[0] > max(last_axis)]
    # An architecture named on one side only is what is being compared across the
    # others ("my cifar diffusion model vs the mnist one"), wherever it stands.
    shared += [c for o in owns for c in o if c.field == "arch_family" and c.field not in axis]
    return list(dict.fromkeys(shared))


def _merge(cons: list[Constraint]) -> list[Constraint]:
    """Drop repeats; fold soft choices on single-valued fields into one ``in``."""
    out: list[Constraint] = []
    for c in cons:
        if c in out:
            continue
        prev = next(
            (
                o
                for o in out
                if not o.hard
                and not c.hard
                and o.field == c.field
                and c.field in ("dataset", "optimizer")
                and c.op in ("=", "in")
            ),
            None,
        )
        if prev is None:
            out.append(c)
            continue
        values = tuple(dict.fromkeys(_as_tuple(prev.value) + _as_tuple(c.value)))
        merged = Constraint(c.field, "in", values, f"{prev.source}, {c.source}", False, prev.span)
        out[out.index(prev)] = merged
    return out


def _as_tuple(value: ConstraintValue) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (str(value),)


def _side(
    ctx: _Ctx, part: tuple[int, int], shared: list[Constraint], outside: list[re.Match[str]]
) -> SideReading:
    own = _own(ctx, part)
    kinds = {c.field for c in own}
    extra = [c for c in shared if c not in own and c.field not in kinds]
    cons = _merge(sorted(own + extra, key=lambda c: c.span))
    own_words = ctx.words(*part)
    # Side text: its own words, words outside every side, words of shared constraints.
    words = {m.start(): m for m in own_words + outside}
    words.update((m.start(), m) for c in extra for m in ctx.words(*c.span))
    label = ctx.join(own_words)
    text = ctx.join([words[k] for k in sorted(words)])
    return SideReading(label or summarize(own), text, cons, summarize(cons, label))


def read_query(text: str, extra: dict[str, terms.Term] | None = None) -> QueryReading:
    """Read a question into free text, implied constraints and comparison sides.

    ``extra``: vocabulary known from the index's cards (``terms.data_terms``).
    """
    hard = _hard_constraints(text)
    masked = list(text)
    for c in hard:
        masked[c.span[0] : c.span[1]] = " " * (c.span[1] - c.span[0])
    soft = _soft_constraints("".join(masked), extra)
    fixes = {c.span[0]: c.source.split("(typo for ")[1][:-1] for c in soft if "(typo " in c.source}
    ctx = _Ctx(text, "".join(masked), sorted(hard + soft, key=lambda c: c.span), fixes)

    parts = _find_sides(ctx)
    if not parts:
        free = ctx.join(ctx.words())
        cons = _merge(ctx.cons)
        return QueryReading(text, free, cons, summarize(cons, free or "all models"))

    shared = _shared(ctx, parts)
    context = [(0, parts[0][0])] + [(e, s) for (_, e), (s, _) in pairwise(parts)]
    context.append((parts[-1][1], len(text)))
    outside = [m for s, e in context for m in ctx.words(s, e)]
    sides = [_side(ctx, part, shared, outside) for part in parts]
    common = [c for c in sides[0].constraints if all(c in s.constraints for s in sides[1:])]
    return QueryReading(
        query=text,
        text=ctx.join(ctx.words()),
        constraints=common,
        summary=" vs ".join(s.summary or s.label for s in sides),
        is_comparison=True,
        sides=sides,
    )
