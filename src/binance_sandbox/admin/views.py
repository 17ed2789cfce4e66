"""JSON shapes of the admin API. Amounts are decimal strings, as in Binance's own API."""

from typing import Any

from binance_sandbox.admin.operations import CreatedKey
from binance_sandbox.core import insurance_fund
from binance_sandbox.core.accounts import Account
from binance_sandbox.core.fixed import AMOUNT_DECIMALS, format_scaled
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.projections.transfers import TransferRecord


def amount(value: int) -> str:
    return format_scaled(value, AMOUNT_DECIMALS)


def account_view(state: ExchangeState, account: Account) -> dict[str, Any]:
    return {
        "accountId": account.account_id,
        "name": account.name,
        "created": account.created,
        "balances": {asset: amount(v) for asset, v in sorted(account.balances.items())},
        "coinmBalances": {asset: amount(v) for asset, v in sorted(account.coinm.balances.items())},
        "tradeGroupId": account.trade_group_id,
        "apiKeys": [key_view(state, api_key) for api_key in account.api_keys],
    }


def key_view(state: ExchangeState, api_key: str) -> dict[str, Any]:
    key = state.api_keys[api_key].key
    return {
        "apiKey": key.api_key,
        "type": key.key_type,
        "label": key.label,
        "readOnly": key.read_only,
        "enableFutures": key.can_trade,
        "created": key.created,
    }


def created_key_view(created: CreatedKey) -> dict[str, Any]:
    event = created.event
    view: dict[str, Any] = {
        "accountId": event.account_id,
        "apiKey": event.api_key,
        "type": event.key_type,
        "readOnly": event.read_only,
        "enableFutures": event.can_trade,
    }
    if event.secret:
        view["secretKey"] = event.secret
    if created.private_key:
        view["privateKey"] = created.private_key
    return view


def transfer_view(transfer: TransferRecord) -> dict[str, Any]:
    return {
        "tranId": transfer.tran_id,
        "asset": transfer.asset,
        "amount": amount(transfer.amount),
        "time": transfer.time,
        "clientTranId": transfer.client_tran_id,
        "product": transfer.product,  # the futures wallet it moved: usdm or coinm
    }


def prices_view(state: ExchangeState) -> dict[str, Any]:
    return {
        pair: {"price": amount(price), "time": state.index_price_times[pair]}
        for pair, price in sorted(state.index_prices.items())
    }


def marks_view(state: ExchangeState) -> dict[str, Any]:
    """Each contract's mark price (8 decimals)."""
    return {
        symbol: amount(state.mark_price(instrument) or 0)
        for symbol, instrument in sorted(state.instruments.items())
    }


def insurance_view(state: ExchangeState) -> dict[str, Any]:
    """The insurance fund: balance and margin balance per asset, the positions it took over."""
    fund = state.insurance
    return {
        "assets": {
            asset: {
                "balance": amount(insurance_fund.balance(state, asset)),
                "marginBalance": amount(insurance_fund.margin_balance(state, asset)),
                "updateTime": fund.update_times.get(asset, 0),
            }
            for asset in state.assets
        },
        "positions": {
            symbol: {
                "positionAmt": format_scaled(p.qty, state.instruments[symbol].qty_decimals),
                "entryPrice": amount(p.entry_price),
            }
            for symbol, p in sorted(fund.positions.items())
            if p.qty
        },
    }


def open_orders_view(state: ExchangeState) -> list[dict[str, Any]]:
    """Every open order of every account, oldest first (the dashboard's table)."""
    views = []
    for order in state.open_orders.values():
        instrument = state.instruments[order.symbol]
        account = state.account(order.account_id)
        views.append(
            {
                "orderId": order.order_id,
                "account": account.name if account else str(order.account_id),
                "symbol": order.symbol,
                "side": order.side,
                "type": order.order_type,
                "price": format_scaled(order.price, instrument.price_decimals),
                "origQty": format_scaled(order.orig_qty, instrument.qty_decimals),
                "executedQty": format_scaled(order.executed_qty, instrument.qty_decimals),
                "status": order.status,
                "time": order.time,
            }
        )
    return sorted(views, key=lambda view: view["orderId"])


def positions_view(state: ExchangeState) -> list[dict[str, Any]]:
    """Open positions of every account. No liquidation price: the margin model that sets it is
    not built yet (interim rule: wallet x 20 covers the notional)."""
    views = []
    for position in state.positions.values():
        if position.qty == 0:
            continue
        instrument = state.instruments[position.symbol]
        account = state.account(position.account_id)
        views.append(
            {
                "account": account.name if account else str(position.account_id),
                "symbol": position.symbol,
                "positionSide": position.side,
                "positionAmt": format_scaled(position.qty, instrument.qty_decimals),
                "entryPrice": amount(position.entry_price),
                "markPrice": amount(state.mark_price(instrument) or 0),
                "liquidationPrice": None,
            }
        )
    return views
