"""The public market tape per symbol: trades, aggregate trades and 1-minute trade candles,
projected from matches (`OrderUpdated` TRADE events of the taker side) and replayed prints
(`TradesPrinted`), persisted in the journal's SQLite file.

- A match's time is its command's stamp; the taker's side tells isBuyerMaker (a SELL taker
  hits a buyer who made the price).
- Aggregate trades, as Binance's: consecutive fills of one taker order at one price (and
  time) are one aggregate trade with its first and last trade id. Fills of one taker are
  aggregated within the command that made them. Aggregate ids count from 1 per symbol.
- A replayed print stands for `count` trades with consecutive ids. It is one aggregate trade
  (first..first+count-1) and — since the file gives no split — one public trade row carrying
  the first id and the whole quantity; its time and candle minute are the print's own time.
- Candles count trades, so a print counts `count`. Intervals larger than a minute are
  aggregated from the minutes on read, and intervals without trades after the symbol's first
  trade are shown as Binance shows them (`with_quiet_intervals`). Before the pair's first live
  minute come the seeded history's candles (`seeded_history`), in klines only.
"""

from pathlib import Path

import msgspec

from binance_sandbox.core.commands import Stamped, TapePrint
from binance_sandbox.core.events import Event, OrderUpdated, Trade, TradesPrinted
from binance_sandbox.core.orders import Order
from binance_sandbox.projections.kline_buckets import (
    close_time,
    latest_open_time,
    open_time,
    open_times,
)
from binance_sandbox.projections.minute_candles import MinuteCandles, bucketed, candle_table
from binance_sandbox.projections.seeded_history import SeededTrades
from binance_sandbox.projections.sqlite_projection import SqliteProjection, Write
from binance_sandbox.projections.tape_log import (
    FOREVER,
    AggTrade,
    PublicTrade,
    TapeLog,
    log_table,
)
from binance_sandbox.projections.trade_candles import (
    TradeCandle,
    trade_candle,
    with_quiet_intervals,
)

_TRADES, _AGG_TRADES, _CANDLES = "tape_trades", "tape_agg_trades", "tape_klines_1m"


class TapeStore(SqliteProjection):
    name = "tape"
    schema = (
        log_table(_TRADES) + log_table(_AGG_TRADES) + candle_table(_CANDLES, "symbol", TradeCandle)
    )

    def __init__(self, path: Path, seeded: SeededTrades | None = None) -> None:
        super().__init__(path)
        self._seeded = seeded
        self._trades = TapeLog(self.reader, _TRADES, PublicTrade)
        self._aggregates = TapeLog(self.reader, _AGG_TRADES, AggTrade)
        self._minutes = MinuteCandles(self.reader, _CANDLES, "symbol", TradeCandle)
        # (taker order id, price) of the aggregate trade the command being projected builds
        self._aggregating: tuple[int, int] | None = None

    def project(self, stamped: Stamped, events: list[Event]) -> bool:
        changed = False
        self._aggregating = None
        for event in events:
            if (
                isinstance(event, OrderUpdated)
                and event.trade is not None
                and not event.trade.is_maker
            ):
                self._match(event.order, event.trade, stamped.ts)
                changed = True
            elif isinstance(event, TradesPrinted):
                self._print(event)
                changed = True
        return changed

    def take_writes(self) -> list[Write]:
        return [
            self._trades.take_write(),
            self._aggregates.take_write(),
            self._minutes.take_write(),
        ]

    def trades(self, symbol: str, from_id: int | None, limit: int) -> list[PublicTrade]:
        """The `limit` trades from `from_id` on, or the newest ones; oldest first."""
        if from_id is None:
            return self._trades.newest(symbol, limit)
        return self._trades.oldest(symbol, from_id, 0, FOREVER, limit)

    def last_trade(self, symbol: str) -> PublicTrade | None:
        return self._trades.last(symbol)

    def trades_after(self, symbol: str, mark: int, limit: int) -> list[PublicTrade]:
        """The first `limit` trades with id > mark (the streams': from memory), oldest first."""
        return self._trades.after(symbol, mark, limit)

    def last_agg_trade(self, symbol: str) -> AggTrade | None:
        return self._aggregates.last(symbol)

    def agg_trades_after(self, symbol: str, mark: int, limit: int) -> list[AggTrade]:
        """The first `limit` aggregate trades with id > mark (the streams': from memory),
        oldest first."""
        return self._aggregates.after(symbol, mark, limit)

    def agg_trades(
        self, symbol: str, from_id: int | None, start: int | None, end: int | None, limit: int
    ) -> list[AggTrade]:
        """From `from_id` and/or `start` on, the first `limit` (up to `end`); otherwise the
        newest `limit` up to `end`. Oldest first."""
        last = FOREVER if end is None else end
        if from_id is None and start is None:
            return self._aggregates.newest(symbol, limit, last)
        return self._aggregates.oldest(symbol, from_id or 0, start or 0, last, limit)

    def candles(
        self, symbol: str, interval: str, start: int, end: int, limit: int
    ) -> list[TradeCandle]:
        """The first `limit` candles of `interval` from the one containing `start` (but not
        before the symbol's first trade or seeded minute) up to the one containing `end`."""
        first = self._first_minute(symbol)
        if first is None:
            return []
        opens = open_times(interval, max(start, first), end, limit)
        if not opens:
            return []
        last = close_time(interval, opens[-1])
        minutes = self._minutes.between(symbol, opens[0], last)
        before = self._minutes.last_before(symbol, opens[0])
        if self._seeded is not None:
            minutes = self._seeded.between(symbol, opens[0], last) + minutes
            before = before or self._seeded.last_before(symbol, opens[0])
        return with_quiet_intervals(opens, bucketed(interval, minutes), before)

    def latest(self, symbol: str, interval: str, end: int, limit: int) -> list[TradeCandle]:
        """The candles of the last `limit` intervals up to the one containing `end`."""
        first = self._first_minute(symbol)
        if first is None:
            return []
        start = latest_open_time(interval, end, limit, first)
        return self.candles(symbol, interval, start, end, limit)

    def _first_minute(self, symbol: str) -> int | None:
        seeded = self._seeded.first_minute(symbol) if self._seeded is not None else None
        return seeded or self._minutes.first_minute(symbol)

    def summary(self, symbol: str, start: int, end: int) -> TradeCandle | None:
        """The trades of the minutes opening in [start, end] as one candle; None without any."""
        minutes = self._minutes.between(symbol, open_time("1m", start), end)
        if not minutes:
            return None
        total = minutes[0]
        for minute in minutes[1:]:
            total.absorb(minute)
        return total

    def _match(self, taker: Order, trade: Trade, ts: int) -> None:
        buyer_maker = taker.side == "SELL"
        public = PublicTrade(
            trade.trade_id, ts, trade.price, trade.qty, trade.quote, 1, buyer_maker
        )
        self._add(taker.symbol, public)
        if self._aggregating == (taker.order_id, trade.price):
            self._aggregates.change_last(
                taker.symbol,
                lambda a: msgspec.structs.replace(a, qty=a.qty + trade.qty, last_id=trade.trade_id),
            )
            return
        self._new_aggregate(taker.symbol, public)
        self._aggregating = (taker.order_id, trade.price)

    def _print(self, event: TradesPrinted) -> None:
        self._aggregating = None
        trade_id = event.first_trade_id
        for tape_print in event.prints:
            public = _public(trade_id, tape_print)
            self._add(event.symbol, public)
            self._new_aggregate(event.symbol, public)
            trade_id += tape_print.count

    def _add(self, symbol: str, trade: PublicTrade) -> None:
        self._trades.append(symbol, trade)
        taker_buys = not trade.buyer_maker
        minute = open_time("1m", trade.time)
        candle = trade_candle(minute, trade.price, trade.qty, trade.count, trade.id, taker_buys)
        self._minutes.add(symbol, candle)

    def _new_aggregate(self, symbol: str, trade: PublicTrade) -> None:
        aggregate = AggTrade(
            self._aggregates.last_id(symbol) + 1, trade.time, trade.price, trade.qty, trade.id,
            trade.last_id, trade.buyer_maker,
        )  # fmt: skip
        self._aggregates.append(symbol, aggregate)


def _public(trade_id: int, tape_print: TapePrint) -> PublicTrade:
    p = tape_print
    return PublicTrade(trade_id, p.time, p.price, p.qty, p.price * p.qty, p.count, p.buyer_maker)
