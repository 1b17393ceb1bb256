"""Small shared helpers: turning resolved values into card fields."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable

from ..card import Field
from .index import CallSite
from .resolve import Resolver, Val


def to_field(v: Val, value: object = None) -> Field:
    return Field(
        value=v.value if value is None else value,
        line=v.line,
        how=v.how,  # type: ignore[arg-type]
        detail=v.detail,
        file=v.file,
    )


def with_alternatives(main: Field, others: Iterable[Field]) -> Field:
    """``main`` with the competing values that differ from it (by value or line)."""
    seen = {(repr(main.value), main.line)}
    for o in others:
        key = (repr(o.value), o.line)
        if key not in seen:
            seen.add(key)
            main.alternatives.append(o)
    return main


def kwarg(node: ast.Call, *names: str) -> ast.expr | None:
    for k in node.keywords:
        if k.arg in names:
            return k.value
    return None


def arg_or_kw(node: ast.Call, pos: int, *names: str) -> ast.expr | None:
    v = kwarg(node, *names)
    if v is not None:
        return v
    if pos < len(node.args) and not any(isinstance(a, ast.Starred) for a in node.args[: pos + 1]):
        return node.args[pos]
    return None


def resolve_at(r: Resolver, cs: CallSite, node: ast.expr | None) -> Val | None:
    return None if node is None else r.resolve(node, cs.scope)


def number(v: Val | None, kind: type = float) -> Val | None:
    """``v`` converted to int/float, or None when it is not a number."""
    if v is None or isinstance(v.value, bool):
        return None
    x = v.value
    if isinstance(x, str):
        try:
            x = float(x)
        except ValueError:
            return None
    if not isinstance(x, (int, float)):
        return None
    if kind is int:
        if float(x) != int(x):
            return None
        x = int(x)
    else:
        x = float(x)
    return Val(x, v.how, v.detail, v.line, v.file)


def path_names(path: str, project_dir: str | None, folders: int = 6) -> list[str]:
    """The file's stem, then the names of up to ``folders`` folders above it, the
    project's own folder last: the names a person gave the code (``train_dcgan``,
    ``mnist``, ``WassersteinGAN``). Empty for in-memory sources."""
    if not path or path == "<memory>":
        return []
    out = [os.path.splitext(os.path.basename(path))[0]]
    top = os.path.dirname(project_dir) if project_dir else None
    d = os.path.dirname(path)
    for _ in range(folders):
        if not d or d == top or d == os.path.dirname(d):
            break
        out.append(os.path.basename(d))
        d = os.path.dirname(d)
    return out
