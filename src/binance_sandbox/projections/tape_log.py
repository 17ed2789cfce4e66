"""A table of one kind of tape record (public trades or aggregate trades) per symbol, by id.

Records are kept as their msgpack encoding beside the columns the reads filter on. As in the
other projections, records not yet committed are read from memory: the pending ones and those
of the flush in progress (kept until the next flush, by when they are committed).

Each symbol's newest `RECENT` records also stay in memory, written or not, so the streams get
what a batch added (`after`) without reading it back from SQLite; REST reads the table.
"""

import sqlite3
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

import msgspec

from binance_sandbox.projections.sqlite_projection import Write, merged

FOREVER = 2**63 - 1
RECENT = 1000  # records per symbol kept in memory: more than a batch publishes at once


class PublicTrade(msgspec.Struct, frozen=True, array_like=True):
    """A trade as /fapi/v1/trades shows it; prices in price units, quantities in steps."""

    id: int  # a replayed print: the first of its trades' ids
    time: int
    price: int
    qty: int
    quote: int  # price x qty
    count: int  # 1; a replayed print: the trades it aggregates
    buyer_maker: bool

    @property
    def last_id(self) -> int:
        return self.id + self.count - 1


class AggTrade(msgspec.Struct, frozen=True, array_like=True):
    """Trades of one taker order at one price and time, as /fapi/v1/aggTrades shows them."""

    id: int
    time: int
    price: int
    qty: int
    first_id: int
    last_id: int
    buyer_maker: bool


R = TypeVar("R", PublicTrade, AggTrade)


def log_table(table: str) -> str:
    return (
        f"CREATE TABLE IF NOT EXISTS {table} (\n    symbol TEXT NOT NULL,\n"
        "    id INTEGER NOT NULL,\n    time INTEGER NOT NULL,\n    body BLOB NOT NULL,\n"
        f"    PRIMARY KEY (symbol, id)\n);\n"
        f"CREATE INDEX IF NOT EXISTS {table}_by_time ON {table} (symbol, time);\n"
    )


_encoder = msgspec.msgpack.Encoder()


class TapeLog(Generic[R]):
    def __init__(self, reader: sqlite3.Connection, table: str, record: type[R]) -> None:
        self._reader, self._table = reader, table
        self._decoder: msgspec.msgpack.Decoder[R] = msgspec.msgpack.Decoder(record)
        self._pending: dict[str, list[R]] = {}
        self._flushing: dict[str, list[R]] = {}
        self._recent: dict[str, deque[R]] = {}  # per symbol, since its first append here
        self._before_recent: dict[str, int] = {}  # per symbol: the highest id not in _recent

    def append(self, symbol: str, record: R) -> None:
        self._pending.setdefault(symbol, []).append(record)
        recent = self._recent.get(symbol)
        if recent is None:  # nothing of the symbol unwritten yet: the table has all before
            self._before_recent[symbol] = self._stored_last_id(symbol)
            recent = self._recent[symbol] = deque(maxlen=RECENT)
        elif len(recent) == RECENT:
            self._before_recent[symbol] = recent[0].id
        recent.append(record)

    def change_last(self, symbol: str, change: Callable[[R], R]) -> None:
        """Changes the symbol's record appended last (still pending: one command's)."""
        records = self._pending[symbol]
        records[-1] = self._recent[symbol][-1] = change(records[-1])

    def take_write(self) -> Write:
        rows = [
            (symbol, r.id, r.time, _encoder.encode(r))
            for symbol, records in self._pending.items()
            for r in records
        ]
        self._flushing, self._pending = self._pending, {}
        return (f"INSERT OR REPLACE INTO {self._table} VALUES (?, ?, ?, ?)", rows)

    def last_id(self, symbol: str) -> int:
        """The symbol's highest id so far; 0 before its first record."""
        recent = self._recent.get(symbol)
        return recent[-1].id if recent else self._stored_last_id(symbol)

    def last(self, symbol: str) -> R | None:
        """The symbol's newest record; None before its first."""
        recent = self._recent.get(symbol)
        if recent:
            return recent[-1]
        newest = self.newest(symbol, 1)
        return newest[0] if newest else None

    def after(self, symbol: str, mark: int, limit: int) -> list[R]:
        """The first `limit` records with id > mark, oldest first: from memory when the
        recent records reach back to `mark` (the streams' case), else from the table."""
        recent = self._recent.get(symbol)
        if recent is None or self._before_recent[symbol] > mark:
            return self.oldest(symbol, mark + 1, 0, FOREVER, limit)
        found = []
        for record in reversed(recent):
            if record.id <= mark:
                break
            found.append(record)
        found.reverse()
        return found[:limit]

    def _stored_last_id(self, symbol: str) -> int:
        row = self._reader.execute(
            f"SELECT MAX(id) FROM {self._table} WHERE symbol = ?", (symbol,)
        ).fetchone()
        return int(row[0] or 0)

    def newest(self, symbol: str, limit: int, end: int = FOREVER) -> list[R]:
        """The last `limit` records at or before `end`, oldest first."""
        # "+time" keeps SQLite on the id index, walked from the newest, instead of sorting
        # everything the time index finds before `end`
        rows = self._reader.execute(
            f"SELECT body FROM {self._table} WHERE symbol = ? AND +time <= ? "
            "ORDER BY id DESC LIMIT ?",
            (symbol, end, limit),
        ).fetchall()
        found = self._merged(rows, symbol, lambda r: r.time <= end)
        return found[-limit:]

    def oldest(self, symbol: str, first_id: int, start: int, end: int, limit: int) -> list[R]:
        """The first `limit` records with id >= first_id in [start, end], oldest first."""
        # from a time, the time index finds where to begin; from an id, the id index does
        where = (
            "+id >= ? AND time BETWEEN ? AND ?" if start else "id >= ? AND +time BETWEEN ? AND ?"
        )
        rows = self._reader.execute(
            f"SELECT body FROM {self._table} WHERE symbol = ? AND {where} ORDER BY id LIMIT ?",
            (symbol, first_id, start, end, limit),
        ).fetchall()
        found = self._merged(rows, symbol, lambda r: r.id >= first_id and start <= r.time <= end)
        return found[:limit]

    def _merged(self, rows: list[tuple[bytes]], symbol: str, keep: Callable[[R], bool]) -> list[R]:
        stored = (self._decoder.decode(row[0]) for row in rows)
        return merged(stored, self._unwritten(symbol), key=lambda r: r.id, keep=keep)

    def _unwritten(self, symbol: str) -> list[R]:
        return [*self._flushing.get(symbol, ()), *self._pending.get(symbol, ())]
