"""1-minute candles of a projection, per subject (a pair or a symbol), in one SQLite table.

A candle changed since the last flush is pending in memory; a flush hands the pending ones
over as rows, keeps them readable until the next flush (by when they are committed) and
keeps each subject's newest candle pending, since that is the one still changing. Larger
intervals are aggregated on read (`bucketed`).
"""

import sqlite3
from collections.abc import Iterable
from typing import Generic, Self, TypeVar

import msgspec

from binance_sandbox.projections.kline_buckets import open_time
from binance_sandbox.projections.sqlite_projection import Write


class MinuteCandle(msgspec.Struct):
    """A candle's open time; subclasses add the integer columns they aggregate."""

    open_time: int

    def absorb(self, other: Self) -> None:
        """Takes in a later candle (or trade) of the same interval."""
        raise NotImplementedError


C = TypeVar("C", bound=MinuteCandle)


def candle_table(table: str, subject: str, candle: type[MinuteCandle]) -> str:
    """The table's schema: the subject, then one integer column per candle field."""
    columns = "".join(f"    {name} INTEGER NOT NULL,\n" for name in candle.__struct_fields__)
    return (
        f"CREATE TABLE IF NOT EXISTS {table} (\n    {subject} TEXT NOT NULL,\n{columns}"
        f"    PRIMARY KEY ({subject}, open_time)\n);\n"
    )


class MinuteCandles(Generic[C]):
    def __init__(self, reader: sqlite3.Connection, table: str, subject: str, candle: type[C]):
        self._reader, self._candle = reader, candle
        fields = candle.__struct_fields__
        self._select = f"SELECT {', '.join(fields)} FROM {table} WHERE {subject} = ?"
        self._first = f"SELECT MIN(open_time) FROM {table} WHERE {subject} = ?"
        self._insert = f"INSERT OR REPLACE INTO {table} VALUES (?{', ?' * len(fields)})"
        self._pending: dict[tuple[str, int], C] = {}
        self._flushing: dict[tuple[str, int], C] = {}

    def add(self, subject: str, candle: C) -> None:
        """Absorbs `candle` into the subject's candle of the same minute."""
        key = (subject, candle.open_time)
        current = self._pending.get(key) or self._unflushed(key) or self._stored(key)
        if current is None:
            self._pending[key] = candle
            return
        current.absorb(candle)
        self._pending[key] = current

    def take_write(self) -> Write:
        rows = [(subject, *msgspec.structs.astuple(c)) for (subject, _), c in self._pending.items()]
        self._flushing = {key: msgspec.structs.replace(c) for key, c in self._pending.items()}
        newest: dict[str, int] = {}
        for subject, minute in self._pending:
            newest[subject] = max(minute, newest.get(subject, minute))
        self._pending = {k: c for k, c in self._pending.items() if newest[k[0]] == k[1]}
        return (self._insert, rows)

    def between(self, subject: str, start: int, end: int) -> list[C]:
        """The subject's minutes opening in [start, end], oldest first (copies)."""
        rows = self._reader.execute(
            self._select + " AND open_time BETWEEN ? AND ? ORDER BY open_time",
            (subject, start, end),
        ).fetchall()
        found = {row[0]: self._candle(*row) for row in rows}
        for (owner, minute), candle in self._unwritten():
            if owner == subject and start <= minute <= end:
                found[minute] = msgspec.structs.replace(candle)
        return [found[minute] for minute in sorted(found)]

    def last_before(self, subject: str, minute: int) -> C | None:
        """The subject's newest minute opening before `minute` (a copy)."""
        row = self._reader.execute(
            self._select + " AND open_time < ? ORDER BY open_time DESC LIMIT 1", (subject, minute)
        ).fetchone()
        found = self._candle(*row) if row else None
        for (owner, opened), candle in self._unwritten():
            if (
                owner == subject
                and opened < minute
                and (found is None or opened >= found.open_time)
            ):
                found = msgspec.structs.replace(candle)
        return found

    def first_minute(self, subject: str) -> int | None:
        row = self._reader.execute(self._first, (subject,)).fetchone()
        unwritten = [minute for (owner, minute), _ in self._unwritten() if owner == subject]
        known = [v for v in (row[0], *unwritten) if v is not None]
        return min(known) if known else None

    def _unwritten(self) -> list[tuple[tuple[str, int], C]]:
        """The candles not yet committed, the pending (newer) ones last."""
        return [*self._flushing.items(), *self._pending.items()]

    def _unflushed(self, key: tuple[str, int]) -> C | None:
        """A candle of the flush in progress, which the database may not have yet."""
        candle = self._flushing.get(key)
        return msgspec.structs.replace(candle) if candle is not None else None

    def _stored(self, key: tuple[str, int]) -> C | None:
        row = self._reader.execute(self._select + " AND open_time = ?", key).fetchone()
        return self._candle(*row) if row else None


def bucketed(interval: str, minutes: Iterable[C]) -> list[C]:
    """Minute candles (oldest first) combined into candles of `interval`."""
    result: list[C] = []
    for minute in minutes:
        bucket = open_time(interval, minute.open_time)
        if result and result[-1].open_time == bucket:
            result[-1].absorb(minute)
        else:
            result.append(msgspec.structs.replace(minute, open_time=bucket))
    return result
