"""The deterministic summary paragraph, built from side summaries and ranked differences.

Always shown, with or without an LLM. Each sentence restates facts already
computed (a shared value, a separating difference, a spread inside a side, a
fold of near-identical models) in plain words, naming sides the way the grounding
check understands them ("the CIFAR-10 models", "side 2", a file stem), so every
sentence passes :func:`check_sentence` against the compared cards (a test keeps it so).
"""

from __future__ import annotations

from .ranking import RankedDifference, default_differences
from .sides import SideSummary, SideTrait

# Shared traits worth a word in the paragraph, in order.
_SHARED = ("framework", "arch_family", "dataset", "optimizer", "loss")
_SPREAD_LIMIT = 2
_SEPARATOR_LIMIT = 3


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _side_phrase(s: SideSummary) -> str:
    """ "the 3 CIFAR-10 models", "side 2 (2 models)", "cond_ddpm"."""
    if s.name.startswith("side "):
        return f"{s.name} ({s.count} model{'s' if s.count != 1 else ''})"
    if s.count == 1:
        return s.name
    return f"the {s.count} {s.name}"


def _shared_everywhere(sides: list[SideSummary]) -> list[SideTrait]:
    """Traits every side shares with the same text."""
    first = {t.field: t for t in sides[0].shared}
    out = []
    for name in _SHARED:
        t = first.get(name)
        if t is None:
            continue
        if all(any(o.field == name and o.value == t.value for o in s.shared) for s in sides[1:]):
            out.append(t)
    return out


def _cap(text: str) -> str:
    """Capitalize a sentence start, but never a model name."""
    return text[:1].upper() + text[1:] if text.startswith(("the ", "side ")) else text


def _shared_sentence(sides: list[SideSummary]) -> str:
    who = _join([_side_phrase(s) for s in sides])
    shared = _shared_everywhere(sides)
    if len(sides) == 1:
        who = _side_phrase(sides[0]) if sides[0].count > 1 else sides[0].name
    if not shared:
        return f"{_cap(who)} share no framework, architecture or dataset value."
    what = _join([f"{t.label.lower()} {t.value}" for t in shared])
    verb = "share" if len(sides) > 1 or sides[0].count > 1 else "has"
    return f"{_cap(who)} {verb} {what}."


def _separator_sentences(diffs: list[RankedDifference]) -> list[str]:
    sep = [d for d in default_differences(diffs) if d.kind != "overlaps"][:_SEPARATOR_LIMIT]
    if not diffs:
        return []
    if not sep:
        return ["No field separates the sides: their differences are spreads within each side."]
    first = sep[0]
    vals = ", ".join(f"{sv.name} {sv.text}" for sv in first.sides)
    out = [f"The sides differ most in {first.label.lower()} ({vals})."]
    rest = [d.label.lower() for d in sep[1:]]
    if rest:
        # A sentence of its own, naming no side: the grounding check would attribute
        # "attention" after "MNIST models" to the MNIST models.
        out.append(f"They also differ in {_join(rest)}.")
    return out


def _flag_spread(t: SideTrait, short: dict[str, str]) -> str:
    # "only X has attention": the feature follows the model it is true of, which is
    # how the grounding check attributes it; counts like "2 of 5" are not facts.
    if t.model_ids and len(t.model_ids) <= 3:
        who = _join([short.get(i, i) for i in t.model_ids])
        verb = "has" if len(t.model_ids) == 1 else "have"
        return f"only {who} {verb} {t.label.lower()}"
    return f"some but not all have {t.label.lower()}"


def _spread_sentence(s: SideSummary, short: dict[str, str]) -> str:
    # Only spreads every model of the side has a value for, of at most two words:
    # the side summary lists the rest.
    spreads = [
        t
        for t in s.spread
        if t.field != "dataset"
        and (t.kind == "flag" or len(t.model_ids) == s.count)
        and t.value.count(" / ") <= 1
    ][:_SPREAD_LIMIT]
    if not spreads or s.count < 2:
        return ""
    parts = []
    for t in sorted(spreads, key=lambda t: t.kind == "flag"):
        if t.kind == "flag":
            parts.append(_flag_spread(t, short))
        else:
            parts.append(f"{t.label.lower()} {t.value.replace(' / ', ' or ')}")
    where = s.name if s.name.startswith("side ") else f"the {s.name}"
    return f"Within {where}: {_join(parts)}."


def _fold_sentence(s: SideSummary, short: dict[str, str]) -> list[str]:
    out = []
    for f in s.folds:
        names = _join([short.get(i, i) for i in f.model_ids])
        out.append(f"{names} are near-identical versions of one script.")
    return out


def summary_paragraph(
    sides: list[SideSummary], ranked: list[RankedDifference], short: dict[str, str]
) -> list[str]:
    """The paragraph's sentences, in order (``short`` maps ids to the names used)."""
    if not sides:
        return []
    out = [_shared_sentence(sides)]
    out.extend(_separator_sentences(ranked))
    for s in sides:
        line = _spread_sentence(s, short)
        if line:
            out.append(line)
        out.extend(_fold_sentence(s, short))
    return out
