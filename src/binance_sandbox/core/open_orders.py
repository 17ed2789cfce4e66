"""The open orders, by id and by account: every open order is in both or in neither.

Pre-trade checks, reduce-only upkeep and cancel-all look at one account's orders; with the
market makers' hundreds of resting orders a scan of every open order per command would
dominate, so the account's order ids are kept beside the orders, and their sums per position
side in `order_totals`. Change the open orders only through `add`, `remove` and `update`.
"""

from binance_sandbox.core import order_totals
from binance_sandbox.core.orders import Order
from binance_sandbox.core.state import ExchangeState


def add(state: ExchangeState, order: Order) -> None:
    state.open_orders[order.order_id] = order
    state.open_order_ids.setdefault(order.account_id, {})[order.order_id] = None
    order_totals.record(state, order)


def update(state: ExchangeState, order: Order) -> None:
    """An open order whose remaining quantity or price changed in place (a fill, an amendment)."""
    order_totals.record(state, order)


def remove(state: ExchangeState, order_id: int) -> None:
    order = state.open_orders.pop(order_id, None)
    if order is None:
        return
    ids = state.open_order_ids[order.account_id]
    del ids[order_id]
    if not ids:
        del state.open_order_ids[order.account_id]
    order_totals.forget(state, order_id)


def of_account(state: ExchangeState, account_id: int) -> list[Order]:
    """The account's open orders, oldest first (the order they were opened in)."""
    orders = state.open_orders
    return [orders[order_id] for order_id in state.open_order_ids.get(account_id, ())]


def reindex(state: ExchangeState) -> None:
    """Rebuilds the index from the orders (a snapshot of a state that had no index)."""
    state.open_order_ids = {}
    for order in state.open_orders.values():
        state.open_order_ids.setdefault(order.account_id, {})[order.order_id] = None
