"""The composition root: builds store, index, embedder, indexer, watcher and search.

The store opens synchronously (it is what the daemon serves from); the
embedding model and the vector index load in a background thread, so the
daemon answers at once with lexical results and says the index is warming up.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..compare import Narrator, resolve_model_path
from ..config import Config
from ..errors import InvalidRequest, NotFound, StorageError
from ..extract import extract_file
from ..index.embed import Embedder, EmbedderError, create
from ..index.indexer import Indexer
from ..search.rank import SearchEngine
from ..store.db import Store
from ..store.vindex import VectorIndex
from ..watch.reconcile import Reconciler
from ..watch.watcher import RootWatch, Watcher
from .jobs import Jobs

log = logging.getLogger(__name__)


@dataclass
class RootInfo:
    path: str
    state: str
    message: str
    files: int
    errors: int


class App:
    """Owns every long-lived part of the daemon."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.started = time.time()
        self.store = Store(config.paths.db_file)
        self.embedder: Embedder | None = None
        self.vindex: VectorIndex | None = None
        self.index_state = "loading"
        self._problems: list[str] = []
        self.indexer = Indexer(
            self.store,
            extract_file,
            max_file_bytes=config.get("max_file_bytes"),
            batch_size=config.get("embedding.batch_size"),
        )
        self.watcher = Watcher(
            self._on_paths,
            self._on_new_dir,
            self._on_dir_gone,
            debounce=config.get("watch.debounce_seconds"),
            extra_ignore=config.get("ignore"),
            on_overflow=self._reconcile_soon,
            on_rules_changed=self._reconcile_soon,
            follow_symlinks=config.get("follow_symlinks"),
        )
        # Symlinks and unreadable folders become skipped / permission-denied cards.
        self.indexer.classify = self.watcher.links.classify
        self.reconciler = Reconciler(self.store, self.indexer, self.watcher)
        self.search = SearchEngine(self.store, lambda: self.vindex, lambda: self.embedder)
        self.narrator = self._make_narrator()
        self.jobs = Jobs(self)
        self.index_repairs = 0  # start-ups that found the vector index older than the DB
        self._saved_generation = -1
        self._loader: threading.Thread | None = None

    def _make_narrator(self) -> Narrator | None:
        if not self.config.get("llm.enabled"):
            return None
        path = resolve_model_path(self.config.get("llm.model_path") or None)
        if path is None:
            return None
        return Narrator(
            path,
            idle_unload_s=self.config.get("llm.idle_unload_seconds"),
            max_tokens=self.config.get("llm.max_tokens"),
            max_seconds=self.config.get("llm.max_seconds"),
        )

    # ------------------------------------------------------------ lifecycle

    def open(self) -> None:
        """Open the store (fast); everything slow happens in :meth:`start`."""
        self.store.open()

    def start(self) -> None:
        """Start worker, watches and jobs; the model loads and the roots are scanned
        in the background (search answers from the store meanwhile)."""
        self.indexer.start()
        self.watcher.start()
        for root in self.config.roots:
            self.watcher.add_root(root)
        self._loader = threading.Thread(target=self._load_models, name="msqd-loader", daemon=True)
        self._loader.start()

    def _load_models(self) -> None:
        # Scan first (cheap): the queue, and so the progress and completeness that
        # searches report, is known while the model loads.
        self.reconcile()
        self.jobs.start()
        # The field table's first load parses every card (~4 s at 100,000): do it
        # here while the model loads rather than in the first search.
        self.search.table.refresh()
        name = self.config.get("embedding.model")
        try:
            embedder = create(name)
        except (EmbedderError, OSError, ValueError) as e:
            self.index_state = "error"
            self._problems.append(f"embedding model {name!r} failed to load: {e}")
            log.error("embedding model failed: %s", e)
            return
        self.vindex = self._load_index(embedder)
        self.embedder = embedder
        self.index_state = "ready"
        self.indexer.attach(embedder, self.vindex)

    def _load_index(self, embedder: Embedder) -> VectorIndex:
        path = self.config.paths.index_file
        generation = self.store.generation
        labels, vectors = self.store.vectors(embedder.name)
        loaded = VectorIndex.load(path, embedder.dim, labels, vectors)
        if loaded is not None:
            vi, saved_gen = loaded
            # Compare label sets even when the generations agree: a save can race a
            # commit whose vector was not yet added, and the check costs one set diff.
            want = {int(x) for x in labels}
            have = vi.labels()
            if saved_gen != generation or want != have:
                # Older than the database: repair by label sets, not a full rebuild.
                self.index_state = "repairing"
                self.index_repairs += 1
                vi.remove(sorted(have - want))
                add = [i for i, label in enumerate(labels) if int(label) not in have]
                if add:
                    vi.add([int(labels[i]) for i in add], vectors[add])
                log.info(
                    "vector index repaired (generation %d, database %d): +%d -%d",
                    saved_gen,
                    generation,
                    len(add),
                    len(have - want),
                )
            return vi
        self.index_state = "rebuilding"
        vi = VectorIndex(embedder.dim)
        vi.build(labels, vectors if len(labels) else vectors.reshape(0, embedder.dim))
        log.info("vector index rebuilt from %d stored vectors", len(labels))
        return vi

    def save_index(self, force: bool = False) -> None:
        """Persist the vector index when it changed (called when idle and on shutdown)."""
        vi = self.vindex
        if vi is None or (self.indexer.active and not force):
            return
        gen = self.store.generation
        if gen == self._saved_generation and not force:
            return
        if vi.needs_compaction() and self.embedder is not None:
            labels, vectors = self.store.vectors(self.embedder.name)
            vi.build(labels, vectors.reshape(-1, vi.dim))
        try:
            vi.save(self.config.paths.index_file, gen)
            self._saved_generation = gen
        except OSError as e:
            # The index is a cache: the next start repairs it from the database.
            msg = f"cannot save the vector index: {e}"
            if msg not in self._problems:
                self._problems.append(msg)

    def stop(self) -> None:
        """Stop jobs, watches and worker, save the vector index, close the store."""
        self.jobs.stop()
        if self.narrator is not None:
            self.narrator.close()
        self.watcher.stop()
        self.indexer.stop()
        self.search.close()
        self.save_index(force=True)
        self.store.close()

    # ------------------------------------------------------------ roots

    def reconcile(self, root: Path | None = None, force: bool = False) -> int:
        """Compare roots with the store (size, mtime, then hash) and queue what differs."""
        roots = [root] if root else list(self.watcher.roots)
        return self.reconciler.run(roots, force).queued

    def _reconcile_soon(self, root: Path | None = None) -> None:
        # Called from watchdog's threads: never scan a tree on them.
        threading.Thread(
            target=self.reconcile, args=(root,), name="msqd-reconcile", daemon=True
        ).start()

    def _owner_root(self, path: str) -> Path | None:
        return self.reconciler.owner(path)

    def add_root(self, raw: str) -> list[RootInfo]:
        path = Path(raw).expanduser()
        if not path.is_absolute():
            raise InvalidRequest(f"{raw!r} is not an absolute path")
        path = Path(os.path.realpath(path))
        if not path.is_dir():
            raise InvalidRequest(f"{path} is not a folder")
        roots = self.config.roots
        if path not in roots:
            self.config.save_roots([*roots, path])
        self.watcher.add_root(path)
        # The new root may take files over from an outer root (a different root
        # means a different model id): its pass queues them, and the outer root's
        # pass skips it.
        self.reconcile(path)
        return self.roots()

    def remove_root(self, raw: str) -> list[RootInfo]:
        path = Path(os.path.realpath(Path(raw).expanduser()))
        roots = self.config.roots
        if path not in roots:
            raise NotFound(f"{path} is not a watched root")
        self.config.save_roots([r for r in roots if r != path])
        self.watcher.remove_root(path)
        orphans, adopted = [], []
        for p in self.store.file_states(str(path)):
            owner = self._owner_root(p)
            if owner is None:
                orphans.append(p)
            else:
                adopted.append((p, str(owner)))  # still covered by an outer root
        self.indexer.drop(orphans)
        self.indexer.enqueue_many(adopted)
        return self.roots()

    def roots(self) -> list[RootInfo]:
        out = []
        for r in self.config.roots:
            rw: RootWatch | None = self.watcher.roots.get(r)
            files, errors = self.store.count_under(str(r))
            state = rw.state if rw else "missing"
            if rw and state == "watching" and not r.is_dir():
                state, rw.message = "missing", f"{r} no longer exists"
            message = rw.message if rw else ""
            if rw and state == "watching" and not message:
                message = f"{len(rw.dirs)} folders watched"
            denied = self.store.count_message_under(str(r), "permission denied") if errors else 0
            if denied:
                # Named here so `msq status` says why files are missing, not only how many.
                message += f"; {denied} permission denied (msq ls --errors)"
            out.append(RootInfo(str(r), state, message, files, errors))
        return out

    # ------------------------------------------------------------ watcher callbacks

    def _on_paths(self, paths: list[str]) -> None:
        items = []
        for p in paths:
            root = self._owner_root(p)
            if root is not None:
                items.append((p, str(root)))
        self.indexer.enqueue_many(items, hot=True)

    def _on_new_dir(self, root: Path, d: Path) -> None:
        rw = self.watcher.roots.get(root)
        if rw is None:
            return
        nested = self.watcher.nested_in(root)
        items = [(str(f), str(root)) for _sub, files in rw.rules.walk(d, nested) for f in files]
        # The folder itself too: a "permission denied" card it had is dropped now
        # that it can be read.
        if self.store.has_path(str(d)):
            items.append((str(d), str(root)))
        self.indexer.enqueue_many(items)

    def _on_dir_gone(self, d: str) -> None:
        try:
            self.indexer.drop([d, *self.store.file_states(d)])
        except StorageError as e:
            # The next reconcile removes them; until then they are stale, not lost.
            log.error("cannot drop cards under %s: %s", d, e)

    @property
    def problems(self) -> list[str]:
        """What ``msq status`` lists as problems (a fresh list on every call)."""
        out = list(self._problems)
        exposed = self.config.exposed()
        if exposed:
            out.append(privacy_problem(self.config, exposed))
        return out

    @property
    def version(self) -> str:
        return __version__


def privacy_problem(config: Config, exposed: list[Path]) -> str:
    """One sentence naming msq's folders and files that other users can open."""
    base = config.paths.home

    def short(p: Path) -> str:
        rel = p.relative_to(base).as_posix() if base and base in p.parents else str(p)
        return rel + ("/" if p.is_dir() else "")

    names = ", ".join(short(p) for p in exposed[:3]) + (", ..." if len(exposed) > 3 else "")
    where = f" under {base}" if base else ""
    return (
        f"{len(exposed)} msq paths{where} can be read by other users ({names}); "
        "restart msqd to make them owner-only, or run chmod go= on them"
    )
