"""A 1-minute (or larger) candle of a pair's index price, at AMOUNT_DECIMALS."""

from typing import Self

from binance_sandbox.projections.minute_candles import MinuteCandle


class Candle(MinuteCandle):
    open: int
    high: int
    low: int
    close: int
    ticks: int

    def absorb(self, other: Self) -> None:
        self.high = max(self.high, other.high)
        self.low = min(self.low, other.low)
        self.close = other.close
        self.ticks += other.ticks
