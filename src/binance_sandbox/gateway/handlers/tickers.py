"""Trading statistics per symbol: GET /fapi/v1/ticker/24hr, /fapi/v1/ticker/price,
/fapi/v2/ticker/price and /fapi/v1/openInterest.

The 24-hour window opens on the minute 24 hours before now and closes now, as Binance's does;
its statistics come from the tape's 1-minute candles of that window, which hold exactly the
trades in it since the window opens on a minute. lastPrice and lastQty are the symbol's last
trade's (a replayed print's whole quantity); count is the number of trades, firstId and lastId
the smallest and largest trade id in the window. Prices print at pricePrecision, quantities at
quantityPrecision; quoteVolume and weightedAvgPrice are rounded to the price's decimals and
priceChangePercent to 3 decimals, half away from zero (live BTCUSDT: "13258734360.38",
"78027.43", "-1.138").

A window without trades answers zeros: prices at pricePrecision (quote volume too),
quantities at quantityPrecision, and trade ids -1 with a count of 0 (Binance's answer for a
window without trades). The price tickers show the last trade's price and time; without one,
price zero and the exchange time of the last applied command. Open interest is the sum of the
long side of the symbol's positions (one-way positions above zero and hedge-mode LONGs), with
`time` the exchange time of the last applied command.
"""

from typing import Any

from binance_sandbox.core import contract_value
from binance_sandbox.core.fixed import format_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.rounding import div_half_up
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed, with_or_without_symbol
from binance_sandbox.gateway.handlers.market_common import OPTIONAL_SYMBOL, SYMBOL, one_or_all
from binance_sandbox.gateway.render import (
    amount,
    derived_price,
    price,
    quantity,
    rounded_quote,
)
from binance_sandbox.projections import coin_volume
from binance_sandbox.projections.kline_buckets import open_time

DAY_MS = 86_400_000
NO_TRADE_ID = -1


async def ticker_24hr(ctx: RequestContext) -> dict[str, Any] | list[dict[str, Any]]:
    return one_or_all(ctx, _day_row)


def _day_row(ctx: RequestContext, instrument: Instrument) -> dict[str, Any]:
    row = day_statistics(ctx, instrument)
    if not instrument.inverse:
        return row
    # COIN-M: the pair, and the volume in the base coin where USDⓈ-M has the quote's
    base_volume = row.pop("quoteVolume")  # a quiet day's "0", as before
    if row["count"]:  # the coin volume, and the USD traded over it: the harmonic mean price
        volume = coin_volume.between(ctx.services.tape, instrument, row["firstId"], row["lastId"])
        base_volume = amount(volume.coins)
        qty_decimals, size = contract_value.terms(instrument)
        mean_8 = contract_value.average_price(
            volume.contracts, volume.fine_coins, qty_decimals, size
        )
        row["weightedAvgPrice"] = derived_price(instrument, mean_8)
    return {"symbol": row.pop("symbol"), "pair": instrument.pair, **row, "baseVolume": base_volume}


def day_statistics(ctx: RequestContext, instrument: Instrument) -> dict[str, Any]:
    now = ctx.now_ms()
    opened = open_time("1m", now - DAY_MS)
    day = ctx.services.tape.summary(instrument.symbol, opened, now)
    last = ctx.services.tape.last_trade(instrument.symbol)
    if day is None or last is None:
        return _quiet_day(instrument, opened, now)
    change = day.close - day.open
    return {
        "symbol": instrument.symbol,
        "priceChange": price(instrument, change),
        "priceChangePercent": format_scaled(div_half_up(change * 100_000, day.open), 3),
        "weightedAvgPrice": price(instrument, div_half_up(day.quote_volume, day.volume)),
        "lastPrice": price(instrument, last.price),
        "lastQty": quantity(instrument, last.qty),
        "openPrice": price(instrument, day.open),
        "highPrice": price(instrument, day.high),
        "lowPrice": price(instrument, day.low),
        "volume": quantity(instrument, day.volume),
        "quoteVolume": rounded_quote(instrument, day.quote_volume),
        "openTime": opened,
        "closeTime": now,
        "firstId": day.first_id,
        "lastId": day.last_id,
        "count": day.count,
    }


def _quiet_day(instrument: Instrument, opened: int, now: int) -> dict[str, Any]:
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
        "openTime": opened,
        "closeTime": now,
        "firstId": NO_TRADE_ID,
        "lastId": NO_TRADE_ID,
        "count": 0,
    }


async def ticker_price(ctx: RequestContext) -> dict[str, Any] | list[dict[str, Any]]:
    return one_or_all(ctx, _last_price)


def _last_price(ctx: RequestContext, instrument: Instrument) -> dict[str, Any]:
    last = ctx.services.tape.last_trade(instrument.symbol)
    if last is None:
        return {
            "symbol": instrument.symbol,
            **_pair_of(instrument, "ps"),
            "price": price(instrument, 0),
            "time": ctx.state.last_ts,
        }
    return {
        "symbol": instrument.symbol,
        **_pair_of(instrument, "ps"),
        "price": price(instrument, last.price),
        "time": last.time,
    }


def _pair_of(instrument: Instrument, key: str = "pair") -> dict[str, str]:
    """COIN-M's rows name their pair too (the price ticker as `ps`)."""
    return {key: instrument.pair} if instrument.inverse else {}


async def open_interest(ctx: RequestContext) -> dict[str, Any]:
    instrument = ctx.instrument()
    longs = sum(
        p.qty for p in ctx.state.positions.values() if p.symbol == instrument.symbol and p.qty > 0
    )
    answer = {
        "openInterest": quantity(instrument, longs),
        "symbol": instrument.symbol,
        "time": ctx.state.last_ts,
    }
    if instrument.inverse:
        answer |= {"pair": instrument.pair, "contractType": instrument.contract_type}
    return answer


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
