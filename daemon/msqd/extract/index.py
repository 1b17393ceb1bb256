"""One iterative pass over the tree that records everything the extractors look up.

Walking once (without recursion, so deep nesting cannot overflow the stack) and
indexing calls, bindings, classes and names keeps extraction close to the cost
of parsing itself.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from .names import ACCESS_KEYS

# (class name or None, function name or None)
Scope = tuple[str | None, str | None]
MODULE: Scope = (None, None)


def dotted(node: ast.AST) -> str | None:
    """ "a.b.c" for a chain of attributes over a name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call):  # e.g. keras.optimizers.Adam(...).minimize
        inner = dotted(node.func)
        if inner is not None:
            parts.append(inner + "()")
            return ".".join(reversed(parts))
    return None


def target_key(node: ast.AST) -> str | None:
    """Binding key of an assignment target: "x", "self.lr", "cfg['lr']"."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = target_key(node.value)
        return None if base is None else f"{base}.{node.attr}"
    if isinstance(node, ast.Subscript):
        base = target_key(node.value)
        sl = node.slice
        if base is not None and isinstance(sl, ast.Constant) and isinstance(sl.value, str):
            return f"{base}[{sl.value!r}]"
    return None


@dataclass
class CallSite:
    node: ast.Call
    name: str  # dotted name with import aliases expanded: "torch.optim.Adam"
    raw: str  # as written: "optim.Adam"
    last: str  # "Adam"
    scope: Scope
    loops: tuple[ast.AST, ...]  # enclosing loops/comprehensions inside the function
    target: str | None  # assignment target when the call is an assigned value


@dataclass
class Binding:
    key: str
    value: ast.expr | None
    line: int
    scope: Scope


@dataclass
class Index:
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)
    import_lines: list[tuple[str, int]] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    by_last: dict[str, list[CallSite]] = field(default_factory=dict)
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    # function name -> [(def node, class name or None)]
    functions: dict[str, list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str | None]]] = field(
        default_factory=dict
    )
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    # identifier (Name id, attribute, def/arg/keyword name) -> first line
    names: dict[str, int] = field(default_factory=dict)
    strings: list[tuple[str, int]] = field(default_factory=list)
    fors: list[tuple[ast.For, Scope]] = field(default_factory=list)
    compares: list[tuple[ast.Compare, Scope]] = field(default_factory=list)
    # with-item variable -> the context expression (open("cfg.yaml") as f)
    withs: dict[str, ast.expr] = field(default_factory=dict)
    # key -> reads of it: ``x.key`` and ``x["key"]`` with their scope
    accesses: dict[str, list[tuple[ast.expr, Scope]]] = field(default_factory=dict)
    docstring: str = ""
    # Modules imported with ``from mod import *``.
    star_imports: list[str] = field(default_factory=list)
    # Line ranges of ``if os.environ.get("TESTING") == "1":`` bodies: code that does
    # not run when the script is started plainly.
    env_guarded: list[tuple[int, int]] = field(default_factory=list)
    # Names a function declares ``global``: its assignments to them bind the module's.
    globals_of: dict[Scope, set[str]] = field(default_factory=dict)
    # Results that several steps of one extraction ask of this index
    # (components.imported_callers); reset when the next file's extraction starts.
    memo: dict[object, object] = field(default_factory=dict)

    def env_only(self, line: int) -> bool:
        return any(a <= line <= b for a, b in self.env_guarded)

    def expand(self, name: str) -> str:
        head, _, rest = name.partition(".")
        full = self.imports.get(head)
        if full is None:
            return name
        return f"{full}.{rest}" if rest else full

    def calls_named(self, *lasts: str) -> list[CallSite]:
        out: list[CallSite] = []
        for last in lasts:
            out.extend(self.by_last.get(last, ()))
        out.sort(key=lambda c: (c.node.lineno, c.node.col_offset))
        return out

    def has_module(self, *prefixes: str) -> bool:
        return any(m == p or m.startswith(p + ".") for m, _ in self.import_lines for p in prefixes)


# Fields that never hold nodes worth visiting (contexts, operators).
_SKIP_FIELDS = {"ctx", "op", "ops", "type_comment", "kind", "type_ignores"}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields_of(t: type) -> tuple[str, ...]:
    """A node type's child fields, reversed so that popping the stack visits in order."""
    got = _FIELDS.get(t)
    if got is None:
        got = tuple(reversed([f for f in t._fields if f not in _SKIP_FIELDS]))  # type: ignore[attr-defined]
        _FIELDS[t] = got
    return got


def _reads_environment(test: ast.expr) -> bool:
    for n in ast.walk(test):
        if isinstance(n, ast.Attribute) and n.attr in ("environ", "getenv"):
            return True
        if isinstance(n, ast.Name) and n.id in ("environ", "getenv"):
            return True
    return False


def build(tree: ast.Module) -> Index:
    """Index ``tree`` in one iterative walk."""
    ix = Index(tree)
    ds = ast.get_docstring(tree, clean=True) if tree.body else None
    ix.docstring = ds or ""
    targets: dict[int, str] = {}
    # The stack holds nodes and, between them, context markers (scope, loops): a
    # marker switches the context when popped, so no per-node tuple is allocated.
    stack: list[Any] = [tree]
    scope: Scope = MODULE
    loops: tuple[ast.AST, ...] = ()
    names = ix.names
    strings = ix.strings
    while stack:
        node = stack.pop()
        t = type(node)
        if t is tuple:
            scope, loops = node
            continue
        if t is ast.Name:
            if node.lineno < names.get(node.id, 1 << 30):  # type: ignore[attr-defined]
                names[node.id] = node.lineno  # type: ignore[attr-defined]
            continue
        if t is ast.Constant:
            v = node.value  # type: ignore[attr-defined]
            if isinstance(v, str) and len(v) < 300:
                ix.strings.append((v, node.lineno))  # type: ignore[attr-defined]
            continue
        if t is ast.Subscript:
            sl = node.slice  # type: ignore[attr-defined]
            if isinstance(sl, ast.Constant) and sl.value in ACCESS_KEYS:
                ix.accesses.setdefault(sl.value, []).append((node, scope))  # type: ignore[arg-type]
        if t is ast.Attribute:
            if node.attr in ACCESS_KEYS:  # type: ignore[attr-defined]
                ix.accesses.setdefault(node.attr, []).append((node, scope))  # type: ignore[attr-defined,arg-type]
            if node.lineno < names.get(node.attr, 1 << 30):  # type: ignore[attr-defined]
                names[node.attr] = node.lineno  # type: ignore[attr-defined]
        elif t is ast.Call:
            d = dotted(node.func)  # type: ignore[attr-defined]
            if d is not None and not d.endswith(")"):
                # Names are expanded after the walk, when every import is known.
                ix.calls.append(
                    CallSite(
                        node,
                        d,
                        d,
                        "",
                        scope,
                        loops,  # type: ignore[arg-type]
                        targets.get(id(node)),
                    )
                )
            for kw in node.keywords:  # type: ignore[attr-defined]
                if kw.arg:
                    names.setdefault(kw.arg, node.lineno)  # type: ignore[attr-defined]
        elif t is ast.Assign or t is ast.AnnAssign or t is ast.AugAssign:
            tg = node.targets if t is ast.Assign else [node.target]  # type: ignore[attr-defined]
            value = node.value  # type: ignore[attr-defined]
            if t is ast.AugAssign:
                value = None  # x += 1 makes x unknown rather than 1
            for target in tg:
                _bind(ix, target, value, node.lineno, scope, targets)  # type: ignore[attr-defined]
        elif t is ast.Import or t is ast.ImportFrom:
            _import(ix, node)  # type: ignore[arg-type]
            continue
        elif t is ast.Global:
            ix.globals_of.setdefault(scope, set()).update(node.names)  # type: ignore[attr-defined]
            continue
        elif t is ast.FunctionDef or t is ast.AsyncFunctionDef:
            ix.functions.setdefault(node.name, []).append(
                (
                    node,
                    scope[0]
                    if scope[1] is None  # type: ignore[attr-defined]
                    else None,
                )
            )
            names.setdefault(node.name, node.lineno)  # type: ignore[attr-defined]
            inner: Scope = (scope[0] if scope[1] is None else None, node.name)  # type: ignore[attr-defined]
            fa = node.args  # type: ignore[attr-defined]
            for a in (*fa.posonlyargs, *fa.args, *fa.kwonlyargs, fa.vararg, fa.kwarg):
                if a is not None and a.arg not in names:
                    names[a.arg] = node.lineno  # type: ignore[attr-defined]
            stack.append((scope, loops))
            stack.extend(reversed(node.body))  # type: ignore[attr-defined]
            stack.append((inner, ()))
            body_ids = {id(b) for b in node.body}  # type: ignore[attr-defined]
            stack.extend(
                c for c in reversed(list(ast.iter_child_nodes(node))) if id(c) not in body_ids
            )
            continue
        elif t is ast.ClassDef:
            ix.classes.setdefault(node.name, node)  # type: ignore[attr-defined]
            names.setdefault(node.name, node.lineno)  # type: ignore[attr-defined]
            stack.append((scope, loops))
            stack.extend(reversed(list(ast.iter_child_nodes(node))))
            stack.append(((node.name, None), ()))  # type: ignore[attr-defined]
            continue
        elif t is ast.For or t is ast.AsyncFor:
            ix.fors.append((node, scope))  # type: ignore[arg-type]
            _bind(ix, node.target, None, node.lineno, scope, targets)  # type: ignore[attr-defined]
            stack.append((scope, loops))
            stack.extend(reversed(node.body + node.orelse))  # type: ignore[attr-defined]
            stack.append((scope, (*loops, node)))
            stack.append(node.iter)  # type: ignore[attr-defined]
            stack.append(node.target)  # type: ignore[attr-defined]
            continue
        elif t in (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp):
            elts = [node.key, node.value] if t is ast.DictComp else [node.elt]  # type: ignore[attr-defined]
            stack.append((scope, loops))
            stack.extend(reversed(elts))
            stack.append((scope, (*loops, node)))
            stack.extend(reversed(node.generators))  # type: ignore[attr-defined]
            continue
        elif t is ast.Compare:
            ix.compares.append((node, scope))  # type: ignore[arg-type]
        elif t is ast.If and node.body:  # type: ignore[attr-defined]
            test = node.test  # type: ignore[attr-defined]
            if _reads_environment(test):
                first, last = node.body[0], node.body[-1]  # type: ignore[attr-defined]
                ix.env_guarded.append((first.lineno, last.end_lineno or last.lineno))
        elif t is ast.With or t is ast.AsyncWith:
            for item in node.items:  # type: ignore[attr-defined]
                if isinstance(item.optional_vars, ast.Name):
                    ix.withs[item.optional_vars.id] = item.context_expr
        for f in _fields_of(t):
            v = getattr(node, f, None)
            if v is None:
                continue
            # Leaves (names, string constants) are recorded here instead of being
            # pushed: most nodes are leaves, and this loop is the extractor's hot path.
            for x in reversed(v) if v.__class__ is list else (v,):
                if not isinstance(x, ast.AST):
                    continue
                tx = type(x)
                if tx is ast.Name:
                    if x.lineno < names.get(x.id, 1 << 30):  # type: ignore[attr-defined]
                        names[x.id] = x.lineno  # type: ignore[attr-defined]
                elif tx is ast.Constant:
                    cv = x.value  # type: ignore[attr-defined]
                    if cv.__class__ is str and len(cv) < 300:
                        strings.append((cv, x.lineno))  # type: ignore[attr-defined]
                else:
                    stack.append(x)
    ix.calls.sort(key=lambda c: (c.node.lineno, c.node.col_offset))
    for cs in ix.calls:
        cs.name = ix.expand(cs.raw)
        parts = cs.name.rsplit(".", 2)
        if len(parts) >= 2 and parts[-1] in ("from_pretrained", "from_config", "from_single_file"):
            # AutoModel.from_pretrained(...) builds an AutoModel: index it under the class.
            cs.name = cs.name.rsplit(".", 1)[0]
        cs.last = cs.name.rsplit(".", 1)[-1]
        ix.by_last.setdefault(cs.last, []).append(cs)
    for blist in ix.bindings.values():
        blist.sort(key=lambda b: b.line)
    ix.strings.sort(key=lambda s: s[1])
    return ix


def _bind(
    ix: Index,
    target: ast.AST,
    value: ast.expr | None,
    line: int,
    scope: Scope,
    targets: dict[int, str],
) -> None:
    if isinstance(target, (ast.Tuple, ast.List)):
        vals = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
        starred = any(isinstance(el, ast.Starred) for el in target.elts)
        for i, el in enumerate(target.elts):
            v = vals[i] if vals is not None and i < len(vals) else None
            if v is None and isinstance(value, ast.Call) and not starred:
                # ``args, model = setup(args)``: element i of what the call returns, so
                # the resolver can follow a function that hands its argument back.
                v = ast.copy_location(ast.Subscript(value, ast.Constant(i), ast.Load()), value)
            _bind(ix, el, v, line, scope, targets)
        return
    key = target_key(target)
    if key is None:
        return
    if scope[1] is not None and key in ix.globals_of.get(scope, ()):
        scope = MODULE
    ix.bindings.setdefault(key, []).append(Binding(key, value, line, scope))
    if isinstance(value, ast.Call):
        targets[id(value)] = key


def _import(ix: Index, node: ast.Import | ast.ImportFrom) -> None:
    if isinstance(node, ast.Import):
        for a in node.names:
            ix.import_lines.append((a.name, node.lineno))
            if a.asname:
                ix.imports[a.asname] = a.name
            else:
                head = a.name.split(".")[0]
                ix.imports.setdefault(head, head)
        return
    mod = ("." * node.level) + (node.module or "")
    ix.import_lines.append((mod, node.lineno))
    for a in node.names:
        if a.name == "*":
            ix.star_imports.append(mod)
            continue
        joined = f"{mod}{a.name}" if mod.endswith(".") else f"{mod}.{a.name}"
        ix.imports[a.asname or a.name] = joined if mod else a.name
