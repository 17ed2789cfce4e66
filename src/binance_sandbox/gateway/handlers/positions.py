"""Positions with their margin: Position Information V2 / V3 and ADL quantiles.

Every figure comes from the core's margin model (`core/margin.py`) at the current mark price:
initial and maintenance margin, open orders' margin, isolated margin, liquidation price and
ADL quantile. V3 lists the position sides the account holds or has open orders on; V2 lists
every symbol (flat ones included, LONG and SHORT in hedge mode) as Binance's V2 does.
"""

from dataclasses import dataclass
from typing import Any

from binance_sandbox.core import contract_value
from binance_sandbox.core.accounts import Account
from binance_sandbox.core.brackets import max_notional
from binance_sandbox.core.liquidation import adl_quantile, liquidation_prices
from binance_sandbox.core.margin import (
    AccountRisk,
    OrderSums,
    SideRisk,
    account_risk,
    side_risk,
)
from binance_sandbox.core.positions import Position, PositionSide, break_even_price
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.params import symbol
from binance_sandbox.gateway.render import amount, normalized, plain, quantity


@dataclass(frozen=True)
class RiskReport:
    """An account's margin figures as of now, with each held side's liquidation price."""

    account: Account
    risk: AccountRisk
    liquidation: dict[tuple[str, str], int]

    def side_figures(self, one: SideRisk) -> dict[str, Any]:
        """The fields V2, V3 and account V3 share, for one position side."""
        position = one.position or Position(account_id=0, symbol=one.instrument.symbol,
                                            side=one.side)  # fmt: skip
        isolated_margin = one.isolated_wallet + one.upnl if one.isolated else 0
        return {
            "positionAmt": quantity(one.instrument, position.qty),
            "entryPrice": normalized(position.entry_price),
            "breakEvenPrice": normalized(
                break_even_price(position, *contract_value.terms(one.instrument))
            ),
            "markPrice": amount(one.mark),
            "unRealizedProfit": amount(one.upnl),
            "liquidationPrice": figure(self.liquidation.get(_key(one), 0)),
            "isolatedMargin": amount(isolated_margin),
            "notional": figure(one.notional),
            "isolatedWallet": figure(one.isolated_wallet),
            "updateTime": position.update_time,
        }


def risk_report(state: ExchangeState, account: Account) -> RiskReport:
    risk = account_risk(state, account)
    prices = liquidation_prices(state, account, risk)
    return RiskReport(account, risk, {_key(s): p for s, p in zip(risk.sides, prices, strict=True)})


def _key(one: SideRisk) -> tuple[str, str]:
    return one.instrument.symbol, one.side


def figure(value: int) -> str:
    """An 8-decimal figure as Binance prints the optional ones: "0" when there is none."""
    return amount(value) if value else "0"


def _v3_row(ctx: RequestContext, report: RiskReport, one: SideRisk) -> dict[str, Any]:
    figures = report.side_figures(one)
    return {
        "symbol": one.instrument.symbol,
        "positionSide": one.side,
        **{k: figures[k] for k in ("positionAmt", "entryPrice", "breakEvenPrice", "markPrice",
                                   "unRealizedProfit", "liquidationPrice")},
        "isolatedMargin": figures["isolatedMargin"],
        "notional": figures["notional"],
        "marginAsset": one.instrument.margin_asset,
        "isolatedWallet": figures["isolatedWallet"],
        "initialMargin": figure(one.position_im + one.order_im),
        "maintMargin": figure(one.maint),
        "positionInitialMargin": figure(one.position_im),
        "openOrderInitialMargin": figure(one.order_im),
        "adl": adl_quantile(ctx.state, one),
        "bidNotional": figure(one.bids),
        "askNotional": figure(one.asks),
        "updateTime": figures["updateTime"],
    }  # fmt: skip


def _v2_row(ctx: RequestContext, report: RiskReport, one: SideRisk) -> dict[str, Any]:
    figures = report.side_figures(one)
    leverage = one.config.leverage
    return {
        "symbol": one.instrument.symbol,
        **{k: figures[k] for k in ("positionAmt", "entryPrice", "breakEvenPrice", "markPrice",
                                   "unRealizedProfit", "liquidationPrice")},
        "leverage": str(leverage),
        "maxNotionalValue": plain(max_notional(one.instrument.tiers, leverage)),
        "marginType": "isolated" if one.isolated else "cross",
        "isolatedMargin": figures["isolatedMargin"],
        "isAutoAddMargin": "false",
        "positionSide": one.side,
        "notional": figures["notional"],
        "isolatedWallet": figures["isolatedWallet"],
        "updateTime": figures["updateTime"],
        "isolated": one.isolated,
        "adlQuantile": adl_quantile(ctx.state, one),
    }  # fmt: skip


async def position_risk(ctx: RequestContext) -> list[dict[str, Any]]:
    wanted = ctx.optional_instrument()
    report = risk_report(ctx.state, ctx.account())
    return [
        _v3_row(ctx, report, one)
        for one in report.risk.sides
        if one.instrument.product == ctx.product
        and (wanted is None or one.instrument.symbol == wanted.symbol)
    ]


async def position_risk_v2(ctx: RequestContext) -> list[dict[str, Any]]:
    wanted = ctx.optional_instrument()
    account = ctx.account()
    report = risk_report(ctx.state, account)
    held = {_key(one): one for one in report.risk.sides}
    sides: tuple[PositionSide, ...] = ("LONG", "SHORT") if account.dual_side_position else ("BOTH",)
    rows = []
    for name, instrument in sorted(ctx.instruments.items()):
        if wanted is not None and name != wanted.symbol:
            continue
        for side in sides:
            one = held.get((name, side)) or side_risk(
                ctx.state, account, instrument, side, OrderSums()
            )
            rows.append(_v2_row(ctx, report, one))
    return rows


async def adl_quantiles(ctx: RequestContext) -> list[dict[str, Any]]:
    """Per symbol with a position: LONG / SHORT / BOTH quantiles; cross hedge positions share
    one value and carry the HEDGE marker, as Binance answers."""
    wanted = ctx.optional_instrument()
    account = ctx.account()
    by_symbol: dict[str, dict[str, int]] = {}
    for one in risk_report(ctx.state, account).risk.sides:
        name = one.instrument.symbol
        if one.position is None or not one.position.qty or one.instrument.product != ctx.product:
            continue
        if wanted is not None and name != wanted.symbol:
            continue
        by_symbol.setdefault(name, {"LONG": 0, "SHORT": 0, "BOTH": 0})
        by_symbol[name][one.side] = adl_quantile(ctx.state, one)
    answer = []
    for name, quantiles in by_symbol.items():
        hedged = account.dual_side_position and not _isolated(account, name)
        if hedged:
            shared = max(quantiles["LONG"], quantiles["SHORT"])
            answer.append(
                {"symbol": name, "adlQuantile": {"LONG": shared, "SHORT": shared, "HEDGE": 0}}
            )
        else:
            answer.append({"symbol": name, "adlQuantile": quantiles})
    return answer


def _isolated(account: Account, name: str) -> bool:
    config = account.symbol_configs.get(name)
    return config is not None and config.isolated


ENDPOINTS = [
    Endpoint("GET", "/fapi/v2/positionRisk", Security.USER_DATA, fixed(5), position_risk_v2,
             (symbol(),), summary="Position Information V2"),
    Endpoint("GET", "/fapi/v3/positionRisk", Security.USER_DATA, fixed(5), position_risk,
             (symbol(),), summary="Position Information V3"),
    Endpoint("GET", "/fapi/v1/adlQuantile", Security.USER_DATA, fixed(5), adl_quantiles,
             (symbol(),), summary="Position ADL Quantile Estimation"),
]  # fmt: skip
