"""``msq show``: one card, every field with its provenance."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..types import Card
from . import fmt_date, fmt_size, fmt_value, short_path

FIELD_ORDER = (
    "framework",
    "arch_family",
    "conditional",
    "dataset",
    "image_size",
    "batch_size",
    "learning_rate",
    "optimizer",
    "weight_decay",
    "scheduler",
    "epochs",
    "loss",
    "seed",
    "mixed_precision",
    "timesteps",
    "beta_schedule",
    "device",
)


def card_view(console: Console, card: Card) -> None:
    """Print ``card`` in full."""
    tty = console.is_terminal
    what = f"{card.role}, {card.status}" if card.role else card.status
    head = f"{escape(card.model_id)}  ({what})"
    console.print(f"[bold]{head}[/]" if tty else head, highlight=False)
    console.print(f"  path      {short_path(card.path)}", highlight=False)
    console.print(
        f"  size      {fmt_size(card.size)}   modified {fmt_date(card.modified)}   "
        f"created {fmt_date(card.created)} ({card.created_source or '?'})",
        highlight=False,
    )
    if card.message:
        console.print(f"  message   {card.message}", highlight=False)
    if card.description:
        console.print(f"\n{card.description}", highlight=False)
    if card.llm_description:
        console.print(f"\n{card.llm_description} [dim](LLM)[/]", highlight=False)
    if card.fields:
        t = Table(box=box.SIMPLE_HEAD if tty else None, show_edge=False, pad_edge=False)
        t.add_column("Field", no_wrap=True)
        t.add_column("Value", overflow="fold")
        t.add_column("From", overflow="fold")
        names = [n for n in FIELD_ORDER if n in card.fields]
        names += sorted(n for n in card.fields if n not in FIELD_ORDER)
        for name in names:
            f = card.fields[name]
            t.add_row(name, fmt_value(f.value), f.where())
            for alt in f.alternatives:
                t.add_row("", f"also {fmt_value(alt.value)}", alt.where())
        console.print()
        console.print(t)
    if card.components:
        console.print("\n[bold]Components[/]" if tty else "\nComponents")
        for c in card.components:
            layers = ", ".join(
                f"{k} x{v}" for k, v in sorted(c.layers.items(), key=lambda kv: -kv[1])
            )
            where = f"line {c.line}" if c.line else ""
            if c.file:
                where = f"{c.file}, {where}" if where else c.file
            console.print(f"  {c.name}({c.base})  {where}", highlight=False)
            if layers:
                console.print(f"    layers: {layers}", highlight=False)
            if c.uses:
                console.print(f"    uses: {', '.join(c.uses)}", highlight=False)
