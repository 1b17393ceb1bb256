"""A watchdog observer that reports inotify queue overflows.

watchdog (7.x) handles ``IN_Q_OVERFLOW`` inside its watch groups (it re-adds
recursive watches and logs a warning) but tells no event handler. Our watches
are non-recursive, so after an overflow only a rescan can find what was lost:
this emitter hooks the group's overflow callback and calls ``on_overflow``.
Elsewhere (macOS, polling) the platform's default observer is used unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

log = logging.getLogger(__name__)


def make_observer(on_overflow: Callable[[], None]) -> BaseObserver:
    """One observer for every root; on Linux it calls ``on_overflow`` after an overflow."""
    try:
        from watchdog.observers.inotify import InotifyEmitter, InotifyObserver
    except ImportError:  # not Linux
        return Observer()

    class OverflowEmitter(InotifyEmitter):
        def on_thread_start(self) -> None:
            super().on_thread_start()
            group: Any = self._inotify
            if group is None:
                return
            original = group.on_queue_overflow

            def overflowed() -> None:
                original()
                try:
                    on_overflow()
                except Exception:  # never break watchdog's reader thread
                    log.exception("overflow callback failed")

            # The shared inotify reader calls this on every group after IN_Q_OVERFLOW.
            group.on_queue_overflow = overflowed

    obs = InotifyObserver()
    obs._emitter_class = OverflowEmitter  # the only hook watchdog offers
    return obs
