"""Conditional orders on /fapi/v1/order as before 2025-12-09: the parameters Binance took then
(stopPrice, activationPrice, callbackRate, workingType, priceProtect, closePosition) and, with
`trading.legacy_conditional_orders` on, the order placed as an algo order and answered in the
order shape of the time (`orderId` = algoId, `stopPrice`, `type` the conditional type), and
found again by GET / DELETE /fapi/v1/order, GET openOrders and GET allOrders (algo ids come
from the order id sequence, so an id names one or the other; allOrders lists a triggered one
and the order it became, which shows the conditional order in its origType). order/test reads
the same names and checks a conditional order as the Algo Service would.
"""

from typing import Any

from binance_sandbox.core import open_algos
from binance_sandbox.core.algo_orders import ALGO_ORDER_TYPES, AlgoOrder
from binance_sandbox.core.commands import CancelAlgoOrder, PlaceAlgoOrder
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


# A conditional order of the time kept its orderId from placement to fill: NEW until it
# triggered, then the status of the order it became (FILLED when it filled whole).
_STATUS = {"NEW": "NEW", "TRIGGERING": "NEW", "TRIGGERED": "NEW", "FINISHED": "EXPIRED",
           "CANCELED": "CANCELED", "EXPIRED": "EXPIRED", "REJECTED": "EXPIRED"}  # fmt: skip


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


def found(ctx: RequestContext, order_id: int | None, client_id: str | None) -> AlgoOrder | None:
    """With the switch on, the account's algo order on the symbol that an order reference
    (orderId = algoId, or origClientOrderId = clientAlgoId) names; None otherwise."""
    if not ctx.services.config.trading.legacy_conditional_orders:
        return None
    account, symbol = ctx.account().account_id, ctx.instrument().symbol
    return next(
        (o for o in reversed(ctx.state.algo_orders.values())
         if o.account_id == account and o.symbol == symbol
         and (o.algo_id == order_id if order_id is not None else o.client_algo_id == client_id)),
        None,
    )  # fmt: skip


def open_views(ctx: RequestContext, symbol: str | None) -> list[dict[str, Any]]:
    """With the switch on, the untriggered algo orders as open orders of the time."""
    if not ctx.services.config.trading.legacy_conditional_orders:
        return []
    mine = open_algos.of_account(ctx.state, ctx.account().account_id)
    return [order_view(ctx, o) for o in mine if symbol is None or o.symbol == symbol]


def history_views(
    ctx: RequestContext, first_id: int, start: int, end: int
) -> list[tuple[int, dict[str, Any]]]:
    """With the switch on, allOrders' rows of the conditional orders (the kept algo records
    with id >= first_id placed in [start, end]), each with its id for the merge by id."""
    if not ctx.services.config.trading.legacy_conditional_orders:
        return []
    account, symbol = ctx.account().account_id, ctx.instrument().symbol
    return [
        (o.algo_id, order_view(ctx, o))
        for o in ctx.state.algo_orders.values()
        if o.account_id == account and o.symbol == symbol
        and o.algo_id >= first_id and start <= o.time <= end
    ]  # fmt: skip


def cancel_command(order: AlgoOrder) -> CancelAlgoOrder:
    return CancelAlgoOrder(account_id=order.account_id, algo_id=order.algo_id)


def view(ctx: RequestContext, applied: Applied) -> dict[str, Any] | None:
    """The placed conditional order in the order shape of the time; None for other orders."""
    placed = next((e.algo for e in reversed(applied.events) if isinstance(e, AlgoUpdated)), None)
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
        "status": "FILLED" if order.executed_qty == order.quantity > 0 else _STATUS[order.status],
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
    if instrument.inverse:  # COIN-M's unfilled order: cumBase, as its Query Order example
        del shown["cumQuote"]
        shown |= {"cumBase": "0", "avgPrice": "0.0"}
    return shown
