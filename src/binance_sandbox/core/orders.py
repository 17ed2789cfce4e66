"""Orders as the exchange records them.

Quantities are steps and prices are units of the instrument's price scale (see
`Instrument.price_decimals`); `cum_quote` is the exact sum of price x quantity of the fills, in
units of both scales multiplied; an inverse order's `cum_base` is the sum of its fills' worths in
the coin (`contract_value.worth_fine`). An open order is NEW or PARTIALLY_FILLED and sits in its
symbol's book with `orig_qty - executed_qty` remaining.
"""

from typing import Literal

import msgspec

from binance_sandbox.core.matching import StpMode, TimeInForce
from binance_sandbox.core.positions import PositionSide
from binance_sandbox.core.price_match import PriceMatch
from binance_sandbox.core.trigger_origin import TriggerOrigin

Side = Literal["BUY", "SELL"]
OrderType = Literal["LIMIT", "MARKET"]
OrderStatus = Literal[
    "NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "EXPIRED", "EXPIRED_IN_MATCH", "REJECTED"
]
OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED"})


class Order(msgspec.Struct, kw_only=True):
    order_id: int
    client_order_id: str
    account_id: int
    symbol: str
    side: Side
    position_side: PositionSide
    order_type: OrderType
    time_in_force: TimeInForce
    price: int  # 0 for MARKET
    orig_qty: int
    executed_qty: int = 0
    cum_quote: int = 0
    cum_base: int = 0  # inverse only: the fills' worth in the coin at 18 decimals (cumBase)
    status: OrderStatus = "NEW"
    reduce_only: bool = False
    price_match: PriceMatch = "NONE"
    stp_mode: StpMode = "EXPIRE_MAKER"
    good_till_date: int = 0
    amendments: int = 0  # at most the instrument's maxMoveOrderLimit (-5026)
    origin: TriggerOrigin | None = None  # the conditional order it came from, if any
    time: int
    update_time: int

    @property
    def is_buy(self) -> bool:
        return self.side == "BUY"

    @property
    def remaining(self) -> int:
        return self.orig_qty - self.executed_qty

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
