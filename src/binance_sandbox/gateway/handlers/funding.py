"""Mark price and funding: GET /fapi/v1/premiumIndex, /fapi/v1/fundingRate, /fapi/v1/fundingInfo.

The mark price is the core's (Binance's median rule, core/mark_price.py); until the funding
issue the premium is zero and a perpetual's funding rate is Binance's interest rate, 0.01% per
8 hours. Every perpetual
settles funding every 8 hours at 00:00, 08:00 and 16:00 UTC of exchange time. Delivery
contracts have no funding: their lastFundingRate and interestRate are "" and their
nextFundingTime is 0, as Binance answers for them. `time` is when the index price last changed.
No funding has been settled yet, so the history is `[]`. fundingInfo lists every perpetual
with Binance's default cap and floor (±2%) as set at listing (updateTime = onboardDate), and
ignores `symbol`, as Binance does.
"""

from typing import Any

from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.mark_price import next_funding_time
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

FUNDING_INTERVAL_HOURS = 8
INTEREST_RATE = "0.00010000"
# Binance's default cap and floor (±2%) until instruments carry their own funding parameters.
FUNDING_RATE_CAP = "0.02000000"
FUNDING_RATE_FLOOR = "-0.02000000"


async def premium_index(ctx: RequestContext) -> dict[str, Any] | list[dict[str, Any]]:
    return one_or_all(ctx, mark_price_row)


def mark_price_row(ctx: RequestContext, instrument: Instrument) -> dict[str, Any]:
    index = amount(ctx.state.index_prices.get(instrument.pair, 0))
    perpetual = instrument.contract_type == PERPETUAL
    return {
        "symbol": instrument.symbol,
        "markPrice": amount(ctx.state.mark_price(instrument) or 0),
        "indexPrice": index,
        "estimatedSettlePrice": index,
        "lastFundingRate": INTEREST_RATE if perpetual else "",
        "interestRate": INTEREST_RATE if perpetual else "",
        "nextFundingTime": next_funding_time(ctx.now_ms()) if perpetual else 0,
        "time": ctx.state.index_price_times.get(instrument.pair, 0),
    }


async def funding_rate_history(ctx: RequestContext) -> list[dict[str, Any]]:
    ctx.optional_instrument()
    time_range(ctx)
    return []


async def funding_info(ctx: RequestContext) -> list[dict[str, Any]]:
    return [
        {
            "symbol": instrument.symbol,
            "adjustedFundingRateCap": FUNDING_RATE_CAP,
            "adjustedFundingRateFloor": FUNDING_RATE_FLOOR,
            "fundingIntervalHours": FUNDING_INTERVAL_HOURS,
            "disclaimer": False,
            "updateTime": instrument.onboard_date,
        }
        for instrument in ctx.state.instruments.values()
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
