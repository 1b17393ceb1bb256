"""SQLite store: the source of truth for cards, full-text rows and embeddings.

Every write is one transaction that replaces a card, its FTS row and its vector
reference together, so a crash at any instant leaves either the old or the new
state. The vector index is a cache of the ``embeddings`` BLOBs; each card's
vector gets a fresh ``vec_label`` whenever it changes, which lets the index be
repaired by comparing label sets instead of being rebuilt.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .card import ModelCard
from .errors import StorageError
from .migrations import migrate


@dataclass(frozen=True)
class FileState:
    """What the store knows of one file, for reconciling against the disk."""

    path: str
    size: int
    mtime: float
    sha256: str
    status: str


@dataclass(frozen=True)
class Upserted:
    """The outcome of a write: the card's row, its new label and the label it replaced."""

    row_id: int
    model_id: str
    vec_label: int | None
    old_label: int | None


class Store:
    """Cards, FTS5 rows and embedding BLOBs in one SQLite database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        # One connection shared by threads; SQLite serialises, we serialise writers.
        self._lock = threading.RLock()

    # ------------------------------------------------------------ lifecycle

    def open(self) -> None:
        """Connect, enable WAL and apply migrations."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, timeout=30.0)
            db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode is durable across process crashes (only power loss can
            # drop the last transactions), which is what "committed" promises here.
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            migrate(db)
        except sqlite3.Error as e:
            raise StorageError(f"cannot open the database {self.path}: {e}") from e
        self._db = db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

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
        with self._lock:
            return int(self._meta("generation", "0"))

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
    ) -> Upserted:
        """Insert or replace the card at ``card.path`` with its text and vector."""
        now = time.time()
        with self._write() as db:
            old = db.execute(
                "SELECT id, sha256, vec_label, first_seen, card_json FROM cards WHERE path = ?",
                (card.path,),
            ).fetchone()
            card.model_id = self._unique_model_id(card.model_id, card.path)
            first_seen = old[3] if old else now
            if card.created_source == "first-seen":
                card.created = first_seen
            label: int | None = None
            old_label = old[2] if old else None
            if vector is not None:
                db.execute(
                    "INSERT INTO embeddings(sha256, model, dim, vector, last_used) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(sha256, model) DO UPDATE "
                    "SET last_used = excluded.last_used",
                    (
                        card.sha256,
                        model,
                        int(vector.shape[0]),
                        vector.astype(np.float32).tobytes(),
                        now,
                    ),
                )
                label = (
                    old_label if old and old[1] == card.sha256 and old_label is not None else None
                )
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
            )
            if old:
                db.execute(
                    "UPDATE cards SET model_id=?, path=?, root=?, size=?, mtime=?, sha256=?, "
                    "status=?, first_seen=?, modified=?, card_json=?, embed_text=?, vec_label=?, "
                    "updated=? WHERE id=?",
                    (*values, old[0]),
                )
                row_id = old[0]
                db.execute("DELETE FROM cards_fts WHERE rowid = ?", (row_id,))
            else:
                cur = db.execute(
                    "INSERT INTO cards(model_id, path, root, size, mtime, sha256, status, "
                    "first_seen, modified, card_json, embed_text, vec_label, updated) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    values,
                )
                row_id = int(cur.lastrowid or 0)
            db.execute(
                "INSERT INTO cards_fts(rowid, model_id, project, body) VALUES (?, ?, ?, ?)",
                (row_id, card.model_id.replace("/", " "), card.project, lexical_text),
            )
        return Upserted(row_id, card.model_id, label, old_label if old_label != label else None)

    def delete_paths(self, paths: list[str]) -> list[int]:
        """Remove the cards at ``paths``; return the vector labels they held."""
        labels: list[int] = []
        if not paths:
            return labels
        with self._write() as db:
            for p in paths:
                row = db.execute("SELECT id, vec_label FROM cards WHERE path = ?", (p,)).fetchone()
                if row is None:
                    continue
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

    # ------------------------------------------------------------ reads

    def embedding(self, sha256: str, model: str) -> np.ndarray | None:
        """The cached vector for content ``sha256`` under ``model``, if any."""
        with self._lock:
            row = self.db.execute(
                "SELECT vector FROM embeddings WHERE sha256 = ? AND model = ?", (sha256, model)
            ).fetchone()
        return None if row is None else np.frombuffer(row[0], dtype=np.float32).copy()

    def file_states(self, under: str | None = None) -> dict[str, FileState]:
        """Known files (all, or those whose path starts with ``under``)."""
        sql = "SELECT path, size, mtime, sha256, status FROM cards"
        args: tuple[str, ...] = ()
        if under:
            prefix = under.rstrip("/") + "/"
            sql += " WHERE substr(path, 1, ?) = ?"
            args = (len(prefix), prefix)  # type: ignore[assignment]
        with self._lock:
            rows = self.db.execute(sql, args).fetchall()
        return {r[0]: FileState(*r) for r in rows}

    def vectors(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        """(labels, matrix) of every card's vector under ``model``."""
        with self._lock:
            rows = self.db.execute(
                "SELECT c.vec_label, e.vector FROM cards c JOIN embeddings e "
                "ON e.sha256 = c.sha256 AND e.model = ? WHERE c.vec_label IS NOT NULL",
                (model,),
            ).fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        labels = np.array([r[0] for r in rows], dtype=np.int64)
        mat = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
        return labels, mat

    def cards_by_label(self, labels: list[int]) -> dict[int, tuple[int, ModelCard]]:
        """label -> (row id, card) for the given vector labels."""
        return self._cards_where("vec_label", labels, key_col=2)

    def cards_by_rowid(self, ids: list[int]) -> dict[int, tuple[int, ModelCard]]:
        return self._cards_where("id", ids, key_col=0)

    def _cards_where(
        self, col: str, keys: list[int], key_col: int
    ) -> dict[int, tuple[int, ModelCard]]:
        out: dict[int, tuple[int, ModelCard]] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for row in self.db.execute(
                    f"SELECT id, card_json, vec_label FROM cards WHERE {col} IN ({marks})", chunk
                ):
                    out[row[key_col]] = (row[0], ModelCard.from_json(json.loads(row[1])))
        return out

    def card(self, model_id: str) -> ModelCard | None:
        with self._lock:
            row = self.db.execute(
                "SELECT card_json FROM cards WHERE model_id = ?", (model_id,)
            ).fetchone()
        return None if row is None else ModelCard.from_json(json.loads(row[0]))

    def iter_cards(
        self, order: str = "model_id", desc: bool = False
    ) -> Iterator[tuple[int, ModelCard]]:
        """Every card with its row id, sorted by a whitelisted column."""
        if order not in ("model_id", "modified", "first_seen", "size", "path", "updated"):
            order = "model_id"
        direction = "DESC" if desc else "ASC"
        with self._lock:
            rows = self.db.execute(
                f"SELECT id, card_json FROM cards ORDER BY {order} {direction}, id"
            ).fetchall()
        for r in rows:
            yield r[0], ModelCard.from_json(json.loads(r[1]))

    def model_ids(self) -> list[str]:
        with self._lock:
            return [r[0] for r in self.db.execute("SELECT model_id FROM cards ORDER BY model_id")]

    def fts(self, match: str, limit: int) -> list[tuple[int, float]]:
        """(row id, bm25) of the best full-text matches; bm25 lower is better."""
        if not match:
            return []
        with self._lock:
            try:
                rows = self.db.execute(
                    "SELECT rowid, bm25(cards_fts, 2.0, 1.0, 1.0) AS s FROM cards_fts "
                    "WHERE cards_fts MATCH ? ORDER BY s LIMIT ?",
                    (match, limit),
                ).fetchall()
            except sqlite3.OperationalError:
                return []
        return [(int(r[0]), float(r[1])) for r in rows]

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self.db.execute("SELECT status, COUNT(*) FROM cards GROUP BY status").fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def count_under(self, root: str) -> tuple[int, int]:
        """(cards, cards in error) under ``root``."""
        prefix = root.rstrip("/") + "/"
        with self._lock:
            row = self.db.execute(
                "SELECT COUNT(*), SUM(status = 'error') FROM cards WHERE substr(path, 1, ?) = ?",
                (len(prefix), prefix),
            ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)

    def total(self) -> int:
        with self._lock:
            return int(self.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0])
