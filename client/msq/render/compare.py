"""Rendering a comparison: sides as read, the side-by-side table, key differences,
the streamed narrative, then each side's ranked results."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..compare_types import (
    DifferencesEvent,
    DoneEvent,
    NarrativeStatusEvent,
    OverviewEvent,
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


SCREEN_LINES = 40


class CompareRenderer:
    """Prints each compare event as it arrives.

    By default the one-screen answer (render/compare_screen.py): sides as read, then,
    when the overview arrives, side summaries, ranked differences, the summary
    paragraph and a compact table of differing fields. ``full`` prints the whole
    table, every key difference and each side's ranked results as well;
    ``all_differences`` adds every ranked and key difference to the one screen.
    """

    def __init__(
        self,
        console: Console,
        *,
        diff_only: bool = False,
        columns: tuple[str, ...] = (),
        full: bool = False,
        all_differences: bool = False,
    ):
        self.console = console
        self.diff_only = diff_only
        self.columns = columns or DEFAULT_COLUMNS
        self.tty = console.is_terminal
        self.full = full
        self.all_differences = all_differences
        self._in_narrative = False
        self._narrative_text = ""
        self._table_ev: TableEvent | None = None
        self._diffs: DifferencesEvent | None = None

    def handle(self, ev: Any) -> None:
        if isinstance(ev, SidesEvent):
            if ev.kind == "sides" or self.full:
                self._sides(ev)
        elif isinstance(ev, TableEvent):
            self._table_ev = ev
            if self.full or not ev.columns:
                self._table(ev)
        elif isinstance(ev, DifferencesEvent):
            self._diffs = ev
            if self.full:
                self._differences(ev)
        elif isinstance(ev, OverviewEvent):
            self._overview(ev)
        elif isinstance(ev, NarrativeStatusEvent):
            self._status(ev)
        elif isinstance(ev, TokenEvent):
            if not self._in_narrative:
                self.console.print(
                    "\n[bold]LLM narrative[/] [dim](each sentence checked against the facts)[/]"
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

    def _overview(self, ev: OverviewEvent) -> None:
        from .compare_screen import screen_lines

        if self._table_ev is not None and not self._table_ev.columns:
            return
        table = None if self.full else self._table_ev
        # One screen: 40 lines with the sides-as-read lines and the narrative status.
        budget = SCREEN_LINES - len(ev.sides) - 1
        lines = screen_lines(
            ev, table, self.console.width, self.all_differences or self.full, budget
        )
        for line in lines:
            self.console.print(escape(line), highlight=False)
        if self.all_differences and not self.full and self._diffs is not None:
            self._differences(self._diffs)

    def _status(self, ev: NarrativeStatusEvent) -> None:
        if ev.state in ("unavailable", "unconfigured", "error"):
            self.console.print(f"\n[dim]{ev.message}[/]")
        elif ev.state == "off":
            self.console.print(f"[dim]{escape(ev.message)}[/]")

    def _done(self, ev: DoneEvent) -> None:
        if self._in_narrative:
            self.console.file.write("\n")
            self._in_narrative = False
        if ev.dropped_sentences:
            self.console.print(
                f"[dim]{ev.dropped_sentences} sentence(s) of the summary were dropped: "
                "they stated facts not in the table[/]"
            )
