"""GET /fapi/v1/exchangeInfo: trading rules, rate limits, assets and every symbol.

Keys, their order and the filters' shapes follow the live answer of 2026-09-15 (BTCUSDT entry),
including its key order inside each filter. The instrument's Binance strings are printed
verbatim. MAX_NUM_ALGO_ORDERS is not published (Binance removed it on 2025-12-29: one limit of
200 open conditional orders across symbols), and POSITION_RISK_CONTROL only for instruments
with a position control side. `symbol` is ignored: Binance
returns the full list whatever is sent. rateLimits are the limits the gateway enforces.
`status` is TRADING but for a quarterly in its last 10 minutes (DELIVERING) or delivered
(DELIVERED), and the quarters listed at deliveries appear (core/delivery.py).
"""

from typing import Any

from binance_sandbox.config.model import LimitsConfig
from binance_sandbox.core import delivery
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed

COINM_EQUAL_QTY_PRECISION = 4  # "ignore", says the doc; 4 in its example and in ccxt's fixture


async def exchange_info(ctx: RequestContext) -> dict[str, Any]:
    if ctx.product == "coinm":
        return _coinm_exchange_info(ctx)
    return {
        "timezone": "UTC",
        "serverTime": ctx.now_ms(),
        "futuresType": "U_MARGINED",
        "rateLimits": rate_limits(ctx.services.config.limits),
        "exchangeFilters": [],
        "assets": [_asset(asset) for asset in ctx.state.assets],
        "symbols": [
            _symbol(instrument, delivery.status(ctx.state, instrument, ctx.now_ms()))
            for instrument in ctx.instruments.values()
        ],
    }


def rate_limits(limits: LimitsConfig) -> list[dict[str, Any]]:
    return [
        _rate_limit("REQUEST_WEIGHT", "MINUTE", 1, limits.request_weight_per_minute),
        _rate_limit("ORDERS", "MINUTE", 1, limits.orders_per_minute),
        _rate_limit("ORDERS", "SECOND", 10, limits.orders_per_10s),
    ]


def _coinm_exchange_info(ctx: RequestContext) -> dict[str, Any]:
    """/dapi/v1/exchangeInfo: no futuresType nor assets, COIN-M's own rate limits (no 10-second
    ORDERS count), each symbol in the key order of ccxt's /dapi fixture (~Q4 2023)."""
    limits = ctx.services.config.limits
    return {
        "timezone": "UTC",
        "serverTime": ctx.now_ms(),
        "rateLimits": [
            _rate_limit("REQUEST_WEIGHT", "MINUTE", 1, limits.coinm_request_weight_per_minute),
            _rate_limit("ORDERS", "MINUTE", 1, limits.coinm_orders_per_minute),
        ],
        "exchangeFilters": [],
        "symbols": [
            _coinm_symbol(instrument, delivery.status(ctx.state, instrument, ctx.now_ms()))
            for instrument in ctx.instruments.values()
        ],
    }


def _coinm_symbol(i: Instrument, status: str) -> dict[str, Any]:
    return {
        "symbol": i.symbol,
        "pair": i.pair,
        "contractType": i.contract_type,
        "deliveryDate": i.delivery_date,
        "onboardDate": i.onboard_date,
        "contractStatus": status,
        "contractSize": i.contract_size,
        "marginAsset": i.margin_asset,
        "maintMarginPercent": i.maint_margin_percent,
        "requiredMarginPercent": i.required_margin_percent,
        "baseAsset": i.base_asset,
        "quoteAsset": i.quote_asset,
        "pricePrecision": i.price_precision,
        "quantityPrecision": i.quantity_precision,
        "baseAssetPrecision": i.base_asset_precision,
        "quotePrecision": i.quote_precision,
        "equalQtyPrecision": COINM_EQUAL_QTY_PRECISION,
        "maxMoveOrderLimit": i.max_move_order_limit,
        "triggerProtect": i.trigger_protect,
        "underlyingType": i.underlying_type,
        "underlyingSubType": list(i.underlying_sub_type),
        "filters": [f for f in _filters(i) if f["filterType"] != "MIN_NOTIONAL"],
        "orderTypes": list(i.order_types),
        "timeInForce": list(i.time_in_force),
        "liquidationFee": i.liquidation_fee,
        "marketTakeBound": i.market_take_bound,
    }


def _rate_limit(kind: str, interval: str, count: int, limit: int) -> dict[str, Any]:
    return {"rateLimitType": kind, "interval": interval, "intervalNum": count, "limit": limit}


def _asset(asset: str) -> dict[str, Any]:
    # Every sandbox asset may be margin; Multi-Assets mode (whose auto-exchange threshold this
    # is) is not simulated, so the threshold is Binance's "0" (as its USDT example shows).
    return {"asset": asset, "marginAvailable": True, "autoAssetExchange": "0"}


def _symbol(instrument: Instrument, status: str) -> dict[str, Any]:
    i = instrument
    return {
        "symbol": i.symbol,
        "pair": i.pair,
        "contractType": i.contract_type,
        "deliveryDate": i.delivery_date,
        "onboardDate": i.onboard_date,
        "status": status,
        "maintMarginPercent": i.maint_margin_percent,
        "requiredMarginPercent": i.required_margin_percent,
        "baseAsset": i.base_asset,
        "quoteAsset": i.quote_asset,
        "marginAsset": i.margin_asset,
        "pricePrecision": i.price_precision,
        "quantityPrecision": i.quantity_precision,
        "baseAssetPrecision": i.base_asset_precision,
        "quotePrecision": i.quote_precision,
        "underlyingType": i.underlying_type,
        "underlyingSubType": list(i.underlying_sub_type),
        "triggerProtect": i.trigger_protect,
        "liquidationFee": i.liquidation_fee,
        "marketTakeBound": i.market_take_bound,
        "maxMoveOrderLimit": i.max_move_order_limit,
        "filters": _filters(i),
        "orderTypes": list(i.order_types),
        "timeInForce": list(i.time_in_force),
        "permissionSets": list(i.permission_sets),
    }


def _filters(i: Instrument) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = [
        {
            "filterType": "PRICE_FILTER",
            "minPrice": i.min_price,
            "maxPrice": i.max_price,
            "tickSize": i.tick_size,
        },
        {
            "filterType": "LOT_SIZE",
            "minQty": i.min_qty,
            "stepSize": i.step_size,
            "maxQty": i.max_qty,
        },
        {
            "stepSize": i.step_size,
            "filterType": "MARKET_LOT_SIZE",
            "minQty": i.market_min_qty or i.min_qty,
            "maxQty": i.market_max_qty,
        },
        {"limit": i.max_num_orders, "filterType": "MAX_NUM_ORDERS"},
    ]
    filters.append({"filterType": "MIN_NOTIONAL", "notional": i.min_notional})
    filters.append(
        {
            "multiplierUp": i.percent_price_up,
            "multiplierDecimal": str(i.percent_price_decimal),
            "filterType": "PERCENT_PRICE",
            "multiplierDown": i.percent_price_down,
        }
    )
    if i.position_control_side:
        filters.append(
            {"positionControlSide": i.position_control_side, "filterType": "POSITION_RISK_CONTROL"}
        )
    return filters


ENDPOINTS = [
    Endpoint(
        "GET", "/fapi/v1/exchangeInfo", Security.NONE, fixed(1), exchange_info,
        summary="Exchange Information",
    ),
]  # fmt: skip
