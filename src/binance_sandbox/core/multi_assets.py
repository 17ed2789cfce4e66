"""Switching between Single-Asset and Multi-Assets mode (POST /fapi/v1/multiAssetsMargin),
with Binance's refusals: -4171 no change; -4170 with open orders (conditional ones too); -4167
turning it on while a symbol is isolated; -4172 with a negative wallet balance; -4169 turning
it off when an asset's own margin would not cover what it holds. Isolated margin is refused
under Multi-Assets mode (-4168, `margin_settings`). How the pool is valued: `collateral`.
"""

from binance_sandbox.core import margin, open_algos, rejects
from binance_sandbox.core.commands import SetMultiAssetsMode
from binance_sandbox.core.events import Event, MultiAssetsModeChanged
from binance_sandbox.core.state import ExchangeState


def set_multi_assets_mode(state: ExchangeState, cmd: SetMultiAssetsMode) -> list[Event]:
    account = state.account(cmd.account_id)
    if account is None:
        return [rejects.unknown_account(cmd.account_id)]
    if account.multi_assets == cmd.on:
        return [rejects.NO_NEED_TO_CHANGE_JOINT_MARGIN]
    if cmd.account_id in state.open_order_ids or open_algos.has_any(state, cmd.account_id):
        return [rejects.JOINT_MARGIN_REJECT_WITH_OPEN_ORDER]
    if cmd.on and any(config.isolated for config in account.symbol_configs.values()):
        return [rejects.ISOLATED_REJECT_WITH_JOINT_MARGIN]
    if any(balance < 0 for balance in account.balances.values()):
        return [rejects.JOINT_MARGIN_REJECT_WITH_NEGATIVE_BALANCE]
    if not cmd.on:
        risk = margin.account_risk(state, account)
        if any(row.free < 0 for row in risk.assets.values()):
            return [rejects.JOINT_MARGIN_REJECT_WITH_MB]
    account.multi_assets = cmd.on
    return [MultiAssetsModeChanged(account_id=cmd.account_id, on=cmd.on)]
