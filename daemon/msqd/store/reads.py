"""The store's read side: every query that never writes.

Reads go through a per-thread reader connection (``_reader``), so a search never
waits for the writer, not even while another process holds the database locked.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..card import ModelCard


@dataclass(frozen=True)
class FileState:
    """What the store knows of one file, for reconciling against the disk."""

    path: str
    size: int
    mtime: float
    sha256: str
    status: str
    root: str = ""
    extractor: int = 0  # EXTRACTOR_VERSION of the extractor that wrote the card


def text_hash(text: str) -> str:
    """The key of the text a vector embeds (``embeddings.text_sha``)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class StoreReads:
    """Mixin of :class:`msqd.store.db.Store`: queries over cards, FTS rows and vectors."""

    def _reader(self) -> sqlite3.Connection:  # provided by Store
        raise NotImplementedError

    def embedding(self, sha256: str, model: str, text_sha: str) -> np.ndarray | None:
        """The cached vector for content ``sha256`` under ``model``, if it embeds the
        text whose hash is ``text_sha`` (an older extractor's text does not count)."""
        row = (
            self._reader()
            .execute(
                "SELECT vector FROM embeddings WHERE sha256 = ? AND model = ? AND text_sha = ?",
                (sha256, model, text_sha),
            )
            .fetchone()
        )
        return None if row is None else np.frombuffer(row[0], dtype=np.float32).copy()

    def file_states(self, under: str | None = None) -> dict[str, FileState]:
        """Known files (all, or those whose path starts with ``under``)."""
        sql = "SELECT path, size, mtime, sha256, status, root, extractor FROM cards"
        args: tuple[str, ...] = ()
        if under:
            prefix = under.rstrip("/") + "/"
            sql += " WHERE substr(path, 1, ?) = ?"
            args = (len(prefix), prefix)  # type: ignore[assignment]
        rows = self._reader().execute(sql, args).fetchall()
        return {r[0]: FileState(*r) for r in rows}

    def vectors(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        """(labels, matrix) of every card's vector under ``model``."""
        cur = self._reader().execute(
            "SELECT c.vec_label, e.vector FROM cards c JOIN embeddings e "
            "ON e.sha256 = c.sha256 AND e.model = ? WHERE c.vec_label IS NOT NULL",
            (model,),
        )
        labels: list[np.ndarray] = []
        parts: list[np.ndarray] = []
        # In blocks: 100,000 BLOBs held at once as bytes objects would take ~150 MB
        # that the allocator keeps after they are freed.
        while rows := cur.fetchmany(4096):
            labels.append(np.array([r[0] for r in rows], dtype=np.int64))
            parts.append(np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows]))
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        return np.concatenate(labels), np.vstack(parts)

    def cards_by_label(self, labels: list[int]) -> dict[int, tuple[int, ModelCard]]:
        """label -> (row id, card) for the given vector labels."""
        return self._cards_where("vec_label", labels, key_col=2)

    def cards_by_rowid(self, ids: list[int]) -> dict[int, tuple[int, ModelCard]]:
        return self._cards_where("id", ids, key_col=0)

    def _cards_where(
        self, col: str, keys: list[int], key_col: int
    ) -> dict[int, tuple[int, ModelCard]]:
        out: dict[int, tuple[int, ModelCard]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._reader().execute(
                f"SELECT id, card_json, vec_label FROM cards WHERE {col} IN ({marks})", chunk
            ):
                out[row[key_col]] = (row[0], ModelCard.from_json(json.loads(row[1])))
        return out

    def card(self, model_id: str) -> ModelCard | None:
        row = (
            self._reader()
            .execute("SELECT card_json FROM cards WHERE model_id = ?", (model_id,))
            .fetchone()
        )
        return None if row is None else ModelCard.from_json(json.loads(row[0]))

    def iter_cards(
        self, order: str = "model_id", desc: bool = False
    ) -> Iterator[tuple[int, ModelCard]]:
        """Every card with its row id, sorted by a whitelisted column."""
        if order not in ("model_id", "modified", "first_seen", "size", "path", "updated"):
            order = "model_id"
        direction = "DESC" if desc else "ASC"
        rows = (
            self._reader()
            .execute(f"SELECT id, card_json FROM cards ORDER BY {order} {direction}, id")
            .fetchall()
        )
        for r in rows:
            yield r[0], ModelCard.from_json(json.loads(r[1]))

    def model_ids(self) -> list[str]:
        return [
            r[0] for r in self._reader().execute("SELECT model_id FROM cards ORDER BY model_id")
        ]

    def fts(self, match: str, limit: int) -> list[tuple[int, float]]:
        """(row id, bm25) of the best full-text matches; bm25 lower is better."""
        if not match:
            return []
        try:
            rows = (
                self._reader()
                .execute(
                    "SELECT rowid, bm25(cards_fts, 2.0, 1.0, 1.0) AS s FROM cards_fts "
                    "WHERE cards_fts MATCH ? ORDER BY s LIMIT ?",
                    (match, limit),
                )
                .fetchall()
            )
        except sqlite3.OperationalError:
            return []
        return [(int(r[0]), float(r[1])) for r in rows]

    def fts_count(self, match: str) -> int:
        """How many cards match ``match`` (no ranking: ~10x cheaper than :meth:`fts`)."""
        try:
            row = (
                self._reader()
                .execute("SELECT count(*) FROM cards_fts WHERE cards_fts MATCH ?", (match,))
                .fetchone()
            )
        except sqlite3.OperationalError:
            return 0
        return int(row[0])

    def counts(self) -> dict[str, int]:
        rows = (
            self._reader().execute("SELECT status, COUNT(*) FROM cards GROUP BY status").fetchall()
        )
        return {r[0]: int(r[1]) for r in rows}

    def count_under(self, root: str) -> tuple[int, int]:
        """(cards, cards in error) under ``root``."""
        prefix = root.rstrip("/") + "/"
        row = (
            self._reader()
            .execute(
                "SELECT COUNT(*), SUM(status = 'error') FROM cards WHERE substr(path, 1, ?) = ?",
                (len(prefix), prefix),
            )
            .fetchone()
        )
        return int(row[0] or 0), int(row[1] or 0)

    def total(self) -> int:
        return int(self._reader().execute("SELECT COUNT(*) FROM cards").fetchone()[0])

    def row_versions(self) -> list[tuple[int, float, int | None]]:
        """(row id, updated, vec_label) of every card: a cheap "what changed" scan."""
        return self._reader().execute("SELECT id, updated, vec_label FROM cards").fetchall()

    def card_json_by_rowid(self, ids: list[int]) -> list[tuple[int, str]]:
        """(row id, card JSON) for the given rows, read without building ModelCards."""
        marks = ",".join("?" * len(ids))
        return (
            self._reader()
            .execute(f"SELECT id, card_json FROM cards WHERE id IN ({marks})", ids)
            .fetchall()
        )

    def has_path(self, path: str) -> bool:
        """True when a card exists for ``path``."""
        row = self._reader().execute("SELECT 1 FROM cards WHERE path = ?", (path,)).fetchone()
        return row is not None

    def paths_with_sha(self, sha256: str) -> list[str]:
        """Paths of the cards whose content is ``sha256``."""
        rows = self._reader().execute("SELECT path FROM cards WHERE sha256 = ?", (sha256,))
        return [r[0] for r in rows]

    def vector_labels(self) -> set[int]:
        """Every card's vector label (what the vector index must hold)."""
        rows = self._reader().execute("SELECT vec_label FROM cards WHERE vec_label IS NOT NULL")
        return {int(r[0]) for r in rows}
