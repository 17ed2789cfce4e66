"""The streams' source: the sequencer's applied events, and the exchange clock for the timed
streams.

The sequencer calls `on_applied` for each applied command (a narrow listener that notes what
changed, and runs the timed streams when the command's stamp reaches their next due time, so
they show the state as of that moment even when one batch spans many periods); once per batch,
on the next turn of the event loop, the feed publishes what happens as it happens (trades,
aggregate trades, book tickers). Partial depth is pushed, like diff depth, when the book
changed in the period. A timer on wall time runs the timed streams while no command arrives.

Update speeds are on the exchange clock: a stream due every 250 ms is pushed on every 250 ms
of exchange time (so an accelerated clock speeds the streams up, and a manual clock moves them
only when advanced). Event times `E` are exchange time; trade and book times `T` the stamps of
the commands that made them.
"""

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from binance_sandbox.core.commands import Stamped
from binance_sandbox.core.delivery import status as contract_status
from binance_sandbox.core.events import ForceOrder, OrderUpdated, TradesPrinted
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.gateway.context import RequestContext, Services
from binance_sandbox.gateway.handlers.funding import mark_price_row
from binance_sandbox.gateway.handlers.market_extra import asset_index_row, asset_indices
from binance_sandbox.gateway.handlers.tickers import day_statistics
from binance_sandbox.gateway.streams import coinm_payloads, payloads
from binance_sandbox.gateway.streams.depth_feed import DepthFeed, level_qty
from binance_sandbox.gateway.streams.hub import Hub
from binance_sandbox.gateway.streams.kline_events import kline_event
from binance_sandbox.gateway.streams.names import Stream
from binance_sandbox.sequencer.sequencer import Applied

log = logging.getLogger(__name__)
_TAPE_BATCH = 1000  # trades taken from the tape at a time
_IDLE_WAKE_S = 0.01  # wall time between looks at the exchange clock for due streams
_NEVER = 2**63
Top = tuple[int, int, int, int]


@dataclass
class _Timer:
    stream: Stream
    due: int
    last: Any = None  # what was pushed last (streams that push only changes)
    opened: int | None = None  # klines: open time of the candle pushed last
    rows: dict[str, Any] = field(default_factory=dict)  # arrays: last row per symbol


class MarketFeed:
    def __init__(self, hub: Hub, services: Services) -> None:
        self._hub = hub
        self._services = services
        self._ctx = RequestContext({}, None, services, 0)
        self._coinm = coinm_payloads.CoinmPayloads(services)
        self._depth: dict[str, dict[int, DepthFeed]] = {}  # symbol -> period -> feed
        self._timers: dict[str, _Timer] = {}
        self._tape_marks: dict[str, int] = {}  # trade stream name -> last id pushed
        self._tops: dict[str, Top] = {}  # last bookTicker per symbol
        self._moved: dict[str, tuple[int, int]] = {}  # symbol -> (seq, ts) of its book's change
        self._traded: set[str] = set()
        # each symbol's newest liquidation order: (its ForceOrder, last fill qty, trade time)
        self._liquidations: dict[str, tuple[ForceOrder, int, int]] = {}
        self._scheduled = False
        self._next_due = _NEVER  # the earliest due time of a timed stream
        hub.watch(self._on_watch)

    # --- the sequencer's listener -------------------------------------------------------

    def on_applied(self, stamped: Stamped, applied: Applied) -> None:
        last_fills: dict[int, int] = {}  # order id -> its last fill in this command
        for event in applied.events:
            if isinstance(event, OrderUpdated):
                self._order_changed(event, stamped)
                if event.trade is not None:
                    last_fills[event.order.order_id] = event.trade.qty
            elif isinstance(event, TradesPrinted):
                self._traded.add(event.symbol)
            elif isinstance(event, ForceOrder) and event.auto_close_type == "LIQUIDATION":
                last = last_fills.get(event.order.order_id, 0)
                self._liquidations[event.order.symbol] = (event, last, stamped.ts)
        if stamped.ts >= self._next_due:  # as of this command: a batch may span many periods
            with _contained("timed streams"):
                self.tick(stamped.ts)
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._after_batch)

    def _order_changed(self, event: OrderUpdated, stamped: Stamped) -> None:
        order = event.order
        self._moved[order.symbol] = (stamped.seq, stamped.ts)
        if event.trade is not None and not event.trade.is_maker:
            self._traded.add(order.symbol)
        feeds = self._depth.get(order.symbol)
        if feeds is None or not order.price:
            return
        for feed in feeds.values():
            feed.touch(order.is_buy, order.price, stamped.seq, stamped.ts)
            if event.amendment is not None:
                feed.touch(order.is_buy, event.amendment.price_before, stamped.seq, stamped.ts)

    def _after_batch(self) -> None:
        with _contained("streams after a batch"):
            self._publish_batch()

    def _publish_batch(self) -> None:
        self._scheduled = False
        now = self.now()
        for symbol in self._traded:
            self._push_trades(symbol, now)
        self._traded.clear()
        for symbol, (seq, ts) in self._moved.items():
            self._push_book_ticker(symbol, seq, ts, now)
        self._moved.clear()
        self.tick(now)

    # --- timed streams --------------------------------------------------------------------

    def now(self) -> int:
        return max(self._services.clock.now_ms(), self._services.exchange.state.last_ts)

    async def run(self) -> None:
        """Runs the timed streams on the exchange clock while no command wakes them."""
        while True:
            with _contained("timed streams"):
                self.tick(self.now())
            await asyncio.sleep(_IDLE_WAKE_S)

    def tick(self, now: int) -> None:
        if now < self._next_due:
            return
        for symbol, feeds in self._depth.items():
            for period, feed in feeds.items():
                if now >= feed.due:
                    feed.due = _next_due(now, period)
                    self._push_depth(symbol, period, feed, now)
        for timer in list(self._timers.values()):
            if now >= timer.due:
                timer.due = _next_due(now, timer.stream.period_ms)
                self._push_timed(timer, now)
        self._plan()

    def _plan(self) -> None:
        dues = [feed.due for feeds in self._depth.values() for feed in feeds.values()]
        dues += [timer.due for timer in self._timers.values()]
        self._next_due = min(dues, default=_NEVER)

    def _on_watch(self, stream: Stream, added: bool) -> None:
        kind, name = stream.kind, stream.name
        if kind in ("aggTrade", "trade"):
            if added:
                self._tape_marks[name] = self._newest_tape_id(stream)
            else:
                del self._tape_marks[name]
        elif kind in ("depth", "partialDepth"):
            self._watch_depth(stream, added)
        elif stream.period_ms:
            if added:
                timer = _Timer(stream, _next_due(self.now(), stream.period_ms))
                if kind == "contractInfo":  # changes from here on
                    timer.rows = dict(self._contract_statuses(self.now()))
                elif kind in ("forceOrder", "forceOrderArr"):  # from the current 1000 ms on
                    timer.rows = self._liquidations_before(self.now() - stream.period_ms)
                self._timers[name] = timer
            else:
                del self._timers[name]
        self._plan()

    def _watch_depth(self, stream: Stream, added: bool) -> None:
        feeds = self._depth.setdefault(stream.key, {})
        feed = feeds.get(stream.period_ms)
        if feed is None:
            last_seq = self._services.exchange.state.last_seq
            feed = feeds[stream.period_ms] = DepthFeed(
                last_seq, _next_due(self.now(), stream.period_ms)
            )
        feed.streams += 1 if added else -1
        if not feed.streams:
            del feeds[stream.period_ms]
            if not feeds:
                del self._depth[stream.key]

    # --- pushes ---------------------------------------------------------------------------

    def _instrument(self, symbol: str) -> Instrument | None:
        return self._services.exchange.state.instruments.get(symbol)

    def _newest_tape_id(self, stream: Stream) -> int:
        tape = self._services.tape
        if stream.kind == "aggTrade":
            newest_agg = tape.last_agg_trade(stream.key)
            return newest_agg.id if newest_agg else 0
        newest = tape.last_trade(stream.key)
        return newest.last_id if newest else 0

    def _push_trades(self, symbol: str, now: int) -> None:
        instrument = self._instrument(symbol)
        if instrument is None:
            return
        tape, hub = self._services.tape, self._hub
        aggs_name, trades_name = f"{symbol.lower()}@aggTrade", f"{symbol.lower()}@trade"
        if hub.listened(aggs_name):
            mark = self._tape_marks[aggs_name]
            for agg in tape.agg_trades_after(symbol, mark, _TAPE_BATCH):
                hub.publish(
                    aggs_name, self._shaped(instrument, payloads.agg_trade(instrument, agg, now))
                )
                self._tape_marks[aggs_name] = agg.id
        if hub.listened(trades_name):
            mark = self._tape_marks[trades_name]
            for public in tape.trades_after(symbol, mark, _TAPE_BATCH):
                hub.publish(trades_name, payloads.trade(instrument, public, now))
                self._tape_marks[trades_name] = public.last_id

    def _top(self, symbol: str) -> Top:
        book = self._services.exchange.state.books[symbol]
        bid, bid_qty = (book.bids.depth(1) or [(0, 0)])[0]
        ask, ask_qty = (book.asks.depth(1) or [(0, 0)])[0]
        return bid, bid_qty, ask, ask_qty

    def _push_book_ticker(self, symbol: str, seq: int, ts: int, now: int) -> None:
        instrument = self._instrument(symbol)
        if instrument is None:
            return
        top = self._top(symbol)
        if self._tops.get(symbol) == top:
            return
        self._tops[symbol] = top
        name = f"{symbol.lower()}@bookTicker"
        if self._hub.listened(name):
            payload = payloads.book_ticker(instrument, top, seq, now, ts)
            self._hub.publish(name, self._shaped(instrument, payload))

    def _push_depth(self, symbol: str, period: int, feed: DepthFeed, now: int) -> None:
        touched = feed.take()
        instrument = self._instrument(symbol)
        if not touched or instrument is None:
            return
        book = self._services.exchange.state.books[symbol]
        bids = sorted(((p, level_qty(book.bids, p)) for b, p in touched if b), reverse=True)
        asks = sorted((p, level_qty(book.asks, p)) for b, p in touched if not b)
        speed = "" if period == 250 else f"@{period}ms"
        base = f"{symbol.lower()}@depth"
        diff = payloads.depth_update(
            instrument, feed.ids, now, feed.changed_ts,
            payloads.levels(instrument, bids), payloads.levels(instrument, asks),
        )  # fmt: skip
        self._hub.publish(base + speed, self._shaped(instrument, diff))
        for levels in (5, 10, 20):
            name = f"{base}{levels}{speed}"
            if self._hub.listened(name):
                partial = payloads.depth_update(
                    instrument, feed.ids, now, feed.changed_ts,
                    payloads.levels(instrument, book.bids.depth(levels)),
                    payloads.levels(instrument, book.asks.depth(levels)),
                )  # fmt: skip
                self._hub.publish(name, self._shaped(instrument, partial))

    def _push_timed(self, timer: _Timer, now: int) -> None:
        stream = timer.stream
        kind = stream.kind
        if kind == "markPrice":
            self._push_mark_price(stream, now)
        elif kind == "markPriceArr":  # USDⓈ-M's: COIN-M has the per-pair form instead
            rows = [mark_price_row(self._ctx, i) for i in self._all() if not i.inverse]
            self._hub.publish(stream.name, [payloads.mark_price(r, now) for r in rows])
        elif kind == "indexPrice":
            index = self._services.exchange.state.index_prices.get(stream.key)
            if self._coinm_pair(stream.key) and index is not None:
                self._hub.publish(stream.name, coinm_payloads.index_price(stream.key, index, now))
        elif kind in ("ticker", "miniTicker"):
            instrument = self._instrument(stream.key)
            if instrument is not None:
                self._hub.publish(stream.name, self._ticker(kind, instrument, now))
        elif kind in ("tickerArr", "miniTickerArr"):
            self._push_changed_tickers(timer, now)
        elif kind == "bookTickerAll":
            self._push_changed_tops(timer, now)
        elif kind in ("kline", "continuousKline", "indexPriceKline", "markPriceKline"):
            self._push_kline(timer, now)
        elif kind == "contractInfo":
            self._push_changed_contracts(timer, now)
        elif kind in ("forceOrder", "forceOrderArr"):
            self._push_liquidations(timer, now)
        elif kind in ("assetIndex", "assetIndexArr"):
            self._push_asset_indices(timer, now)

    def _push_mark_price(self, stream: Stream, now: int) -> None:
        """A contract's mark price, or (COIN-M) every contract of the pair, by symbol."""
        instrument = self._instrument(stream.key)
        if instrument is not None:
            row = mark_price_row(self._ctx, instrument)
            self._hub.publish(stream.name, payloads.mark_price(row, now))
        elif contracts := self._coinm_pair(stream.key):
            rows = [mark_price_row(self._ctx, i) for i in contracts]
            self._hub.publish(stream.name, [payloads.mark_price(r, now) for r in rows])

    def _coinm_pair(self, pair: str) -> list[Instrument]:
        """The COIN-M contracts of `pair`, by symbol (none: not a COIN-M pair)."""
        return sorted((i for i in self._all() if i.inverse and i.pair == pair),
                      key=lambda i: i.symbol)  # fmt: skip

    def _all(self) -> list[Instrument]:
        return list(self._services.exchange.state.instruments.values())

    def _shaped(self, instrument: Instrument, payload: payloads.Payload) -> payloads.Payload:
        return self._coinm.in_product_shape(instrument, payload)

    def _day(self, instrument: Instrument) -> dict[str, Any]:
        row = day_statistics(self._ctx, instrument)
        return self._coinm.day_row(instrument, row) if instrument.inverse else row

    def _ticker(self, kind: str, instrument: Instrument, now: int,
                row: dict[str, Any] | None = None) -> payloads.Payload:  # fmt: skip
        row = self._day(instrument) if row is None else row
        if kind == "ticker":
            keys = coinm_payloads.COINM_TICKER_KEYS if instrument.inverse else payloads.TICKER_KEYS
            return payloads.ticker(row, now, keys)
        mini = payloads.MINI_TICKER_KEYS
        return payloads.mini_ticker(
            row, now, coinm_payloads.COINM_MINI_TICKER_KEYS if instrument.inverse else mini
        )

    def _push_changed_tickers(self, timer: _Timer, now: int) -> None:
        """The symbols whose statistics changed since the last push (Binance's arrays carry
        only those)."""
        kind = "ticker" if timer.stream.kind == "tickerArr" else "miniTicker"
        changed = []
        for instrument in self._all():
            row = self._day(instrument)
            numbers = {k: v for k, v in row.items() if k not in ("openTime", "closeTime")}
            if timer.rows.get(instrument.symbol) != numbers:
                timer.rows[instrument.symbol] = numbers
                changed.append(self._ticker(kind, instrument, now, row))
        if changed:
            self._hub.publish(timer.stream.name, changed)

    def _push_changed_tops(self, timer: _Timer, now: int) -> None:
        state = self._services.exchange.state
        for instrument in self._all():
            top = self._top(instrument.symbol)
            if timer.rows.get(instrument.symbol) != top:
                timer.rows[instrument.symbol] = top
                payload = payloads.book_ticker(instrument, top, state.last_seq, now, state.last_ts)
                self._hub.publish(timer.stream.name, self._shaped(instrument, payload))

    def _push_liquidations(self, timer: _Timer, now: int) -> None:
        """Binance's snapshot: per symbol, the newest liquidation order of the last 1000 ms,
        if there was one (`!forceOrder@arr` as one event per symbol, as Binance sends it)."""
        wanted = timer.stream.key
        for symbol, (event, last_qty, traded) in self._liquidations.items():
            if (wanted and symbol != wanted) or timer.rows.get(symbol) is event:
                continue
            timer.rows[symbol] = event
            instrument = self._instrument(symbol)
            if instrument is not None:
                payload = payloads.force_order(instrument, event.order, last_qty, traded, now)
                self._hub.publish(timer.stream.name, self._shaped(instrument, payload))

    def _push_asset_indices(self, timer: _Timer, now: int) -> None:
        """Multi-Assets mode's asset indices (the REST assetIndex rows), every second."""
        stream, indices = timer.stream, asset_indices(self._ctx)
        if stream.kind == "assetIndexArr":
            rows = [asset_index_row(symbol, index, now) for symbol, index in indices.items()]
            if rows:
                self._hub.publish(stream.name, [payloads.asset_index(r, now) for r in rows])
        elif stream.key in indices:
            row = asset_index_row(stream.key, indices[stream.key], now)
            self._hub.publish(stream.name, payloads.asset_index(row, now))

    def _liquidations_before(self, ts: int) -> dict[str, Any]:
        return {symbol: seen[0] for symbol, seen in self._liquidations.items() if seen[2] < ts}

    def _push_changed_contracts(self, timer: _Timer, now: int) -> None:
        """A contract listed, entering its last 10 minutes (DELIVERING), delivered, or changing
        its contract type (the roll: the next quarter becomes CURRENT_QUARTER): one event per
        change since the stream was first subscribed (`_contract_statuses`)."""
        for symbol, (contract_type, status) in self._contract_statuses(now).items():
            if timer.rows.get(symbol) != (contract_type, status):
                timer.rows[symbol] = (contract_type, status)
                instrument = self._services.exchange.state.instruments[symbol]
                payload = payloads.contract_info(instrument, status, now)
                self._hub.publish(timer.stream.name, payload)

    def _contract_statuses(self, now: int) -> dict[str, tuple[str, str]]:
        """Per symbol, what `!contractInfo` reports a change of: contract type and status."""
        state = self._services.exchange.state
        return {
            i.symbol: (i.contract_type, contract_status(state, i, now))
            for i in state.instruments.values()
        }

    def _push_kline(self, timer: _Timer, now: int) -> None:
        """The current candle when it changed; when a new one opens, first the one before it
        once more, closed (`x`: true)."""
        current = kline_event(self._services, timer.stream, now, None, self._shaped)
        if current is None:
            return
        opened, event = current
        if timer.opened is not None and opened > timer.opened:
            closed = kline_event(self._services, timer.stream, now, timer.opened, self._shaped)
            if closed is not None:
                self._hub.publish(timer.stream.name, closed[1])
        timer.opened = opened
        if event["k"] != timer.last:
            timer.last = event["k"]
            self._hub.publish(timer.stream.name, event)


@contextlib.contextmanager
def _contained(what: str) -> Iterator[None]:
    """A failure in the streams is logged and stays there: it never reaches the sequencer,
    whose listener this runs in, nor stops the other streams."""
    try:
        yield
    except Exception:
        log.exception("%s failed", what)


def _next_due(now: int, period: int) -> int:
    """The next point of the stream's grid on the exchange clock after `now`."""
    return now - now % period + period
