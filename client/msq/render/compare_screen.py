"""The one-screen answer of a comparison, as plain lines fitted to a width.

Order: the architecture view (when the question asked about architecture), one
block per side (its models, what all of them share, how they spread), the ranked
differences that separate the sides, the summary paragraph, and a compact table of
the fields that differ. Lines are wrapped here, not by the console, so the line
budget (two sides of three models in 40 lines at 100 columns) can be kept and tested.
Kept free of rich: the caller prints the lines.
"""

from __future__ import annotations

import textwrap

from ..compare_types import OverviewEvent, SideSummary, TableEvent

ELLIPSIS = "…"
# Rows of the compact table: the fields a person compares; components, size and
# dates are in --full.
_COMPACT_SKIP = frozenset({"components", "size", "modified"})
# Lines per side block (header, shared, spread; fewer when the architecture view
# leads) and rows of the compact table.
_SIDE_LINES = 4
_ARCH_SIDE_LINES = 3
_TABLE_ROWS = 10
# With the architecture view leading, fewer ranked lines and no compact table.
_ARCH_RANKED = 4


def short_names(ids: list[str]) -> dict[str, str]:
    """Model id -> its file stem when no other compared model shares it, else the id."""
    stems = [i.rsplit("/", 1)[-1] for i in ids]
    return {i: s if stems.count(s) == 1 else i for i, s in zip(ids, stems, strict=True)}


def _wrap(text: str, width: int, indent: str = "", first: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        width=max(width, 20),
        initial_indent=first or indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
        break_long_words=True,
    ) or [first.rstrip()]


def _fit_items(items: list[str], head: str, width: int, max_lines: int) -> list[str]:
    """Items joined with " · " under ``head``, cut to ``max_lines`` with "+N more"."""
    indent = " " * len(head)
    for keep in range(len(items), 0, -1):
        text = " · ".join(items[:keep])
        if keep < len(items):
            text += f" · +{len(items) - keep} more (--full)"
        lines = _wrap(text, width, indent, head)
        if len(lines) <= max_lines:
            return lines
    return _wrap(items[0] if items else "", width, indent, head)[:max_lines]


def side_lines(s: SideSummary, names: dict[str, str], width: int, budget: int = 4) -> list[str]:
    """The block of one side: header with its models, then "all" and "spread" lines,
    ``budget`` lines in all (at least one each)."""
    folded = {i: f for f in s.folds for i in f.model_ids}
    shown: list[str] = []
    for i in s.model_ids:
        f = folded.get(i)
        if f is None:
            shown.append(names.get(i, i))
        elif f.model_ids[0] == i:
            shown.append(f"{names.get(i, i)} (+{len(f.model_ids) - 1} near-identical)")
    n = len(s.model_ids)
    label = s.name if s.name.startswith("side ") else f"side {s.side + 1} · {s.name}"
    reading = f" [{s.reading}]" if s.reading and s.reading not in s.model_ids else ""
    head = f"{label}{reading}, {n} model{'s' if n != 1 else ''}: "
    out = _fit_items(shown, head, width, 2)
    if s.shared:
        left = max(budget - len(out) - (1 if s.spread else 0), 1)
        out += _fit_items([t.text for t in s.shared], "  all     ", width, left)
    if s.spread:
        left = max(budget - len(out), 1)
        out += _fit_items([t.text for t in s.spread], "  spread  ", width, left)
    return out


def ranked_lines(ov: OverviewEvent, width: int, all_differences: bool) -> list[str]:
    """The ranked differences: by default the few that separate the sides."""
    if not ov.ranked:
        return []
    limit = ov.default_count if not ov.architecture else min(ov.default_count, _ARCH_RANKED)
    items = ov.ranked if all_differences else ov.ranked[:limit]
    separating = any(d.kind != "overlaps" for d in items)
    title = "What separates the sides" if separating else "Differences (none separates the sides)"
    out = [title]
    for d in items:
        text = d.text
        if d.kind == "separates-where-known":
            text = text.rstrip(".") + " (where known)."
        tag = "  ~ " if d.kind == "overlaps" else "  • "
        out += _wrap(text, width, "    ", tag)
    rest = len(ov.ranked) - len(items)
    if rest > 0:
        out.append(f"  … {rest} more differences: --all-differences")
    return out


def arch_lines(ov: OverviewEvent, width: int) -> list[str]:
    """The architecture view, two lines per model (folded when near-identical)."""
    if not ov.architecture or not ov.arch:
        return []
    out = ["Architecture (from the component graph; parameter counts are estimates)"]
    for a in ov.arch:
        for n, line in enumerate(a.lines):
            out += _wrap(line.strip(), width, "      ", "  " if n == 0 else "    ")
    return out


def paragraph_lines(ov: OverviewEvent, width: int) -> list[str]:
    """The deterministic summary paragraph, wrapped."""
    if not ov.summary:
        return []
    return ["Summary", *_wrap(" ".join(ov.summary), width, "  ", "  ")]


_MIN_CELL = 6


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: max(n - 1, 1)] + ELLIPSIS


def compact_table(
    table: TableEvent | None, width: int, order: list[str] | None = None, limit: int = 10
) -> list[str]:
    """The fields whose values differ, one row each, cells cut to fit ``width``;
    rows in ``order`` (the ranked differences) first, at most ``limit``."""
    if table is None or not table.columns:
        return []
    rows = [r for r in table.rows if r.differs and r.field not in _COMPACT_SKIP]
    if not rows:
        return []
    rank = {f: i for i, f in enumerate(order or [])}
    hidden = max(len(rows) - limit, 0)
    keep = sorted(rows, key=lambda r: rank.get(r.field, len(rank)))[:limit]
    rows = [r for r in rows if r in keep]
    names = short_names([c.model_id for c in table.columns])
    heads = [names[c.model_id] for c in table.columns]
    label_w = max(len(r.label) for r in rows)
    # Columns narrower than _MIN_CELL say nothing: show the models that fit and count
    # the rest, rather than let the terminal wrap every row.
    fit = max((width - label_w) // (2 + _MIN_CELL), 1)
    cut_cols = max(len(heads) - fit, 0)
    heads = heads[: len(heads) - cut_cols]
    n = len(heads)
    avail = max(width - label_w - 2 * n, _MIN_CELL * n)
    natural = [
        max([len(heads[i])] + [len(r.cells[i]) for r in rows if i < len(r.cells)]) for i in range(n)
    ]
    widths = list(natural)
    while sum(widths) > avail and max(widths) > _MIN_CELL:
        j = widths.index(max(widths))
        widths[j] -= 1
    notes = []
    if hidden:
        notes.append(f"{hidden} more")
    if cut_cols:
        notes.append(f"{cut_cols} more models")
    more = f" ({', '.join(notes)}: --full)" if notes else ""
    out = [f"Fields that differ{more}"]
    out.append(
        " " * label_w
        + "".join("  " + _cut(h, w).ljust(w) for h, w in zip(heads, widths, strict=True))
    )
    for r in rows:
        cells = "".join(
            "  " + _cut(r.cells[i] if i < len(r.cells) else "", w).ljust(w)
            for i, w in enumerate(widths)
        )
        out.append((r.label.ljust(label_w) + cells).rstrip())
    return [line.rstrip() for line in out]


def screen_lines(
    ov: OverviewEvent,
    table: TableEvent | None,
    width: int,
    all_differences: bool = False,
    budget: int = 0,
) -> list[str]:
    """Every line of the one-screen answer after the sides-as-read lines; with
    ``budget``, the compact table's rows are cut until the lines fit."""
    ids = [i for s in ov.sides for i in s.model_ids]
    names = short_names(ids)
    side_budget = _ARCH_SIDE_LINES if ov.architecture else _SIDE_LINES
    blocks: list[list[str]] = [arch_lines(ov, width)]
    blocks.append([line for s in ov.sides for line in side_lines(s, names, width, side_budget)])
    blocks += [ranked_lines(ov, width, all_differences), paragraph_lines(ov, width)]
    fixed = sum(len(b) + 1 for b in blocks if b)
    rows = _TABLE_ROWS
    if budget and not all_differences:
        rows = min(rows, budget - fixed - 3)  # blank, title and header
    if (not ov.architecture or all_differences) and rows > 0:
        blocks.append(compact_table(table, width, [d.field for d in ov.ranked], rows))
    out: list[str] = []
    for b in blocks:
        if b:
            out += ["", *b]
    return out
