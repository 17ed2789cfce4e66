"""The orders the exchange places itself to close a position: a liquidation's IOC
(`autoclose-<time><order id>`) and an ADL close (`adl_autoclose`, as Binance names both)."""

from binance_sandbox.core.orders import Order
from binance_sandbox.core.positions import Position
from binance_sandbox.core.state import ExchangeState

LIQUIDATION_PREFIX = "autoclose-"
ADL_CLIENT_ORDER_ID = "adl_autoclose"


def closing_order(
    state: ExchangeState, position: Position, qty: int, price: int, ts: int, *, adl: bool
) -> Order:
    """A LIMIT order closing `qty` of `position` at `price` (IOC, or GTC for ADL)."""
    order_id = state.next_order_id
    state.next_order_id += 1
    liquidation_id = f"{LIQUIDATION_PREFIX}{ts}{order_id:06d}"[:36]
    return Order(
        order_id=order_id,
        client_order_id=ADL_CLIENT_ORDER_ID if adl else liquidation_id,
        account_id=position.account_id,
        symbol=position.symbol,
        side="SELL" if position.qty > 0 else "BUY",
        position_side=position.side,
        order_type="LIMIT",
        time_in_force="GTC" if adl else "IOC",
        price=price,
        orig_qty=qty,
        time=ts,
        update_time=ts,
    )
