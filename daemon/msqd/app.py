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

from . import __version__
from .compare import Narrator, resolve_model_path
from .config import Config
from .embed import Embedder, EmbedderError, create
from .errors import InvalidRequest, NotFound
from .extract import extract_file
from .indexer import Indexer
from .search.rank import SearchEngine
from .store import Store
from .vindex import VectorIndex
from .watcher import RootWatch, Watcher

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
        self.problems: list[str] = []
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
        )
        self.search = SearchEngine(self.store, lambda: self.vindex, lambda: self.embedder)
        self.narrator = self._make_narrator()
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
        self.indexer.start()
        self.watcher.start()
        for root in self.config.roots:
            self.watcher.add_root(root)
        self._loader = threading.Thread(target=self._load_models, name="msqd-loader", daemon=True)
        self._loader.start()

    def _load_models(self) -> None:
        name = self.config.get("embedding.model")
        try:
            embedder = create(name)
        except (EmbedderError, OSError, ValueError) as e:
            self.index_state = "error"
            self.problems.append(f"embedding model {name!r} failed to load: {e}")
            log.error("embedding model failed: %s", e)
            return
        self.vindex = self._load_index(embedder)
        self.embedder = embedder
        self.index_state = "ready"
        self.indexer.attach(embedder, self.vindex)
        self.reconcile()

    def _load_index(self, embedder: Embedder) -> VectorIndex:
        path = self.config.paths.index_file
        generation = self.store.generation
        labels, vectors = self.store.vectors(embedder.name)
        loaded = VectorIndex.load(path, embedder.dim)
        if loaded is not None:
            vi, saved_gen = loaded
            if saved_gen != generation:
                # Older than the database: repair by label sets, not a full rebuild.
                self.index_state = "repairing"
                want = {int(x) for x in labels}
                have = vi.labels()
                vi.remove(sorted(have - want))
                add = [i for i, label in enumerate(labels) if int(label) not in have]
                if add:
                    vi.add([int(labels[i]) for i in add], vectors[add])
                log.info("vector index repaired: +%d -%d", len(add), len(have - want))
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
            self.problems.append(f"cannot save the vector index: {e}")

    def stop(self) -> None:
        if self.narrator is not None:
            self.narrator.close()
        self.watcher.stop()
        self.indexer.stop()
        self.save_index(force=True)
        self.store.close()

    # ------------------------------------------------------------ roots

    def reconcile(self, root: Path | None = None, force: bool = False) -> int:
        """Compare roots with the store (size, mtime) and queue what differs."""
        roots = [root] if root else self.config.roots
        queued = 0
        for r in roots:
            rw = self.watcher.roots.get(r)
            rules = rw.rules if rw else None
            if rules is None or not r.is_dir():
                continue
            known = self.store.file_states(str(r))
            seen: set[str] = set()
            items: list[tuple[str, str]] = []
            for _d, files in rules.walk():
                for f in files:
                    p = str(f)
                    seen.add(p)
                    st_known = known.get(p)
                    try:
                        st = f.stat()
                    except OSError:
                        continue
                    if (
                        force
                        or st_known is None
                        or st_known.size != st.st_size
                        or st_known.mtime != st.st_mtime
                    ):
                        items.append((p, str(r)))
            gone = [p for p in known if p not in seen and self._owner_root(p) == r]
            if gone and self.vindex is not None:
                self.vindex.remove(self.store.delete_paths(gone))
            self.indexer.enqueue_many(items)
            queued += len(items)
        return queued

    def _owner_root(self, path: str) -> Path | None:
        best = None
        for r in self.config.roots:
            if path.startswith(str(r).rstrip("/") + "/") and (
                best is None or len(str(r)) > len(str(best))
            ):
                best = r
        return best

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
        if self.embedder is not None:
            self.reconcile(path)
        return self.roots()

    def remove_root(self, raw: str) -> list[RootInfo]:
        path = Path(os.path.realpath(Path(raw).expanduser()))
        roots = self.config.roots
        if path not in roots:
            raise NotFound(f"{path} is not a watched root")
        remaining = [r for r in roots if r != path]
        self.config.save_roots(remaining)
        self.watcher.remove_root(path)
        gone = [p for p in self.store.file_states(str(path)) if self._owner_root(p) is None]
        labels = self.store.delete_paths(gone)
        if self.vindex is not None:
            self.vindex.remove(labels)
        return self.roots()

    def roots(self) -> list[RootInfo]:
        out = []
        for r in self.config.roots:
            rw: RootWatch | None = self.watcher.roots.get(r)
            files, errors = self.store.count_under(str(r))
            state = rw.state if rw else "missing"
            if rw and state == "watching" and not r.is_dir():
                state, rw.message = "missing", f"{r} no longer exists"
            out.append(RootInfo(str(r), state, rw.message if rw else "", files, errors))
        return out

    # ------------------------------------------------------------ watcher callbacks

    def _on_paths(self, paths: list[str]) -> None:
        items = []
        for p in paths:
            root = self._owner_root(p)
            if root is not None:
                items.append((p, str(root)))
        self.indexer.enqueue_many(items)

    def _on_new_dir(self, root: Path, d: Path) -> None:
        rw = self.watcher.roots.get(root)
        if rw is None:
            return
        items = [(str(f), str(root)) for _sub, files in rw.rules.walk(d) for f in files]
        self.indexer.enqueue_many(items)

    def _on_dir_gone(self, d: str) -> None:
        gone = list(self.store.file_states(d))
        labels = self.store.delete_paths(gone)
        if self.vindex is not None:
            self.vindex.remove(labels)

    @property
    def version(self) -> str:
        return __version__
