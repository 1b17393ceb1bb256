"""Where a name's value comes from: its binding in the enclosing scope, the
function parameter it may be (argument at the last call site, else its default),
and argparse/absl option defaults.

This is the bottom layer of the resolver. :class:`NameScope` finds the expression
behind a name; evaluating an expression is :meth:`NameScope.resolve`, which the
``Resolver`` in ``resolve.py`` provides. Containers a name may refer to (dicts,
namespaces, config classes, YAML/JSON files) are the next layer, in ``scope.py``.
"""

from __future__ import annotations

import ast
import contextlib
from dataclasses import dataclass
from typing import Any

from .index import MODULE, Binding, Index, Scope
from .options import parse_options

__all__ = ["MAX_DEPTH", "NameScope", "Val", "unparse"]


# Chains of names, call sites and containers longer than this are given up on:
# real configs are shallow, and the cap keeps cyclic ones from recursing forever.
MAX_DEPTH = 24


@dataclass
class Val:
    """A resolved value and its provenance."""

    value: Any
    how: str = "literal"
    detail: str = ""
    line: int | None = None
    file: str | None = None


_CONV = {"int": int, "float": float, "str": str}


def unparse(node: ast.AST) -> str:
    """The source text of ``node``, or "?" when it cannot be turned back into code."""
    try:
        return ast.unparse(node)
    except (ValueError, RecursionError, AttributeError):
        return "?"


class NameScope:
    """Bindings, function parameters and argparse options of one indexed file."""

    def __init__(self, ix: Index, base_dir: str | None) -> None:
        self.ix = ix
        self.base_dir = base_dir
        self.args = parse_options(ix)

    # -- argparse ---------------------------------------------------------
    def _arg_val(self, dest: str, detail: str, scope: Scope, depth: int) -> Val | None:
        arg = self.args.get(dest)
        if arg is None:
            return None
        if arg.default is None:
            if arg.const is None:
                return None
            return Val(arg.const, "argparse-default", detail, arg.line)
        v = self.resolve(arg.default, MODULE, depth + 1)
        if v is None or v.value is None:
            return None
        conv = _CONV.get(arg.type_name)
        value = v.value
        if conv is not None and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = conv(value)
        if v.how in ("literal", "constant"):
            return Val(
                value, "argparse-default", detail, v.line if v.how == "literal" else arg.line
            )
        return Val(value, v.how, v.detail, v.line, v.file)

    # -- names ------------------------------------------------------------
    def binding(self, key: str, scope: Scope, line: int, loose: bool = True) -> Binding | None:
        """The assignment ``key`` (a name or ``self.attr``) refers to at ``line`` of ``scope``.

        Looks in ``scope``, then a same-named function, then the module; with ``loose``,
        also in the one other scope that binds ``key``. None when nothing fits.
        """
        cands = self.ix.bindings.get(key)
        if cands and self.ix.env_guarded:
            # An override under ``if os.environ.get(...)`` is not what a plain run uses.
            cands = [b for b in cands if not self.ix.env_only(b.line)]
        if not cands:
            return None
        if key.startswith("self."):
            # Instance attributes belong to one class; any of its methods may set them.
            cands = [b for b in cands if b.scope[0] == scope[0]]
            if not cands:
                return None
            same = (
                [b for b in cands if b.scope == scope]
                or [b for b in cands if b.scope[1] == "__init__"]
                or cands
            )
            before = [b for b in same if b.line < line]
            return before[-1] if before else same[-1]
        same = [b for b in cands if b.scope == scope]
        if not same and scope[1] is not None:
            same = [b for b in cands if b.scope[1] == scope[1]]
        if not same:
            same = [b for b in cands if b.scope == MODULE]
        if not same and loose and len({b.scope for b in cands}) == 1:
            same = cands
        if not same:
            return None
        before = [b for b in same if b.line < line]
        if scope == MODULE or before:
            return before[-1] if before else same[0]
        return same[-1]

    def _function(self, scope: Scope) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        if scope[1] is None:
            return None
        for fn, cls in self.ix.functions.get(scope[1], ()):
            if cls == scope[0]:
                return fn
        return None

    def _param_node(self, name: str, scope: Scope) -> tuple[ast.expr, Scope] | None:
        """The expression passed for parameter ``name`` (last call site), else its annotation."""
        fn = self._function(scope)
        if fn is None:
            return None
        names = [p.arg for p in [*fn.args.posonlyargs, *fn.args.args]]
        if name not in names:
            return None
        cls = scope[0]
        callee = cls if cls is not None and fn.name == "__init__" else fn.name
        skip = 1 if cls is not None and names and names[0] in ("self", "cls") else 0
        for cs in reversed(self.ix.calls_named(callee or "")):
            arg = _call_arg(cs.node, name, names, skip)
            if arg is not None:
                return arg, cs.scope
        ann = next((p.annotation for p in fn.args.args if p.arg == name), None)
        if isinstance(ann, ast.Name) and ann.id in self.ix.classes:
            return ann, MODULE
        return None

    def returned_item(self, node: ast.Subscript, scope: Scope) -> tuple[ast.expr, Scope] | None:
        """Element i of what a call to a function of this file returns, for
        ``f(...)[i]`` (the value of ``a, b = f(...)``): a parameter handed back
        (``return args, model``) is what the call passed for it."""
        call, sl = node.value, node.slice
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and isinstance(sl, ast.Constant)
            and type(sl.value) is int
        ):
            return None
        for fn, cls in self.ix.functions.get(call.func.id, ()):
            if cls is not None:
                continue
            names = [p.arg for p in [*fn.args.posonlyargs, *fn.args.args]]
            for ret in (n for n in ast.walk(fn) if isinstance(n, ast.Return)):
                if not isinstance(ret.value, ast.Tuple) or len(ret.value.elts) <= sl.value:
                    continue
                item = ret.value.elts[sl.value]
                if isinstance(item, ast.Name) and item.id in names:
                    passed = _call_arg(call, item.id, names, 0)
                    return (passed, scope) if passed is not None else None
                return item, (None, fn.name)
        return None

    def _param(self, name: str, scope: Scope, depth: int) -> Val | None:
        fn = self._function(scope)
        if fn is None:
            return None
        a = fn.args
        positional = [*a.posonlyargs, *a.args]
        names = [p.arg for p in positional]
        kwonly = [p.arg for p in a.kwonlyargs]
        if name not in names and name not in kwonly:
            return None
        cls = scope[0]
        is_init = cls is not None and fn.name == "__init__"
        callee = cls if is_init and cls else fn.name
        skip = 1 if cls is not None and names and names[0] in ("self", "cls") else 0
        label = f"{callee}({name})"
        for cs in reversed(self.ix.calls_named(callee)):
            found = _call_arg(cs.node, name, names, skip)
            if found is None:
                continue
            v = self.resolve(found, cs.scope, depth + 1)
            if v is None:
                return None
            if v.how == "literal":
                return Val(v.value, "call-site", label, v.line)
            return v
        default: ast.expr | None = None
        if name in names:
            idx = names.index(name) - (len(names) - len(a.defaults))
            if idx >= 0:
                default = a.defaults[idx]
        else:
            default = a.kw_defaults[kwonly.index(name)]
        if default is None:
            return None
        v = self.resolve(default, MODULE, depth + 1)
        if v is None:
            return None
        if v.how == "literal":
            return Val(v.value, "function-default", label, v.line)
        return v

    def _is_param(self, name: str, scope: Scope) -> bool:
        fn = self._function(scope)
        return fn is not None and any(
            a.arg == name for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)
        )

    def _param_only(self, name: str, scope: Scope) -> bool:
        fn = self._function(scope)
        return fn is not None and any(a.arg == name for a in fn.args.args)

    # -- values -----------------------------------------------------------
    def resolve(self, node: ast.AST | None, scope: Scope, depth: int = 0) -> Val | None:
        """Resolve ``node`` as seen from ``scope``; None when it cannot be known."""
        raise NotImplementedError  # provided by Resolver


def _call_arg(call: ast.Call, name: str, names: list[str], skip: int) -> ast.expr | None:
    """What ``call`` passes for parameter ``name``: its keyword, else its position.

    ``names`` are the positional parameters, ``skip`` 1 when the first is self/cls.
    After a ``*args`` argument positions are unknown, so none is guessed.
    """
    for k in call.keywords:
        if k.arg == name:
            return k.value
    if name in names:
        pos = names.index(name) - skip
        if 0 <= pos < len(call.args) and not any(
            isinstance(x, ast.Starred) for x in call.args[: pos + 1]
        ):
            return call.args[pos]
    return None
