"""The rest of the USDⓈ-M market-data group: index constituents, the multi-assets asset index,
composite indices, the insurance fund, the RPI order book, ADL risk and the trading schedule.

Invariants of the answers:
- An index belongs to a pair (`index_prices[pair]`, shared by the pair's perpetual and
  quarterlies, as on Binance); every pair has one from the exchange's first moment (each must
  have a price source and the server seeds their first prices). The sandbox is the only source
  of its indices, so an index has one constituent: exchange "binance", the pair, weight 1.
- The asset index lists each sandbox asset that has a USDT perpetual with an index price, as
  "<ASSET>USD" at that index, with the haircut Multi-Assets mode values it at
  (`core/collateral.py`: BTC, ETH, BNB 5 %, XRP 10 %, as the documented ADAUSD example) and
  5 % for auto-exchange. Rates are truncated to 8 decimals, as the documented example is.
- There are no composite indices and no TradFi perpetuals: `indexInfo` is [] and the trading
  schedule has no markets.
- One insurance fund covers every symbol (core/insurance_fund.py): its margin balance per
  margin asset (balance + its taken-over positions' unrealized PnL) is shown live, not as an
  hourly snapshot, with the time it last changed (the hour before, while it never has). Every
  symbol's ADL risk is "low" (the lowest rating), rated on the half hour. No RPI orders: the
  RPI book is the order book.
- Times are exchange time; unknown symbols are -1121.
"""

from typing import Any

from binance_sandbox.core import insurance_fund
from binance_sandbox.core.collateral import HAIRCUTS
from binance_sandbox.core.fixed import AMOUNT_SCALE
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed, with_or_without_symbol
from binance_sandbox.gateway.handlers.market_common import (
    OPTIONAL_SYMBOL,
    PERPETUAL,
    SYMBOL,
    one_or_all,
)
from binance_sandbox.gateway.handlers.order_book import book_snapshot
from binance_sandbox.gateway.params import Param
from binance_sandbox.gateway.render import amount, plain

RPI_LIMIT = 1000
ADL_RATING_MS = 30 * 60_000
INSURANCE_SNAPSHOT_MS = 60 * 60_000
LOWEST_ADL_RISK = "low"
# Buffers in units of 1e-8, from the documented example.
AUTO_EXCHANGE_BID_BUFFER = AUTO_EXCHANGE_ASK_BUFFER = 5_000_000


async def constituents(ctx: RequestContext) -> dict[str, Any]:
    instrument = ctx.instrument()
    member = {
        "exchange": "binance",
        "symbol": instrument.pair,
        "price": amount(ctx.state.index_prices[instrument.pair]),
        "weight": amount(AMOUNT_SCALE),
    }
    return {"symbol": instrument.symbol, "time": ctx.now_ms(), "constituents": [member]}


def asset_indices(ctx: RequestContext) -> dict[str, int]:
    """'<ASSET>USD' -> the index of the asset's USDT perpetual, for the assets that have one."""
    perpetuals = {
        i.base_asset: i.pair
        for i in ctx.instruments.values()
        if i.contract_type == PERPETUAL and i.quote_asset == "USDT"
    }
    indices = {}
    for asset in ctx.state.assets:
        price = ctx.state.index_prices.get(perpetuals.get(asset, ""))
        if price is not None and asset in HAIRCUTS:
            indices[f"{asset}USD"] = price
    return indices


def _rate(index: int, buffer: int) -> str:
    """index x (1 + buffer), both at 8 decimals, truncated to 8 decimals."""
    return amount(index * (AMOUNT_SCALE + buffer) // AMOUNT_SCALE)


def asset_index_row(symbol: str, index: int, now: int) -> dict[str, Any]:
    buffer = HAIRCUTS[symbol.removesuffix("USD")]
    return {
        "symbol": symbol,
        "time": now,
        "index": amount(index),
        "bidBuffer": amount(buffer),
        "askBuffer": amount(buffer),
        "bidRate": _rate(index, -buffer),
        "askRate": _rate(index, buffer),
        "autoExchangeBidBuffer": amount(AUTO_EXCHANGE_BID_BUFFER),
        "autoExchangeAskBuffer": amount(AUTO_EXCHANGE_ASK_BUFFER),
        "autoExchangeBidRate": _rate(index, -AUTO_EXCHANGE_BID_BUFFER),
        "autoExchangeAskRate": _rate(index, AUTO_EXCHANGE_ASK_BUFFER),
    }


async def asset_index(ctx: RequestContext) -> dict[str, Any] | list[dict[str, Any]]:
    now = ctx.now_ms()
    indices = asset_indices(ctx)
    if "symbol" not in ctx.params:
        return [asset_index_row(symbol, index, now) for symbol, index in indices.items()]
    symbol = ctx.params["symbol"]
    if symbol not in indices:
        raise errors.bad_symbol()
    return asset_index_row(symbol, indices[symbol], now)


async def index_info(ctx: RequestContext) -> list[dict[str, Any]]:
    ctx.optional_instrument()  # an existing symbol is simply not a composite index
    return []


def _insurance_fund(ctx: RequestContext) -> dict[str, Any]:
    now = ctx.now_ms()
    instruments = ctx.instruments.values()
    margin_assets = {i.margin_asset for i in instruments}
    updated = ctx.state.insurance.update_times
    return {
        "symbols": sorted(i.symbol for i in instruments),
        "assets": [
            {
                "asset": asset,
                "marginBalance": plain(insurance_fund.margin_balance(ctx.state, asset)),
                "updateTime": updated.get(asset, now - now % INSURANCE_SNAPSHOT_MS),
            }
            for asset in ctx.state.assets
            if asset in margin_assets
        ],
    }


async def insurance_balance(ctx: RequestContext) -> dict[str, Any] | list[dict[str, Any]]:
    instrument = ctx.optional_instrument()
    fund = _insurance_fund(ctx)
    return [fund] if instrument is None else fund


def _rpi_limit() -> Param:
    """Binance accepts only limit=1000 here; another integer is -4021, not an integer -1130."""
    any_integer = params.integer("limit")

    def convert(name: str, raw: str) -> int:
        limit: int = any_integer.parse(raw)
        if limit != RPI_LIMIT:
            raise errors.invalid_depth_limit(str(limit))
        return limit

    return Param(
        "limit", "integer", False, "Default 1000; valid limits: [1000].",
        minimum=RPI_LIMIT, maximum=RPI_LIMIT, default=str(RPI_LIMIT), convert=convert,
    )  # fmt: skip


async def rpi_depth(ctx: RequestContext) -> dict[str, Any]:
    """No order here is an RPI order, so the RPI book is the book."""
    return book_snapshot(ctx, ctx.instrument(), RPI_LIMIT)


def _adl_row(ctx: RequestContext, instrument: Instrument) -> dict[str, Any]:
    now = ctx.now_ms()
    rated = now - now % ADL_RATING_MS
    return {"symbol": instrument.symbol, "adlRisk": LOWEST_ADL_RISK, "updateTime": rated}


async def symbol_adl_risk(ctx: RequestContext) -> dict[str, Any] | list[dict[str, Any]]:
    return one_or_all(ctx, _adl_row)


async def trading_schedule(ctx: RequestContext) -> dict[str, Any]:
    return {"updateTime": ctx.now_ms(), "marketSchedules": {}}


ENDPOINTS = [
    Endpoint(
        "GET", "/fapi/v1/constituents", Security.NONE, fixed(2), constituents,
        (SYMBOL,), summary="Query Index Price Constituents",
    ),
    Endpoint(
        "GET", "/fapi/v1/assetIndex", Security.NONE, with_or_without_symbol(1, 10), asset_index,
        (params.symbol(description="Asset pair, e.g. BTCUSD."),),
        summary="Multi-Assets Mode Asset Index",
    ),
    Endpoint(
        "GET", "/fapi/v1/indexInfo", Security.NONE, fixed(1), index_info, (OPTIONAL_SYMBOL,),
        summary="Composite Index Symbol Information",
    ),
    Endpoint(
        "GET", "/fapi/v1/insuranceBalance", Security.NONE, fixed(1), insurance_balance,
        (OPTIONAL_SYMBOL,), summary="Query Insurance Fund Balance Snapshot",
    ),
    Endpoint(
        "GET", "/fapi/v1/rpiDepth", Security.NONE, fixed(20), rpi_depth,
        (SYMBOL, _rpi_limit()), summary="RPI Order Book",
    ),
    Endpoint(
        "GET", "/fapi/v1/symbolAdlRisk", Security.NONE, fixed(1), symbol_adl_risk,
        (OPTIONAL_SYMBOL,), summary="ADL Risk",
    ),
    Endpoint(
        "GET", "/fapi/v1/tradingSchedule", Security.NONE, fixed(5), trading_schedule,
        summary="Trading Schedule",
    ),
]  # fmt: skip
