"""Index-price klines per pair: 1-minute candles projected from index price events, persisted.

Persisted as a `SqliteProjection`; compaction never outruns it, because it is flushed after
every batch and compaction only removes rows behind an older snapshot. Larger intervals are
aggregated from the 1-minute candles on read. The newest candle of each pair stays in memory
after a flush, since it is still changing.
"""

from pathlib import Path

import msgspec

from binance_sandbox.core.commands import Stamped
from binance_sandbox.core.events import Event, IndexPricesChanged
from binance_sandbox.projections.kline_buckets import next_open_time, open_time
from binance_sandbox.projections.sqlite_projection import SqliteProjection, Write

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
"""


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


class KlineStore(SqliteProjection):
    name = "index_klines"
    schema = _SCHEMA

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._pending: dict[tuple[str, int], Candle] = {}
        self._flushing: dict[tuple[str, int], Candle] = {}  # readable until the next flush

    def project(self, stamped: Stamped, events: list[Event]) -> bool:
        changed = False
        for event in events:
            if isinstance(event, IndexPricesChanged):
                changed = True
                for pair, price in event.prices.items():
                    self._add_tick(pair, event.time, price)
        return changed

    def take_writes(self) -> list[Write]:
        rows = [
            (pair, c.open_time, c.open, c.high, c.low, c.close, c.ticks)
            for (pair, _), c in self._pending.items()
        ]
        self._flushing = {key: msgspec.structs.replace(c) for key, c in self._pending.items()}
        self._keep_only_open_candles()
        return [("INSERT OR REPLACE INTO index_klines_1m VALUES (?, ?, ?, ?, ?, ?, ?)", rows)]

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
        rows = self.reader.execute(
            "SELECT open_time, open, high, low, close, ticks FROM index_klines_1m "
            "WHERE pair = ? AND open_time BETWEEN ? AND ? ORDER BY open_time",
            (pair, start, end),
        ).fetchall()
        stored = {row[0]: Candle(*row) for row in rows}
        for (pending_pair, minute), candle in [*self._flushing.items(), *self._pending.items()]:
            if pending_pair == pair and start <= minute <= end:
                stored[minute] = msgspec.structs.replace(candle)
        return [stored[minute] for minute in sorted(stored)]

    def _first_minute(self, pair: str) -> int | None:
        row = self.reader.execute(
            "SELECT MIN(open_time) FROM index_klines_1m WHERE pair = ?", (pair,)
        ).fetchone()
        pending = [m for (s, m) in [*self._flushing, *self._pending] if s == pair]
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
        row = self.reader.execute(
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
