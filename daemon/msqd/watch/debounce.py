"""Per-path trailing debounce: a burst of events for one file becomes one call."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable


class Debouncer:
    """Fire ``fire(paths)`` once a path has been quiet ``quiet`` s, or after ``cap`` s at most.

    The cap keeps a file that is written continuously (a log, a long save) from
    being postponed forever. Paths due together are passed together, so a move
    (old and new path) reaches the indexer as one batch. The thread sleeps
    without a timeout when nothing is pending.
    """

    def __init__(
        self, fire: Callable[[list[str]], None], quiet: float = 0.2, cap: float = 2.0
    ) -> None:
        self.fire = fire
        self.quiet = quiet
        self.cap = cap
        self._pending: dict[str, tuple[float, float]] = {}  # path -> (first, last)
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="msqd-debounce", daemon=True)
        self._thread.start()

    def touch(self, path: str) -> None:
        """Record an event for ``path``."""
        now = time.monotonic()
        with self._cond:
            first = self._pending.get(path, (now, now))[0]
            self._pending[path] = (first, now)
            self._cond.notify()

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._pending)

    def _due(self, now: float) -> tuple[list[str], float | None]:
        """(paths due now, seconds until the next one is due)."""
        due: list[str] = []
        nearest: float | None = None
        for p, (first, last) in self._pending.items():
            at = min(last + self.quiet, first + self.cap)
            if at <= now:
                due.append(p)
            elif nearest is None or at - now < nearest:
                nearest = at - now
        return due, nearest

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stop:
                    return
                if not self._pending:
                    self._cond.wait()
                    continue
                due, wait = self._due(time.monotonic())
                for p in due:
                    del self._pending[p]
                if not due:
                    self._cond.wait(max(0.005, wait or 0.0))
                    continue
            try:
                self.fire(due)
            except Exception:  # the debouncer must outlive a bad callback
                logging.getLogger(__name__).exception("debounced callback failed")

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(2.0)
