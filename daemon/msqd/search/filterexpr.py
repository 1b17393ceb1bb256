"""The expression tree a ``--filter`` parses into, and how it is evaluated.

Each node matches a card through a getter (field name -> value or None), names
the fields it reads, and prints itself in the one canonical form that
``parse_filter`` reads back to an equal tree. Parsing lives in
:mod:`msqd.search.filterlang`; value comparison rules live in
:mod:`msqd.search.values`.
"""

from __future__ import annotations

from dataclasses import dataclass

from msqd.search.values import (
    Getter,
    Literal,
    compare_values,
    format_literal,
    is_present,
    values_equal,
)

__all__ = ["And", "Compare", "Exists", "Expr", "InList", "Not", "Or"]


class Expr:
    """A parsed filter expression."""

    def matches(self, get: Getter) -> bool:
        """Whether the card behind ``get`` (field name -> value or None) passes."""
        raise NotImplementedError

    def fields(self) -> set[str]:
        """The canonical field names the expression reads."""
        raise NotImplementedError


@dataclass(frozen=True)
class Compare(Expr):
    """``field op literal`` with op one of = != < <= > >= ~."""

    field: str
    op: str
    value: Literal

    def matches(self, get: Getter) -> bool:
        raw = get(self.field)
        if not is_present(raw):
            # SQL-like: a comparison with a missing value is false, `!=` included.
            return False
        items = raw if isinstance(raw, list) else [raw]
        if self.op == "!=":
            return not any(values_equal(self.field, v, self.value) for v in items)
        if self.op == "=":
            return any(values_equal(self.field, v, self.value) for v in items)
        return any(compare_values(self.field, v, self.op, self.value) for v in items)

    def fields(self) -> set[str]:
        return {self.field}

    def __str__(self) -> str:
        return f"{self.field} {self.op} {format_literal(self.value)}"


@dataclass(frozen=True)
class InList(Expr):
    """``field in (a, b)`` or, with ``negate``, ``field not in (a, b)``."""

    field: str
    values: tuple[Literal, ...]
    negate: bool = False

    def matches(self, get: Getter) -> bool:
        raw = get(self.field)
        if not is_present(raw):
            return False
        items = raw if isinstance(raw, list) else [raw]
        hit = any(values_equal(self.field, v, lit) for v in items for lit in self.values)
        return hit != self.negate

    def fields(self) -> set[str]:
        return {self.field}

    def __str__(self) -> str:
        inner = ", ".join(format_literal(v) for v in self.values)
        return f"{self.field} {'not in' if self.negate else 'in'} ({inner})"


@dataclass(frozen=True)
class Exists(Expr):
    """``exists field``: the card has a (non-empty) value for the field."""

    field: str

    def matches(self, get: Getter) -> bool:
        return is_present(get(self.field))

    def fields(self) -> set[str]:
        return {self.field}

    def __str__(self) -> str:
        return f"exists {self.field}"


@dataclass(frozen=True)
class Not(Expr):
    """``not item``."""

    item: Expr

    def matches(self, get: Getter) -> bool:
        return not self.item.matches(get)

    def fields(self) -> set[str]:
        return self.item.fields()

    def __str__(self) -> str:
        inner = str(self.item)
        return f"not ({inner})" if isinstance(self.item, (And, Or)) else f"not {inner}"


@dataclass(frozen=True)
class And(Expr):
    """``a and b and ...`` (flattened)."""

    items: tuple[Expr, ...]

    def matches(self, get: Getter) -> bool:
        return all(i.matches(get) for i in self.items)

    def fields(self) -> set[str]:
        return set().union(*(i.fields() for i in self.items))

    def __str__(self) -> str:
        return " and ".join(f"({i})" if isinstance(i, Or) else str(i) for i in self.items)


@dataclass(frozen=True)
class Or(Expr):
    """``a or b or ...`` (flattened)."""

    items: tuple[Expr, ...]

    def matches(self, get: Getter) -> bool:
        return any(i.matches(get) for i in self.items)

    def fields(self) -> set[str]:
        return set().union(*(i.fields() for i in self.items))

    def __str__(self) -> str:
        return " or ".join(str(i) for i in self.items)
