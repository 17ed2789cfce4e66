"""A conditional (algo) order seen as an order, as Binance showed it before its Algo Service
(2025-12-09; COIN-M's until the CM migration): orderId the algo id, type
the conditional type, stopPrice / workingType / priceProtect / closePosition (and a trailing
stop's activatePrice / priceRate) from it. The REST order views and ORDER_TRADE_UPDATE render
this image through the code that renders every order.
"""

from binance_sandbox.core.algo_orders import AlgoOrder, trigger_origin
from binance_sandbox.core.orders import Order, OrderStatus

# A conditional order of the time kept its orderId from placement to fill: NEW until it
# triggered, then the status of the order it became (FILLED when it filled whole).
_STATUS: dict[str, OrderStatus] = {
    "NEW": "NEW", "TRIGGERING": "NEW", "TRIGGERED": "NEW", "FINISHED": "EXPIRED",
    "CANCELED": "CANCELED", "EXPIRED": "EXPIRED", "REJECTED": "EXPIRED",
}  # fmt: skip


def status(order: AlgoOrder) -> OrderStatus:
    return "FILLED" if order.executed_qty == order.quantity > 0 else _STATUS[order.status]


def as_order(order: AlgoOrder) -> Order:
    """The image; its `order_type` is the LIMIT or MARKET it becomes (the views print the
    conditional type), its fills none (the order it becomes has them)."""
    return Order(
        order_id=order.algo_id,
        client_order_id=order.client_algo_id,
        account_id=order.account_id,
        symbol=order.symbol,
        side=order.side,
        position_side=order.position_side,
        order_type="MARKET" if order.is_market else "LIMIT",
        time_in_force=order.time_in_force,
        price=order.price,
        orig_qty=order.quantity,
        status=status(order),
        reduce_only=order.reduce_only or order.close_position,
        price_match=order.price_match,
        stp_mode=order.stp_mode,
        good_till_date=order.good_till_date,
        origin=trigger_origin(order),
        time=order.time,
        update_time=order.update_time,
    )
