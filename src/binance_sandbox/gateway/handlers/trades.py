"""Market trades: GET /fapi/v1/trades, /fapi/v1/historicalTrades and /fapi/v1/aggTrades,
from the tape projection, oldest first.

Parameters pass Binance's checks first: a known symbol (-1121), a limit within Binance's
bounds (-1130), and for aggregate trades a time range of at most one hour (-1127) that does
not run backwards (-1023). Without fromId (or startTime for aggTrades) the newest trades
answer. A public trade's quoteQty is price x qty rounded to the price's decimals (the docs'
"48.00"); there are no RPI orders, so isRPITrade is false and an aggregate's "nq" (its
quantity without RPI, live since 2025-12) equals "q". A replayed print is one trade row (its
first id, its whole quantity) and one aggregate trade spanning its ids.
"""

from typing import Any

from binance_sandbox.core.instruments import Instrument
from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.handlers.market_common import SYMBOL, TIME_RANGE, limit, time_range
from binance_sandbox.gateway.render import base_qty, price, quantity, rounded_quote
from binance_sandbox.projections.tape_log import AggTrade, PublicTrade

HOUR_MS = 3_600_000


async def recent_trades(ctx: RequestContext) -> list[dict[str, Any]]:
    return _trades(ctx, 500)


async def historical_trades(ctx: RequestContext) -> list[dict[str, Any]]:
    return _trades(ctx, 100)


def _trades(ctx: RequestContext, default_limit: int) -> list[dict[str, Any]]:
    instrument = ctx.instrument()
    count = ctx.params.get("limit", default_limit)
    found = ctx.services.tape.trades(instrument.symbol, ctx.params.get("fromId"), count)
    return [_trade_view(instrument, trade) for trade in found]


async def aggregate_trades(ctx: RequestContext) -> list[dict[str, Any]]:
    instrument = ctx.instrument()
    start, end = time_range(ctx)
    # ccxt asks for exactly one hour (endTime = since + 3600000), which Binance accepts.
    if start is not None and end is not None and end - start > HOUR_MS:
        raise errors.lookup_interval_too_big(1)
    tape, count = ctx.services.tape, ctx.params.get("limit", 500)
    found = tape.agg_trades(instrument.symbol, ctx.params.get("fromId"), start, end, count)
    return [_aggregate_view(instrument, aggregate) for aggregate in found]


def _trade_view(instrument: Instrument, trade: PublicTrade) -> dict[str, Any]:
    return {
        "id": trade.id,
        "price": price(instrument, trade.price),
        "qty": quantity(instrument, trade.qty),
        **(
            {"baseQty": base_qty(instrument, trade.qty, trade.price)}
            if instrument.inverse
            else {"quoteQty": rounded_quote(instrument, trade.quote)}
        ),
        "time": trade.time,
        "isBuyerMaker": trade.buyer_maker,
        "isRPITrade": False,
    }


def _aggregate_view(instrument: Instrument, aggregate: AggTrade) -> dict[str, Any]:
    qty = quantity(instrument, aggregate.qty)
    return {
        "a": aggregate.id,
        "p": price(instrument, aggregate.price),
        "q": qty,
        "nq": qty,
        "f": aggregate.first_id,
        "l": aggregate.last_id,
        "T": aggregate.time,
        "m": aggregate.buyer_maker,
    }


_FROM_ID = params.integer("fromId", description="Trade id to fetch from, inclusive.")

# historicalTrades weighs 200 as Binance's SDK of 2026-08 says (the docs page of 2026-01: 20).
ENDPOINTS = [
    Endpoint(
        "GET", "/fapi/v1/trades", Security.NONE, fixed(5), recent_trades,
        (SYMBOL, limit(500, 1000)), summary="Recent Trades List",
    ),
    Endpoint(
        "GET", "/fapi/v1/historicalTrades", Security.MARKET_DATA, fixed(200), historical_trades,
        (SYMBOL, limit(100, 500), _FROM_ID), summary="Old Trades Lookup",
    ),
    Endpoint(
        "GET", "/fapi/v1/aggTrades", Security.NONE, fixed(20), aggregate_trades,
        (SYMBOL, _FROM_ID, *TIME_RANGE, limit(500, 1000)),
        summary="Compressed/Aggregate Trades List",
    ),
]  # fmt: skip
