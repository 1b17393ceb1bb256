"""Command-line options a script declares: argparse and absl flags."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from .index import Index


@dataclass
class Arg:
    default: ast.expr | None
    line: int
    type_name: str
    const: Any = None


def parse_options(ix: Index) -> dict[str, Arg]:
    """argparse ``add_argument``/``set_defaults`` and absl ``DEFINE_*``: dest -> option."""
    out: dict[str, Arg] = {}
    for cs in ix.calls_named("add_argument"):
        node = cs.node
        opts = [
            a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        dest_node = kw.get("dest")
        if isinstance(dest_node, ast.Constant) and isinstance(dest_node.value, str):
            dest = dest_node.value
        else:
            longs = [o for o in opts if o.startswith("--")]
            pick = longs[0] if longs else (opts[0] if opts else "")
            dest = pick.lstrip("-").replace("-", "_")
        if not dest:
            continue
        tnode = kw.get("type")
        tname = tnode.id if isinstance(tnode, ast.Name) else ""
        action = kw.get("action")
        const: Any = None
        if "default" not in kw and isinstance(action, ast.Constant):
            const = {"store_true": False, "store_false": True}.get(action.value)
        out[dest] = Arg(kw.get("default"), node.lineno, tname, const)
    for cs in ix.calls:
        if cs.last.startswith("DEFINE_") and len(cs.node.args) >= 2:
            name = cs.node.args[0]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                out[name.value] = Arg(cs.node.args[1], cs.node.lineno, "")
    for cs in ix.calls_named("set_defaults"):
        for k in cs.node.keywords:
            if k.arg and k.arg in out:
                out[k.arg] = Arg(k.value, cs.node.lineno, out[k.arg].type_name)
    return out
