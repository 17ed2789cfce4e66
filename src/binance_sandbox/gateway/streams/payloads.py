"""Stream events field for field as Binance sends them, from the exchange's own records.

Numbers print as the REST answers print them (prices and quantities at the instrument's
precisions, mark and index prices at 8 decimals), so a stream event and the REST row of the
same thing agree. The 24-hour and mark price rows are the REST handlers' own, renamed to the
stream's one-letter keys.
"""

from typing import Any

from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.orders import Order
from binance_sandbox.gateway.handlers.order_views import average_price
from binance_sandbox.gateway.render import amount, price, quantity, quote
from binance_sandbox.projections.index_candle import Candle
from binance_sandbox.projections.kline_buckets import close_time
from binance_sandbox.projections.tape_log import AggTrade, PublicTrade
from binance_sandbox.projections.trade_candles import TradeCandle

Payload = dict[str, Any]
Levels = list[list[str]]


def agg_trade(instrument: Instrument, trade: AggTrade, now: int) -> Payload:
    qty = quantity(instrument, trade.qty)
    return {
        "e": "aggTrade", "E": now, "s": instrument.symbol, "a": trade.id,
        "p": price(instrument, trade.price), "q": qty, "nq": qty, "f": trade.first_id,
        "l": trade.last_id, "T": trade.time, "m": trade.buyer_maker,
    }  # fmt: skip


def trade(instrument: Instrument, public: PublicTrade, now: int) -> Payload:
    return {
        "e": "trade", "E": now, "T": public.time, "s": instrument.symbol, "t": public.id,
        "p": price(instrument, public.price), "q": quantity(instrument, public.qty),
        "X": "MARKET", "m": public.buyer_maker,
    }  # fmt: skip


def book_ticker(instrument: Instrument, top: tuple[int, int, int, int], update: int,
                now: int, ts: int) -> Payload:  # fmt: skip
    bid, bid_qty, ask, ask_qty = top
    return {
        "e": "bookTicker", "u": update, "E": now, "T": ts, "s": instrument.symbol,
        "b": price(instrument, bid), "B": quantity(instrument, bid_qty),
        "a": price(instrument, ask), "A": quantity(instrument, ask_qty),
    }  # fmt: skip


def levels(instrument: Instrument, rows: list[tuple[int, int]]) -> Levels:
    return [[price(instrument, p), quantity(instrument, q)] for p, q in rows]


def depth_update(
    instrument: Instrument, ids: tuple[int, int, int], now: int, ts: int, bids: Levels,
    asks: Levels,
) -> Payload:  # fmt: skip
    first, last, previous = ids
    return {
        "e": "depthUpdate", "E": now, "T": ts, "s": instrument.symbol, "U": first, "u": last,
        "pu": previous, "b": bids, "a": asks,
    }  # fmt: skip


def trade_kline(
    instrument: Instrument, interval: str, candle: TradeCandle, closed: bool
) -> Payload:
    """The `k` object of a kline event (a continuous kline's has no `s`)."""
    c = candle
    return {
        "t": c.open_time, "T": close_time(interval, c.open_time), "s": instrument.symbol,
        "i": interval, "f": c.first_id, "L": c.last_id, "o": price(instrument, c.open),
        "c": price(instrument, c.close), "h": price(instrument, c.high),
        "l": price(instrument, c.low), "v": quantity(instrument, c.volume), "n": c.count,
        "x": closed, "q": quote(instrument, c.quote_volume),
        "V": quantity(instrument, c.taker_buy_volume),
        "Q": quote(instrument, c.taker_buy_quote_volume), "B": "0",
    }  # fmt: skip


def price_kline(pair: str, interval: str, candle: Candle, closed: bool) -> Payload:
    """The `k` object of an index (or mark) price kline: 8 decimals, no volume; `n` counts the
    index updates, as the REST rows do."""
    c = candle
    return {
        "t": c.open_time, "T": close_time(interval, c.open_time), "s": pair, "i": interval,
        "f": -1, "L": -1, "o": amount(c.open), "c": amount(c.close), "h": amount(c.high),
        "l": amount(c.low), "v": "0", "n": c.ticks, "x": closed, "q": "0", "V": "0", "Q": "0",
        "B": "0",
    }  # fmt: skip


def mark_price(row: dict[str, Any], now: int) -> Payload:
    """From the REST premiumIndex row of the symbol."""
    return {
        "e": "markPriceUpdate", "E": now, "s": row["symbol"], "p": row["markPrice"],
        "i": row["indexPrice"], "P": row["estimatedSettlePrice"], "r": row["lastFundingRate"],
        "T": row["nextFundingTime"],
    }  # fmt: skip


# the tickers' one-letter keys -> the REST 24-hour row's names
TICKER_KEYS = {
    "p": "priceChange", "P": "priceChangePercent", "w": "weightedAvgPrice", "c": "lastPrice",
    "Q": "lastQty", "o": "openPrice", "h": "highPrice", "l": "lowPrice", "v": "volume",
    "q": "quoteVolume", "O": "openTime", "C": "closeTime", "F": "firstId", "L": "lastId",
    "n": "count",
}  # fmt: skip
MINI_TICKER_KEYS = {key: TICKER_KEYS[key] for key in ("c", "o", "h", "l", "v", "q")}


def ticker(row: dict[str, Any], now: int, keys: dict[str, str] = TICKER_KEYS) -> Payload:
    """From the REST 24-hour statistics row of the symbol."""
    return {"e": "24hrTicker", "E": now, "s": row["symbol"], **_renamed(row, keys)}


def mini_ticker(row: dict[str, Any], now: int, keys: dict[str, str] = MINI_TICKER_KEYS) -> Payload:
    return {"e": "24hrMiniTicker", "E": now, "s": row["symbol"], **_renamed(row, keys)}


def _renamed(row: dict[str, Any], keys: dict[str, str]) -> Payload:
    return {short: row[long] for short, long in keys.items()}


def contract_info(instrument: Instrument, status: str, now: int) -> Payload:
    """`!contractInfo` without `bks` (Binance adds it only when a bracket changes, which the
    sandbox's brackets never do while it runs)."""
    return {
        "e": "contractInfo", "E": now, "s": instrument.symbol, "ps": instrument.pair,
        "ct": instrument.contract_type, "dt": instrument.delivery_date,
        "ot": instrument.onboard_date, "cs": status,
    }  # fmt: skip


def force_order(
    instrument: Instrument, order: Order, last_qty: int, traded: int, now: int
) -> Payload:
    """`forceOrder`: a liquidation order (`autoclose-…`) after it ran, `T` its last trade."""
    return {
        "e": "forceOrder", "E": now,
        "o": {
            "s": order.symbol, "S": order.side, "o": order.order_type, "f": order.time_in_force,
            "q": quantity(instrument, order.orig_qty), "p": price(instrument, order.price),
            "ap": average_price(instrument, order), "X": order.status,
            "l": quantity(instrument, last_qty), "z": quantity(instrument, order.executed_qty),
            "T": traded,
        },
    }  # fmt: skip


_ASSET_INDEX_KEYS = {
    "i": "index", "b": "bidBuffer", "a": "askBuffer", "B": "bidRate", "A": "askRate",
    "q": "autoExchangeBidBuffer", "g": "autoExchangeAskBuffer", "Q": "autoExchangeBidRate",
    "G": "autoExchangeAskRate",
}  # fmt: skip


def asset_index(row: dict[str, Any], now: int) -> Payload:
    """`assetIndexUpdate`: the REST assetIndex row under the stream's one-letter keys."""
    return {
        "e": "assetIndexUpdate",
        "E": now,
        "s": row["symbol"],
        **_renamed(row, _ASSET_INDEX_KEYS),
    }
