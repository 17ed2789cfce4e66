"""What an ordinary order keeps of the conditional order it came from.

When an algo order triggers, Binance's matching engine gets a plain LIMIT or MARKET order, yet
its REST views (`origType`, `stopPrice`, `workingType`, `closePosition`, `priceProtect`,
`activatePrice`, `priceRate`) and its ORDER_TRADE_UPDATE (`ot`, `sp`, `wt`, `cp`, `pP`, `AP`,
`cr`) still show the conditional order. Prices are units of the price scale; `callback_rate`
tenths of a percent, as on the algo order.
"""

from typing import Literal

import msgspec

AlgoOrderType = Literal[
    "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"
]
WorkingType = Literal["MARK_PRICE", "CONTRACT_PRICE"]


class TriggerOrigin(msgspec.Struct, frozen=True, kw_only=True):
    orig_type: AlgoOrderType
    stop_price: int  # the algo order's trigger price (0 for a trailing stop)
    working_type: WorkingType
    close_position: bool = False
    price_protect: bool = False
    activate_price: int = 0  # trailing only
    callback_rate: int = 0  # trailing only

    @property
    def trailing(self) -> bool:
        return self.orig_type == "TRAILING_STOP_MARKET"
