"""A SQLite file of the shell's own durable state, apart from the journal (OAuth grants,
history downloads): WAL, and an fsync at every commit, so whatever was answered survives a
kill -9. Used from the event loop only; `check_same_thread=False` lets the app be built on
another thread."""

import sqlite3
from pathlib import Path


def open_durable(path: Path, schema: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.executescript(schema)
    return db
