"""Kline events of every kind: trade klines (`kline`), a pair's contract of a type
(`continuous_kline`, which has no `s` in `k`) and the index and mark price klines (the pair's
index candles, the contract's own mark candles), from the same stores as the REST klines, so a
stream candle equals the REST row of its interval; a COIN-M contract's (or pair's) in COIN-M's
shape (`shape`: `CoinmPayloads.in_product_shape`)."""

from typing import Any, TypeVar

from binance_sandbox.gateway.context import Services
from binance_sandbox.gateway.handlers.klines import CandleSource
from binance_sandbox.gateway.streams import payloads
from binance_sandbox.gateway.streams.coinm_payloads import Reshape
from binance_sandbox.gateway.streams.names import Stream
from binance_sandbox.projections.index_candle import Candle
from binance_sandbox.projections.kline_buckets import close_time
from binance_sandbox.projections.klines import mark_key
from binance_sandbox.projections.trade_candles import TradeCandle

C = TypeVar("C", TradeCandle, Candle)
Event = tuple[int, dict[str, Any]]  # the candle's open time, the event


def kline_event(
    services: Services, stream: Stream, now: int, opened: int | None, shape: Reshape
) -> Event | None:
    """The event of the stream's candle opening at `opened`, or of the one containing `now`
    (None), in the contract's product's shape; None when there is none yet (before the first
    trade, or an unknown symbol)."""
    state = services.exchange.state
    interval = stream.interval
    if stream.kind in ("kline", "continuousKline"):
        instrument = state.instruments.get(stream.key)
        if stream.kind == "continuousKline":
            instrument = next(
                (i for i in state.instruments.values()
                 if (i.pair, i.contract_type) == (stream.key, stream.contract_type)),
                None,
            )  # fmt: skip
        if instrument is None:
            return None
        trade_candle = _one(services.tape, instrument.symbol, interval, now, opened)
        if trade_candle is None:
            return None
        closed = close_time(interval, trade_candle.open_time) < now
        k = payloads.trade_kline(instrument, interval, trade_candle, closed)
        if stream.kind == "kline":
            event = {"e": "kline", "E": now, "s": instrument.symbol, "k": k}
        else:
            del k["s"]
            event = {"e": "continuous_kline", "E": now, "ps": instrument.pair,
                     "ct": instrument.contract_type, "k": k}  # fmt: skip
        return trade_candle.open_time, shape(instrument, event)
    if stream.kind == "indexPriceKline":
        pair = key = stream.key
        kind, subject = "indexPrice_kline", {"ps": pair}
        marked = next((i for i in state.instruments.values() if i.pair == pair), None)
        if marked is None:
            return None
    else:
        marked = state.instruments.get(stream.key)
        if marked is None:
            return None
        pair, key = marked.pair, mark_key(marked.symbol)  # the contract's own mark candles
        kind, subject = "markPrice_kline", {"s": marked.symbol}
    candle = _one(services.klines, key, interval, now, opened)
    if candle is None:
        return None
    closed = close_time(interval, candle.open_time) < now
    k = payloads.price_kline(pair, interval, candle, closed)
    event = {"e": kind, "E": now, **subject, "k": k}
    return candle.open_time, shape(marked, event)


def _one(
    source: CandleSource[C], key: str, interval: str, now: int, opened: int | None
) -> C | None:
    if opened is None:
        found = source.latest(key, interval, now, 1)
    else:
        found = source.candles(key, interval, opened, opened, 1)
    return found[-1] if found else None
