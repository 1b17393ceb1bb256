"""SQLite store: the source of truth for cards, full-text rows and embeddings.

Every write is one transaction that replaces a card, its FTS row and its vector
reference together, so a crash at any instant leaves either the old or the new
state. The vector index is a cache of the ``embeddings`` BLOBs; each card's
vector gets a fresh ``vec_label`` whenever it changes, which lets the index be
repaired by comparing label sets instead of being rebuilt.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from msq.private import make_private

from ..card import ModelCard
from ..errors import StorageError
from .llm import LLMDescriptions
from .migrations import migrate
from .reads import FileState, StoreReads, text_hash

__all__ = ["FileState", "Store", "Upserted", "text_hash"]


@dataclass(frozen=True)
class Upserted:
    """The outcome of a write: the card's row, its new label and the label it replaced."""

    row_id: int
    model_id: str
    vec_label: int | None
    old_label: int | None


class Store(StoreReads, LLMDescriptions):
    """Cards, FTS5 rows and embedding BLOBs in one SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        # One connection shared by threads; SQLite serialises, we serialise writers.
        self._lock = threading.RLock()
        # Reads use one connection per thread so a writer waiting on a lock held by
        # another process never blocks a search.
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._epoch = 0
        self.write_busy_timeout = 1.0
        # sha256 -> (first_seen, deleted at): lets a move (delete + create of the
        # same content) keep the file's first-seen time.
        self._recently_deleted: OrderedDict[str, tuple[float, float]] = OrderedDict()

    # ------------------------------------------------------------ lifecycle

    def open(self) -> None:
        """Connect, enable WAL and apply migrations."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._make_private()
            db = sqlite3.connect(self.path, check_same_thread=False, timeout=30.0)
            db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode is durable across process crashes (only power loss can
            # drop the last transactions), which is what "committed" promises here.
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            migrate(db)
            # After migrating, writes give up quickly when another process holds the
            # database: the indexer pauses and retries instead of stalling for 30 s.
            db.execute(f"PRAGMA busy_timeout={int(self.write_busy_timeout * 1000)}")
        except sqlite3.Error as e:
            raise StorageError(f"cannot open the database {self.path}: {e}") from e
        except OSError as e:
            raise StorageError(f"cannot create the database {self.path}: {e}") from e
        self._db = db
        # SQLite gives -wal and -shm the database file's mode; chmod them anyway in case
        # an older version left them looser.
        for suffix in ("-wal", "-shm"):
            make_private(self.path.with_name(self.path.name + suffix))

    def _make_private(self) -> None:
        """Create the database file 0600 before SQLite does (it would use 0644)."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)
        except OSError:
            pass  # another user's file: SQLite reports what it cannot do
        finally:
            os.close(fd)

    def _reader(self) -> sqlite3.Connection:
        """This thread's read connection (WAL: readers never wait for the writer)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.epoch != self._epoch:
            if self._db is None:
                raise StorageError("the store is not open")
            try:
                conn = sqlite3.connect(self.path, check_same_thread=False, timeout=5.0)
                conn.execute("PRAGMA query_only=ON")
            except sqlite3.Error as e:
                raise StorageError(f"cannot read the database {self.path}: {e}") from e
            self._local.conn = conn
            self._local.epoch = self._epoch
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
            self._epoch += 1
            with self._readers_lock:
                for conn in self._readers:
                    # A reader may be closed from another thread; sqlite3 allows it
                    # because the connections are made with check_same_thread=False.
                    with suppress(sqlite3.Error):
                        conn.close()
                self._readers.clear()

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise StorageError("the store is not open")
        return self._db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                with self.db:
                    yield self.db
                    self._bump_generation()
            except sqlite3.Error as e:
                raise StorageError(f"database write failed: {e}") from e

    def _bump_generation(self) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def _meta(self, key: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    @property
    def generation(self) -> int:
        """Bumped by every committed write; read without waiting for the writer."""
        row = self._reader().execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def _next_label(self) -> int:
        label = int(self._meta("next_label", "0"))
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES ('next_label', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(label + 1),),
        )
        return label

    # ------------------------------------------------------------ writes

    def _unique_model_id(self, base: str, path: str) -> str:
        candidate, n = base, 1
        while True:
            row = self.db.execute(
                "SELECT path FROM cards WHERE model_id = ?", (candidate,)
            ).fetchone()
            if row is None or row[0] == path:
                return candidate
            n += 1
            candidate = f"{base}~{n}"

    def upsert(
        self,
        card: ModelCard,
        *,
        root: str,
        mtime: float,
        embed_text: str,
        lexical_text: str,
        vector: np.ndarray | None,
        model: str,
        first_seen: float | None = None,
        extractor: int = 0,
    ) -> Upserted:
        """Insert or replace the card at ``card.path`` with its text and vector.

        A new path whose content was deleted moments ago (a move or rename) keeps
        that card's first-seen time; ``first_seen`` overrides it explicitly.
        """
        now = time.time()
        with self._write() as db:
            old = db.execute(
                "SELECT id, sha256, vec_label, first_seen, card_json, embed_text FROM cards "
                "WHERE path = ?",
                (card.path,),
            ).fetchone()
            card.model_id = self._unique_model_id(card.model_id, card.path)
            if old:
                first_seen = old[3]
            elif first_seen is None:
                first_seen = self._moved_first_seen(card.sha256, now)
            if card.created_source == "first-seen":
                card.created = first_seen or now
            first_seen = first_seen or now
            label: int | None = None
            old_label = old[2] if old else None
            if vector is not None:
                # The vector is rewritten too: the same content can embed a new text
                # (a newer extractor), and the cache must hold the current one.
                db.execute(
                    "INSERT INTO embeddings(sha256, model, dim, vector, last_used, text_sha) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(sha256, model) DO UPDATE "
                    "SET last_used = excluded.last_used, dim = excluded.dim, "
                    "vector = excluded.vector, text_sha = excluded.text_sha",
                    (
                        card.sha256,
                        model,
                        int(vector.shape[0]),
                        vector.astype(np.float32).tobytes(),
                        now,
                        text_hash(embed_text),
                    ),
                )
                # Same content and same text: the vector in the index is still right.
                same = old is not None and old[1] == card.sha256 and old[5] == embed_text
                label = old_label if same and old_label is not None else None
                if label is None:
                    label = self._next_label()
            values = (
                card.model_id,
                card.path,
                root,
                card.size,
                mtime,
                card.sha256,
                card.status,
                first_seen,
                card.modified,
                json.dumps(card.to_json()),
                embed_text,
                label,
                now,
                extractor,
            )
            if old:
                db.execute(
                    "UPDATE cards SET model_id=?, path=?, root=?, size=?, mtime=?, sha256=?, "
                    "status=?, first_seen=?, modified=?, card_json=?, embed_text=?, vec_label=?, "
                    "updated=?, extractor=? WHERE id=?",
                    (*values, old[0]),
                )
                row_id = old[0]
                db.execute("DELETE FROM cards_fts WHERE rowid = ?", (row_id,))
            else:
                cur = db.execute(
                    "INSERT INTO cards(model_id, path, root, size, mtime, sha256, status, "
                    "first_seen, modified, card_json, embed_text, vec_label, updated, extractor) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    values,
                )
                row_id = int(cur.lastrowid or 0)
            db.execute(
                "INSERT INTO cards_fts(rowid, model_id, project, body) VALUES (?, ?, ?, ?)",
                (row_id, card.model_id.replace("/", " "), card.project, lexical_text),
            )
        return Upserted(row_id, card.model_id, label, old_label if old_label != label else None)

    MOVE_WINDOW = 30.0

    def _remember_deleted(self, sha256: str, first_seen: float) -> None:
        now = time.time()
        self._recently_deleted[sha256] = (first_seen, now)
        self._recently_deleted.move_to_end(sha256)
        while self._recently_deleted and (
            len(self._recently_deleted) > 10_000
            or now - next(iter(self._recently_deleted.values()))[1] > self.MOVE_WINDOW
        ):
            self._recently_deleted.popitem(last=False)

    def _moved_first_seen(self, sha256: str, now: float) -> float | None:
        hit = self._recently_deleted.pop(sha256, None) if sha256 else None
        if hit is not None and now - hit[1] <= self.MOVE_WINDOW:
            return hit[0]
        return None

    def delete_paths(self, paths: list[str]) -> list[int]:
        """Remove the cards at ``paths``; return the vector labels they held."""
        labels: list[int] = []
        if not paths:
            return labels
        with self._write() as db:
            for p in paths:
                row = db.execute(
                    "SELECT id, vec_label, sha256, first_seen FROM cards WHERE path = ?", (p,)
                ).fetchone()
                if row is None:
                    continue
                self._remember_deleted(row[2], row[3])
                db.execute("DELETE FROM cards_fts WHERE rowid = ?", (row[0],))
                db.execute("DELETE FROM cards WHERE id = ?", (row[0],))
                if row[1] is not None:
                    labels.append(int(row[1]))
        return labels

    def prune_embeddings(self, older_than: float) -> int:
        """Drop cached vectors no card uses that were last used before ``older_than``."""
        with self._write() as db:
            cur = db.execute(
                "DELETE FROM embeddings WHERE last_used < ? AND NOT EXISTS "
                "(SELECT 1 FROM cards c WHERE c.sha256 = embeddings.sha256)",
                (older_than,),
            )
            return cur.rowcount

    def count_message_under(self, root: str, prefix: str) -> int:
        """How many cards under ``root`` have a message starting with ``prefix``."""
        under = root.rstrip("/") + "/"
        row = (
            self._reader()
            .execute(
                "SELECT COUNT(*) FROM cards WHERE substr(path, 1, ?) = ? "
                "AND status != 'ok' AND substr(json_extract(card_json, '$.message'), 1, ?) = ?",
                (len(under), under, len(prefix), prefix),
            )
            .fetchone()
        )
        return int(row[0] or 0)

    def set_mtime(self, path: str, mtime: float) -> None:
        """Record a new mtime for unchanged content (a touch, or a copy with -p)."""
        with self._write() as db:
            db.execute("UPDATE cards SET mtime = ? WHERE path = ?", (mtime, path))
