"""ACCOUNT_UPDATE under Binance's push rules: only the balances and positions a command
changed, with its reason `m`, as of the state after the command.

`B` rows: wallet balance, cross wallet balance and `bc`, the change that is neither realized
PnL nor commission (a deposit's amount; 0 for a fill). `P` rows: the position side's amount,
entry and break-even prices, accumulated realized PnL, unrealized PnL at the mark, margin type
and isolated wallet, printed as positionRisk prints them.
"""

from dataclasses import dataclass, field
from typing import Any

from binance_sandbox.core.accounts import Account
from binance_sandbox.core.instruments import Product
from binance_sandbox.core.margin import OrderSums, side_risk
from binance_sandbox.core.positions import PositionSide
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.gateway.handlers.positions import RiskReport, risk_report
from binance_sandbox.gateway.render import amount, plain, quantity


@dataclass
class Changes:
    """What one command changed for one account under one reason."""

    balances: dict[str, int] = field(default_factory=dict)  # asset -> `bc`
    coinm: set[str] = field(default_factory=set)  # the assets changed in the COIN-M wallet

    def add(self, asset: str, product: Product, change: int = 0) -> None:
        self.balances[asset] = self.balances.get(asset, 0) + change
        if product == "coinm":
            self.coinm.add(asset)

    positions: dict[tuple[str, PositionSide], None] = field(default_factory=dict)


def account_update(
    state: ExchangeState, account: Account, reason: str, changes: Changes, ts: int
) -> dict[str, Any]:
    report = risk_report(state, account)
    return {
        "e": "ACCOUNT_UPDATE",
        "E": ts,
        "T": ts,
        "a": {
            "m": reason,
            "B": [
                _balance_row(report, account, asset, change, changes)
                for asset, change in changes.balances.items()
            ],
            "P": [_position_row(state, report, symbol, side) for symbol, side in changes.positions],
        },
    }


def _balance_row(
    report: RiskReport, account: Account, asset: str, change: int, changes: Changes
) -> dict[str, Any]:
    row = report.risk.asset(asset, account, "coinm" if asset in changes.coinm else "usdm")
    return {
        "a": asset,
        "wb": amount(row.wallet),
        "cw": amount(row.cross_wallet),
        "bc": plain(change),
    }


def _position_row(
    state: ExchangeState, report: RiskReport, symbol: str, side: PositionSide
) -> dict[str, Any]:
    found = [one for one in report.risk.sides
             if one.instrument.symbol == symbol and one.side == side]  # fmt: skip
    instrument = state.instruments[symbol]
    one = found[0] if found else side_risk(state, report.account, instrument, side, OrderSums())
    figures = report.side_figures(one)
    realized = one.position.realized_pnl if one.position else 0
    return {
        "s": symbol,
        "pa": quantity(instrument, one.position.qty if one.position else 0),
        "ep": figures["entryPrice"],
        "bep": figures["breakEvenPrice"],
        "cr": plain(realized),
        "up": figures["unRealizedProfit"],
        "mt": "isolated" if one.isolated else "cross",
        "iw": amount(one.isolated_wallet),
        "ps": side,
    }
