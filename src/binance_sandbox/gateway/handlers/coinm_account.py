"""COIN-M's account shapes: balances and account information per coin (no USDT totals),
positionRisk with `maxQty` and `notionalValue`, and the brackets by pair (v1) or symbol (v2)
with quantity caps. Figures come from the same margin report as USDⓈ-M's (`risk_report`).

A COIN-M account's coins are the margin assets of the COIN-M contracts, in listing order.
positionRisk lists every contract (flat ones included; LONG and SHORT in hedge mode), narrowed
by `pair` or `marginAsset`; without either, the TRADING ones, as Binance documents. The
brackets' qtyCap / qtyFloor are the tiers' caps and floors in the margin coin (the doc's
example misspells qtyFloor as "qtylFloor").
"""

from typing import Any

from binance_sandbox.core import delivery
from binance_sandbox.core.brackets import max_notional
from binance_sandbox.core.collateral import available
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.margin import OrderSums, SideRisk, side_risk
from binance_sandbox.core.positions import PositionSide
from binance_sandbox.gateway import errors
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.handlers.account import account_alias
from binance_sandbox.gateway.handlers.margin import bracket_rows
from binance_sandbox.gateway.handlers.market_common import symbol_or_pair
from binance_sandbox.gateway.handlers.positions import RiskReport, figure, risk_report
from binance_sandbox.gateway.render import amount, plain


def coins(ctx: RequestContext) -> list[str]:
    return list(dict.fromkeys(i.margin_asset for i in ctx.instruments.values()))


async def balances(ctx: RequestContext) -> list[dict[str, Any]]:
    account = ctx.account()
    report = risk_report(ctx.state, account)
    rows = []
    for coin in coins(ctx):
        row = report.risk.asset(coin, account, "coinm")
        usable, withdrawable = available(ctx.state, account, report.risk, coin, "coinm")
        rows.append(
            {
                "accountAlias": account_alias(account.account_id),
                "asset": coin,
                "balance": amount(row.wallet),
                "withdrawAvailable": amount(withdrawable),
                "crossWalletBalance": amount(row.cross_wallet),
                "crossUnPnl": amount(row.cross_upnl),
                "availableBalance": amount(usable),
                "updateTime": account.coinm.balance_times.get(coin, 0),
            }
        )
    return rows


async def account_information(ctx: RequestContext) -> dict[str, Any]:
    account = ctx.account()
    report = risk_report(ctx.state, account)
    assets = []
    for coin in coins(ctx):
        row = report.risk.asset(coin, account, "coinm")
        usable, withdrawable = available(ctx.state, account, report.risk, coin, "coinm")
        assets.append(
            {
                "asset": coin,
                "walletBalance": amount(row.wallet),
                "unrealizedProfit": amount(row.upnl),
                "marginBalance": amount(row.margin_balance),
                "maintMargin": amount(row.maint),
                "initialMargin": amount(row.position_im + row.order_im),
                "positionInitialMargin": amount(row.position_im),
                "openOrderInitialMargin": amount(row.order_im),
                "maxWithdrawAmount": amount(withdrawable),
                "crossWalletBalance": amount(row.cross_wallet),
                "crossUnPnl": amount(row.cross_upnl),
                "availableBalance": amount(usable),
                "updateTime": account.coinm.balance_times.get(coin, 0),
            }
        )
    return {
        "assets": assets,
        "positions": [_account_position(report, one) for one in _sides(ctx, report)],
        "canDeposit": True,
        "canTrade": ctx.key is not None and ctx.key.key.can_trade,
        "canWithdraw": True,
        "feeTier": 0,
        "updateTime": 0,
    }


def _account_position(report: RiskReport, one: SideRisk) -> dict[str, Any]:
    figures = report.side_figures(one)
    return {
        "symbol": one.instrument.symbol,
        "positionAmt": figures["positionAmt"],
        "initialMargin": figure(one.position_im + one.order_im),
        "maintMargin": figure(one.maint),
        "unrealizedProfit": figures["unRealizedProfit"],
        "positionInitialMargin": figure(one.position_im),
        "openOrderInitialMargin": figure(one.order_im),
        "leverage": str(one.config.leverage),
        "isolated": one.isolated,
        "positionSide": one.side,
        "entryPrice": figures["entryPrice"],
        "breakEvenPrice": figures["breakEvenPrice"],
        "maxQty": _max_qty(one),
        "notionalValue": figures["notional"],
        "updateTime": figures["updateTime"],
    }


async def position_risk(ctx: RequestContext) -> list[dict[str, Any]]:
    report = risk_report(ctx.state, ctx.account())
    return [_risk_row(report, one) for one in _sides(ctx, report)]


def _risk_row(report: RiskReport, one: SideRisk) -> dict[str, Any]:
    figures = report.side_figures(one)
    return {
        "symbol": one.instrument.symbol,
        **{k: figures[k] for k in ("positionAmt", "entryPrice", "breakEvenPrice", "markPrice",
                                   "unRealizedProfit", "liquidationPrice")},
        "leverage": str(one.config.leverage),
        "maxQty": _max_qty(one),
        "marginType": "isolated" if one.isolated else "cross",
        "isolatedMargin": figures["isolatedMargin"],
        "isAutoAddMargin": "false",
        "positionSide": one.side,
        "notionalValue": figures["notional"],
        "isolatedWallet": figures["isolatedWallet"],
        "updateTime": figures["updateTime"],
    }  # fmt: skip


def _sides(ctx: RequestContext, report: RiskReport) -> list[SideRisk]:
    """Every side of the chosen contracts, held or flat (LONG and SHORT in hedge mode)."""
    account = report.account
    held = {(one.instrument.symbol, one.side): one for one in report.risk.sides}
    sides: tuple[PositionSide, ...] = ("LONG", "SHORT") if account.dual_side_position else ("BOTH",)
    return [
        held.get((instrument.symbol, side))
        or side_risk(ctx.state, account, instrument, side, OrderSums())
        for instrument in _chosen(ctx)
        for side in sides
    ]


def _chosen(ctx: RequestContext) -> list[Instrument]:
    if "marginAsset" in ctx.params and "pair" in ctx.params:
        raise errors.BinanceError(-1128, "Combination of optional parameters invalid.")
    coin = ctx.params.get("marginAsset")
    chosen = [i for i in symbol_or_pair(ctx) if coin is None or i.margin_asset == coin]
    if coin is None and "pair" not in ctx.params:  # Binance: then every TRADING contract
        now = ctx.now_ms()
        chosen = [i for i in chosen if delivery.status(ctx.state, i, now) == "TRADING"]
    return sorted(chosen, key=lambda i: i.symbol)


def _max_qty(one: SideRisk) -> str:
    return plain(max_notional(one.instrument.tiers, one.config.leverage))


async def pair_brackets(ctx: RequestContext) -> list[dict[str, Any]]:
    """v1: one entry per pair, the brackets of its first contract (a pair's contracts share
    them on Binance)."""
    by_pair: dict[str, Instrument] = {}
    for instrument in symbol_or_pair(ctx):
        by_pair.setdefault(instrument.pair, instrument)
    return [{"pair": pair, "brackets": _qty_brackets(i)} for pair, i in by_pair.items()]


async def symbol_brackets(ctx: RequestContext) -> list[dict[str, Any]]:
    return [
        {"symbol": i.symbol, "brackets": _qty_brackets(i)}
        for i in sorted(symbol_or_pair(ctx), key=lambda i: i.symbol)
    ]


def _qty_brackets(instrument: Instrument) -> list[dict[str, Any]]:
    rows = []
    for row in bracket_rows(instrument):
        rows.append(
            {
                "bracket": row["bracket"],
                "initialLeverage": row["initialLeverage"],
                "qtyCap": row["notionalCap"],
                "qtyFloor": row["notionalFloor"],
                "maintMarginRatio": row["maintMarginRatio"],
                "cum": row["cum"],
            }
        )
    return rows
