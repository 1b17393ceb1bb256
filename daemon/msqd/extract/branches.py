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
    """The truth of ``x == "lit"`` / ``x != "lit"`` / ``x in ("a", "b")`` with x resolved."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    op, left, right = test.ops[0], test.left, test.comparators[0]
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


def _span(body: list[ast.stmt]) -> tuple[int, int]:
    return body[0].lineno, getattr(body[-1], "end_lineno", None) or body[-1].lineno


class Branches:
    """The decidable ``if`` statements of one file, read once."""

    def __init__(self, tree: ast.Module, r: Resolver) -> None:
        self.r = r
        self._ifs = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.If) and isinstance(n.test, ast.Compare) and len(n.test.ops) == 1
        ]

    def runs(self, line: int, scope: Scope) -> bool | None:
        """False when the statement at ``line`` sits in a branch that does not run by
        default, True when every decidable test around it holds, None when none decides."""
        state: bool | None = None
        for node in self._ifs:
            lo, hi = _span(node.body)
            in_body = lo <= line <= hi
            if node.orelse:
                lo, hi = _span(node.orelse)
                in_else = lo <= line <= hi
            else:
                in_else = False
            if not (in_body or in_else):
                continue
            t = truth(self.r, node.test, scope)
            if t is None:
                continue
            if t != in_body:
                return False
            state = True
        return state
