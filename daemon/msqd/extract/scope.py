"""Where names come from: bindings by scope, function parameters and their call
sites, argparse/absl options, and containers (dicts, namespaces, config classes,
YAML/JSON files) whose members a value can be read from."""

from __future__ import annotations

import ast
import contextlib
import os
from dataclasses import dataclass
from typing import Any

from .configfile import Node, load_config
from .index import MODULE, Binding, Index, Scope
from .options import parse_options

MAX_DEPTH = 24


@dataclass
class Val:
    """A resolved value and its provenance."""

    value: Any
    how: str = "literal"
    detail: str = ""
    line: int | None = None
    file: str | None = None


@dataclass
class Container:
    kind: str  # dict | ns | class | argparse | file
    scope: Scope
    node: ast.AST | None = None
    call: ast.Call | None = None
    fnode: Node | None = None
    file: str | None = None


_CONV = {"int": int, "float": float, "str": str}
_DICT_CALLS = {
    "dict",
    "EasyDict",
    "edict",
    "AttrDict",
    "Box",
    "ConfigDict",
    "create",
    "DictConfig",
    "Munch",
}
_NS_CALLS = {"SimpleNamespace", "Namespace"}
_LOADERS = {"safe_load", "load", "full_load", "unsafe_load"}
_ARG_NAMES = {
    "args",
    "opt",
    "opts",
    "FLAGS",
    "flags",
    "hparams",
    "hp",
    "cfg",
    "config",
    "params",
    "options",
    "a",
}


def unparse(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except (ValueError, RecursionError, AttributeError):
        return "?"


class ScopeBase:
    """Bindings, parameters, argparse options and containers of one indexed file."""

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
        cands = self.ix.bindings.get(key)
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
            for k in cs.node.keywords:
                if k.arg == name:
                    return k.value, cs.scope
            pos = names.index(name) - skip
            if 0 <= pos < len(cs.node.args) and not isinstance(cs.node.args[pos], ast.Starred):
                return cs.node.args[pos], cs.scope
        ann = next((p.annotation for p in fn.args.args if p.arg == name), None)
        if isinstance(ann, ast.Name) and ann.id in self.ix.classes:
            return ann, MODULE
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
            node = cs.node
            found: ast.expr | None = None
            for k in node.keywords:
                if k.arg == name:
                    found = k.value
            if found is None and name in names:
                pos = names.index(name) - skip
                if 0 <= pos < len(node.args) and not any(
                    isinstance(x, ast.Starred) for x in node.args[: pos + 1]
                ):
                    found = node.args[pos]
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

    # -- containers -------------------------------------------------------
    def container(self, node: ast.AST, scope: Scope, depth: int = 0) -> Container | None:
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, ast.Name):
            b = self.binding(node.id, scope, node.lineno, loose=False)
            if b is None and self._is_param(node.id, scope):
                passed = self._param_node(node.id, scope)
                if passed is not None:
                    return self.container(passed[0], passed[1], depth + 1)
                return Container("argparse", scope) if self.args else None
            if b is None:
                b = self.binding(node.id, scope, node.lineno)
            if b is not None and b.value is not None:
                c = self.container(b.value, b.scope, depth + 1)
                if c is None and self.args and node.id in _ARG_NAMES:
                    return Container("argparse", scope)  # FLAGS = flags.FLAGS, opt = get_opts()
                return c
            if b is None and node.id in self.ix.classes:
                return Container("class", scope, self.ix.classes[node.id])
            if b is None:
                passed = self._param_node(node.id, scope)
                if passed is not None:
                    c = self.container(passed[0], passed[1], depth + 1)
                    if c is not None:
                        return c
            if (
                b is None
                and self.args
                and (node.id in _ARG_NAMES or self._param_only(node.id, scope))
            ):
                return Container("argparse", scope)
            return None
        if isinstance(node, ast.Dict):
            return Container("dict", scope, node)
        if isinstance(node, ast.Call):
            return self._call_container(node, scope, depth)
        if isinstance(node, (ast.Subscript, ast.Attribute)):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Call)
                and self._last(node.value) == "parse_known_args"
            ):
                return Container("argparse", scope)
            key = _key_of(node)
            if key is None:
                return None
            parent = self.container(node.value, scope, depth + 1)
            if parent is None:
                return None
            if parent.kind == "file":
                child = _file_child(parent.fnode, key)
                return (
                    None
                    if child is None
                    else Container("file", scope, fnode=child, file=parent.file)
                )
            member = self._member(parent, key)
            if member is None or not isinstance(member[0], ast.AST):
                return None
            return self.container(member[0], member[1], depth + 1)
        return None

    def _is_param(self, name: str, scope: Scope) -> bool:
        fn = self._function(scope)
        return fn is not None and any(
            a.arg == name for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)
        )

    def _param_only(self, name: str, scope: Scope) -> bool:
        fn = self._function(scope)
        return fn is not None and any(a.arg == name for a in fn.args.args)

    @staticmethod
    def _last(call: ast.Call) -> str:
        f = call.func
        return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""

    def _call_container(self, node: ast.Call, scope: Scope, depth: int) -> Container | None:
        last = self._last(node)
        if last in ("parse_args", "parse_known_args"):
            return Container("argparse", scope)
        if last == "vars" and node.args:
            return self.container(node.args[0], scope, depth + 1)
        if last in _NS_CALLS:
            return Container("ns", scope, call=node)
        if last in _DICT_CALLS:
            if node.args:
                inner = self.container(node.args[0], scope, depth + 1)
                if inner is not None:
                    return inner
            return Container("ns", scope, call=node)
        if last in _LOADERS or (last == "load" and node.args):
            path = self._config_path(node, scope, depth)
            if path:
                fnode = load_config(path)
                if fnode is not None:
                    return Container("file", scope, fnode=fnode, file=path)
            return None
        if last in self.ix.classes and isinstance(node.func, ast.Name):
            return Container("class", scope, self.ix.classes[last], call=node)
        for fn, cls in self.ix.functions.get(last, ()):
            if cls is None:
                for ret in (n for n in ast.walk(fn) if isinstance(n, ast.Return)):
                    if ret.value is not None:
                        c = self.container(ret.value, (None, fn.name), depth + 1)
                        if c is not None:
                            return c
        return None

    def _config_path(self, node: ast.Call, scope: Scope, depth: int) -> str | None:
        if not node.args or self.base_dir is None:
            return None
        arg = node.args[0]
        if isinstance(arg, ast.Name) and arg.id in self.ix.withs:
            arg = self.ix.withs[arg.id]
        if isinstance(arg, ast.Call) and self._last(arg) == "open" and arg.args:
            arg = arg.args[0]
        v = self.resolve(arg, scope, depth + 1)
        if v is None or not isinstance(v.value, str):
            return None
        p = v.value
        if not p.endswith((".yaml", ".yml", ".json")):
            return None
        return os.path.normpath(os.path.join(self.base_dir, os.path.expanduser(p)))

    def _member(self, c: Container, key: str) -> tuple[ast.expr, Scope, str] | None:
        """(value node, scope, how) of ``key`` in a container."""
        if c.kind == "dict" and isinstance(c.node, ast.Dict):
            hit = None
            for k, v in zip(c.node.keys, c.node.values, strict=False):
                if isinstance(k, ast.Constant) and k.value == key:
                    hit = v
            return None if hit is None else (hit, c.scope, "config-dict")
        if c.kind == "ns" and c.call is not None:
            for kw in c.call.keywords:
                if kw.arg == key:
                    return kw.value, c.scope, "config-dict"
            return None
        if c.kind == "class" and isinstance(c.node, ast.ClassDef):
            if c.call is not None:
                for kw in c.call.keywords:
                    if kw.arg == key:
                        return kw.value, c.scope, "call-site"
                if c.call.args:
                    # Positional constructor arguments follow the dataclass field order.
                    fields = [
                        s.target.id
                        for s in c.node.body
                        if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                    ]
                    if key in fields and fields.index(key) < len(c.call.args):
                        return c.call.args[fields.index(key)], c.scope, "call-site"
            for stmt in c.node.body:
                tgt: list[ast.expr] = []
                if isinstance(stmt, ast.Assign):
                    tgt = stmt.targets
                elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                    tgt = [stmt.target]
                if any(isinstance(t, ast.Name) and t.id == key for t in tgt):
                    val = stmt.value  # type: ignore[union-attr]
                    if isinstance(val, ast.Call) and self._last(val) == "field":
                        val = next((k.value for k in val.keywords if k.arg == "default"), None)
                    if val is None:
                        return None
                    return val, (c.node.name, None), "class-attribute"
        return None

    # -- values -----------------------------------------------------------
    def resolve(self, node: ast.AST | None, scope: Scope, depth: int = 0) -> Val | None:
        raise NotImplementedError  # provided by Resolver


def _key_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        s = node.slice
        if isinstance(s, ast.Constant) and isinstance(s.value, str):
            return s.value
    return None


def _file_child(fnode: Node | None, key: str) -> Node | None:
    if fnode is None or not isinstance(fnode.value, dict):
        return None
    return fnode.value.get(key)
