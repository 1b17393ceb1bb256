"""``msq status``: what the daemon is doing, and a live bar while it indexes."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.console import Console

from ..status_types import Status
from . import short_path

if TYPE_CHECKING:
    from ..client import Client


def _uptime(s: float) -> str:
    s = int(s)
    if s < 120:
        return f"{s} s"
    if s < 7200:
        return f"{s // 60} min"
    if s < 172800:
        return f"{s // 3600} h {s % 3600 // 60} min"
    return f"{s // 86400} days"


def status_view(console: Console, st: Status) -> None:
    """Print the daemon's status."""
    p = console.print
    p(f"msqd {st.version}, pid {st.pid}, up {_uptime(st.uptime_seconds)}", highlight=False)
    p(f"socket     {st.socket_path}", highlight=False, markup=False)
    if st.home:
        p(f"home       {st.home}", highlight=False, markup=False)
    emb = "ready" if st.embedding_ready else "loading"
    p(
        f"embedding  {st.embedding_model} ({emb}); "
        f"vector index {st.index_state}, {st.vectors} vectors",
        highlight=False,
    )
    llm = st.llm_model or "none configured (pip install 'msq[llm]' or set llm.model_path)"
    p(
        f"llm        {llm}" + (f" ({st.llm_state})" if st.llm_model else ""),
        highlight=False,
        markup=False,
    )
    counts = ", ".join(f"{n} {k}" for k, n in sorted(st.counts.items())) or "nothing yet"
    p(f"models     {st.cards_total} ({counts})", highlight=False)
    pr = st.progress
    if pr.active:
        eta = f", about {pr.eta_seconds:.0f} s left" if pr.eta_seconds else ""
        p(
            f"indexing   {pr.done}/{pr.seen} files ({pr.completeness:.0%}), {pr.failed} failed, "
            f"{pr.rate:.1f}/s{eta}",
            highlight=False,
        )
    else:
        p("indexing   idle", highlight=False)
    p(
        f"embedded   {st.embeddings_computed} computed, {st.embeddings_reused} reused since start",
        highlight=False,
    )
    if not st.roots:
        p("roots      none yet: msq add PATH", highlight=False)
    for r in st.roots:
        extra = f" — {r.message}" if r.message else ""
        p(
            f"root       {short_path(r.path)}  {r.state}, "
            f"{r.files} files, {r.errors} errors{extra}",
            highlight=False,
            markup=False,
        )
    for prob in st.problems:
        p(f"problem    {prob}", highlight=False, markup=False)


def progress_bar(client: Client, console: Console) -> None:
    """A live bar until the daemon has nothing queued and its model is loaded."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("indexing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("index", total=None, rate="")
        while True:
            st = client.status()
            pr = st.progress
            bar.update(
                task,
                total=max(pr.seen, 1),
                completed=pr.done,
                rate=f"{pr.rate:.1f}/s"
                if pr.rate
                else "loading model"
                if not st.embedding_ready
                else "",
            )
            if not pr.active and st.embedding_ready:
                return
            time.sleep(0.25)
