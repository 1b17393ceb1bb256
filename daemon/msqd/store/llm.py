"""The store's cache of LLM-written card descriptions (keyed by content hash)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Collection
from contextlib import AbstractContextManager

from ..card import ModelCard


class LLMDescriptions:
    """Mixin of :class:`msqd.store.db.Store`: the ``llm_descriptions`` table."""

    def _reader(self) -> sqlite3.Connection:  # provided by Store
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:  # provided by Store
        raise NotImplementedError

    def llm_description(self, sha256: str, model: str | None = None) -> str | None:
        """The cached LLM description of content ``sha256`` (by ``model``, or the newest)."""
        sql = "SELECT text FROM llm_descriptions WHERE sha256 = ?"
        args: tuple[str, ...] = (sha256,)
        if model is not None:
            sql, args = sql + " AND model = ?", (sha256, model)
        row = self._reader().execute(sql + " ORDER BY created DESC LIMIT 1", args).fetchone()
        return None if row is None else str(row[0])

    def card_lacking_llm_description(
        self, model: str, skip: Collection[str] = ()
    ) -> tuple[str, ModelCard] | None:
        """(path, card) of one indexed card whose content has no description by ``model``.

        Contents in ``skip`` (sha256) are passed over.
        """
        skip = sorted(skip)[:500]
        marks = ",".join("?" * len(skip))
        row = (
            self._reader()
            .execute(
                "SELECT path, card_json FROM cards c WHERE status IN ('ok', 'partial') "
                "AND NOT EXISTS (SELECT 1 FROM llm_descriptions d "
                "WHERE d.sha256 = c.sha256 AND d.model = ?) "
                f"AND sha256 NOT IN ({marks}) ORDER BY updated DESC LIMIT 1",
                (model, *skip),
            )
            .fetchone()
        )
        if row is None:
            return None
        return str(row[0]), ModelCard.from_json(json.loads(row[1]))

    def set_llm_description(
        self, path: str, sha256: str, model: str, text: str, lexical: str | None = None
    ) -> bool:
        """Cache ``text`` for ``sha256`` and write it onto the card at ``path``.

        The card is only changed when it still holds that content (the file may
        have changed while the LLM wrote); ``lexical`` replaces its FTS body.
        The vector is left alone: re-embedding for a description is not worth it.
        """
        with self._write() as db:
            db.execute(
                "INSERT INTO llm_descriptions(sha256, model, text, created) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(sha256, model) DO UPDATE SET text = excluded.text",
                (sha256, model, text, time.time()),
            )
            row = db.execute(
                "SELECT id, card_json, model_id FROM cards WHERE path = ? AND sha256 = ?",
                (path, sha256),
            ).fetchone()
            if row is None:
                return False
            data = json.loads(row[1])
            data["llm_description"] = text
            db.execute("UPDATE cards SET card_json = ? WHERE id = ?", (json.dumps(data), row[0]))
            if lexical is not None:
                project = db.execute(
                    "SELECT project FROM cards_fts WHERE rowid = ?", (row[0],)
                ).fetchone()
                db.execute("DELETE FROM cards_fts WHERE rowid = ?", (row[0],))
                db.execute(
                    "INSERT INTO cards_fts(rowid, model_id, project, body) VALUES (?, ?, ?, ?)",
                    (row[0], row[2].replace("/", " "), project[0] if project else "", lexical),
                )
            return True
