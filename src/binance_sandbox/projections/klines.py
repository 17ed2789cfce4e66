"""Index-price klines per pair, mark-price klines per symbol (keyed `mark_key(symbol)`) and
premium-index klines per perpetual (`premium_key(symbol)`): 1-minute candles projected from
index price events, which carry the marks they set and the newest premium samples, persisted.

Persisted as a `SqliteProjection`; compaction never outruns it, because it is flushed after
every batch and compaction only removes rows behind an older snapshot. Larger intervals are
aggregated from the 1-minute candles on read; a pair's candles are those with index updates
(no gap is filled), after the seeded history of the days before its first one
(`seeded_history`).
"""

from pathlib import Path

from binance_sandbox.core.commands import Stamped
from binance_sandbox.core.events import Event, IndexPricesChanged
from binance_sandbox.projections.index_candle import Candle
from binance_sandbox.projections.kline_buckets import latest_open_time, open_time
from binance_sandbox.projections.minute_candles import MinuteCandles, bucketed, candle_table
from binance_sandbox.projections.seeded_history import Anchor, SeededIndex
from binance_sandbox.projections.sqlite_projection import SqliteProjection, Write

_TABLE = "index_klines_1m"
_PREMIUM = "premium:"


def mark_key(symbol: str) -> str:
    """The key of a symbol's mark-price candles (pairs are keys of index candles)."""
    return f"mark:{symbol}"


def premium_key(symbol: str) -> str:
    """The key of a perpetual's premium-index candles (live only: no seeded history)."""
    return f"{_PREMIUM}{symbol}"


class KlineStore(SqliteProjection):
    name = "index_klines"
    schema = candle_table(_TABLE, "pair", Candle)

    def __init__(
        self,
        path: Path,
        history_days: int = 0,
        seed: int = 0,
        volatility: dict[str, float] | None = None,
    ) -> None:
        super().__init__(path)
        self._minutes = MinuteCandles(self.reader, _TABLE, "pair", Candle)
        self.seeded = SeededIndex(history_days, seed, volatility or {}, self._first_live)

    def project(self, stamped: Stamped, events: list[Event]) -> bool:
        changed = False
        for event in events:
            if isinstance(event, IndexPricesChanged):
                changed = True
                minute = open_time("1m", event.time)
                for pair, price in event.prices.items():
                    self._minutes.add(pair, Candle(minute, price, price, price, price, 1))
                for symbol, mark in event.marks.items():
                    self._minutes.add(mark_key(symbol), Candle(minute, mark, mark, mark, mark, 1))
                for symbol, value in event.premiums.items():
                    candle = Candle(minute, value, value, value, value, 1)
                    self._minutes.add(premium_key(symbol), candle)
        return changed

    def take_writes(self) -> list[Write]:
        return [self._minutes.take_write()]

    def candles(self, pair: str, interval: str, start: int, end: int, limit: int) -> list[Candle]:
        """The first `limit` candles of `interval` from the one containing `start` up to those
        opening at or before `end`."""
        opened = open_time(interval, start)
        minutes = self.seeded.between(pair, opened, end) + self._minutes.between(pair, opened, end)
        return bucketed(interval, minutes)[:limit]

    def latest(self, pair: str, interval: str, end: int, limit: int) -> list[Candle]:
        """The candles of the last `limit` intervals up to the one containing `end`."""
        first = self.seeded.first_minute(pair) or self._minutes.first_minute(pair)
        if first is None:
            return []
        return self.candles(
            pair, interval, latest_open_time(interval, end, limit, first), end, limit
        )

    def _first_live(self, pair: str) -> Anchor | None:
        """The pair's first live minute and its open price: where the seeded history ends."""
        if pair.startswith(_PREMIUM):
            return None
        first = self._minutes.first_minute(pair)
        if first is None:
            return None
        minute = self._minutes.between(pair, first, first)
        return (first, minute[0].open) if minute else None
