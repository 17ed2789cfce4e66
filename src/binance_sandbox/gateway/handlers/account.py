"""Signed account reads: futures balances (v2, v3), account information (v2, v3) and the
account configuration, all from one margin report of the core's model, so every figure agrees
with positionRisk at the same instant.

The account-level totals are the USDT asset's, as Binance's single-asset mode reports them. In
Multi-Assets mode each asset's availableBalance and maxWithdrawAmount are its share of the
pool (`core/collateral.py`); the totals stay the USDT asset's (Binance sums them in USD).
"""

import hashlib
from functools import lru_cache
from typing import Any

from binance_sandbox.core.brackets import max_notional
from binance_sandbox.core.collateral import available
from binance_sandbox.core.margin import AssetRisk
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.handlers.positions import RiskReport, figure, risk_report
from binance_sandbox.gateway.render import amount, plain


@lru_cache(maxsize=4096)
def account_alias(account_id: int) -> str:
    """A short stable alias per account, like Binance's 'SgsR'."""
    digest = hashlib.sha256(f"alias:{account_id}".encode()).hexdigest()
    return "".join(c for c in digest.upper() if c.isalpha())[:4].ljust(4, "X")


async def balances(ctx: RequestContext) -> list[dict[str, Any]]:
    account = ctx.account()
    alias = account_alias(account.account_id)
    report = risk_report(ctx.state, account)
    rows = []
    for asset in ctx.state.assets:
        row = report.risk.asset(asset, account)
        usable, withdrawable = available(ctx.state, account, report.risk, asset)
        rows.append(
            {
                "accountAlias": alias,
                "asset": asset,
                "balance": amount(row.wallet),
                "crossWalletBalance": amount(row.cross_wallet),
                "crossUnPnl": amount(row.cross_upnl),
                "availableBalance": amount(usable),
                "maxWithdrawAmount": amount(withdrawable),
                "marginAvailable": True,
                "updateTime": account.balance_times.get(asset, 0),
            }
        )
    return rows


async def account_information(ctx: RequestContext) -> dict[str, Any]:
    """Account Information V3: totals, assets, and the held position sides."""
    report = risk_report(ctx.state, ctx.account())
    return {
        **_totals(ctx.state, report),
        "assets": [_asset_row(ctx.state, report, asset) for asset in ctx.state.assets],
        "positions": [
            {
                "symbol": one.instrument.symbol,
                "positionSide": one.side,
                "positionAmt": figures["positionAmt"],
                "unrealizedProfit": figures["unRealizedProfit"],
                "isolatedMargin": figures["isolatedMargin"],
                "notional": figures["notional"],
                "isolatedWallet": figures["isolatedWallet"],
                "initialMargin": figure(one.position_im + one.order_im),
                "maintMargin": figure(one.maint),
                "updateTime": figures["updateTime"],
            }
            for one in report.risk.sides
            if one.instrument.product == ctx.product
            for figures in (report.side_figures(one),)
        ],
    }


async def account_information_v2(ctx: RequestContext) -> dict[str, Any]:
    """Account Information V2: the configuration, V3's totals and assets (with
    marginAvailable), and positions with leverage, entry price and maximum notional."""
    account = ctx.account()
    report = risk_report(ctx.state, account)
    positions = []
    for one in report.risk.sides:
        if one.instrument.product != ctx.product:
            continue
        figures = report.side_figures(one)
        positions.append(
            {
                "symbol": one.instrument.symbol,
                "initialMargin": figure(one.position_im + one.order_im),
                "maintMargin": figure(one.maint),
                "unrealizedProfit": figures["unRealizedProfit"],
                "positionInitialMargin": figure(one.position_im),
                "openOrderInitialMargin": figure(one.order_im),
                "leverage": str(one.config.leverage),
                "isolated": one.isolated,
                "entryPrice": figures["entryPrice"],
                "maxNotional": plain(max_notional(one.instrument.tiers, one.config.leverage)),
                "bidNotional": figure(one.bids),
                "askNotional": figure(one.asks),
                "positionSide": one.side,
                "positionAmt": figures["positionAmt"],
                "updateTime": figures["updateTime"],
            }
        )
    config = await account_config(ctx)
    del config["dualSidePosition"]
    return {
        **config,
        **_totals(ctx.state, report),
        "assets": [
            _asset_row(ctx.state, report, asset) | {"marginAvailable": True}
            for asset in ctx.state.assets
        ],
        "positions": positions,
    }


def _totals(state: ExchangeState, report: RiskReport) -> dict[str, str]:
    usdt = report.risk.asset("USDT", report.account)
    usable, withdrawable = available(state, report.account, report.risk, "USDT")
    return {
        "totalInitialMargin": amount(usdt.position_im + usdt.order_im),
        "totalMaintMargin": amount(usdt.maint),
        "totalWalletBalance": amount(usdt.wallet),
        "totalUnrealizedProfit": amount(usdt.upnl),
        "totalMarginBalance": amount(usdt.margin_balance),
        "totalPositionInitialMargin": amount(usdt.position_im),
        "totalOpenOrderInitialMargin": amount(usdt.order_im),
        "totalCrossWalletBalance": amount(usdt.cross_wallet),
        "totalCrossUnPnl": amount(usdt.cross_upnl),
        "availableBalance": amount(usable),
        "maxWithdrawAmount": amount(withdrawable),
    }


def _asset_row(state: ExchangeState, report: RiskReport, asset: str) -> dict[str, Any]:
    row: AssetRisk = report.risk.asset(asset, report.account)
    usable, withdrawable = available(state, report.account, report.risk, asset)
    return {
        "asset": asset,
        "walletBalance": amount(row.wallet),
        "unrealizedProfit": amount(row.upnl),
        "marginBalance": amount(row.margin_balance),
        "maintMargin": amount(row.maint),
        "initialMargin": amount(row.position_im + row.order_im),
        "positionInitialMargin": amount(row.position_im),
        "openOrderInitialMargin": amount(row.order_im),
        "crossWalletBalance": amount(row.cross_wallet),
        "crossUnPnl": amount(row.cross_upnl),
        "availableBalance": amount(usable),
        "maxWithdrawAmount": amount(withdrawable),
        "updateTime": report.account.balance_times.get(asset, 0),
    }


async def account_config(ctx: RequestContext) -> dict[str, Any]:
    account = ctx.account()
    return {
        "feeTier": 0,
        "canTrade": ctx.key is not None and ctx.key.key.can_trade,
        "canDeposit": True,
        "canWithdraw": True,
        "dualSidePosition": account.dual_side_position,
        "updateTime": 0,
        "multiAssetsMargin": account.multi_assets,
        "tradeGroupId": account.trade_group_id,
    }


ENDPOINTS = [
    Endpoint(
        "GET", "/fapi/v2/balance", Security.USER_DATA, fixed(5), balances,
        summary="Futures Account Balance V2",
    ),
    Endpoint(
        "GET", "/fapi/v3/balance", Security.USER_DATA, fixed(5), balances,
        summary="Futures Account Balance V3",
    ),
    Endpoint(
        "GET", "/fapi/v1/accountConfig", Security.USER_DATA, fixed(5), account_config,
        summary="Futures Account Configuration",
    ),
    Endpoint(
        "GET", "/fapi/v3/account", Security.USER_DATA, fixed(5), account_information,
        summary="Account Information V3",
    ),
    Endpoint(
        "GET", "/fapi/v2/account", Security.USER_DATA, fixed(5), account_information_v2,
        summary="Account Information V2",
    ),
]  # fmt: skip
