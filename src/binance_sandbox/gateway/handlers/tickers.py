"""Trading statistics per symbol: GET /fapi/v1/ticker/24hr, /fapi/v1/ticker/price,
/fapi/v2/ticker/price and /fapi/v1/openInterest.

Until trading exists there are no trades and no positions: prices are zero at the instrument's
pricePrecision (quote volume too, as Binance prints it), quantities zero at its
quantityPrecision, and the trade ids are -1 with a count of 0 (Binance's answer for a window
without trades). The 24-hour window opens on the minute 24 hours before now and closes now, as
Binance's does; `time` is the exchange time of the last applied command.
"""

from typing import Any

from binance_sandbox.core.instruments import Instrument
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed, with_or_without_symbol
from binance_sandbox.gateway.handlers.market_common import OPTIONAL_SYMBOL, SYMBOL, one_or_all
from binance_sandbox.gateway.render import price, quantity
from binance_sandbox.projections.kline_buckets import open_time

DAY_MS = 86_400_000
NO_TRADE_ID = -1


async def ticker_24hr(ctx: RequestContext) -> dict[str, Any] | list[dict[str, Any]]:
    return one_or_all(ctx, _day_statistics)


def _day_statistics(ctx: RequestContext, instrument: Instrument) -> dict[str, Any]:
    now = ctx.now_ms()
    no_price, no_quantity = price(instrument, 0), quantity(instrument, 0)
    return {
        "symbol": instrument.symbol,
        "priceChange": no_price,
        "priceChangePercent": "0.000",
        "weightedAvgPrice": no_price,
        "lastPrice": no_price,
        "lastQty": no_quantity,
        "openPrice": no_price,
        "highPrice": no_price,
        "lowPrice": no_price,
        "volume": no_quantity,
        "quoteVolume": no_price,
        "openTime": open_time("1m", now - DAY_MS),
        "closeTime": now,
        "firstId": NO_TRADE_ID,
        "lastId": NO_TRADE_ID,
        "count": 0,
    }


async def ticker_price(ctx: RequestContext) -> dict[str, Any] | list[dict[str, Any]]:
    return one_or_all(ctx, _last_price)


def _last_price(ctx: RequestContext, instrument: Instrument) -> dict[str, Any]:
    return {"symbol": instrument.symbol, "price": price(instrument, 0), "time": ctx.state.last_ts}


async def open_interest(ctx: RequestContext) -> dict[str, Any]:
    instrument = ctx.instrument()
    return {
        "openInterest": quantity(instrument, 0),
        "symbol": instrument.symbol,
        "time": ctx.state.last_ts,
    }


ENDPOINTS = [
    Endpoint(
        "GET", "/fapi/v1/ticker/24hr", Security.NONE, with_or_without_symbol(1, 40), ticker_24hr,
        (OPTIONAL_SYMBOL,), summary="24hr Ticker Price Change Statistics",
    ),
    Endpoint(
        "GET", "/fapi/v1/ticker/price", Security.NONE, with_or_without_symbol(1, 2), ticker_price,
        (OPTIONAL_SYMBOL,), summary="Symbol Price Ticker",
    ),
    Endpoint(
        "GET", "/fapi/v2/ticker/price", Security.NONE, with_or_without_symbol(1, 2), ticker_price,
        (OPTIONAL_SYMBOL,), summary="Symbol Price Ticker V2",
    ),
    Endpoint(
        "GET", "/fapi/v1/openInterest", Security.NONE, fixed(1), open_interest, (SYMBOL,),
        summary="Open Interest",
    ),
]  # fmt: skip
