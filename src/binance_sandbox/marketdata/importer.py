"""`data import`: verify archives and load all their rows in one transaction.

Everything is checked before it is committed, and one bad file refuses the whole import: a
replay never sees a day half-imported.
"""

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Protocol

from binance_sandbox.marketdata.archive import open_csv_member, sha256_of, verify_checksum
from binance_sandbox.marketdata.errors import MarketDataError
from binance_sandbox.marketdata.files import DataFile, Kind, find_zip_files, identify
from binance_sandbox.marketdata.rows import LAYOUTS, parse_rows
from binance_sandbox.marketdata.schema import row_prefix
from binance_sandbox.marketdata.store import MarketDataStore
from binance_sandbox.marketdata.writer import StoreWriter

# Rows per executemany: large enough to amortise the call, small enough to report progress.
CHUNK_ROWS = 50_000


@dataclass(frozen=True)
class FileReport:
    """What one archive contributed."""

    file: DataFile
    verified: bool  # a CHECKSUM beside it matched
    already_imported: bool  # same content imported before: nothing read
    rows: int = 0  # rows in the file
    new_rows: int = 0  # rows the store did not have yet (overlapping files share rows)
    time_range: tuple[int, int] | None = None  # first and last row time, ms


class ImportListener(Protocol):
    """Follows an import, e.g. to draw progress."""

    def reading(self, file: DataFile, size: int) -> None:
        """Rows of `file` are being read; its CSV has `size` bytes."""

    def progressed(self, position: int) -> None:
        """`position` bytes of the current CSV are read."""

    def finished(self, report: FileReport) -> None:
        """A file is done (still to be committed with the others)."""


class _Silent:
    def reading(self, file: DataFile, size: int) -> None:
        pass

    def progressed(self, position: int) -> None:
        pass

    def finished(self, report: FileReport) -> None:
        pass


def import_files(
    paths: Sequence[Path],
    store_path: Path,
    kind: Kind | None = None,
    listener: ImportListener | None = None,
) -> list[FileReport]:
    """Import the archives at `paths` (files, or directories searched for *.zip) into the store.

    `kind` names the kline kind of files whose directory does not. Raises MarketDataError, with
    nothing imported, if any file cannot be identified, verified or read.
    """
    listener = listener or _Silent()
    files = [identify(path, kind) for path in find_zip_files(paths)]
    reports = []
    try:
        with MarketDataStore.open(store_path) as store, store.writing() as writer:
            for file in files:
                report = _import_file(file, writer, listener)
                listener.finished(report)
                reports.append(report)
    except sqlite3.Error as exc:  # e.g. locked by a reader, or the disk is full
        raise MarketDataError(f"{store_path}: {exc}") from exc
    return reports


def _import_file(file: DataFile, writer: StoreWriter, listener: ImportListener) -> FileReport:
    sha256 = sha256_of(file.path)
    verified = verify_checksum(file.path, sha256)
    if writer.imported(sha256):
        return FileReport(file, verified, already_imported=True)
    prefix = row_prefix(file)
    layout = LAYOUTS[file.kind]
    row_time = itemgetter(len(prefix) + layout.time_index)
    rows = new_rows = 0
    # Times are 13-digit strings here, so comparing them as text compares them as numbers.
    first, last = "9" * 13, "0" * 13
    with open_csv_member(file.path, file.member) as member:
        listener.reading(file, member.size)
        parsed = parse_rows(member.lines(), layout, prefix, file.path)
        while chunk := list(islice(parsed, CHUNK_ROWS)):
            new_rows += writer.insert(file, chunk)
            rows += len(chunk)
            first = min(first, *map(row_time, chunk))
            last = max(last, *map(row_time, chunk))
            listener.progressed(member.position())
    time_range = (int(first), int(last)) if rows else None
    writer.record(sha256, file, rows, new_rows, time_range)
    return FileReport(file, verified, False, rows, new_rows, time_range)
