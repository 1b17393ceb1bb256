"""Containers a value can be read from: dicts, namespaces (``SimpleNamespace``,
``EasyDict`` and kin), config classes and dataclasses, argparse results, and
YAML/JSON files loaded by a literal path.

:class:`ScopeBase` adds to :class:`~msqd.extract.bindings.NameScope` (where a
name's value comes from) the step from an expression to the container it
denotes and from a container to the expression behind one of its keys.
``Resolver`` (``resolve.py``) builds on it.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass

from .bindings import MAX_DEPTH, NameScope
from .configfile import PY_CONFIG_CANDIDATES, Node, load_config, load_py_config
from .index import Scope

__all__ = ["Container", "ScopeBase"]


@dataclass
class Container:
    """Something whose members a value can be read from, and the scope it was found in."""

    kind: str  # dict | ns | class | argparse | file
    scope: Scope
    node: ast.AST | None = None
    call: ast.Call | None = None
    fnode: Node | None = None
    file: str | None = None


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
# Command-line parsers that fill a dataclass: tyro.cli(Args), simple_parsing.parse(Args).
_DATACLASS_PARSERS = {"cli", "parse", "from_args", "parse_args_into_dataclass"}
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


class ScopeBase(NameScope):
    """Bindings, parameters, argparse options and containers of one indexed file."""

    def container(self, node: ast.AST, scope: Scope, depth: int = 0) -> Container | None:
        """The container ``node`` denotes as seen from ``scope``, or None if it is none."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, ast.Name):
            b = self.binding(node.id, scope, node.lineno, loose=False)
            if b is None and self._is_param(node.id, scope):
                passed = self._param_node(node.id, scope)
                if passed is not None:
                    return self.container(passed[0], passed[1], depth + 1)
                if node.id in ("config", "cfg") and self.base_dir is not None:
                    py = self._py_config(scope)
                    if py is not None:
                        return py
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
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Call):
                item = self.returned_item(node, scope)
                if item is not None:
                    return self.container(item[0], item[1], depth + 1)
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
        if last in _DATACLASS_PARSERS and node.args:
            # ``args = tyro.cli(Args)``: the fields' defaults are what runs with no flags.
            cls = node.args[0]
            if isinstance(cls, ast.Name) and cls.id in self.ix.classes:
                return Container("class", scope, self.ix.classes[cls.id])
        for fn, cls in self.ix.functions.get(last, ()):
            if cls is None:
                for ret in (n for n in ast.walk(fn) if isinstance(n, ast.Return)):
                    if ret.value is not None:
                        c = self.container(ret.value, (None, fn.name), depth + 1)
                        if c is not None:
                            return c
        return None

    def _py_config(self, scope: Scope) -> Container | None:
        """A ``config`` parameter nobody here passes: the project's Python config
        file (``configs/default.py``'s ``get_config()``), the one run by default."""
        assert self.base_dir is not None
        for rel in PY_CONFIG_CANDIDATES:
            path = os.path.join(self.base_dir, rel)
            fnode = load_py_config(path)
            if fnode is not None:
                return Container("file", scope, fnode=fnode, file=path)
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
