"""Ending an open order: off its book, out of the open orders, final status, one event.

Cancellation, GTD expiry, reduce-only trimming, self-trade prevention and amendments all end
orders this one way, so the book and `open_orders` never disagree.
"""

import msgspec

from binance_sandbox.core import open_orders
from binance_sandbox.core.events import OrderUpdated
from binance_sandbox.core.orders import Order, OrderStatus
from binance_sandbox.core.state import ExchangeState


def end_order(state: ExchangeState, order: Order, status: OrderStatus, ts: int) -> OrderUpdated:
    """Removes the order from the book (if matching has not already) and from the open orders."""
    state.books[order.symbol].own_side(order.is_buy).remove(order.order_id, order.price)
    open_orders.remove(state, order.order_id)
    order.status, order.update_time = status, ts
    if status == "CANCELED":
        return OrderUpdated(order=copy(order), execution="CANCELED")
    return OrderUpdated(order=copy(order), execution="EXPIRED")


def copy(order: Order) -> Order:
    """The order as of now, for an event (orders change after their events are emitted)."""
    return msgspec.structs.replace(order)
