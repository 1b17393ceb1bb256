"""Append-only SQLite migrations, tracked in the ``_migrations`` table.

Never edit or reorder a migration that has shipped: add a new one at the end.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE cards (
            id INTEGER PRIMARY KEY,
            model_id TEXT NOT NULL UNIQUE,
            path TEXT NOT NULL UNIQUE,
            root TEXT NOT NULL DEFAULT '',
            size INTEGER NOT NULL,
            mtime REAL NOT NULL,
            sha256 TEXT NOT NULL,
            status TEXT NOT NULL,
            first_seen REAL NOT NULL,
            modified REAL NOT NULL,
            card_json TEXT NOT NULL,
            embed_text TEXT NOT NULL,
            vec_label INTEGER UNIQUE,
            updated REAL NOT NULL
        );
        CREATE INDEX cards_root ON cards(root);
        CREATE INDEX cards_sha ON cards(sha256);
        CREATE INDEX cards_status ON cards(status);
        CREATE INDEX cards_modified ON cards(modified);
        -- Keyed by content, so a moved file or an unchanged re-save is never re-embedded.
        CREATE TABLE embeddings (
            sha256 TEXT NOT NULL,
            model TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            last_used REAL NOT NULL,
            PRIMARY KEY (sha256, model)
        );
        CREATE VIRTUAL TABLE cards_fts USING fts5(
            model_id, project, body, tokenize = 'porter unicode61'
        );
        """
    )


def migrate(db: sqlite3.Connection) -> int:
    """Apply every migration not yet recorded; return how many ran."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied REAL NOT NULL)"
    )
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    ran = 0
    for fn in MIGRATIONS:
        if fn.__name__ in done:
            continue
        with db:
            fn(db)
            db.execute(
                "INSERT INTO _migrations (name, applied) VALUES (?, ?)", (fn.__name__, time.time())
            )
        ran += 1
    return ran


@migration
def m002_llm_descriptions(db: sqlite3.Connection) -> None:
    # LLM-written card descriptions, cached by content so a move or an unchanged
    # re-save never asks the model again.
    db.executescript(
        """
        CREATE TABLE llm_descriptions (
            sha256 TEXT NOT NULL,
            model TEXT NOT NULL,
            text TEXT NOT NULL,
            created REAL NOT NULL,
            PRIMARY KEY (sha256, model)
        );
        """
    )


@migration
def m003_extractor_version(db: sqlite3.Connection) -> None:
    # Which extractor wrote each card: cards of an older one are re-extracted on start.
    db.execute("ALTER TABLE cards ADD COLUMN extractor INTEGER NOT NULL DEFAULT 0")


@migration
def m004_embedding_text(db: sqlite3.Connection) -> None:
    # The hash of the text a cached vector embeds: a new extractor writes a new
    # description for the same file content, and its old vector must not be reused.
    db.execute("ALTER TABLE embeddings ADD COLUMN text_sha TEXT")
