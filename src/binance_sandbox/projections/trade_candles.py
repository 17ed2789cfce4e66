"""Trade candles as Binance's klines count them, and the quiet intervals between trades.

Prices are in price units, volumes in steps, quote volumes in price units x steps (exact).
`count` is the number of trades (a replayed print counts the trades it aggregates); first_id
and last_id bound the trade ids, for the 24-hour ticker.
"""

from typing import Self

from binance_sandbox.projections.minute_candles import MinuteCandle


class TradeCandle(MinuteCandle):
    open: int
    high: int
    low: int
    close: int
    volume: int
    quote_volume: int
    count: int
    taker_buy_volume: int
    taker_buy_quote_volume: int
    first_id: int
    last_id: int

    def absorb(self, other: Self) -> None:
        self.high = max(self.high, other.high)
        self.low = min(self.low, other.low)
        self.close = other.close
        self.volume += other.volume
        self.quote_volume += other.quote_volume
        self.count += other.count
        self.taker_buy_volume += other.taker_buy_volume
        self.taker_buy_quote_volume += other.taker_buy_quote_volume
        # a late replayed print can carry smaller ids than the trades it joins
        self.first_id = min(self.first_id, other.first_id)
        self.last_id = max(self.last_id, other.last_id)


def trade_candle(
    minute: int, price: int, qty: int, count: int, first_id: int, taker_buys: bool
) -> TradeCandle:
    """One trade (or replayed print of `count` trades from `first_id`) as a candle."""
    quote = price * qty
    bought, bought_quote = (qty, quote) if taker_buys else (0, 0)
    return TradeCandle(
        minute, price, price, price, price, qty, quote, count, bought, bought_quote,
        first_id, first_id + count - 1,
    )  # fmt: skip


def with_quiet_intervals(
    opens: list[int], traded: list[TradeCandle], before: TradeCandle | None
) -> list[TradeCandle]:
    """A candle for each open time: the traded one, or as Binance shows an interval without
    trades — no volume, open = high = low = close = the previous close. `before` is the last
    candle before the first open time (None only if that interval has trades)."""
    by_open = {candle.open_time: candle for candle in traded}
    result: list[TradeCandle] = []
    for opened in opens:
        candle = by_open.get(opened)
        if candle is None:
            previous = result[-1] if result else before
            assert previous is not None, "the first interval has the first trade"
            close = previous.close
            candle = TradeCandle(opened, close, close, close, close, 0, 0, 0, 0, 0, -1, -1)
        result.append(candle)
    return result
