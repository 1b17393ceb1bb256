"""Reading the YAML/JSON config a script opens by a literal path next to it.

pyyaml is not a runtime dependency, so YAML is read by a small reader for the
subset training configs use: nested ``key: value`` maps by indentation, ``- item``
lists, inline ``[a, b]`` lists, comments, quotes, numbers, booleans and null.
Anchors, multi-line strings and flow maps are not supported (they read as None).
Every value keeps the line it came from.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass
from typing import Any

MAX_CONFIG_BYTES = 256_000


@dataclass
class Node:
    """A config value with its 1-based line."""

    value: Any  # scalar, dict[str, Node] or list[Node]
    line: int


_NUM = re.compile(r"^[-+]?(\d[\d_]*\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)$")


def scalar(text: str) -> Any:
    t = text.strip()
    if not t:
        return None
    if t[0] in "\"'" and t[-1] == t[0] and len(t) >= 2:
        return t[1:-1]
    low = t.lower()
    if low in ("true", "yes", "on"):
        return True
    if low in ("false", "no", "off"):
        return False
    if low in ("null", "~", "none"):
        return None
    if _NUM.match(t):
        try:
            return int(t.replace("_", ""))
        except ValueError:
            try:
                return float(t.replace("_", ""))
            except ValueError:
                return t
    if t.startswith("[") and t.endswith("]"):
        return [scalar(p) for p in t[1:-1].split(",") if p.strip()]
    return t


def _strip_comment(line: str) -> str:
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def read_yaml(text: str) -> Node:
    """Parse the supported YAML subset into :class:`Node` trees."""
    rows: list[tuple[int, str, int]] = []
    for no, raw in enumerate(text.split("\n"), start=1):
        line = _strip_comment(raw).rstrip()
        if not line.strip() or line.strip() in ("---", "..."):
            continue
        rows.append((len(line) - len(line.lstrip()), line.strip(), no))
    root: dict[str, Node] = {}
    # Stack of (indent, container) where container is a dict or list.
    stack: list[tuple[int, Any]] = [(-1, root)]
    pending: tuple[dict[str, Node], str, int, int] | None = None
    for indent, body, no in rows:
        if pending is not None:
            pdict, pkey, pindent, pline = pending
            pending = None
            if indent > pindent:
                child: Any = [] if body.startswith("- ") or body == "-" else {}
                pdict[pkey] = Node(child, pline)
                stack.append((indent, child))
        while len(stack) > 1 and indent < stack[-1][0]:
            stack.pop()
        container = stack[-1][1]
        if body.startswith("- ") or body == "-":
            if isinstance(container, list):
                container.append(Node(scalar(body[1:]), no))
            continue
        key, sep, rest = body.partition(":")
        if not sep or not isinstance(container, dict):
            continue
        key = key.strip().strip("\"'")
        if rest.strip():
            container[key] = Node(scalar(rest), no)
        else:
            container[key] = Node(None, no)
            pending = (container, key, indent, no)
    return Node(root, 1)


def _from_json(obj: Any, line: int) -> Node:
    if isinstance(obj, dict):
        return Node({str(k): _from_json(v, line) for k, v in obj.items()}, line)
    if isinstance(obj, list):
        return Node([_from_json(v, line) for v in obj], line)
    return Node(obj, line)


def _json_lines(text: str, node: Node) -> None:
    """Give top-level and nested keys the line where ``"key":`` first appears."""
    if not isinstance(node.value, dict):
        return
    for key, child in node.value.items():
        m = re.search(r'"' + re.escape(key) + r'"\s*:', text)
        if m:
            child.line = text.count("\n", 0, m.start()) + 1
        _json_lines(text, child)


def load_config(path: str) -> Node | None:
    """Read a small YAML or JSON file; None when missing, too large or unreadable."""
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_CONFIG_BYTES:
            return None
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return None
    try:
        if path.endswith(".json"):
            node = _from_json(json.loads(text), 1)
            _json_lines(text, node)
            return node
        return read_yaml(text)
    except (ValueError, RecursionError):
        return None


# Where ml_collections-style projects keep the config a train script's ``config``
# parameter receives (``--config=configs/default.py``).
PY_CONFIG_CANDIDATES = ("configs/default.py", "config.py", "configs/config.py")


def load_py_config(path: str) -> Node | None:
    """The literal assignments of a Python config file's ``get_config()``
    (``config.learning_rate = 0.1``, ``config.model.depth = 4``) as a config tree.
    The file is parsed, never run."""
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_CONFIG_BYTES:
            return None
        with open(path, encoding="utf-8", errors="replace") as fh:
            tree = ast.parse(fh.read())
    except (OSError, SyntaxError, ValueError, RecursionError):
        return None
    fn = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "get_config"),
        None,
    )
    if fn is None:
        return None
    root = Node({}, fn.lineno)
    for node in ast.walk(fn):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        keys: list[str] = []
        t = node.targets[0]
        while isinstance(t, ast.Attribute):
            keys.insert(0, t.attr)
            t = t.value
        if not keys or not isinstance(t, ast.Name):
            continue
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, RecursionError):
            continue
        cur = root
        for k in keys[:-1]:
            nxt = cur.value.get(k)
            if not isinstance(nxt, Node) or not isinstance(nxt.value, dict):
                nxt = Node({}, node.lineno)
                cur.value[k] = nxt
            cur = nxt
        cur.value[keys[-1]] = Node(value, node.lineno)
    return root if root.value else None
