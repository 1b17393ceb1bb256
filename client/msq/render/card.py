"""``msq show``: one card, every field with its provenance."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..types import Card, ParamInfo
from . import fmt_date, fmt_size, fmt_value, short_path

FIELD_ORDER = (
    "framework",
    "arch_family",
    "conditional",
    "pretrained",
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


def params_line(p: ParamInfo) -> str:
    """``parameters ≈ 1.2M (estimate; 3 layers not sized)``."""
    n = p.total
    text = f"{n / 1e6:.1f}M" if n >= 1_000_000 else f"{n / 1e3:.0f}K" if n >= 1000 else str(n)
    left = f"; {p.unsized_layers} layer{'s' if p.unsized_layers != 1 else ''} not sized"
    return f"parameters ≈ {text} (estimate{left if p.unsized_layers else ''})"


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
    if card.param_estimate is not None:
        console.print(f"  {params_line(card.param_estimate)}", highlight=False)
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
        from .tree import build_hierarchy, tree_lines

        console.print("\n[bold]Components[/]" if tty else "\nComponents")
        hierarchy = build_hierarchy(card.components)
        for line in tree_lines(hierarchy, card.path, unicode=tty):
            console.print(f"  {escape(line)}" if line else "", highlight=False)
