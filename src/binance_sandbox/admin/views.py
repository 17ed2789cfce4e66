"""JSON shapes of the admin API. Amounts are decimal strings, as in Binance's own API."""

from typing import Any

from binance_sandbox.admin.operations import CreatedKey
from binance_sandbox.core.accounts import Account, Transfer
from binance_sandbox.core.fixed import AMOUNT_DECIMALS, format_scaled
from binance_sandbox.core.state import ExchangeState


def amount(value: int) -> str:
    return format_scaled(value, AMOUNT_DECIMALS)


def account_view(state: ExchangeState, account: Account) -> dict[str, Any]:
    return {
        "accountId": account.account_id,
        "name": account.name,
        "created": account.created,
        "balances": {asset: amount(v) for asset, v in sorted(account.balances.items())},
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


def transfer_view(transfer: Transfer) -> dict[str, Any]:
    return {
        "tranId": transfer.tran_id,
        "asset": transfer.asset,
        "amount": amount(transfer.amount),
        "time": transfer.time,
        "clientTranId": transfer.client_tran_id,
    }


def prices_view(state: ExchangeState) -> dict[str, Any]:
    return {
        pair: {"price": amount(price), "time": state.index_price_times[pair]}
        for pair, price in sorted(state.index_prices.items())
    }
