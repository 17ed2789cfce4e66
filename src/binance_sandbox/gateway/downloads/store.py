"""The requested history downloads and their files, in one SQLite file of the data directory.

A download is not exchange state: like an OAuth grant it is not journaled or replayed, and a
saved state's restore leaves it alone. Its file is made when it is asked for (the rows as they
were then) and kept with it, so the link gives the same bytes until it expires. Every request is
one transaction with fsync (WAL, synchronous FULL): a downloadId that was answered survives a
kill -9. Times are exchange-clock milliseconds, given by the caller.

Ids are 18-digit decimal strings like Binance's (`546975389218332672`); each link carries a
random token, so an id alone does not open another account's file.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from binance_sandbox.core.instruments import Product
from binance_sandbox.journal.durable_sqlite import open_durable

Kind = Literal["income", "order", "trade"]
LINK_VALIDITY_MS = 24 * 3_600_000  # "Download link expiration: 24h"
PATH_PREFIX = "/downloads/"  # the links' path, served by the shell (server/download_files.py)
FIRST_ID = 546_975_389_218_332_672  # the doc's example id: ids count on from it

_SCHEMA = """
CREATE TABLE IF NOT EXISTS downloads (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL, product TEXT NOT NULL,
    kind TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,
    requested_ms INTEGER NOT NULL, ready_ms INTEGER NOT NULL, token TEXT NOT NULL,
    file BLOB NOT NULL);
"""
_COLUMNS = "seq, account_id, product, kind, ready_ms, token"  # what a Download holds


@dataclass(frozen=True)
class Download:
    download_id: str
    account_id: int
    product: Product
    kind: Kind
    ready_ms: int  # the file is "processing" until then
    token: str

    @property
    def expires_ms(self) -> int:
        return self.ready_ms + LINK_VALIDITY_MS

    @property
    def path(self) -> str:
        return f"{PATH_PREFIX}{self.download_id}/{self.token}.zip"


class DownloadStore:
    def __init__(self, path: Path) -> None:
        self._db = open_durable(path, _SCHEMA)

    def close(self) -> None:
        self._db.close()

    def add(
        self,
        account_id: int,
        product: Product,
        kind: Kind,
        window: tuple[int, int],
        requested_ms: int,
        ready_ms: int,
        file: bytes,
    ) -> Download:
        token = secrets.token_urlsafe(24)
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO downloads (account_id, product, kind, start_ms, end_ms, requested_ms,"
                " ready_ms, token, file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (account_id, product, kind, *window, requested_ms, ready_ms, token, file),
            )
        assert cursor.lastrowid is not None
        return _download(cursor.lastrowid, account_id, product, kind, ready_ms, token)

    def find(self, download_id: str) -> Download | None:
        seq = _seq(download_id)
        if seq is None:
            return None
        row = self._db.execute(f"SELECT {_COLUMNS} FROM downloads WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else _download(*row)

    def file(self, download: Download) -> bytes:
        row = self._db.execute(
            "SELECT file FROM downloads WHERE seq = ?", (_seq(download.download_id),)
        ).fetchone()
        return bytes(row[0])


def _download(
    seq: int, account_id: int, product: Product, kind: Kind, ready_ms: int, token: str
) -> Download:
    return Download(_download_id(seq), account_id, product, kind, ready_ms, token)


def _download_id(seq: int) -> str:
    return str(FIRST_ID + seq - 1)


def _seq(download_id: str) -> int | None:
    if not download_id.isdigit() or len(download_id) > 19:
        return None
    seq = int(download_id) - FIRST_ID + 1
    return seq if seq >= 1 else None
