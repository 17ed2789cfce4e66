"""The insurance fund (FORMULAS.md §4.5): one balance per margin asset that collects clearance
fees, clears the negative balances liquidation leaves, and takes over at the bankruptcy price
what the book could not absorb, holding those positions (so every long still has a short).

Its margin balance is its balance plus the unrealized PnL of its positions at the mark, as
`insuranceBalance` reports it. It can take over a remainder when that margin balance, with the
new position's unrealized PnL, stays >= 0; otherwise the remainder goes to ADL.
"""

from binance_sandbox.core import contract_value, rejects
from binance_sandbox.core.commands import SetInsuranceFund
from binance_sandbox.core.events import Event, InsuranceFundChanged
from binance_sandbox.core.fixed import MAX_BALANCE
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.liquidation_records import FUND_ACCOUNT_ID
from binance_sandbox.core.margin import mark_of
from binance_sandbox.core.positions import Position, apply_fill, unrealized_pnl
from binance_sandbox.core.state import ExchangeState


def balance(state: ExchangeState, asset: str) -> int:
    return state.insurance.balances.get(asset, 0)


def margin_balance(state: ExchangeState, asset: str) -> int:
    """Balance plus the unrealized PnL of the fund's positions margined in `asset`."""
    total = balance(state, asset)
    for symbol, position in state.insurance.positions.items():
        instrument = state.instruments[symbol]
        if instrument.margin_asset == asset and position.qty:
            mark = mark_of(state, instrument)
            total += unrealized_pnl(position, mark, *contract_value.terms(instrument))
    return total


def can_take(state: ExchangeState, instrument: Instrument, signed_qty: int, price_8: int) -> bool:
    """Whether the fund can buy (`signed_qty` > 0) or sell that much at `price_8` and stay
    solvent at the mark."""
    mark = mark_of(state, instrument)
    upnl = contract_value.pnl_down(signed_qty, price_8, mark, *contract_value.terms(instrument))
    return margin_balance(state, instrument.margin_asset) + upnl >= 0


def take(
    state: ExchangeState, instrument: Instrument, signed_qty: int, price_8: int, ts: int
) -> list[Event]:
    """The fund's side of a take-over fill; what it closes of its own positions is realized."""
    position = state.insurance.positions.get(instrument.symbol)
    if position is None:
        position = Position(account_id=FUND_ACCOUNT_ID, symbol=instrument.symbol, side="BOTH")
        state.insurance.positions[instrument.symbol] = position
    qty_decimals, size = contract_value.terms(instrument)
    fill = apply_fill(position, signed_qty, price_8, qty_decimals, ts, size)
    if not fill.realized_pnl:
        return []
    return [credit(state, instrument.margin_asset, fill.realized_pnl, "TAKE_OVER", ts)]


def credit(state: ExchangeState, asset: str, delta: int, reason: str, ts: int) -> Event:
    """Moves the fund's balance by `delta` (a payment out is negative)."""
    fund = state.insurance
    fund.balances[asset] = fund.balances.get(asset, 0) + delta
    fund.update_times[asset] = ts
    return InsuranceFundChanged(
        asset=asset, delta=delta, balance=fund.balances[asset], reason=reason
    )


def set_balance(state: ExchangeState, ts: int, cmd: SetInsuranceFund) -> list[Event]:
    """Admin: money enters or leaves the fund (counted in `deposits`, so money is conserved)."""
    if cmd.asset not in state.assets:
        return [rejects.unknown_asset(cmd.asset)]
    if not 0 <= cmd.balance <= MAX_BALANCE:
        return [rejects.malformed("balance")]
    delta = cmd.balance - balance(state, cmd.asset)
    deposits = state.insurance.deposits
    deposits[cmd.asset] = deposits.get(cmd.asset, 0) + delta
    return [credit(state, cmd.asset, delta, "ADMIN", ts)]
