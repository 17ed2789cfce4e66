"""The mechanics every persisted projection shares.

A projection keeps its tables in the journal's SQLite file with the sequence number it has
seen up to (`projection_progress`), so start-up replays to it only what it missed. It builds
rows in memory as events arrive (`project`, on the event loop) and hands them over after each
batch as one transaction for the journal thread (`take_flush`), in order with the journal.
Reads use a second connection on the event loop (WAL lets it read beside the writer).
"""

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from binance_sandbox.core.commands import Stamped
from binance_sandbox.core.events import Event

_PROGRESS = "CREATE TABLE IF NOT EXISTS projection_progress (name TEXT PRIMARY KEY, seq INTEGER);"

Write = tuple[str, Sequence[Sequence[Any]]]  # SQL and its rows
R = TypeVar("R")
K = TypeVar("K", int, tuple[int, bool], tuple[int, str])


class SqliteProjection:
    name = ""
    schema = ""

    def __init__(self, path: Path) -> None:
        self._writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._writer.execute("PRAGMA journal_mode=WAL")
        # no fsync of its own: the rows come from journaled commands, the progress mark
        # commits with them and a lost tail is replayed at start-up; the journal's next
        # commit (synchronous as configured) syncs the shared WAL, these frames included
        self._writer.execute("PRAGMA synchronous=NORMAL")
        self._writer.executescript(_PROGRESS + self.schema)
        self.reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        row = self.reader.execute(
            "SELECT seq FROM projection_progress WHERE name = ?", (self.name,)
        ).fetchone()
        self.seq = int(row[0]) if row else 0
        self._dirty = False

    def migrate(self, script: str) -> None:
        """Reshapes tables of an older data directory, all or nothing, before any read."""
        self._writer.executescript(f"BEGIN; {script} COMMIT;")

    def close(self) -> None:
        self._writer.close()
        self.reader.close()

    def on_applied(self, stamped: Stamped, events: list[Event]) -> None:
        if stamped.seq <= self.seq:
            return
        self.seq = stamped.seq
        if self.project(stamped, events):
            self._dirty = True

    def take_flush(self) -> Callable[[], None] | None:
        """The pending rows and progress as one write for the journal thread (None: nothing
        changed; the progress mark then lags, which only means a few no-op replays)."""
        if not self._dirty:
            return None
        self._dirty = False
        writes = self.take_writes()
        seq = self.seq

        def write() -> None:
            self._writer.execute("BEGIN")
            for sql, rows in writes:
                self._writer.executemany(sql, rows)
            self._writer.execute(
                "INSERT OR REPLACE INTO projection_progress VALUES (?, ?)", (self.name, seq)
            )
            self._writer.execute("COMMIT")

        return write

    def project(self, stamped: Stamped, events: list[Event]) -> bool:
        """Takes in one command's events; True if anything changed."""
        raise NotImplementedError

    def take_writes(self) -> list[Write]:
        """The rows to persist since the last flush, as SQL and rows."""
        raise NotImplementedError


def merged(
    stored: Iterable[R], unwritten: Iterable[R], key: Callable[[R], K], keep: Callable[[R], bool]
) -> list[R]:
    """Committed rows (already filtered by SQL) and the not yet committed ones that `keep`
    admits, one per key — the unwritten, newer state winning — ordered by key."""
    found = {key(row): row for row in stored}
    found.update((key(row), row) for row in unwritten if keep(row))
    return [found[k] for k in sorted(found)]
