"""Comparing an extracted card with hand-written expectations (fixtures and demo corpus).

An expectation maps a field name to ``(value,)``, ``(value, snippet, how)``,
``(value, (cell, snippet), how)`` for notebooks, or ``(value, snippet, how, file)`` for
a value found in another file; fields it does not list must be absent. Optional keys:
``alternatives``, ``components`` (name -> layers or None), ``uses``, ``component_files``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from msqd.card import FIELD_NAMES, ModelCard


def line_of(path: Path, snippet: str) -> int:
    """The 1-based line of the first line of ``path`` holding ``snippet``."""
    if path.suffix == ".ipynb":
        raise AssertionError("use (cell, snippet) for notebooks")
    text = path.read_text(encoding="utf-8", errors="replace")
    for no, line in enumerate(text.split("\n"), start=1):
        if snippet in line:
            return no
    raise AssertionError(f"snippet {snippet!r} not in {path}")


def cell_line_of(path: Path, cell: int, snippet: str) -> int:
    """The line of ``snippet`` within code cell ``cell`` (1-based) of a notebook."""
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    src = "".join(cells[cell - 1]["source"])
    for no, line in enumerate(src.split("\n"), start=1):
        if snippet in line:
            return no
    raise AssertionError(f"snippet {snippet!r} not in cell {cell} of {path}")


def field_problems(path: Path, card: ModelCard, exp: dict[str, Any]) -> list[str]:
    """Every way the card's fields differ from ``exp`` (values, types, lines, how)."""
    problems: list[str] = []
    for name in FIELD_NAMES:
        want = exp.get(name)
        got = card.fields.get(name)
        if want is None:
            if got is not None:
                problems.append(
                    f"{name}: expected absent, got {got.value!r} "
                    f"(line {got.line}, {got.how}, {got.detail})"
                )
            continue
        if got is None:
            problems.append(f"{name}: expected {want[0]!r}, got nothing")
            continue
        # Same type too, so 1 never passes for True or 1.0.
        if got.value != want[0] or type(got.value) is not type(want[0]):
            problems.append(
                f"{name}: expected {want[0]!r}, got {got.value!r} "
                f"(line {got.line}, {got.how}, {got.detail})"
            )
            continue
        if len(want) >= 3:
            snippet, how = want[1], want[2]
            if isinstance(snippet, tuple):  # notebook: (cell, snippet)
                cell, snip = snippet
                line = cell_line_of(path, cell, snip)
                if got.cell != cell:
                    problems.append(f"{name}: expected cell {cell}, got {got.cell}")
            elif len(want) >= 4:  # value from another file
                line = line_of(path.parent / want[3], snippet)
                if got.file != str(path.parent / want[3]):
                    problems.append(f"{name}: expected file {want[3]}, got {got.file}")
            else:
                line = line_of(path, snippet)
            if got.line != line or got.how != how:
                problems.append(
                    f"{name}: expected line {line} how {how}, got line "
                    f"{got.line} how {got.how} ({got.detail})"
                )
    for name, alts in exp.get("alternatives", {}).items():
        got = card.fields.get(name)
        values = [a.value for a in got.alternatives] if got else None
        if values != alts:
            problems.append(f"{name} alternatives: expected {alts}, got {values}")
    return problems


def component_problems(path: Path, card: ModelCard, exp: dict[str, Any]) -> list[str]:
    """Every way the card's components differ from ``exp`` (names, layers, uses, files)."""
    problems: list[str] = []
    comps = exp.get("components")
    if comps is not None:
        names = {c.name: c for c in card.components}
        if set(names) != set(comps):
            problems.append(f"components: expected {sorted(comps)}, got {sorted(names)}")
        else:
            for cname, layers in comps.items():
                if layers is not None and names[cname].layers != layers:
                    problems.append(f"{cname} layers: expected {layers}, got {names[cname].layers}")
    for cname, uses in exp.get("uses", {}).items():
        got_uses = next((c.uses for c in card.components if c.name == cname), None)
        if got_uses != uses:
            problems.append(f"{cname} uses: expected {uses}, got {got_uses}")
    for cname, file in exp.get("component_files", {}).items():
        c = next((c for c in card.components if c.name == cname), None)
        if c is None or c.file != str(path.parent / file):
            problems.append(f"{cname}: expected from {file}, got {c and c.file}")
    return problems
