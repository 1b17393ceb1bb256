"""``msq demo``: index the bundled demo corpus on an isolated home and answer a question."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click

from ._common import Obj, obj


@click.command()
@click.argument("query", required=False, default="diffusion cifar vs mnist")
@click.option("--keep", is_flag=True, help="Leave the demo daemon running and its home in place.")
@click.option("--no-llm", is_flag=True, help="Skip the narrative.")
@click.pass_context
def demo(ctx: click.Context, query: str, keep: bool, no_llm: bool) -> None:
    """Index the bundled demo corpus on a throw-away home and ask QUERY.

    Starts its own msqd (never touching your real index), adds the demo
    corpus as a root, waits for indexing, prints the answer, and stops.
    """
    from ..client import Client
    from ..demo import corpus_path
    from ..errors import MsqClientError
    from ..render import make_console
    from ..render.status import progress_bar
    from .compare_run import run_compare

    o = obj(ctx)
    home = Path(o.home) if o.home else Path(tempfile.mkdtemp(prefix="msq-demo-"))
    # Copy the corpus so the demo's file times are the copy's, and the package stays clean.
    corpus = home / "demo-corpus"
    if not corpus.exists():
        shutil.copytree(corpus_path(), corpus, ignore=shutil.ignore_patterns("__pycache__"))
    console = make_console(stderr=True)
    console.print(f"demo home: {home}")
    client = Client(home, autostart=True, timeout=120.0)
    try:
        client.ensure_running()
        client.add_root(corpus)
        if console.is_terminal:
            progress_bar(client, console)
        else:
            import time

            while True:
                st = client.status()
                if st.embedding_ready and not st.progress.active:
                    break
                time.sleep(0.25)
        st = client.status()
        console.print(f"indexed {st.cards_total} scripts from {corpus}")
        console.print(f"\n$ msq {query!r}\n")
        sub = click.Context(ctx.command, obj=Obj(str(home), o.json, True))
        run_compare(sub, client, query=query, per_side=3, no_llm=no_llm)
    except MsqClientError as e:
        raise click.ClickException(str(e)) from None
    except SystemExit as e:
        if e.code not in (0, None):
            raise
    finally:
        if not keep:
            _stop(client)
            client.close()
            if not o.home:
                shutil.rmtree(home, ignore_errors=True)
        else:
            client.close()
            console.print(f"\nthe demo daemon is still running: msq --home {home} ...")


def _stop(client: object) -> None:
    import os
    import signal
    import time

    try:
        pid = client.status().pid  # type: ignore[attr-defined]
    except Exception:
        return
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


COMMANDS = [demo]
