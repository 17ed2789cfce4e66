"""The fields of an order that show the conditional order it came from (`core.trigger_origin`):
its REST view's and its ORDER_TRADE_UPDATE's. An ordinary order shows Binance's neutral values;
`activatePrice` / `priceRate` (REST) and `AP` / `cr` (stream) come only with a trailing stop.
"""

from typing import Any

from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.orders import Order
from binance_sandbox.gateway.handlers.algo_views import callback_rate
from binance_sandbox.gateway.render import price


def rest_fields(instrument: Instrument, order: Order) -> dict[str, Any]:
    origin = order.origin
    if origin is None:
        return {"origType": order.order_type, "stopPrice": price(instrument, 0),
                "closePosition": False, "workingType": "CONTRACT_PRICE",
                "priceProtect": False}  # fmt: skip
    fields: dict[str, Any] = {
        "origType": origin.orig_type,
        "stopPrice": price(instrument, origin.stop_price),
        "closePosition": origin.close_position,
        "workingType": origin.working_type,
        "priceProtect": origin.price_protect,
    }
    if origin.trailing:
        fields |= {"activatePrice": price(instrument, origin.activate_price),
                   "priceRate": callback_rate(origin)}  # fmt: skip
    return fields


def stream_fields(instrument: Instrument, order: Order) -> dict[str, Any]:
    """`sp`, `wt`, `ot`, `cp`, (`AP`, `cr`,) `pP`, in the order of Binance's payload."""
    origin = order.origin
    if origin is None:
        return {"sp": "0", "wt": "CONTRACT_PRICE", "ot": order.order_type, "cp": False,
                "pP": False}  # fmt: skip
    fields: dict[str, Any] = {
        "sp": price(instrument, origin.stop_price),
        "wt": origin.working_type,
        "ot": origin.orig_type,
        "cp": origin.close_position,
    }
    if origin.trailing:
        fields |= {"AP": price(instrument, origin.activate_price), "cr": callback_rate(origin)}
    return fields | {"pP": origin.price_protect}
