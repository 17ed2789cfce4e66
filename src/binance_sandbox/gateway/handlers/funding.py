"""Mark price and funding: GET /fapi/v1/premiumIndex, /fapi/v1/fundingRate, /fapi/v1/fundingInfo.

The mark price and the funding rate are the core's (core/mark_price.py, core/funding.py):
lastFundingRate is the running estimate of the interval in progress, nextFundingTime the
funding time it leads to, interestRate the symbol's. Delivery contracts have no funding: their
lastFundingRate and interestRate are "" and their nextFundingTime is 0, as Binance answers for
them. `time` is when the index price last changed.

fundingRate: settled rates with the mark the fees were charged at, ascending; without
startTime the latest `limit` up to endTime (or now), with it the first `limit` from it.
fundingInfo lists every perpetual with its cap, floor and interval as configured at listing
(updateTime = onboardDate), and ignores `symbol`, as Binance does.
"""

from typing import Any

from binance_sandbox.core import delivery, funding
from binance_sandbox.core.fixed import parse_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed, with_or_without_symbol
from binance_sandbox.gateway.handlers.market_common import (
    OPTIONAL_SYMBOL,
    PERPETUAL,
    TIME_RANGE,
    limit,
    one_or_all,
    time_range,
)
from binance_sandbox.gateway.render import amount


def _rate(text: str) -> str:
    """A configured rate as Binance prints rates: 8 decimals."""
    return amount(parse_scaled(text, 8, exact=False))


async def premium_index(ctx: RequestContext) -> dict[str, Any] | list[dict[str, Any]]:
    return one_or_all(ctx, mark_price_row)


def mark_price_row(ctx: RequestContext, instrument: Instrument) -> dict[str, Any]:
    index = amount(ctx.state.index_prices.get(instrument.pair, 0))
    perpetual = instrument.contract_type == PERPETUAL
    settle = amount(delivery.settlement_price(ctx.state, instrument))
    return {
        "symbol": instrument.symbol,
        **({"pair": instrument.pair} if instrument.inverse else {}),
        "markPrice": amount(ctx.state.mark_price(instrument) or 0),
        "indexPrice": index,
        "estimatedSettlePrice": index if perpetual else settle,
        "lastFundingRate": amount(funding.current_rate(ctx.state, instrument)) if perpetual else "",
        "interestRate": _rate(instrument.interest_rate) if perpetual else "",
        "nextFundingTime": funding.next_time(ctx.state, instrument, ctx.now_ms())
        if perpetual
        else 0,
        "time": ctx.state.index_price_times.get(instrument.pair, 0),
    }


async def funding_rate_history(ctx: RequestContext) -> list[dict[str, Any]]:
    instrument = ctx.optional_instrument()
    start, end = time_range(ctx)
    count = ctx.params.get("limit", 100)
    symbol = instrument.symbol if instrument is not None else None
    records = ctx.services.funding.rates(symbol, start or 0, ctx.now_ms() if end is None else end)
    if symbol is None:
        listed = ctx.instruments
        records = [r for r in records if r.symbol in listed]
    records = records[:count] if start is not None else records[-count:]
    return [
        {
            "symbol": r.symbol,
            "fundingRate": amount(r.rate),
            "fundingTime": r.time,
            "markPrice": amount(r.mark),
        }
        for r in records
    ]


async def funding_info(ctx: RequestContext) -> list[dict[str, Any]]:
    return [
        {
            "symbol": instrument.symbol,
            "adjustedFundingRateCap": _rate(instrument.funding_rate_cap),
            "adjustedFundingRateFloor": _rate(instrument.funding_rate_floor),
            "fundingIntervalHours": funding.interval_ms(ctx.state, instrument) // 3_600_000,
            "disclaimer": False,
            "updateTime": instrument.onboard_date,
        }
        for instrument in ctx.instruments.values()
        if instrument.contract_type == PERPETUAL
    ]


ENDPOINTS = [
    Endpoint(
        "GET", "/fapi/v1/premiumIndex", Security.NONE, with_or_without_symbol(1, 10),
        premium_index, (OPTIONAL_SYMBOL,), summary="Mark Price",
    ),
    # weight 0; the 500 requests / 5 min / IP that fundingRate and fundingInfo share is not modelled
    Endpoint(
        "GET", "/fapi/v1/fundingRate", Security.NONE, fixed(0), funding_rate_history,
        (OPTIONAL_SYMBOL, *TIME_RANGE, limit(100, 1000)), summary="Get Funding Rate History",
    ),
    Endpoint(
        "GET", "/fapi/v1/fundingInfo", Security.NONE, fixed(0), funding_info,
        summary="Get Funding Rate Info",
    ),
]  # fmt: skip
