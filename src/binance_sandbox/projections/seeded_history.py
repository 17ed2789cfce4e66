"""Seeded history: 1-minute candles for the days before the exchange opened.

A fresh sandbox (and a replay's window) starts with `days` of history behind it, so a strategy
that needs hundreds of candles for its indicators has them at once. Computed on read, never
stored (start-up stays fast): a pair's index path is a seeded random walk backwards from the
first index price the exchange holds (the open of its first stored minute) at the pair's
annualised volatility, so it ends exactly where the live path starts; four steps a minute give
each candle its wicks. A symbol's trade candles follow its pair's index candles (prices on the
tick) with seeded trade counts and volumes. They carry no trade ids: trade lists, aggregate
trades and the 24-hour ticker hold only the trades that happened.

Invariant: the same (seed, pair, first minute and price) give the same history in every
process, and the last seeded minute closes at the first live price.
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from binance_sandbox.core.fixed import AMOUNT_DECIMALS
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.projections.index_candle import Candle
from binance_sandbox.projections.trade_candles import TradeCandle

MINUTE_MS = 60_000
_STEPS = 4  # random-walk steps per minute
_YEAR_MINUTES = 365 * 1440
# Seeded trades per minute and quote notional per trade (uniform draws)
_TRADES = (1, 8)
_NOTIONAL = (100.0, 5000.0)

Anchor = tuple[int, int]  # (first live minute's open time, its open price at AMOUNT_DECIMALS)


@dataclass
class SeededIndex:
    """Index candles of a pair before its first live minute."""

    days: int
    seed: int
    volatility: dict[str, float]  # annualised, by pair; missing or 0: a flat history
    anchor: Callable[[str], Anchor | None]
    _paths: dict[str, tuple[Anchor, array[int]]] = field(default_factory=dict)

    def first_minute(self, pair: str) -> int | None:
        anchored = self.anchor(pair) if self.days > 0 else None
        return None if anchored is None else anchored[0] - self.days * 1440 * MINUTE_MS

    def between(self, pair: str, start: int, end: int) -> list[Candle]:
        """Seeded minutes opening in [start, end], oldest first."""
        first = self.first_minute(pair)
        if first is None:
            return []
        points = self._path(pair)[1]
        low = max(0, -(-(start - first) // MINUTE_MS))
        high = min(self.days * 1440 - 1, (end - first) // MINUTE_MS)
        return [_candle(first + i * MINUTE_MS, points, i) for i in range(low, high + 1)]

    def last_before(self, pair: str, minute: int) -> Candle | None:
        found = self.between(pair, minute - MINUTE_MS, minute - 1)
        return found[-1] if found else None

    def _path(self, pair: str) -> tuple[Anchor, array[int]]:
        anchored = self.anchor(pair)
        assert anchored is not None
        cached = self._paths.get(pair)
        if cached is None or cached[0] != anchored:
            cached = (anchored, _walk_back(self, pair, anchored))
            self._paths[pair] = cached
        return cached


def _walk_back(index: SeededIndex, pair: str, anchored: Anchor) -> array[int]:
    """The path's points, oldest first, `_STEPS` a minute; the last one is the anchor price."""
    minute, price = anchored
    count = index.days * 1440 * _STEPS
    sigma = index.volatility.get(pair, 0.0) * math.sqrt(1 / (_YEAR_MINUTES * _STEPS))
    rng = random.Random(f"{index.seed}:seeded-history:{pair}:{minute}:{price}")
    points = array("q", bytes(8 * (count + 1)))
    log_price = 0.0
    points[count] = price
    for k in range(count - 1, -1, -1):
        log_price -= sigma * rng.gauss(0.0, 1.0)
        points[k] = max(1, round(price * math.exp(log_price)))
    return points


def _candle(open_time: int, points: array[int], i: int) -> Candle:
    steps = points[i * _STEPS : (i + 1) * _STEPS + 1]
    return Candle(open_time, steps[0], max(steps), min(steps), steps[-1], _STEPS)


@dataclass(frozen=True)
class SeededTrades:
    """Trade candles of a symbol before its pair's first live minute."""

    index: SeededIndex
    instruments: dict[str, Instrument]

    def first_minute(self, symbol: str) -> int | None:
        instrument = self.instruments.get(symbol)
        return None if instrument is None else self.index.first_minute(instrument.pair)

    def between(self, symbol: str, start: int, end: int) -> list[TradeCandle]:
        instrument = self.instruments.get(symbol)
        if instrument is None:
            return []
        minutes = self.index.between(instrument.pair, start, end)
        return [self._traded(instrument, candle) for candle in minutes]

    def last_before(self, symbol: str, minute: int) -> TradeCandle | None:
        found = self.between(symbol, minute - MINUTE_MS, minute - 1)
        return found[-1] if found else None

    def _traded(self, instrument: Instrument, candle: Candle) -> TradeCandle:
        o, h, low, c = (_on_tick(instrument, p) for p in (candle.open, candle.high, candle.low,
                                                         candle.close))  # fmt: skip
        rng = random.Random(
            f"{self.index.seed}:seeded-trades:{instrument.symbol}:{candle.open_time}"
        )
        count = rng.randint(*_TRADES)
        price = candle.close / 10**AMOUNT_DECIMALS
        step = instrument.step
        volume = 0
        for _ in range(count):
            qty = rng.uniform(*_NOTIONAL) / price * 10**instrument.qty_decimals
            volume += max(step, round(qty / step) * step)
        bought = round(volume * rng.random() / step) * step
        mid = (o + c) // 2
        return TradeCandle(
            candle.open_time, o, h, low, c, volume, mid * volume, count, bought, mid * bought,
            -1, -1,
        )  # fmt: skip


def _on_tick(instrument: Instrument, index_price: int) -> int:
    tick: int = instrument.tick
    units = index_price // 10 ** (AMOUNT_DECIMALS - instrument.price_decimals)
    return int(max(tick, units // tick * tick))
