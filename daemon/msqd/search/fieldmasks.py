"""Exact masks over the field table: filter leaves per distinct value, ranges in numpy.

Part of :class:`~msqd.search.fieldtable.FieldTable` (a mixin, as store/reads.py is of
Store): the table keeps the slots and values, this evaluates filters over them.
A filter leaf on a grouped field is evaluated once per distinct value with the
filter language's own ``matches`` and spread to slots by value number; on a
plain (per-card) field a numeric or date range is compared in numpy with bounds
derived from the same rules. Masks are cached until the next refresh.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .filterlang import And, Compare, Expr, Not, Or
from .values import DateValue

# Values that say "the extractor could not tell": a card holding them does not
# contradict a constraint on the field.
UNKNOWN: tuple[Any, ...] = ("other", ["other"])
_MASK_CACHE = 256


class FieldMasks:
    """Masks and number arrays over the table's slots (provided to FieldTable)."""

    # Provided by FieldTable.
    rowids: list[int]
    _cols: dict[str, list[Any]]
    _values: dict[str, list[Any]]
    _codes: dict[str, np.ndarray]
    _arrays: dict[str, np.ndarray]
    _masks: dict[Any, np.ndarray]

    def _code(self, field: str) -> np.ndarray:  # provided by FieldTable
        raise NotImplementedError

    def numbers(self, field: str) -> np.ndarray:
        """``field`` of every slot as float64 (NaN where missing or not a number)."""
        arr = self._arrays.get(field)
        if arr is None:
            col = self._cols.get(field)
            if col is not None:
                arr = np.fromiter(map(_as_number, col), np.float64, len(col))
            else:
                values = self._values[field]
                per = np.fromiter(map(_as_number, values), np.float64, len(values))
                codes = self._codes[field][: len(self.rowids)]
                arr = per[codes] if len(per) else np.full(len(codes), np.nan)
            self._arrays[field] = arr
        return arr

    def _where(self, field: str, ok: Any, leaf: Expr | None = None) -> np.ndarray:
        """Slots whose value of ``field`` passes ``ok`` (once per distinct value if grouped)."""
        col = self._cols.get(field)
        if col is not None:
            bounds = _bounds(leaf)
            if bounds is not None:
                return self._in_bounds(field, col, bounds, ok)
            return np.fromiter((bool(ok(v)) for v in col), bool, len(col))
        values = self._values[field]
        passing = np.fromiter((bool(ok(v)) for v in values), bool, len(values))
        if not len(passing):
            return np.zeros(len(self.rowids), dtype=bool)
        return passing[self._code(field)[: len(self.rowids)]]

    def _in_bounds(self, field: str, col: list[Any], bounds: _Bounds, ok: Any) -> np.ndarray:
        """``ok`` over a plain field, numbers compared in numpy.

        "modified >= 2024-05-01" at 100,000 cards took ~100 ms through ``ok`` per
        card. Numbers are compared with the bounds ``_bounds`` derived from the
        same rules; anything else a card may hold there (text, lists) still goes
        through ``ok``, and a missing value fails a comparison.
        """
        num = self.numbers(field)  # NaN where not a number
        lo, lo_in, hi, hi_in = bounds
        out = np.ones(len(num), dtype=bool)
        if lo is not None:
            out &= num >= lo if lo_in else num > lo
        if hi is not None:
            out &= num <= hi if hi_in else num < hi
        for slot in np.flatnonzero(np.isnan(num)):
            v = col[slot]
            out[slot] = v is not None and bool(ok(v))
        return out

    def mask(self, expr: Expr) -> np.ndarray:
        """Slots (alive or not) whose values satisfy ``expr``, exactly as ``expr.matches``."""
        n = len(self.rowids)
        if isinstance(expr, And):
            out = np.ones(n, dtype=bool)
            for item in expr.items:
                out &= self.mask(item)
            return out
        if isinstance(expr, Or):
            out = np.zeros(n, dtype=bool)
            for item in expr.items:
                out |= self.mask(item)
            return out
        if isinstance(expr, Not):
            return ~self.mask(expr.item)
        (field,) = expr.fields()
        # repr too: 1, 1.0 and True are equal (and hash alike) but compare differently.
        return self._cached(
            (expr, repr(expr)), field, lambda v: expr.matches(lambda _name: v), expr
        )

    def present(self, field: str) -> np.ndarray:
        """Slots that state a known value for ``field`` ("other" families are unknown)."""
        return self._cached(field, field, lambda v: v not in (None, "", [], *UNKNOWN))

    def stated(self, field: str) -> np.ndarray:
        """Slots that state any value for ``field``, "other" included (a model the
        extractor read whose family it does not know is still not a diffusion model)."""
        return self._cached(("stated", field), field, lambda v: v not in (None, "", []))

    def _cached(self, key: Any, field: str, ok: Any, leaf: Expr | None = None) -> np.ndarray:
        out = self._masks.get(key)
        if out is None:
            if len(self._masks) >= _MASK_CACHE:
                self._masks.clear()
            out = self._where(field, ok, leaf)
            out.flags.writeable = False  # shared by every search until the next refresh
            self._masks[key] = out
        return out


# (low, low included, high, high included); None: unbounded on that side.
_Bounds = tuple[float | None, bool, float | None, bool]


def _bounds(leaf: Expr | None) -> _Bounds | None:
    """The interval a number must lie in to pass ``leaf``, if it is that simple.

    Ordered comparisons with a number or a date, and equality with a date (a
    span), exactly as ``values.compare_values`` / ``values_equal`` decide them
    for a numeric card value. None for every other leaf.
    """
    if not isinstance(leaf, Compare):
        return None
    lit, op = leaf.value, leaf.op
    if isinstance(lit, DateValue):
        spans: dict[str, _Bounds] = {
            "<": (None, False, lit.start, False),
            "<=": (None, False, lit.end, False),
            ">": (lit.end, True, None, False),
            ">=": (lit.start, True, None, False),
            "=": (lit.start, True, lit.end, False),
        }
        return spans.get(op)
    if isinstance(lit, bool) or not isinstance(lit, int | float):
        return None
    x = float(lit)
    return {
        "<": (None, False, x, False),
        "<=": (None, False, x, True),
        ">": (x, False, None, False),
        ">=": (x, True, None, False),
    }.get(op)


def _as_number(value: Any) -> float:
    """A number as float64; NaN for anything else (booleans included)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return np.nan
