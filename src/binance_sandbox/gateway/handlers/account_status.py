"""Account switches and status: Multi-Assets mode (journaled; the rules are in
`core/multi_assets.py`, the pool's valuation in `core/collateral.py`), the BNB fee-burn switch
(journaled; commissions are still charged in the margin asset), the order rate limits the
account is held to, and the quantitative-rules indicators (none triggered)."""

from typing import Any

from binance_sandbox.core.commands import SetFeeBurn, SetMultiAssetsMode
from binance_sandbox.gateway import params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed, with_or_without_symbol
from binance_sandbox.gateway.handlers.orders import submit


async def multi_assets_mode(ctx: RequestContext) -> dict[str, Any]:
    return {"multiAssetsMargin": ctx.account().multi_assets}


async def change_multi_assets_mode(ctx: RequestContext) -> dict[str, Any]:
    on = ctx.params["multiAssetsMargin"]
    await submit(ctx, SetMultiAssetsMode(account_id=ctx.account().account_id, on=on))
    return {"code": 200, "msg": "success"}


async def fee_burn(ctx: RequestContext) -> dict[str, Any]:
    return {"feeBurn": ctx.account().fee_burn}


async def toggle_fee_burn(ctx: RequestContext) -> dict[str, Any]:
    await submit(ctx, SetFeeBurn(account_id=ctx.account().account_id, on=ctx.params["feeBurn"]))
    return {"code": 200, "msg": "success"}


async def order_rate_limits(ctx: RequestContext) -> list[dict[str, Any]]:
    limits = ctx.services.config.limits
    return [
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10,
         "limit": limits.orders_per_10s},
        {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1,
         "limit": limits.orders_per_minute},
    ]  # fmt: skip


async def trading_status(ctx: RequestContext) -> dict[str, Any]:
    """No quantitative rule is simulated, so no indicator is ever triggered."""
    ctx.account()
    return {"indicators": {}, "updateTime": ctx.now_ms()}


ENDPOINTS = [
    Endpoint("GET", "/fapi/v1/multiAssetsMargin", Security.USER_DATA, fixed(30),
             multi_assets_mode, summary="Get Current Multi-Assets Mode"),
    Endpoint("POST", "/fapi/v1/multiAssetsMargin", Security.TRADE, fixed(1),
             change_multi_assets_mode, (params.boolean("multiAssetsMargin", required=True),),
             summary="Change Multi-Assets Mode"),
    Endpoint("GET", "/fapi/v1/feeBurn", Security.USER_DATA, fixed(30), fee_burn,
             summary="Get BNB Burn Status"),
    Endpoint("POST", "/fapi/v1/feeBurn", Security.TRADE, fixed(1), toggle_fee_burn,
             (params.boolean("feeBurn", required=True),),
             summary="Toggle BNB Burn On Futures Trade"),
    Endpoint("GET", "/fapi/v1/rateLimit/order", Security.USER_DATA, fixed(1), order_rate_limits,
             summary="Query User Rate Limit"),
    Endpoint("GET", "/fapi/v1/apiTradingStatus", Security.USER_DATA,
             with_or_without_symbol(1, 10),
             trading_status, (params.symbol(),),
             summary="Futures Trading Quantitative Rules Indicators"),
]  # fmt: skip
