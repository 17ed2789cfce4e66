"""The write side of the store, used by the importer inside one transaction."""

import sqlite3
from collections.abc import Sequence

from binance_sandbox.marketdata.files import DataFile
from binance_sandbox.marketdata.rows import Row
from binance_sandbox.marketdata.schema import INSERTS


class StoreWriter:
    """Adds files' rows; `MarketDataStore.writing()` commits them all or none."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def imported(self, sha256: str) -> bool:
        """Whether a file with this content is in the store (or earlier in this import)."""
        found = self._connection.execute(
            "SELECT 1 FROM imported_files WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return found is not None

    def insert(self, file: DataFile, rows: Sequence[Row]) -> int:
        """Insert rows of `file` (with its key columns in front); returns how many were new."""
        return self._connection.executemany(INSERTS[file.kind], rows).rowcount

    def record(
        self,
        sha256: str,
        file: DataFile,
        rows: int,
        new_rows: int,
        time_range: tuple[int, int] | None,
    ) -> None:
        """Remember the imported file and widen its series' coverage by its time range."""
        interval = file.interval or ""
        self._connection.execute(
            "INSERT INTO imported_files VALUES (?, ?, ?, ?, ?, ?)",
            (sha256, str(file.path), file.kind.value, file.symbol, interval, rows),
        )
        if time_range is None:  # a file with a header and no rows
            return
        self._connection.execute(
            "INSERT INTO series VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (kind, symbol, interval) DO UPDATE SET "
            "first_time = min(first_time, excluded.first_time), "
            "last_time = max(last_time, excluded.last_time), "
            "rows = rows + excluded.rows",
            (file.kind.value, file.symbol, interval, *time_range, new_rows),
        )
