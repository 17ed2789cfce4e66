"""The market lists of Binance's other APIs, as a futures-only sandbox can honestly answer them.

ccxt's general `binance` class (which freqtrade uses) loads spot, margin, USDⓈ-M and COIN-M
markets together in `load_markets`, and one failed call fails the whole load: so spot
`GET /api/v3/exchangeInfo` and `GET /sapi/v1/margin/isolated/allPairs` answer in Binance's
shapes with no symbols (the sandbox has no spot or margin markets; COIN-M's exchangeInfo is
COIN-M's own, handlers/coinm_market.py).
rateLimits are those the gateway enforces, which count every API alike. A `symbol` asked
for is -1121 (Binance's answer for a symbol it does not list).
"""

from typing import Any

from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.handlers.exchange_info import rate_limits


def _no_symbol_asked(ctx: RequestContext) -> None:
    if "symbol" in ctx.params or "symbols" in ctx.params:
        raise errors.bad_symbol()


async def spot_exchange_info(ctx: RequestContext) -> dict[str, Any]:
    _no_symbol_asked(ctx)
    return {
        "timezone": "UTC",
        "serverTime": ctx.now_ms(),
        "rateLimits": rate_limits(ctx.services.config.limits),
        "exchangeFilters": [],
        "symbols": [],
    }


async def isolated_margin_pairs(ctx: RequestContext) -> list[dict[str, Any]]:
    _no_symbol_asked(ctx)
    return []


ENDPOINTS = [
    Endpoint(
        "GET", "/api/v3/exchangeInfo", Security.NONE, fixed(20), spot_exchange_info,
        (params.symbol(), params.string("symbols"), params.string("permissions")),
        summary="Spot: Exchange information (no spot symbols)",
    ),
    Endpoint(
        "GET", "/sapi/v1/margin/isolated/allPairs", Security.USER_DATA, fixed(10),
        isolated_margin_pairs, (params.symbol(),),
        summary="Spot: Get All Isolated Margin Symbol (none)",
    ),
]  # fmt: skip
