"""Market trades: GET /fapi/v1/trades, /fapi/v1/historicalTrades and /fapi/v1/aggTrades.

Until trading exists there are no trades, so each answers `[]` once its parameters pass
Binance's checks: a known symbol (-1121), a limit within Binance's bounds (-1130), and for
aggregate trades a time range of at most one hour (-1127) that does not run backwards (-1023).
"""

from typing import Any

from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.handlers.market_common import SYMBOL, TIME_RANGE, limit, time_range

HOUR_MS = 3_600_000


async def trades(ctx: RequestContext) -> list[dict[str, Any]]:
    ctx.instrument()
    return []


async def aggregate_trades(ctx: RequestContext) -> list[dict[str, Any]]:
    ctx.instrument()
    start, end = time_range(ctx)
    # ccxt asks for exactly one hour (endTime = since + 3600000), which Binance accepts.
    if start is not None and end is not None and end - start > HOUR_MS:
        raise errors.lookup_interval_too_big(1)
    return []


_FROM_ID = params.integer("fromId", description="Trade id to fetch from, inclusive.")

# historicalTrades weighs 200 as Binance's SDK of 2026-08 says (the docs page of 2026-01: 20).
ENDPOINTS = [
    Endpoint(
        "GET", "/fapi/v1/trades", Security.NONE, fixed(5), trades, (SYMBOL, limit(500, 1000)),
        summary="Recent Trades List",
    ),
    Endpoint(
        "GET", "/fapi/v1/historicalTrades", Security.MARKET_DATA, fixed(200), trades,
        (SYMBOL, limit(100, 500), _FROM_ID), summary="Old Trades Lookup",
    ),
    Endpoint(
        "GET", "/fapi/v1/aggTrades", Security.NONE, fixed(20), aggregate_trades,
        (SYMBOL, _FROM_ID, *TIME_RANGE, limit(500, 1000)),
        summary="Compressed/Aggregate Trades List",
    ),
]  # fmt: skip
