"""Conditional orders in Binance's JSON shapes (New / Query Algo Order, ALGO_UPDATE's `o`).

`actualPrice` is the average fill price of the order it became, at the exact quote scale like
an order's avgPrice; `activatePrice` and `callbackRate` are "" except for trailing stops.
"""

from typing import Any

from binance_sandbox.core.algo_orders import AlgoOrder
from binance_sandbox.core.fixed import format_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.rounding import div_half_up
from binance_sandbox.core.trigger_origin import TriggerOrigin
from binance_sandbox.gateway.render import price, quantity, quote


def algo_view(instrument: Instrument, order: AlgoOrder, *, placed: bool = False) -> dict[str, Any]:
    """The new order's answer (`placed`) or a query's row, which adds the fill of the order it
    became and the (unused) TP/SL fields of Binance's row."""
    trailing = order.order_type == "TRAILING_STOP_MARKET"
    view: dict[str, Any] = {
        "algoId": order.algo_id,
        "clientAlgoId": order.client_algo_id,
        "algoType": "CONDITIONAL",
        "orderType": order.order_type,
        "symbol": order.symbol,
        "side": order.side,
        "positionSide": order.position_side,
        "timeInForce": order.time_in_force,
        "quantity": quantity(instrument, order.quantity),
        "algoStatus": order.status,
    }
    if not placed:
        view |= _fill(instrument, order)
    view |= {
        "triggerPrice": price(instrument, order.trigger_price),
        "price": price(instrument, order.price),
        "icebergQuantity": None,
    }
    if not placed:
        zero = price(instrument, 0)
        view |= {"tpTriggerPrice": zero, "tpPrice": zero, "slTriggerPrice": zero,
                 "slPrice": zero, "tpOrderType": ""}  # fmt: skip
    return view | {
        "selfTradePreventionMode": order.stp_mode,
        "workingType": order.working_type,
        "priceMatch": order.price_match,
        "closePosition": order.close_position,
        "priceProtect": order.price_protect,
        "reduceOnly": order.reduce_only,
        "activatePrice": price(instrument, order.activate_price) if trailing else "",
        "callbackRate": callback_rate(order) if trailing else "",
        "createTime": order.time,
        "updateTime": order.update_time,
        "triggerTime": order.trigger_time,
        "goodTillDate": order.good_till_date,
    }


def _fill(instrument: Instrument, order: AlgoOrder) -> dict[str, Any]:
    """The order it became: id and average price ("" and 0 before); its type once triggered
    and its quantity once filled (the SDK's model has both)."""
    fill: dict[str, Any] = {
        "actualOrderId": str(order.actual_order_id) if order.actual_order_id else "",
        "actualPrice": actual_price(instrument, order),
    }
    if order.actual_type:
        fill["actualType"] = order.actual_type
    if order.executed_qty:
        fill["actualQty"] = quantity(instrument, order.executed_qty)
    return fill


def actual_price(instrument: Instrument, order: AlgoOrder) -> str:
    if not order.executed_qty:
        return quote(instrument, 0)
    scale = 10**instrument.qty_decimals
    return quote(instrument, div_half_up(order.cum_quote * scale, order.executed_qty))


def callback_rate(order: AlgoOrder | TriggerOrigin) -> str:
    """Tenths of a percent as Binance's percent: 10 -> '1.0'."""
    return format_scaled(order.callback_rate, 1)


def algo_update_payload(instrument: Instrument, order: AlgoOrder) -> dict[str, Any]:
    """ALGO_UPDATE's `o` (API-SURFACE.md (f)); the user-data stream wraps it with e, T, E."""
    triggered = bool(order.actual_order_id)
    return {
        "caid": order.client_algo_id,
        "aid": order.algo_id,
        "at": "CONDITIONAL",
        "o": order.order_type,
        "s": order.symbol,
        "S": order.side,
        "ps": order.position_side,
        "f": order.time_in_force,
        "q": quantity(instrument, order.quantity),
        "X": order.status,
        "ai": str(order.actual_order_id) if triggered else "",
        "ap": actual_price(instrument, order),
        "aq": quantity(instrument, order.executed_qty),
        "act": order.actual_type if triggered else "0",
        "tp": price(instrument, order.trigger_price),
        "p": price(instrument, order.price),
        "V": order.stp_mode,
        "wt": order.working_type,
        "pm": order.price_match,
        "cp": order.close_position,
        "pP": order.price_protect,
        "R": order.reduce_only,
        "tt": order.trigger_time,
        "gtd": order.good_till_date,
        "rm": order.reason,
        "ia": order.activated,
    }
