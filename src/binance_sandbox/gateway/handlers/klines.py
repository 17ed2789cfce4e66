"""Klines: trade, continuous, index price, mark price and premium index candles.

Trade candles come from the tape projection: 1-minute candles of the symbol's trades,
aggregated on read, with a candle for every interval from the first trade on (one without
trades has no volume and open = high = low = close = the previous close, as Binance's). A
continuous kline is the trade kline of the pair's contract of `contractType` (`[]` when the
pair has none of that type). Index price candles come from the kline projection (1-minute
candles of the index path, aggregated on read); mark price candles likewise from the marks each
index tick sets (core/mark_price.py); premium index candles of the newest premium sample at
each index tick (core/funding.py), at the open times of the index candles, zeros where there
were none (the seeded history, a delivery contract).

Window rules (Binance's): without startTime and endTime, the latest `limit` candles; with only
endTime, the latest `limit` opening at or before it; with startTime, the first `limit` opening
at or after it (and at or before endTime). startTime > endTime is -1023. Times are clipped to
[0, now] first, so no timestamp a client sends reaches the store's date arithmetic unbounded.
The current, unfinished candle is included.

Trade rows are Binance's 12 columns: open time, OHLC at pricePrecision, volume at
quantityPrecision, close time, quote volume (exact, price and quantity decimals together),
trade count, taker buy volume and quote volume, "0". Index, mark and premium rows share the
same layout: OHLC at 8 decimals, "0" volumes, the number of index updates as the count.
"""

from typing import Any, Protocol, TypeVar

import msgspec

from binance_sandbox.core.instruments import Instrument
from binance_sandbox.gateway import params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import BY_KLINE_LIMIT, Endpoint, Handler, Security
from binance_sandbox.gateway.handlers.market_common import (
    PAIR,
    SYMBOL,
    TIME_RANGE,
    limit,
    perpetual_of_pair,
    time_range,
)
from binance_sandbox.gateway.params import Param
from binance_sandbox.gateway.render import amount, price, quantity, quote
from binance_sandbox.projections import coin_volume
from binance_sandbox.projections.index_candle import Candle
from binance_sandbox.projections.kline_buckets import close_time, next_open_time, open_time
from binance_sandbox.projections.klines import mark_key, premium_key
from binance_sandbox.projections.trade_candles import TradeCandle

CONTRACT_TYPES = ("PERPETUAL", "CURRENT_QUARTER", "NEXT_QUARTER", "TRADIFI_PERPETUAL")
_KLINE_PARAMS = (params.interval(), *TIME_RANGE, limit(500, 1500))

KlineRow = list[Any]
C = TypeVar("C")


class CandleSource(Protocol[C]):
    """A projection's candles of a pair or symbol (KlineStore, TapeStore)."""

    def candles(self, key: str, interval: str, start: int, end: int, limit: int) -> list[C]: ...

    def latest(self, key: str, interval: str, end: int, limit: int) -> list[C]: ...


async def trade_klines(ctx: RequestContext) -> list[KlineRow]:
    return _trade_rows(ctx, ctx.instrument())


async def continuous_klines(ctx: RequestContext) -> list[KlineRow]:
    pair = perpetual_of_pair(ctx).pair
    contract_type = ctx.params["contractType"]
    for instrument in ctx.instruments.values():
        if (instrument.pair, instrument.contract_type) == (pair, contract_type):
            return _trade_rows(ctx, instrument)
    time_range(ctx)
    return []


async def index_price_klines(ctx: RequestContext) -> list[KlineRow]:
    return _rows(ctx, _index_candles(ctx, perpetual_of_pair(ctx).pair))


async def mark_price_klines(ctx: RequestContext) -> list[KlineRow]:
    return _rows(ctx, _index_candles(ctx, mark_key(ctx.instrument().symbol)))


async def premium_index_klines(ctx: RequestContext) -> list[KlineRow]:
    instrument = ctx.instrument()
    sampled = {c.open_time: c for c in _index_candles(ctx, premium_key(instrument.symbol))}
    candles = _index_candles(ctx, instrument.pair)
    zero = [msgspec.structs.replace(c, open=0, high=0, low=0, close=0) for c in candles]
    return _rows(ctx, [sampled.get(c.open_time, c) for c in zero])


def _trade_rows(ctx: RequestContext, instrument: Instrument) -> list[KlineRow]:
    interval = ctx.params["interval"]
    candles = _window(ctx, ctx.services.tape, instrument.symbol)
    return [_trade_row(ctx, instrument, interval, candle) for candle in candles]


def _index_candles(ctx: RequestContext, pair: str) -> list[Candle]:
    return _window(ctx, ctx.services.klines, pair)


def _window(ctx: RequestContext, source: CandleSource[C], key: str) -> list[C]:
    """The candles of the request's window (see the module's window rules)."""
    interval, count = ctx.params["interval"], ctx.params.get("limit", 500)
    start, end = time_range(ctx)
    now = ctx.now_ms()
    last = now if end is None else _clip(end, 0, now)
    if start is None:
        return source.latest(key, interval, last, count)
    first = _first_open_at_or_after(interval, _clip(start, 0, now + 1))  # after `last`: none
    return source.candles(key, interval, first, last, count)


def _clip(ts: int, low: int, high: int) -> int:
    return min(max(ts, low), high)


def _first_open_at_or_after(interval: str, ts: int) -> int:
    opened = open_time(interval, ts)
    return opened if opened == ts else next_open_time(interval, opened)


def _rows(ctx: RequestContext, candles: list[Candle]) -> list[KlineRow]:
    interval = ctx.params["interval"]
    return [_row(interval, candle) for candle in candles]


def _row(interval: str, c: Candle) -> KlineRow:
    ohlc = [amount(c.open), amount(c.high), amount(c.low), amount(c.close)]
    return [c.open_time, *ohlc, "0", close_time(interval, c.open_time), "0", c.ticks, "0", "0", "0"]


def _trade_row(
    ctx: RequestContext, instrument: Instrument, interval: str, c: TradeCandle
) -> KlineRow:
    ohlc = [price(instrument, p) for p in (c.open, c.high, c.low, c.close)]
    value, taker_buy_value = _values(ctx, instrument, c)
    return [
        c.open_time, *ohlc, quantity(instrument, c.volume), close_time(interval, c.open_time),
        value, c.count, quantity(instrument, c.taker_buy_volume), taker_buy_value, "0",
    ]  # fmt: skip


def _values(ctx: RequestContext, instrument: Instrument, c: TradeCandle) -> tuple[str, str]:
    """Columns 7 and 10: the quote's volumes (USDⓈ-M), the base coin's (COIN-M)."""
    if not instrument.inverse:
        return quote(instrument, c.quote_volume), quote(instrument, c.taker_buy_quote_volume)
    volume = coin_volume.between(ctx.services.tape, instrument, c.first_id, c.last_id)
    return amount(volume.coins), amount(volume.taker_buy_coins)


def _kline_endpoint(path: str, handler: Handler, subject: tuple[Param, ...], name: str) -> Endpoint:
    return Endpoint(
        "GET",
        path,
        Security.NONE,
        BY_KLINE_LIMIT,
        handler,
        (*subject, *_KLINE_PARAMS),
        summary=name,
    )


_CONTRACT_TYPE = params.enum("contractType", CONTRACT_TYPES, required=True)

ENDPOINTS = [
    _kline_endpoint("/fapi/v1/klines", trade_klines, (SYMBOL,), "Kline/Candlestick Data"),
    _kline_endpoint(
        "/fapi/v1/continuousKlines", continuous_klines, (PAIR, _CONTRACT_TYPE),
        "Continuous Contract Kline/Candlestick Data",
    ),
    _kline_endpoint(
        "/fapi/v1/indexPriceKlines", index_price_klines, (PAIR,),
        "Index Price Kline/Candlestick Data",
    ),
    _kline_endpoint(
        "/fapi/v1/markPriceKlines", mark_price_klines, (SYMBOL,),
        "Mark Price Kline/Candlestick Data",
    ),
    _kline_endpoint(
        "/fapi/v1/premiumIndexKlines", premium_index_klines, (SYMBOL,), "Premium index Kline Data"
    ),
]  # fmt: skip
