"""Resolving an expression to a value the way Python would, and saying where it came from.

Handles module constants and arithmetic on them, argparse (and absl) defaults read
back through ``args.x``, config dicts and their keys, class-attribute and dataclass
configs (constructor arguments win), ``SimpleNamespace``, function defaults
overridden at the call site, and YAML/JSON files opened by a literal path.

The provenance rule: a value keeps the provenance of the deepest named thing it
was read through. ``LR = 2e-4`` read as ``LR`` is ("constant", "LR"); ``lr =
args.lr`` read as ``lr`` stays ("argparse-default", "args.lr").
"""

from __future__ import annotations

import ast
import math
import re
from typing import Any

from .bindings import _CONV, MAX_DEPTH, Val, unparse
from .index import Scope, target_key
from .scope import Container, ScopeBase, _file_child, _key_of

# printf conversions a path may use, with small widths only.
_PCT_SPEC = re.compile(r"%(?:%|[-0]?\d{0,2}(?:\.\d{1,2})?[sdifr])")

__all__ = ["Resolver", "Val", "unparse"]


class Resolver(ScopeBase):
    """Resolves expressions of one indexed file."""

    def resolve(self, node: ast.AST | None, scope: Scope, depth: int = 0) -> Val | None:
        """Resolve ``node`` as seen from ``scope``; None when it cannot be known."""
        if node is None or depth > MAX_DEPTH:
            return None
        try:
            return self._resolve(node, scope, depth)
        except (
            RecursionError,
            MemoryError,
            OverflowError,
            ValueError,
            TypeError,
            ZeroDivisionError,
        ):
            return None

    def _resolve(self, node: ast.AST, scope: Scope, depth: int) -> Val | None:
        if isinstance(node, ast.Constant):
            return Val(node.value, "literal", "", node.lineno)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.resolve(node.operand, scope, depth + 1)
            if v is None or not isinstance(v.value, (int, float)):
                return None
            v.value = -v.value if isinstance(node.op, ast.USub) else v.value
            return v
        if isinstance(node, ast.BinOp):
            return self._binop(node, scope, depth)
        if isinstance(node, (ast.Tuple, ast.List)):
            items = [self.resolve(e, scope, depth + 1) for e in node.elts]
            if any(i is None for i in items):
                return None
            vals = [i.value for i in items if i is not None]
            prov = next((i for i in items if i is not None and i.how != "literal"), None)
            if prov is not None:
                return Val(vals, prov.how, prov.detail, prov.line, prov.file)
            return Val(vals, "literal", "", node.lineno)
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, scope, depth)
        if isinstance(node, ast.Name):
            return self._name(node, scope, depth)
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            return self._access(node, scope, depth)
        if isinstance(node, ast.Call):
            return self._call(node, scope, depth)
        return None

    def _fstring(self, node: ast.JoinedStr, scope: Scope, depth: int) -> Val | None:
        """``f"{root}/{name}.txt"`` with every part known (no format specs)."""
        out: list[str] = []
        prov: Val | None = None
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                out.append(part.value)
                continue
            if not isinstance(part, ast.FormattedValue) or part.format_spec or part.conversion > 0:
                return None
            v = self.resolve(part.value, scope, depth + 1)
            if v is None or not isinstance(v.value, (str, int, float)) or isinstance(v.value, bool):
                return None
            out.append(str(v.value))
            if prov is None and v.how != "literal":
                prov = v
        if prov is None:
            return Val("".join(out), "literal", "", node.lineno)
        return Val("".join(out), prov.how, prov.detail, prov.line, prov.file)

    def _binop(self, node: ast.BinOp, scope: Scope, depth: int) -> Val | None:
        a = self.resolve(node.left, scope, depth + 1)
        b = self.resolve(node.right, scope, depth + 1)
        if a is None or b is None:
            return None
        x, y = a.value, b.value
        op = node.op
        if isinstance(x, str) and isinstance(y, str) and isinstance(op, ast.Add):
            value: Any = x + y
        elif isinstance(x, str) and isinstance(op, ast.Mod):
            # "../data/%s-%s.txt" % (lang1, lang2): a path built from its parts.
            parts = tuple(y) if isinstance(node.right, ast.Tuple) and isinstance(y, list) else (y,)
            if not all(isinstance(p, (str, int, float)) for p in parts):
                return None
            if "%" in _PCT_SPEC.sub("", x):
                return None  # a width like %999999999s would build a huge string
            value = x % parts
        elif not (isinstance(x, (int, float)) and isinstance(y, (int, float))):
            return None
        elif isinstance(op, ast.Add):
            value = x + y
        elif isinstance(op, ast.Sub):
            value = x - y
        elif isinstance(op, ast.Mult):
            value = x * y
        elif isinstance(op, ast.Div):
            value = x / y
        elif isinstance(op, ast.FloorDiv):
            value = x // y
        elif isinstance(op, ast.Mod):
            value = x % y
        elif isinstance(op, ast.Pow) and abs(y) <= 64 and abs(x) < 1e6:
            value = x**y
        else:
            return None
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, float):
            value = float(f"{value:.12g}")  # 2e-4 * 2 reads as 0.0004, not 0.00040000000000000002
        prov = a if a.how != "literal" else b
        if prov.how == "literal":
            return Val(value, "literal", "", node.lineno)
        return Val(value, prov.how, prov.detail, prov.line, prov.file)

    def _name(self, node: ast.Name, scope: Scope, depth: int) -> Val | None:
        if node.id in ("True", "False", "None"):
            return None
        b = self.binding(node.id, scope, node.lineno, loose=False)
        if b is None:
            if self._param_only(node.id, scope) or self._is_param(node.id, scope):
                return self._param(node.id, scope, depth)
            b = self.binding(node.id, scope, node.lineno)
            if b is None:
                return None
        if b.value is None:
            return None
        v = self.resolve(b.value, b.scope, depth + 1)
        if v is None:
            return None
        if v.how == "literal":
            return Val(v.value, "constant", node.id, b.line)
        return v

    def _access(self, node: ast.Attribute | ast.Subscript, scope: Scope, depth: int) -> Val | None:
        key = target_key(node)
        detail = unparse(node)
        if key is not None:
            # An explicit override such as ``args.lr = 0.1`` or ``config['lr'] = 3e-4``.
            b = self.binding(key, scope, node.lineno)
            if b is not None and (not key.startswith("self.") or b.scope[0] == scope[0]):
                if b.value is None:
                    return None
                v = self.resolve(b.value, b.scope, depth + 1)
                if v is not None and v.how == "literal":
                    how = "constant" if key.startswith("self.") else "config-dict"
                    return Val(v.value, how, detail, b.line)
                return v
        base = node.value
        if isinstance(node, ast.Subscript) and isinstance(base, ast.Call):
            item = self.returned_item(node, scope)
            if item is not None:
                return self.resolve(item[0], item[1], depth + 1)
        name = _key_of(node)
        if name is None:
            return None
        if (
            isinstance(base, ast.Attribute)
            and base.attr == "hparams"
            and isinstance(base.value, ast.Name)
            and base.value.id == "self"
        ):
            init = (scope[0], "__init__")
            v = self._param(name, init, depth)
            ns = None if v is not None else self._hparams_namespace(scope[0])
            if ns is not None:
                attr = ast.copy_location(ast.Attribute(ns, name, ast.Load()), node)
                return self.resolve(attr, init, depth + 1)
            return v
        if isinstance(base, ast.Name) and base.id == "self" and scope[0]:
            cls = self.ix.classes.get(scope[0])
            if cls is not None:
                m = self._member(Container("class", scope, cls), name)
                if m is not None:
                    return self._member_val(m, detail, depth)
            return None
        c = self.container(base, scope, depth + 1)
        if c is None:
            return self._filled_from_args(node, name, detail, scope, depth)
        if c.kind == "argparse":
            return self._arg_val(name, detail, scope, depth)
        if c.kind == "file":
            child = _file_child(c.fnode, name)
            if child is None or isinstance(child.value, (dict, list)):
                return None
            return Val(child.value, "config-file", detail, child.line, c.file)
        m = self._member(c, name)
        if m is None:
            return self._filled_from_args(node, name, detail, scope, depth)
        return self._member_val(m, detail, depth)

    def _hparams_namespace(self, cls: str | None) -> ast.Name | None:
        """The ``__init__`` parameter whose attributes become ``self.hparams``:
        ``self.save_hyperparameters(args)``, ``self.hparams.update(vars(args))`` or
        (older Lightning) ``self.hparams = args``."""
        fn = self._function((cls, "__init__"))
        if fn is None:
            return None
        params = {a.arg for a in fn.args.args[1:]}
        for n in ast.walk(fn):
            cand: ast.expr | None = None
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.args:
                if n.func.attr == "save_hyperparameters" or (
                    n.func.attr == "update" and unparse(n.func.value) == "self.hparams"
                ):
                    cand = n.args[0]
                    if isinstance(cand, ast.Call) and unparse(cand.func) == "vars" and cand.args:
                        cand = cand.args[0]
            elif isinstance(n, ast.Assign) and [unparse(t) for t in n.targets] == ["self.hparams"]:
                cand = n.value
            if isinstance(cand, ast.Name) and cand.id in params:
                return ast.Name(cand.id, ast.Load(), lineno=n.lineno, col_offset=0)
        return None

    def _filled_from_args(
        self, node: ast.Attribute | ast.Subscript, key: str, detail: str, scope: Scope, depth: int
    ) -> Val | None:
        """``config['lr']`` of a dict no literal fills, in a file with an ``--lr`` option:
        the dict was filled from the parsed options (``for a in vars(args): config[a] =
        getattr(args, a)``), so the option's default is the value."""
        if isinstance(node, ast.Subscript) and key in self.args:
            return self._arg_val(key, detail, scope, depth)
        return None

    def _member_val(self, m: tuple[ast.expr, Scope, str], detail: str, depth: int) -> Val | None:
        value_node, mscope, how = m
        v = self.resolve(value_node, mscope, depth + 1)
        if v is None:
            return None
        if v.how == "literal":
            return Val(v.value, how, detail, v.line)
        return v

    def _call(self, node: ast.Call, scope: Scope, depth: int) -> Val | None:
        last = self._last(node)
        if last in ("int", "float", "str") and len(node.args) == 1:
            v = self.resolve(node.args[0], scope, depth + 1)
            if v is None:
                return None
            v.value = _CONV[last](v.value)
            return v
        if last == "get" and isinstance(node.func, ast.Attribute) and node.args:
            k = node.args[0]
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                sub = ast.Subscript(value=node.func.value, slice=k, ctx=ast.Load())
                ast.copy_location(sub, node)
                v = self._access(sub, scope, depth + 1)
                if v is not None:
                    return v
                if len(node.args) > 1:
                    d = self.resolve(node.args[1], scope, depth + 1)
                    if d is not None and d.how == "literal":
                        d.how, d.detail = "config-dict", unparse(node)
                    return d
        return None
