"""Parsing the explicit filter language behind ``msq --filter``.

    dataset = "CIFAR-10" and (optimizer = SGD or lr >= 0.01)

Grammar, field list and semantics are documented in ``docs/search.md``. Parsing
is a hand-written tokenizer plus a recursive-descent parser (no dependencies,
well under a millisecond). The resulting :class:`Expr` (see
:mod:`msqd.search.filterexpr`) only asks a getter for field values, so it works
the same over a ModelCard, a SQLite row or a dict.

This module is the language's public entry point: the tree nodes and the value
helpers filter users need are re-exported here, so callers import from one place.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from msqd.search.filterexpr import And, Compare, Exists, Expr, InList, Not, Or
from msqd.search.values import (
    ALIASES,
    FIELDS,
    DateValue,
    Getter,
    Literal,
    card_getter,
    parse_date,
)

__all__ = [
    "ALIASES",
    "FIELDS",
    "And",
    "Compare",
    "DateValue",
    "Exists",
    "Expr",
    "FilterSyntaxError",
    "Getter",
    "InList",
    "Literal",
    "Not",
    "Or",
    "card_getter",
    "parse_filter",
]

# Nesting deeper than this is certainly not hand-written; refusing it keeps the
# recursive-descent parser clear of Python's recursion limit.
MAX_DEPTH = 64


class FilterSyntaxError(ValueError):
    """A filter that cannot be parsed. ``position`` is the 0-based offset of ``token``."""

    def __init__(self, msg: str, position: int, token: str, text: str = "", hint: str = "") -> None:
        self.msg = msg
        self.position = position
        self.token = token
        self.text = text
        self.hint = hint
        tail = f"; {hint}" if hint else ""
        super().__init__(f"{msg} at column {position + 1}{tail}")

    def caret(self) -> str:
        """The filter text and a caret under the offending token, on two lines."""
        return f"{self.text}\n{' ' * self.position}^"


# The tokenizer: one regex; anything it cannot match is an error at that offset.
_TOKEN_RE = re.compile(
    r"""(?P<ws>\s+)
      | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op>==|!=|<=|>=|=|<|>|~)
      | (?P<punct>[(),])
      | (?P<word>[-+]?[\w.][\w.\-+/:]*)
    """,
    re.VERBOSE,
)
_NUMBER_RE = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_UNESCAPE_RE = re.compile(r"\\(.)")
KEYWORDS = frozenset({"and", "or", "not", "in", "contains", "exists", "true", "false"})


@dataclass(frozen=True)
class _Token:
    kind: str  # "str", "op", "punct", "word", "end"
    text: str  # as written (quotes included for strings)
    pos: int

    @property
    def low(self) -> str:
        return self.text.lower() if self.kind == "word" else ""


def _tokenize(text: str) -> Iterator[_Token]:
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            ch = text[pos]
            if ch in "\"'":
                raise FilterSyntaxError("unterminated string", pos, ch, text)
            raise FilterSyntaxError(f"unexpected character {ch!r}", pos, ch, text)
        kind = m.lastgroup or ""
        if kind != "ws":
            yield _Token(kind, m.group(), pos)
        pos = m.end()
    yield _Token("end", "", len(text))


def _flat(items: list[Expr], kind: type[And] | type[Or]) -> tuple[Expr, ...]:
    """``a and (b and c)`` is ``a and b and c``: one canonical shape per meaning."""
    out: list[Expr] = []
    for item in items:
        out.extend(item.items if isinstance(item, kind) else (item,))
    return tuple(out)


def _describe(tok: _Token) -> str:
    return "end of filter" if tok.kind == "end" else repr(tok.text)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = list(_tokenize(text))
        self.i = 0
        self.depth = 0

    def error(self, msg: str, tok: _Token | None = None, hint: str = "") -> FilterSyntaxError:
        tok = tok or self.peek()
        return FilterSyntaxError(msg, tok.pos, tok.text, self.text, hint)

    def peek(self, ahead: int = 0) -> _Token:
        return self.toks[min(self.i + ahead, len(self.toks) - 1)]

    def next(self) -> _Token:
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, text: str) -> _Token:
        tok = self.peek()
        if tok.text != text:
            raise self.error(f"expected '{text}' but found {_describe(tok)}")
        return self.next()

    def parse(self) -> Expr:
        if self.peek().kind == "end":
            raise self.error("empty filter")
        expr = self.parse_or()
        if self.peek().kind != "end":
            raise self.error(f"unexpected {_describe(self.peek())}")
        return expr

    def parse_or(self) -> Expr:
        items = [self.parse_and()]
        while self.peek().low == "or":
            self.next()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(_flat(items, Or))

    def parse_and(self) -> Expr:
        items = [self.parse_not()]
        while self.peek().low == "and":
            self.next()
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else And(_flat(items, And))

    def parse_not(self) -> Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("filter nested too deeply")
        try:
            if self.peek().low == "not":
                self.next()
                return Not(self.parse_not())
            return self.parse_primary()
        finally:
            self.depth -= 1

    def parse_primary(self) -> Expr:
        tok = self.peek()
        if tok.text == "(":
            self.next()
            expr = self.parse_or()
            self.expect(")")
            return expr
        if tok.low == "exists":
            self.next()
            return Exists(self.parse_field())
        field = self.parse_field()
        op_tok = self.next()
        if op_tok.kind == "op":
            op = {"==": "=", "~": "~"}.get(op_tok.text, op_tok.text)
            if op == "~":
                return Compare(field, op, self.parse_literal(field, as_text=True))
            return Compare(field, op, self.parse_literal(field, ordered=op not in ("=", "!=")))
        if op_tok.low == "contains":
            return Compare(field, "~", self.parse_literal(field, as_text=True))
        negate = False
        if op_tok.low == "not" and self.peek().low == "in":
            negate = True
            op_tok = self.next()
        if op_tok.low == "in":
            return InList(field, self.parse_list(field), negate)
        found = _describe(op_tok)
        raise self.error(f"expected an operator after {field} but found {found}", op_tok)

    def parse_field(self) -> str:
        tok = self.next()
        if tok.kind != "word" or tok.low in KEYWORDS:
            raise self.error(f"expected a field name but found {_describe(tok)}", tok)
        name = ALIASES.get(tok.low)
        if name is None:
            close = difflib.get_close_matches(tok.low, list(ALIASES), n=1, cutoff=0.6)
            guess = f"did you mean '{close[0]}'? " if close else ""
            valid = ", ".join(sorted(FIELDS))
            raise self.error(f"unknown field {tok.text!r}", tok, f"{guess}valid fields: {valid}")
        return name

    def parse_list(self, field: str) -> tuple[Literal, ...]:
        self.expect("(")
        values = [self.parse_literal(field)]
        while self.peek().text == ",":
            self.next()
            values.append(self.parse_literal(field))
        self.expect(")")
        return tuple(values)

    def parse_literal(self, field: str, as_text: bool = False, ordered: bool = False) -> Literal:
        tok = self.next()
        if tok.kind == "str":
            raw: str | float | int | bool = _UNESCAPE_RE.sub(r"\1", tok.text[1:-1])
        elif tok.kind == "word" and tok.low in ("true", "false"):
            raw = tok.low == "true"
        elif tok.kind == "word" and tok.low not in KEYWORDS:
            raw = tok.text
            if _NUMBER_RE.fullmatch(tok.text):
                num = float(tok.text)
                if not math.isfinite(num):
                    raise self.error(f"number out of range: {tok.text}", tok)
                raw = int(num) if num.is_integer() and "." not in tok.text else num
        else:
            raise self.error(f"expected a value but found {_describe(tok)}", tok)
        if as_text:
            return tok.text if tok.kind == "word" else str(raw)
        return self.coerce(field, raw, tok, ordered)

    def coerce(
        self, field: str, raw: str | float | int | bool, tok: _Token, ordered: bool
    ) -> Literal:
        kind = FIELDS[field].kind
        if kind == "num":
            if isinstance(raw, str) and _NUMBER_RE.fullmatch(raw.strip()):
                num = float(raw)
                raw = int(num) if num.is_integer() and "." not in raw else num
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                raise self.error(f"expected a number for {field} but found {_describe(tok)}", tok)
            return raw
        if kind == "date":
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                return raw
            date = parse_date(str(raw))
            if date is None:
                found = _describe(tok)
                raise self.error(f"expected a date (YYYY-MM-DD) for {field} but found {found}", tok)
            return date
        if kind == "bool" and isinstance(raw, bool):
            if ordered:
                raise self.error(f"{field} is true/false and cannot be ordered", tok)
            return raw
        if isinstance(raw, bool):
            return "true" if raw else "false"
        # Text fields keep numbers as written ("1e-3" stays "1e-3").
        return tok.text if tok.kind == "word" else raw if isinstance(raw, str) else str(raw)


def parse_filter(text: str) -> Expr:
    """Parse a filter; raises :class:`FilterSyntaxError` (and nothing else) when it is bad."""
    return _Parser(text).parse()
