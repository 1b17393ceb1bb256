"""Rendering a comparison: sides as read, the side-by-side table, key differences,
the streamed narrative, then each side's ranked results."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from ..compare_types import (
    DifferencesEvent,
    DoneEvent,
    NarrativeStatusEvent,
    SidesEvent,
    TableEvent,
    TokenEvent,
)
from ..types import SearchResults
from . import DEFAULT_COLUMNS, results_table, search_notes


def print_search_header(console: Console, res: SearchResults) -> None:
    """How the query was read, and how complete the index is."""
    bits = search_notes(res)
    if bits:
        console.print("  ".join(f"[dim]{b}[/]" for b in bits))


class CompareRenderer:
    """Prints each compare event as it arrives."""

    def __init__(self, console: Console, *, diff_only: bool = False, columns: tuple[str, ...] = ()):
        self.console = console
        self.diff_only = diff_only
        self.columns = columns or DEFAULT_COLUMNS
        self.tty = console.is_terminal
        self._in_narrative = False
        self._narrative_text = ""

    def handle(self, ev: Any) -> None:
        if isinstance(ev, SidesEvent):
            self._sides(ev)
        elif isinstance(ev, TableEvent):
            self._table(ev)
        elif isinstance(ev, DifferencesEvent):
            self._differences(ev)
        elif isinstance(ev, NarrativeStatusEvent):
            self._status(ev)
        elif isinstance(ev, TokenEvent):
            if not self._in_narrative:
                self.console.print(
                    "\n[bold]Summary[/] [dim](local LLM, checked against the facts)[/]"
                )
                self._in_narrative = True
            self._narrative_text += ev.text
            self.console.file.write(ev.text)
            self.console.file.flush()
        elif isinstance(ev, DoneEvent):
            self._done(ev)

    def finish(self) -> None:
        if self._in_narrative:
            self.console.file.write("\n")

    def _sides(self, ev: SidesEvent) -> None:
        if ev.kind == "sides":
            for i, s in enumerate(ev.sides, 1):
                n = len(s.results)
                what = s.reading.summary or s.reading.text
                self.console.print(
                    f"side {i}: {what} → {s.matched} matching model{'s' if s.matched != 1 else ''}"
                    + (f" (showing {n})" if n and n != s.matched else "")
                )
            return
        for i, s in enumerate(ev.sides, 1):
            if not s.results:
                continue
            title = f"side {i}: {s.reading.summary or s.reading.text}"
            self.console.print()
            self.console.print(
                results_table(
                    s.results, self.columns, tty=self.tty, title=title, width=self.console.width
                )
            )

    def _table(self, ev: TableEvent) -> None:
        if not ev.columns:
            self.console.print("nothing to compare: no side matched any model")
            return
        table = Table(
            box=box.SIMPLE_HEAD if self.tty else None,
            show_edge=False,
            pad_edge=False,
            header_style="bold" if self.tty else "",
        )
        table.add_column("", no_wrap=True)
        table.add_column("Field", no_wrap=True)
        for c in ev.columns:
            mark = " (baseline)" if ev.baseline and c.model_id == ev.baseline else ""
            table.add_column(f"{c.model_id}{mark}\n[dim]side {c.side + 1}[/]", overflow="fold")
        shown = 0
        for r in ev.rows:
            if self.diff_only and not r.differs:
                continue
            cells = list(r.cells)
            if ev.baseline and r.deltas:
                cells = [f"{c} ({d})" if d else c for c, d in zip(cells, r.deltas, strict=False)]
            style = "yellow" if r.differs and self.tty else None
            table.add_row("≠" if r.differs else "", r.label, *cells, style=style)
            shown += 1
        self.console.print()
        self.console.print(table)
        if self.diff_only and shown < len(ev.rows):
            self.console.print(f"[dim]{len(ev.rows) - shown} equal rows hidden (--diff-only)[/]")

    def _differences(self, ev: DifferencesEvent) -> None:
        if not ev.items:
            return
        self.console.print("\n[bold]Key differences[/]")
        for d in ev.items:
            self.console.print(f"  • [{d.category}] {d.text}", highlight=False)

    def _status(self, ev: NarrativeStatusEvent) -> None:
        if ev.state in ("unavailable", "unconfigured", "error"):
            self.console.print(f"\n[dim]{ev.message}[/]")

    def _done(self, ev: DoneEvent) -> None:
        if self._in_narrative:
            self.console.file.write("\n")
            self._in_narrative = False
        if ev.dropped_sentences:
            self.console.print(
                f"[dim]{ev.dropped_sentences} sentence(s) of the summary were dropped: "
                "they stated facts not in the table[/]"
            )
