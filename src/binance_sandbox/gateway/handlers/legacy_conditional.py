"""Conditional orders on /fapi/v1/order as before 2025-12-09: the parameters Binance took then
(stopPrice, activationPrice, callbackRate, workingType, priceProtect, closePosition) and, with
`trading.legacy_conditional_orders` on, the order placed as an algo order and answered in the
order shape of the time (`orderId` = algoId, `status` NEW, `stopPrice`, `type` the conditional
type). order/test reads the same names and checks a conditional order as the Algo Service would.
"""

from typing import Any

from binance_sandbox.core.algo_orders import ALGO_ORDER_TYPES, AlgoOrder
from binance_sandbox.core.commands import PlaceAlgoOrder
from binance_sandbox.core.events import AlgoUpdated
from binance_sandbox.gateway import params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.handlers.algo_params import WORKING_TYPES, algo_command
from binance_sandbox.gateway.handlers.algo_views import callback_rate
from binance_sandbox.gateway.render import price, quantity
from binance_sandbox.sequencer.sequencer import Applied

LEGACY_PARAMS = (
    params.decimal("stopPrice"),
    params.boolean("closePosition"),
    params.decimal("activationPrice"),
    params.decimal("callbackRate"),
    params.enum("workingType", WORKING_TYPES),
    params.boolean("priceProtect"),
)
_RENAMED = {"stopPrice": "triggerPrice", "activationPrice": "activatePrice",
            "newClientOrderId": "clientAlgoId"}  # fmt: skip


def is_conditional(ctx: RequestContext) -> bool:
    return ctx.params.get("type") in ALGO_ORDER_TYPES


def algo_request(ctx: RequestContext) -> PlaceAlgoOrder:
    """The order's parameters under the Algo Order API's names."""
    renamed = {_RENAMED.get(name, name): value for name, value in ctx.params.items()}
    return algo_command(ctx, renamed)


def command(ctx: RequestContext) -> PlaceAlgoOrder | None:
    """The algo order a conditional /fapi/v1/order places when the switch is on, else None."""
    on = ctx.services.config.trading.legacy_conditional_orders
    return algo_request(ctx) if on and is_conditional(ctx) else None


def view(ctx: RequestContext, applied: Applied) -> dict[str, Any] | None:
    """The placed conditional order in the order shape of the time; None for other orders."""
    placed = next((e.algo for e in applied.events if isinstance(e, AlgoUpdated)), None)
    return None if placed is None else order_view(ctx, placed)


def order_view(ctx: RequestContext, order: AlgoOrder) -> dict[str, Any]:
    instrument = ctx.state.instruments[order.symbol]
    trailing = order.order_type == "TRAILING_STOP_MARKET"
    shown: dict[str, Any] = {
        "clientOrderId": order.client_algo_id,
        "cumQty": quantity(instrument, 0),
        "cumQuote": "0.00000",
        "executedQty": quantity(instrument, 0),
        "orderId": order.algo_id,
        "avgPrice": "0.00",
        "origQty": quantity(instrument, order.quantity),
        "price": price(instrument, order.price),
        "reduceOnly": order.reduce_only or order.close_position,
        "side": order.side,
        "positionSide": order.position_side,
        "status": "NEW",
        "stopPrice": price(instrument, order.trigger_price),
        "closePosition": order.close_position,
        "symbol": order.symbol,
        "timeInForce": order.time_in_force,
        "type": order.order_type,
        "origType": order.order_type,
        "updateTime": order.update_time,
        "workingType": order.working_type,
        "priceProtect": order.price_protect,
        "priceMatch": order.price_match,
        "selfTradePreventionMode": order.stp_mode,
        "goodTillDate": order.good_till_date,
    }
    if trailing:
        shown |= {"activatePrice": price(instrument, order.activate_price),
                  "priceRate": callback_rate(order)}  # fmt: skip
    return shown
