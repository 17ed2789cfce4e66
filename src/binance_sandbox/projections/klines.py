"""Index-price klines per pair: 1-minute candles projected from index price events, persisted.

The projection lives beside the journal (its own tables in the same SQLite file) with the
sequence number it has seen up to, so start-up feeds it only what it missed; compaction never
outruns it, because it is flushed after every batch and compaction only removes rows behind an
older snapshot. Larger intervals are aggregated from the 1-minute candles on read.

Thread use: `on_applied` and reads run on the event loop; `take_flush()` hands the pending
rows over (on the loop) as a function that writes them on the journal thread.
"""

import sqlite3
from collections.abc import Callable
from pathlib import Path

import msgspec

from binance_sandbox.core.commands import Stamped
from binance_sandbox.core.events import Event, IndexPricesChanged
from binance_sandbox.projections.kline_buckets import next_open_time, open_time

_SCHEMA = """
CREATE TABLE IF NOT EXISTS index_klines_1m (
    pair TEXT NOT NULL,
    open_time INTEGER NOT NULL,
    open INTEGER NOT NULL,
    high INTEGER NOT NULL,
    low INTEGER NOT NULL,
    close INTEGER NOT NULL,
    ticks INTEGER NOT NULL,
    PRIMARY KEY (pair, open_time)
);
CREATE TABLE IF NOT EXISTS projection_progress (name TEXT PRIMARY KEY, seq INTEGER NOT NULL);
"""
_NAME = "index_klines"


class Candle(msgspec.Struct):
    open_time: int
    open: int
    high: int
    low: int
    close: int
    ticks: int

    def absorb(self, other: "Candle") -> None:
        self.high = max(self.high, other.high)
        self.low = min(self.low, other.low)
        self.close = other.close
        self.ticks += other.ticks


class KlineStore:
    def __init__(self, path: Path) -> None:
        self._writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._writer.execute("PRAGMA journal_mode=WAL")
        self._writer.executescript(_SCHEMA)
        self._reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        row = self._reader.execute(
            "SELECT seq FROM projection_progress WHERE name = ?", (_NAME,)
        ).fetchone()
        self.seq = int(row[0]) if row else 0
        self._pending: dict[tuple[str, int], Candle] = {}
        self._dirty = False

    def close(self) -> None:
        self._writer.close()
        self._reader.close()

    def on_applied(self, stamped: Stamped, events: list[Event]) -> None:
        if stamped.seq <= self.seq:
            return
        self.seq = stamped.seq
        for event in events:
            if isinstance(event, IndexPricesChanged):
                self._dirty = True
                for pair, price in event.prices.items():
                    self._add_tick(pair, event.time, price)

    def take_flush(self) -> Callable[[], None] | None:
        """The pending candles and progress, as a write for the journal thread (None: nothing
        changed; the progress mark then lags, which only means a few no-op replays)."""
        if not self._dirty:
            return None
        self._dirty = False
        rows = [
            (pair, c.open_time, c.open, c.high, c.low, c.close, c.ticks)
            for (pair, _), c in self._pending.items()
        ]
        seq = self.seq
        self._keep_only_open_candles()

        def write() -> None:
            self._writer.execute("BEGIN")
            self._writer.executemany(
                "INSERT OR REPLACE INTO index_klines_1m VALUES (?, ?, ?, ?, ?, ?, ?)", rows
            )
            self._writer.execute(
                "INSERT OR REPLACE INTO projection_progress VALUES (?, ?)", (_NAME, seq)
            )
            self._writer.execute("COMMIT")

        return write

    def candles(self, pair: str, interval: str, start: int, end: int, limit: int) -> list[Candle]:
        """The first `limit` candles of `interval` from the one containing `start` up to those
        opening at or before `end`."""
        minutes = self._minutes(pair, open_time(interval, start), end)
        result: list[Candle] = []
        for minute in minutes:
            bucket = open_time(interval, minute.open_time)
            if result and result[-1].open_time == bucket:
                result[-1].absorb(minute)
            elif len(result) == limit:
                break
            else:
                result.append(
                    Candle(bucket, minute.open, minute.high, minute.low, minute.close, minute.ticks)
                )
        return result

    def latest(self, pair: str, interval: str, end: int, limit: int) -> list[Candle]:
        """The last `limit` candles opening at or before `end`."""
        first = self._first_minute(pair)
        if first is None:
            return []
        start = max(first, _step_back(interval, open_time(interval, end), limit))
        candles = self.candles(pair, interval, start, end, limit + 1)
        return candles[-limit:]

    def _minutes(self, pair: str, start: int, end: int) -> list[Candle]:
        rows = self._reader.execute(
            "SELECT open_time, open, high, low, close, ticks FROM index_klines_1m "
            "WHERE pair = ? AND open_time BETWEEN ? AND ? ORDER BY open_time",
            (pair, start, end),
        ).fetchall()
        stored = {row[0]: Candle(*row) for row in rows}
        for (pending_pair, minute), candle in self._pending.items():
            if pending_pair == pair and start <= minute <= end:
                stored[minute] = msgspec.structs.replace(candle)
        return [stored[minute] for minute in sorted(stored)]

    def _first_minute(self, pair: str) -> int | None:
        row = self._reader.execute(
            "SELECT MIN(open_time) FROM index_klines_1m WHERE pair = ?", (pair,)
        ).fetchone()
        pending = [m for (s, m) in self._pending if s == pair]
        known = [v for v in (row[0], *pending) if v is not None]
        return min(known) if known else None

    def _add_tick(self, pair: str, ts: int, price: int) -> None:
        minute = open_time("1m", ts)
        candle = self._pending.get((pair, minute)) or self._stored(pair, minute)
        if candle is None:
            self._pending[(pair, minute)] = Candle(minute, price, price, price, price, 1)
            return
        candle.absorb(Candle(minute, price, price, price, price, 1))
        self._pending[(pair, minute)] = candle

    def _stored(self, pair: str, minute: int) -> Candle | None:
        row = self._reader.execute(
            "SELECT open_time, open, high, low, close, ticks FROM index_klines_1m "
            "WHERE pair = ? AND open_time = ?",
            (pair, minute),
        ).fetchone()
        return Candle(*row) if row else None

    def _keep_only_open_candles(self) -> None:
        """After a flush, keep each pair's newest candle in memory (it is still changing)."""
        newest: dict[str, int] = {}
        for pair, minute in self._pending:
            newest[pair] = max(minute, newest.get(pair, minute))
        self._pending = {k: v for k, v in self._pending.items() if newest[k[0]] == k[1]}


def _step_back(interval: str, opened: int, count: int) -> int:
    """An open time at least `count` intervals before `opened` (exact for fixed intervals)."""
    span = next_open_time(interval, opened) - opened
    return opened - span * (count + 1)  # +1: months differ in length
