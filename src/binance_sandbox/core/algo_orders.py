"""Conditional orders as Binance's Algo Service keeps them (POST /fapi/v1/algoOrder).

An algo order waits outside the book, reserving no margin, until its trigger condition holds
(`algo_rules`); then it becomes an ordinary order (`actual_order_id`) and its status runs
NEW -> TRIGGERING -> TRIGGERED -> FINISHED, or ends CANCELED, EXPIRED or REJECTED (the
reason in `reason`, Binance's ALGO_UPDATE `rm`). Prices are units of the instrument's price
scale, quantities steps; `callback_rate` is in tenths of a percent (Binance's 0.1 to 10).
"""

from typing import Literal

import msgspec

from binance_sandbox.core.matching import StpMode, TimeInForce
from binance_sandbox.core.orders import OrderType, Side
from binance_sandbox.core.positions import PositionSide
from binance_sandbox.core.price_match import PriceMatch
from binance_sandbox.core.trigger_origin import AlgoOrderType, TriggerOrigin, WorkingType

AlgoStatus = Literal[
    "NEW", "TRIGGERING", "TRIGGERED", "FINISHED", "CANCELED", "EXPIRED", "REJECTED"
]
ALGO_ORDER_TYPES: tuple[AlgoOrderType, ...] = (
    "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET",
)  # fmt: skip
ENDED: frozenset[str] = frozenset({"FINISHED", "CANCELED", "EXPIRED", "REJECTED"})


class AlgoOrder(msgspec.Struct, kw_only=True):
    algo_id: int
    client_algo_id: str
    account_id: int
    symbol: str
    side: Side
    position_side: PositionSide
    order_type: AlgoOrderType
    time_in_force: TimeInForce
    quantity: int  # 0 with close_position
    price: int  # 0 for the *_MARKET types (and with priceMatch)
    trigger_price: int  # 0 for TRAILING_STOP_MARKET
    working_type: WorkingType
    price_match: PriceMatch = "NONE"
    close_position: bool = False
    price_protect: bool = False
    reduce_only: bool = False
    activate_price: int = 0  # trailing: as sent, or the latest price when not sent
    callback_rate: int = 0  # trailing: tenths of a percent (10 = 1 %)
    stp_mode: StpMode = "NONE"
    good_till_date: int = 0
    status: AlgoStatus = "NEW"
    activated: bool = False  # trailing: the activation price was reached
    extreme: int = 0  # trailing: highest (SELL) / lowest (BUY) price since activation, 8 dp
    actual_order_id: int = 0
    actual_type: OrderType | Literal[""] = ""
    executed_qty: int = 0  # of the actual order
    cum_quote: int = 0  # of the actual order
    reason: str = ""
    time: int
    update_time: int
    trigger_time: int = 0
    # placed through the order API (`trading.legacy_conditional_orders`): shown as an order
    # throughout, as before the algo migration (the order its trigger places keeps its id)
    as_order: bool = False

    @property
    def is_buy(self) -> bool:
        return self.side == "BUY"

    @property
    def is_market(self) -> bool:
        return self.order_type.endswith("MARKET")


def trigger_origin(order: AlgoOrder) -> TriggerOrigin:
    """What the order it becomes keeps of it."""
    return TriggerOrigin(
        orig_type=order.order_type,
        stop_price=order.trigger_price,
        working_type=order.working_type,
        close_position=order.close_position,
        price_protect=order.price_protect,
        activate_price=order.activate_price,
        callback_rate=order.callback_rate,
    )
