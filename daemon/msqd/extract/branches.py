"""Which branch of an ``if`` runs when the script runs with its defaults.

``if args.optimizer == "sgd": SGD(...) elif args.optimizer == "adam": Adam(...)``
builds one optimizer, chosen by a value the resolver can often read (an argparse
default, a config file). A call under a test that is false with those values, or
in the ``else`` of one that is true, does not run by default.
"""

from __future__ import annotations

import ast

from .index import Scope
from .resolve import Resolver

_FOLD = ("lower", "upper", "casefold", "strip")


def _text(r: Resolver, node: ast.expr, scope: Scope) -> str | None:
    # args.optim.lower() == "adam": the value before the case fold
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _FOLD
        and not node.args
    ):
        node = node.func.value
    if isinstance(node, ast.Constant):
        return node.value.lower() if isinstance(node.value, str) else None
    v = r.resolve(node, scope)
    return v.value.lower() if v is not None and isinstance(v.value, str) else None


def _literals(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value.lower()]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        out = [e.value.lower() for e in node.elts if isinstance(e, ast.Constant)]
        return out if len(out) == len(node.elts) and all(isinstance(x, str) for x in out) else None
    return None


def truth(r: Resolver, test: ast.expr, scope: Scope) -> bool | None:
    """The truth of ``x == "lit"`` / ``x != "lit"`` / ``x in ("a", "b")``, of a flag
    (``fine_tune``, ``not args.resume``) and of ``x is None``, with x resolved."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        t = truth(r, test.operand, scope)
        return None if t is None else not t
    if isinstance(test, ast.BoolOp):
        got = [truth(r, v, scope) for v in test.values]
        if isinstance(test.op, ast.And):
            return False if False in got else (True if all(got) else None)
        return True if True in got else (False if all(g is False for g in got) else None)
    if isinstance(test, (ast.Name, ast.Attribute)):
        v = r.resolve(test, scope)
        return v.value if v is not None and isinstance(v.value, bool) else None
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, (ast.Is, ast.IsNot)):
        if not (
            isinstance(right, ast.Constant) and any(right.value is c for c in (None, True, False))
        ):
            return None
        v = r.resolve(left, scope)  # None: unknown; Val(None): known to be None
        if v is None:
            return None
        return (v.value is right.value) == isinstance(op, ast.Is)
    lits = _literals(right)
    if lits is None and isinstance(op, (ast.Eq, ast.NotEq)):
        left, right = right, left  # "adam" == args.optimizer
        lits = _literals(right)
    if lits is None:
        return None
    got = _text(r, left, scope)
    if got is None:
        return None
    if isinstance(op, (ast.Eq, ast.In)):
        return got in lits
    if isinstance(op, (ast.NotEq, ast.NotIn)):
        return got not in lits
    return None


_Pos = tuple[int, int]  # (line, column)
_Span = tuple[_Pos, _Pos]
_Branch = tuple[ast.expr, _Span, _Span | None]  # test, body, else


def _span(body: list[ast.stmt] | list[ast.expr]) -> _Span:
    first, last = body[0], body[-1]
    return (
        (first.lineno, first.col_offset),
        (last.end_lineno or last.lineno, last.end_col_offset or 0),
    )


_Test = ast.Compare | ast.Name | ast.Attribute | ast.UnaryOp | ast.BoolOp


def _branches(tree: ast.Module) -> list[_Branch]:
    """(test, body span, else span) of every ``if`` and every ``a if t else b``."""
    out: list[_Branch] = []
    for n in ast.walk(tree):
        if isinstance(n, ast.If) and isinstance(n.test, _Test):
            out.append((n.test, _span(n.body), _span(n.orelse) if n.orelse else None))
        elif isinstance(n, ast.IfExp) and isinstance(n.test, _Test):
            out.append((n.test, _span([n.body]), _span([n.orelse])))
    return out


class Branches:
    """The decidable ``if`` statements and conditional expressions of one file, read once."""

    def __init__(self, tree: ast.Module, r: Resolver) -> None:
        self.r = r
        self._ifs = _branches(tree)

    def runs(self, node: ast.expr, scope: Scope) -> bool | None:
        """False when ``node`` sits in a branch that does not run by default, True when
        every decidable test around it holds, None when none decides."""
        pos = (node.lineno, node.col_offset)
        state: bool | None = None
        for test, (lo, hi), orelse in self._ifs:
            in_body = lo <= pos < hi
            in_else = orelse is not None and orelse[0] <= pos < orelse[1]
            if not (in_body or in_else):
                continue
            t = truth(self.r, test, scope)
            if t is None:
                continue
            if t != in_body:
                return False
            state = True
        return state
