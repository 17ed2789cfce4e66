"""An account's margin settings per symbol: leverage, margin type, isolated position margin.

- Leverage: 1 up to the first bracket's (-4028); not below what a position and open orders
  already hold (-2027 past the new position limit, -2028 when the account could not pay the
  higher margin); an isolated position's leverage cannot be lowered (-4161).
- Margin type: only without open orders (-4047) or a position (-4048) on the symbol; no
  change is -4046.
- Isolated position margin: added from the available balance (-4050), taken back down to the
  position's initial margin less any unrealized loss (-4051); cross or flat positions have
  none (-4049, -4054).
"""

import msgspec

from binance_sandbox.core import collateral, open_algos, open_orders, rejects
from binance_sandbox.core.accounts import Account, MarginChange, SymbolConfig
from binance_sandbox.core.brackets import max_leverage, max_notional
from binance_sandbox.core.commands import ModifyPositionMargin, SetLeverage, SetMarginType
from binance_sandbox.core.events import (
    Event,
    LeverageChanged,
    MarginTypeChanged,
    PositionMarginChanged,
    Rejected,
)
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.margin import (
    OrderSums,
    account_risk,
    exposure,
    order_sums,
    side_risk,
    symbol_config,
)
from binance_sandbox.core.state import ExchangeState, position_key


def set_leverage(state: ExchangeState, cmd: SetLeverage) -> list[Event]:
    found = _account_and_instrument(state, cmd.account_id, cmd.symbol)
    if isinstance(found, Rejected):
        return [found]
    account, instrument = found
    table = instrument.tiers
    if not 1 <= cmd.leverage <= max_leverage(table):
        return [rejects.invalid_leverage(cmd.leverage)]
    old = symbol_config(account, instrument)
    refusal = _leverage_refusal(state, account, instrument, old, cmd.leverage)
    if refusal is not None:
        return [refusal]
    account.symbol_configs[cmd.symbol] = SymbolConfig(leverage=cmd.leverage, isolated=old.isolated)
    if _free(state, account, instrument) < 0 and cmd.leverage < old.leverage:
        account.symbol_configs[cmd.symbol] = old
        return [rejects.MIN_LEVERAGE_RATIO]
    cap = max_notional(table, cmd.leverage)
    return [LeverageChanged(account_id=account.account_id, symbol=cmd.symbol,
                            leverage=cmd.leverage, max_notional=cap)]  # fmt: skip


def _leverage_refusal(
    state: ExchangeState,
    account: Account,
    instrument: Instrument,
    old: SymbolConfig,
    leverage: int,
) -> Rejected | None:
    groups = order_sums(state, account.account_id)
    cap = max_notional(instrument.tiers, leverage)
    for side in ("BOTH", "LONG", "SHORT"):
        sums = groups.get((instrument.symbol, side), OrderSums())
        risk = side_risk(state, account, instrument, side, sums)
        if old.isolated and risk.notional and leverage < old.leverage:
            return rejects.ISOLATED_LEVERAGE_REDUCTION
        if exposure(risk.notional, sums) > cap:
            return rejects.MAX_LEVERAGE_RATIO
    return None


def set_margin_type(state: ExchangeState, cmd: SetMarginType) -> list[Event]:
    found = _account_and_instrument(state, cmd.account_id, cmd.symbol)
    if isinstance(found, Rejected):
        return [found]
    account, instrument = found
    old = symbol_config(account, instrument)
    if old.isolated == cmd.isolated:
        return [rejects.MARGIN_TYPE_UNCHANGED]
    if cmd.isolated and account.multi_assets:
        return [rejects.JOINT_MARGIN_REJECT_WITH_ISOLATED]
    if any(o.symbol == cmd.symbol for o in open_orders.of_account(state, account.account_id)) or (
        open_algos.has_any(state, account.account_id, cmd.symbol)
    ):
        return [rejects.MARGIN_TYPE_WITH_OPEN_ORDERS]
    for side in ("BOTH", "LONG", "SHORT"):
        position = state.positions.get(position_key(account.account_id, cmd.symbol, side))
        if position is not None and position.qty:
            return [rejects.MARGIN_TYPE_WITH_POSITION]
    account.symbol_configs[cmd.symbol] = msgspec.structs.replace(old, isolated=cmd.isolated)
    return [MarginTypeChanged(account_id=account.account_id, symbol=cmd.symbol,
                              isolated=cmd.isolated)]  # fmt: skip


def modify_position_margin(state: ExchangeState, ts: int, cmd: ModifyPositionMargin) -> list[Event]:
    found = _account_and_instrument(state, cmd.account_id, cmd.symbol)
    if isinstance(found, Rejected):
        return [found]
    account, instrument = found
    if cmd.amount <= 0:
        return [rejects.AMOUNT_NOT_POSITIVE]
    if (cmd.position_side != "BOTH") != account.dual_side_position:
        return [rejects.POSITION_SIDE_MISMATCH]
    if not symbol_config(account, instrument).isolated:
        return [rejects.ADD_MARGIN_CROSS]
    position = state.positions.get(position_key(account.account_id, cmd.symbol, cmd.position_side))
    if position is None or not position.qty:
        return [rejects.MARGIN_NO_POSITION]
    if cmd.kind == 1 and cmd.amount > _free(state, account, instrument):
        return [rejects.CROSS_BALANCE_INSUFFICIENT]
    if cmd.kind == 2:
        risk = side_risk(state, account, instrument, cmd.position_side, OrderSums())
        if cmd.amount > position.isolated_wallet + min(0, risk.upnl) - risk.position_im:
            return [rejects.ISOLATED_BALANCE_INSUFFICIENT]
    signed = cmd.amount if cmd.kind == 1 else -cmd.amount
    position.isolated_wallet += signed
    account.margin_changes.append(
        MarginChange(symbol=cmd.symbol, position_side=cmd.position_side, kind=cmd.kind,
                     amount=cmd.amount, asset=instrument.margin_asset, time=ts)
    )  # fmt: skip
    return [
        PositionMarginChanged(account_id=account.account_id, symbol=cmd.symbol,
                              position_side=cmd.position_side, kind=cmd.kind, amount=cmd.amount,
                              isolated_wallet=position.isolated_wallet)
    ]  # fmt: skip


def _free(state: ExchangeState, account: Account, instrument: Instrument) -> int:
    """The available balance before the floor, of the pool in Multi-Assets mode."""
    risk = account_risk(state, account)
    return collateral.free(state, account, risk, instrument.margin_asset, instrument.product)


def _account_and_instrument(
    state: ExchangeState, account_id: int, symbol: str
) -> tuple[Account, Instrument] | Rejected:
    instrument = state.instruments.get(symbol)
    if instrument is None:
        return rejects.BAD_SYMBOL
    account = state.account(account_id)
    if account is None:
        return rejects.unknown_account(account_id)
    return account, instrument
