"""Fitting a results table into a terminal width, without rich.

Each column has a natural width (its widest cell or header). When the sum is too
wide, the shrinkable columns give up width in turn, widest slack first, and each
cell is re-rendered for its final width by the column's own shortener, which
marks every cut with "…" (model ids keep both ends, lists become "first+N").
Kept free of rich so that output to a pipe costs no rich import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .._record import record, replace

ELLIPSIS = "…"

# Short forms used only when the full word does not fit its column.
ALIASES = {
    "tensorflow-keras": "keras",
    "transformers": "hf",
    "latent-diffusion": "ldm",
    "reinforcement-learning": "rl",
    "language-model": "lm",
    "cnn-classifier": "cnn-clf",
    "autoencoder": "ae",
    "transformer": "xformer",
    "multi-gpu": "multi",
    "jax-flax": "flax",
    "lightning": "pl",
    "Fashion-MNIST": "FMNIST",
    "Oxford-IIIT Pets": "Pets",
}

Cell = str | list[str]
Shortener = Callable[[Cell, int], str]


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` with a trailing marker when cut."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    return text[: width - 1].rstrip() + ELLIPSIS


def _middle(words: list[str], sep: str, width: int) -> str | None:
    """Keep whole words from both ends around a marker, or None if even two do not fit."""
    if len(words) < 2:
        return None
    head, tail = [words[0]], [words[-1]]
    i, j = 1, len(words) - 2

    def text() -> str:
        return sep.join(head) + sep + ELLIPSIS + sep + sep.join(tail)

    if len(text()) > width:
        return None
    # Grow alternately from the front and the back while it still fits.
    while i <= j:
        grown = False
        for side in ("head", "tail"):
            if i > j:
                break
            if side == "head":
                head.append(words[i])
                if len(text()) <= width:
                    i += 1
                    grown = True
                else:
                    head.pop()
            else:
                tail.insert(0, words[j])
                if len(text()) <= width:
                    j -= 1
                    grown = True
                else:
                    tail.pop(0)
        if not grown:
            break
    return text()


def shorten_part(text: str, width: int) -> str:
    """One id part (``Generative-Fashion-MNIST``) in ``width``: whole words, then chars."""
    if len(text) <= width:
        return text
    for sep in ("_", "-", "."):
        if sep in text:
            got = _middle(text.split(sep), sep, width)
            if got is not None:
                return got
    if width < 5:
        return clip(text, width)
    keep = width - 1
    front = (keep + 1) // 2
    return text[:front] + ELLIPSIS + text[len(text) - (keep - front) :]


def shorten_id(model_id: str, width: int) -> str:
    """``project/stem`` in ``width``: the stem keeps most room, the project at least a third."""
    if len(model_id) <= width:
        return model_id
    project, slash, stem = model_id.rpartition("/")
    if not slash:
        return shorten_part(stem, width)
    room = width - 1
    proj_w = min(len(project), max(room // 3, room - len(stem)))
    return shorten_part(project, proj_w) + "/" + shorten_part(stem, room - proj_w)


def shorten_list(values: Cell, width: int) -> str:
    """A multi-valued cell: all joined, then aliases, then ``first+N``, then clipped."""
    items = [values] if isinstance(values, str) else list(values)
    if not items:
        return ""
    for cand in (items, [ALIASES.get(v, v) for v in items]):
        joined = "/".join(cand)
        if len(joined) <= width:
            return joined
    more = f"+{len(items) - 1}" if len(items) > 1 else ""
    for first in (items[0], ALIASES.get(items[0], items[0])):
        if len(first) + len(more) <= width:
            return first + more
    return clip(ALIASES.get(items[0], items[0]), width - len(more)) + more


def shorten_path(path: str, width: int) -> str:
    """Keep the file name and as many parent folders as fit after a marker."""
    if len(path) <= width:
        return path
    parts = path.split("/")
    tail = parts[-1]
    for k in range(len(parts) - 1, 0, -1):
        cand = ELLIPSIS + "/" + "/".join(parts[-k:])
        if len(cand) <= width:
            tail = cand
            break
    return tail if len(tail) <= width else clip(parts[-1], width)


def shorten_dataset(cell: Cell, width: int) -> str:
    """``CIFAR-10 (cat, dog)``: drop spaces, then the class list, keeping the name."""
    text = cell if isinstance(cell, str) else "/".join(cell)
    if len(text) <= width:
        return text
    name, paren, rest = text.partition(" (")
    for cand in (text.replace(", ", ","), ALIASES.get(name, name) + (" (" + rest if paren else "")):
        if len(cand) <= width:
            return cand
    short = ALIASES.get(name, name)
    if paren and len(short) + 1 <= width:
        return short + ELLIPSIS
    # clip() marks the cut even when only the class list is lost.
    return clip(short + (" (" + rest if paren else ""), width)


def plain(cell: Cell, width: int) -> str:
    text = cell if isinstance(cell, str) else "/".join(cell)
    return clip(text, width)


@record(frozen=True)
class FitColumn:
    """How one column behaves when space is short."""

    header: str
    short_header: str
    justify: str = "left"
    min_width: int | None = None  # None: never shrinks below its cells
    shorten: Shortener = plain
    soft_width: int | None = None  # shrink to this first; None: only in the last resort
    wrap: bool = False  # wraps instead of shrinking (Description)


def natural(cell: Cell) -> int:
    return len(cell) if isinstance(cell, str) else len("/".join(cell))


def _shrink(widths: list[int], floors: list[int], over: int) -> int:
    """Take ``over`` cells from the columns with the most room above their floor."""
    while over > 0:
        i = max(range(len(widths)), key=lambda k: widths[k] - floors[k])
        if widths[i] <= floors[i]:
            break
        widths[i] -= 1
        over -= 1
    return over


def fit_widths(
    columns: Sequence[FitColumn], rows: Sequence[Sequence[Cell]], budget: int | None, gap: int
) -> list[int]:
    """Column widths summing (with gaps) to at most ``budget`` where the minimums allow.

    First every column goes down to its soft width (short header, compact lists),
    the model id keeping its full width; only then does everything shrink to its minimum.
    """
    cells = [[natural(r[i]) for r in rows] for i in range(len(columns))]
    widths = [max([len(c.header), *cells[i]]) for i, c in enumerate(columns)]
    if budget is None:
        return widths
    hard = [
        c.min_width if c.min_width is not None else max([len(c.short_header), *cells[i], 1])
        for i, c in enumerate(columns)
    ]
    hard = [min(f, w) for f, w in zip(hard, widths, strict=True)]
    soft = [
        h if c.min_width is None else max(h, c.soft_width if c.soft_width is not None else w)
        for c, h, w in zip(columns, hard, widths, strict=True)
    ]
    soft = [min(f, w) for f, w in zip(soft, widths, strict=True)]
    over = sum(widths) + gap * (len(widths) - 1) - budget
    over = _shrink(widths, soft, over)
    _shrink(widths, hard, over)
    return widths


def header_for(col: FitColumn, width: int) -> str:
    if len(col.header) <= width:
        return col.header
    return clip(col.short_header, width)


def fitted_rows(
    columns: Sequence[FitColumn], rows: Sequence[Sequence[Cell]], widths: Sequence[int]
) -> list[list[str]]:
    """Every cell rendered for its column's final width (wrapping columns keep full text)."""
    out = []
    for r in rows:
        out.append(
            [
                (r[i] if isinstance(r[i], str) else "/".join(r[i]))
                if c.wrap
                else c.shorten(r[i], widths[i])
                for i, c in enumerate(columns)
            ]
        )
    return out


def table_width(widths: Sequence[int], gap: int) -> int:
    return sum(widths) + gap * (len(widths) - 1)


@record
class Layout:
    """Which columns to show, how wide, and the gap between them."""

    keep: list[int]
    widths: list[int]
    gap: int


def layout(
    columns: Sequence[FitColumn],
    rows: Sequence[Sequence[Cell]],
    budget: int | None,
    *,
    id_index: int | None = None,
    comfortable_id: int = 28,
    drop: Sequence[int] = (),
) -> Layout:
    """Fit the table: two-cell gaps if the model id stays readable, else one; and when
    even the minimums do not fit, drop columns in the order ``drop`` gives."""
    keep = list(range(len(columns)))
    while True:
        cols = [columns[i] for i in keep]
        sub = [[r[i] for i in keep] for r in rows]
        gap = 2
        widths = fit_widths(cols, sub, budget, gap)
        if id_index is not None and id_index in keep:
            k = keep.index(id_index)
            natural_id = max([len(cols[k].header)] + [natural(r[k]) for r in sub])
            if widths[k] < min(natural_id, comfortable_id):
                gap = 1
                widths = fit_widths(cols, sub, budget, gap)
        fits = budget is None or table_width(widths, gap) <= budget
        droppable = [i for i in drop if i in keep]
        if fits or not droppable:
            return Layout(keep, widths, gap)
        keep.remove(droppable[0])


def plain_lines(
    columns: Sequence[FitColumn],
    rows: Sequence[Sequence[Cell]],
    budget: int | None,
    **kw: object,
) -> list[str]:
    """The table as plain text lines for a pipe: no colour, no box drawing."""
    # A pipe cannot wrap a cell onto a second line, so wrapping columns keep their width.
    columns = [replace(c, min_width=None) if c.wrap else c for c in columns]
    lay = layout(columns, rows, budget, **kw)  # type: ignore[arg-type]
    cols = [columns[i] for i in lay.keep]
    sub = [[r[i] for i in lay.keep] for r in rows]
    cells = fitted_rows(cols, sub, lay.widths)
    lines = []
    header = [header_for(c, w) for c, w in zip(cols, lay.widths, strict=True)]
    for row in [header, *cells]:
        parts = [
            v.rjust(w) if c.justify == "right" else v.ljust(w)
            for v, w, c in zip(row, lay.widths, cols, strict=True)
        ]
        lines.append((" " * lay.gap).join(parts).rstrip())
    return lines
