"""SQLite journal: batches of stamped commands, snapshots of the core state, compaction.

Invariants: `append` writes a whole batch in one transaction and returns only once SQLite has
committed it (with `synchronous=FULL` in WAL mode, after the fsync of the WAL), so a batch is
either entirely durable or absent after a crash. Sequence numbers in the table are consecutive.
Compaction deletes journal rows that an older snapshot already covers, never the tail behind
the newest snapshot's predecessor, so one corrupt snapshot still leaves a way back.

Snapshot bodies live in files beside the journal (`snapshot_files`); the `snapshots` table
records each one (its `file`), so writing a snapshot never holds the journal's write lock for
long. Rows written before that have their body in the table and are still read.

All methods must be called from one thread at a time (the sequencer's journal thread).
"""

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

import msgspec

from binance_sandbox.core.commands import Stamped
from binance_sandbox.journal.codec import decode_row, encode_command
from binance_sandbox.journal.snapshot_files import (
    DamagedSnapshot,
    read_snapshot_file,
    write_snapshot_file,
)

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshots (
    seq INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    state_hash TEXT NOT NULL,
    body BLOB NOT NULL,
    file TEXT NOT NULL DEFAULT ''
);
"""


class Snapshot(msgspec.Struct, frozen=True):
    seq: int
    ts: int
    state_hash: str
    body: bytes


class SqliteJournal:
    def __init__(self, path: Path, synchronous: Literal["full", "normal"] = "full") -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={synchronous.upper()}")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(snapshots)")}
        if "file" not in columns:  # a journal from before snapshot files
            self._db.execute("ALTER TABLE snapshots ADD COLUMN file TEXT NOT NULL DEFAULT ''")
        self.snapshot_dir = path.parent / f"{path.stem}-snapshots"

    def close(self) -> None:
        self._db.close()

    def append(self, batch: Sequence[Stamped]) -> None:
        self.append_rows([(s.seq, s.ts, encode_command(s.command)) for s in batch])

    def append_rows(self, rows: Sequence[tuple[int, int, bytes]]) -> None:
        """(seq, ts, body) rows whose bodies are already encoded (`encode_command`)."""
        with self._transaction():
            self._db.executemany("INSERT INTO journal (seq, ts, body) VALUES (?, ?, ?)", rows)

    def last_seq(self) -> int:
        row = self._db.execute("SELECT MAX(seq) FROM journal").fetchone()
        journaled = int(row[0]) if row[0] is not None else 0
        return max(journaled, self.latest_snapshot_seq())

    def read_after(self, seq: int, chunk: int = 10_000) -> Iterator[Stamped]:
        """Every journaled command with a sequence number above `seq`, in order."""
        cursor = seq
        while True:
            rows = self._db.execute(
                "SELECT seq, ts, body FROM journal WHERE seq > ? ORDER BY seq LIMIT ?",
                (cursor, chunk),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield decode_row(*row)
            cursor = rows[-1][0]

    def raw_rows(self) -> Iterator[tuple[int, int, bytes]]:
        """The journal exactly as stored, for dumps and byte-for-byte comparison."""
        yield from self._db.execute("SELECT seq, ts, body FROM journal ORDER BY seq")

    def first_seq(self) -> int:
        row = self._db.execute("SELECT MIN(seq) FROM journal").fetchone()
        return int(row[0]) if row[0] is not None else 0

    def save_snapshot(self, snapshot: Snapshot, keep: int, compact: bool) -> None:
        """Writes the snapshot's file, then records it (`record_snapshot`)."""
        name = write_snapshot_file(
            self.snapshot_dir, snapshot.seq, snapshot.state_hash, snapshot.body
        )
        self.record_snapshot(snapshot.seq, snapshot.ts, snapshot.state_hash, name, keep, compact)

    def record_snapshot(
        self, seq: int, ts: int, state_hash: str, file: str, keep: int, compact: bool
    ) -> None:
        """Records a snapshot whose file is written and drops snapshots beyond the newest `keep`
        (at least 2). With `compact`, also drops the journal rows the oldest kept snapshot
        covers, so the newest snapshot's predecessor plus the journal behind it remain a way
        back. One short transaction; the dropped snapshots' files go after it commits."""
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO snapshots (seq, ts, state_hash, body, file) "
                "VALUES (?, ?, ?, ?, ?)",
                (seq, ts, state_hash, b"", file),
            )
            kept = self._db.execute(
                "SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?", (max(keep, 2),)
            ).fetchall()
            if len(kept) < 2:
                return
            oldest_kept = kept[-1][0]
            dropped = self._db.execute(
                "SELECT file FROM snapshots WHERE seq < ? AND file != ''", (oldest_kept,)
            ).fetchall()
            self._db.execute("DELETE FROM snapshots WHERE seq < ?", (oldest_kept,))
            if compact:
                self._db.execute("DELETE FROM journal WHERE seq <= ?", (oldest_kept,))
        for (name,) in dropped:
            (self.snapshot_dir / name).unlink(missing_ok=True)

    def latest_snapshot_seq(self) -> int:
        row = self._db.execute("SELECT MAX(seq) FROM snapshots").fetchone()
        return int(row[0]) if row[0] is not None else 0

    def latest_snapshot(self) -> Snapshot | None:
        """The newest snapshot whose body can be read; a damaged one is passed over for its
        predecessor (compaction keeps the journal behind that)."""
        rows = self._db.execute(
            "SELECT seq, ts, state_hash, body, file FROM snapshots ORDER BY seq DESC"
        ).fetchall()
        for seq, ts, state_hash, stored, file in rows:
            if not file:
                return Snapshot(seq, ts, state_hash, stored)
            try:
                _, body = read_snapshot_file(self.snapshot_dir / file)
            except DamagedSnapshot as exc:
                log.warning("passing over snapshot %d: %s", seq, exc)
                continue
            return Snapshot(seq, ts, state_hash, body)
        return None

    def _transaction(self) -> "_Transaction":
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
