"""Turning bytes into a syntax tree: decoding, notebooks, and recovery from bad code.

Nothing here imports or runs the code it reads. A file that does not parse is
repaired line by line (the failing line becomes ``pass``) a bounded number of
times, so a Python 2 ``print`` statement or one broken line costs only that line.
"""

from __future__ import annotations

import ast
import codecs
import io
import json
import re
import tokenize
from dataclasses import dataclass, field

# Upper bound on repair attempts: each attempt is a full parse.
MAX_REPAIRS = 25

_MAGIC = re.compile(r"^(\s*)([%!]|\?\?|\?)")
_HELP_SUFFIX = re.compile(r"^\s*[\w.]+\?\??\s*$")
# Cell magics whose body is not Python at all.
_FOREIGN_CELL_MAGICS = (
    "%%bash",
    "%%sh",
    "%%writefile",
    "%%html",
    "%%javascript",
    "%%latex",
    "%%markdown",
    "%%script",
    "%%file",
    "%%perl",
    "%%ruby",
    "%%js",
    "%%svg",
    "%%sql",
)


@dataclass
class Source:
    """Decoded Python text plus what went wrong getting it."""

    text: str
    status: str = "ok"
    messages: list[str] = field(default_factory=list)
    # For notebooks: combined line number (1-based) -> (cell, line in cell).
    line_map: list[tuple[int, int]] | None = None

    def where(self, line: int | None) -> tuple[int | None, int | None]:
        """Map a line of :attr:`text` to (cell, line) (cell None for plain files)."""
        if line is None or self.line_map is None:
            return None, line
        if 1 <= line <= len(self.line_map):
            return self.line_map[line - 1]
        return None, line


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode source bytes honouring a PEP 263 coding line; never raises."""
    problems: list[str] = []
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except (SyntaxError, LookupError) as exc:
        problems.append(f"bad coding declaration: {exc}")
        encoding = "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        problems.append(f"not valid {encoding} at byte {exc.start}; undecodable bytes replaced")
        text = data.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, problems


def neutralise_magics(lines: list[str]) -> list[str]:
    """Replace IPython magics by ``pass`` and shell escapes by nbconvert's
    ``get_ipython().system(...)``, keeping line numbers."""
    out: list[str] = []
    for line in lines:
        m = _MAGIC.match(line)
        if m and m.group(2) == "!" and not line.rstrip().endswith("\\"):
            # A shell escape reads as nbconvert exports it, so a notebook and its
            # script give the same facts (``!wget URL`` names the data it fetches).
            body = line.rstrip("\r\n")
            cmd, end = body[m.end() :], line[len(body) :]
            out.append(f"{m.group(1)}get_ipython().system({cmd!r}){end}")
        elif m or _HELP_SUFFIX.match(line):
            indent = m.group(1) if m else ""
            out.append(indent + "pass")
        else:
            out.append(line)
    return out


def notebook_source(data: str) -> Source:
    """Concatenate the code cells of an .ipynb document.

    Cells are numbered 1-based in document order counting code cells only (the
    order Jupyter shows them, not the execution counter). A cell that does not
    parse on its own is blanked so the rest of the notebook still counts.
    """
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as exc:
        return Source("", "error", [f"notebook is not valid JSON: {exc}"])
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if cells is None and isinstance(doc, dict):  # nbformat 3
        cells = [c for ws in doc.get("worksheets", []) or [] for c in ws.get("cells", [])]
    if not isinstance(cells, list):
        return Source("", "error", ["notebook has no cells"])
    lines: list[str] = []
    line_map: list[tuple[int, int]] = []
    status = "ok"
    messages: list[str] = []
    number = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        number += 1
        src = cell.get("source", cell.get("input", ""))
        if isinstance(src, list):
            src = "".join(s for s in src if isinstance(s, str))
        if not isinstance(src, str):
            continue
        cell_lines = src.split("\n")
        if cell_lines and cell_lines[0].strip().startswith(_FOREIGN_CELL_MAGICS):
            cell_lines = [""] * len(cell_lines)
        try:
            # A cell that parses as it is has no magics: a line starting with "%" is then
            # a continuation ("... %(epoch, loss))"), not a magic to blank.
            try:
                ast.parse("\n".join(cell_lines))
            except SyntaxError:
                cell_lines = neutralise_magics(cell_lines)
                ast.parse("\n".join(cell_lines))
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            status = "partial"
            lineno = getattr(exc, "lineno", None)
            messages.append(f"syntax error in cell {number} at line {lineno}: {_msg(exc)}")
            # Keep the lines that parse (an exercise cell with ``conv1 = `` left blank
            # still sets its learning rate and optimizer); blank the cell only if that fails.
            cell_lines = _repair_cell(cell_lines)
        for i, line in enumerate(cell_lines, start=1):
            lines.append(line)
            line_map.append((number, i))
    return Source("\n".join(lines), status, messages, line_map)


def _repair_cell(cell_lines: list[str]) -> list[str]:
    """The cell with each failing line replaced by ``pass``, or all blank if that
    does not make it parse within MAX_REPAIRS lines."""
    lines = list(cell_lines)
    for _ in range(MAX_REPAIRS):
        try:
            ast.parse("\n".join(lines))
            return lines
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            lineno = getattr(exc, "lineno", None)
            if not isinstance(exc, SyntaxError) or not lineno or not 1 <= lineno <= len(lines):
                break
            bad = lines[lineno - 1]
            if bad.strip() == "pass":
                break
            lines[lineno - 1] = bad[: len(bad) - len(bad.lstrip())] + "pass"
    return [""] * len(cell_lines)


def _msg(exc: BaseException) -> str:
    return getattr(exc, "msg", None) or exc.__class__.__name__


def parse(text: str) -> tuple[ast.Module | None, list[str]]:
    """Parse ``text``, repairing failing lines; returns (tree or None, problems)."""
    problems: list[str] = []
    lines = text.split("\n")
    for _ in range(MAX_REPAIRS):
        try:
            return ast.parse("\n".join(lines)), problems
        except (SyntaxError, ValueError) as exc:
            lineno = getattr(exc, "lineno", None)
            if lineno and 1 <= lineno <= len(lines):
                m = _MAGIC.match(lines[lineno - 1])
                if m and lines[lineno - 1].strip() != "pass":
                    # A notebook saved as a script keeps its magics (Colab's "Download
                    # .py", jupytext): they are not Python, and not an error either.
                    lines[lineno - 1] = m.group(1) + "pass"
                    continue
            if not problems:
                where = f"line {lineno}" if lineno else "unknown line"
                problems.append(f"syntax error at {where}: {_msg(exc)}")
            if not lineno or not 1 <= lineno <= len(lines):
                if "\x00" in "".join(lines):
                    lines = [ln.replace("\x00", "") for ln in lines]
                    continue
                return None, problems
            bad = lines[lineno - 1]
            indent = bad[: len(bad) - len(bad.lstrip())]
            if bad.strip() in ("pass", ""):
                # Repairing did not move the error; give up on this line's block.
                lines[lineno - 1] = ""
                if bad.strip() == "":
                    return None, problems
            else:
                lines[lineno - 1] = indent + "pass"
        except (RecursionError, MemoryError) as exc:
            problems.append(f"code too deeply nested to parse: {exc.__class__.__name__}")
            return None, problems
    return None, problems


_IMPORT_RE = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))")


def token_facts(
    text: str,
) -> tuple[list[tuple[str, int]], list[tuple[str, int]], list[tuple[str, str, int]]]:
    """What the tokens give when the tree does not: imports, strings, NAME = number.

    Returns (imported modules with line, string literals with line, constants).
    """
    imports: list[tuple[str, int]] = []
    strings: list[tuple[str, int]] = []
    consts: list[tuple[str, str, int]] = []
    for i, line in enumerate(text.split("\n"), start=1):
        m = _IMPORT_RE.match(line)
        if m:
            imports.append((m.group(1) or m.group(2), i))
    prev: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.STRING and len(tok.string) < 400:
                strings.append((tok.string.strip("rbuRBUfF").strip("'\""), tok.start[0]))
            if (
                tok.type == tokenize.NUMBER
                and len(prev) >= 2
                and prev[-1].string == "="
                and prev[-2].type == tokenize.NAME
                and prev[-2].start[1] == 0
            ):
                consts.append((prev[-2].string, tok.string, tok.start[0]))
            if tok.type not in (tokenize.NL, tokenize.COMMENT):
                prev = [*prev[-2:], tok]
    except (tokenize.TokenError, SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    return imports, strings, consts
