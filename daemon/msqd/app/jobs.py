"""Background jobs on one apscheduler BackgroundScheduler.

- reconcile every root every ``watch.reconcile_minutes`` (repairs missed events);
- every ``POLL_SECONDS``: rescan roots that fell back to polling (watch limit
  reached) and re-watch roots that were missing and are back;
- every 30 s: let the narrator unload an idle LLM;
- when ``llm.describe_cards`` is on: write one LLM card description per run,
  only while the indexer is idle, at a lower thread priority.

Jobs never overlap themselves (``max_instances=1``) and missed runs coalesce,
so a suspended laptop does not wake up to a burst of rescans.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler

from ..errors import StorageError
from ..index.cardtext import lexical_text

if TYPE_CHECKING:
    from .root import App

log = logging.getLogger(__name__)
# apscheduler logs every job run at INFO, and a skipped overlapping run (a slow LLM
# description) as a warning every few seconds; the daemon log is for what matters.
logging.getLogger("apscheduler").setLevel(logging.ERROR)

POLL_SECONDS = 30.0
UNLOAD_SECONDS = 30.0
DESCRIBE_SECONDS = 5.0
MAX_EMPTY = 3  # attempts per content before giving up until the next start


class Jobs:
    """The daemon's periodic work."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.scheduler = BackgroundScheduler(
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
            timezone="UTC",
        )
        self.described = 0
        # sha256 -> empty answers so far (a timeout under load is worth a retry).
        self._empty: dict[str, int] = {}

    def start(self) -> None:
        cfg = self.app.config
        minutes = float(cfg.get("watch.reconcile_minutes"))
        self.scheduler.add_job(self.reconcile_all, "interval", seconds=minutes * 60, id="reconcile")
        self.scheduler.add_job(self.poll, "interval", seconds=POLL_SECONDS, id="poll")
        if self.app.narrator is not None:
            self.scheduler.add_job(
                self.app.narrator.maybe_unload, "interval", seconds=UNLOAD_SECONDS, id="unload"
            )
            if cfg.get("llm.describe_cards"):
                self.scheduler.add_job(
                    self.describe_one, "interval", seconds=DESCRIBE_SECONDS, id="describe"
                )
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            # Do not wait: a running describe job may take seconds; it writes in one
            # transaction and the store closes after the indexer stopped.
            self.scheduler.shutdown(wait=False)

    # ------------------------------------------------------------ jobs

    def reconcile_all(self) -> None:
        if self.app.embedder is not None:
            self.app.reconcile()

    def poll(self) -> None:
        """Rescan polling roots; re-watch and rescan roots that came back."""
        app = self.app
        for root, rw in list(app.watcher.roots.items()):
            if rw.state == "missing" and root.is_dir():
                log.info("%s is back; watching it again", root)
                app.watcher.add_root(root)
                app.reconcile(root)
            elif rw.state == "polling":
                app.reconcile(root)

    def describe_one(self) -> bool:
        """Write the LLM description of one card that lacks one; True when one was written."""
        app = self.app
        narrator = app.narrator
        if narrator is None or app.indexer.active or app.embedder is None:
            return False
        with contextlib.suppress(OSError, AttributeError):
            # Per-thread on Linux: only this job (and the threads it starts) yields.
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        from ..compare import describe_with_llm

        model = narrator.model_name or "llm"
        try:
            skip = [h for h, n in self._empty.items() if n >= MAX_EMPTY]
            got = app.store.card_lacking_llm_description(model, skip)
            if got is None:
                return False
            path, card = got
            text = describe_with_llm(card, narrator) or ""
            if not text:
                # Nothing grounded came back (or the time ran out): retry a few times
                # in this run; it is not cached, so a restart tries again.
                self._empty[card.sha256] = self._empty.get(card.sha256, 0) + 1
                log.info("LLM wrote no usable description for %s", path)
                return False
            card.llm_description = text
            app.store.set_llm_description(path, card.sha256, model, text, lexical_text(card))
        except StorageError as e:
            log.warning("LLM description not saved: %s", e)
            return False
        self.described += 1
        log.info("LLM description written for %s (%d chars)", path, len(text))
        return bool(text)
