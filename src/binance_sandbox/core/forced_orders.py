"""The orders the exchange places itself to close a position: a liquidation's IOC
(`autoclose-<time><order id>`), an ADL close (`adl_autoclose`, as Binance names both) and a
delivery's settlement (`delivery_autoclose-…` on COIN-M, `settlement_autoclose-…` on USDⓈ-M, as
each product's Event-Order-Update page names it)."""

from binance_sandbox.core.instruments import Product
from binance_sandbox.core.orders import Order
from binance_sandbox.core.positions import Position
from binance_sandbox.core.state import ExchangeState

LIQUIDATION_PREFIX = "autoclose-"
ADL_CLIENT_ORDER_ID = "adl_autoclose"
SETTLEMENT_PREFIXES: dict[Product, str] = {
    "usdm": "settlement_autoclose-", "coinm": "delivery_autoclose-",
}  # fmt: skip


def settlement_client_id(product: Product, time: int, order_id: int) -> str:
    """A delivery's settlement order, named like a liquidation's (`<prefix><time><order id>`)."""
    return f"{SETTLEMENT_PREFIXES[product]}{time}{order_id:06d}"


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
