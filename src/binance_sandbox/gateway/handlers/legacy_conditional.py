"""Conditional orders on the order endpoint, as /fapi/v1/order took them before 2025-12-09 and
/dapi/v1/order before the CM migration: the parameters of the time (stopPrice,
activationPrice, callbackRate, workingType, priceProtect, closePosition) and, with
`trading.legacy_conditional_orders` on (`applies`; off, both answer -4120 as Binance does now),
the order placed as an algo order marked `as_order` and answered in the order shape
(`conditional_as_order`), and found again by GET / DELETE order, GET openOrders and GET
allOrders (algo ids come from the order id sequence, so an id names one or the other). Once
triggered, such an order is the order it became, under the same id (`core.algo_triggers`), and
its user-data events are ORDER_TRADE_UPDATEs throughout, as Binance showed them then.
order/test reads the same names and checks a conditional order as the Algo Service would.
"""

from collections.abc import Collection
from typing import Any

import msgspec

from binance_sandbox.core import open_algos
from binance_sandbox.core.algo_orders import ALGO_ORDER_TYPES, AlgoOrder
from binance_sandbox.core.commands import CancelAlgoOrder, PlaceAlgoOrder
from binance_sandbox.core.events import AlgoUpdated
from binance_sandbox.gateway import params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.handlers import order_views
from binance_sandbox.gateway.handlers.algo_params import WORKING_TYPES, algo_command
from binance_sandbox.gateway.handlers.conditional_as_order import as_order
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


def applies(ctx: RequestContext) -> bool:
    """Whether the order endpoints take and show conditional orders (the pre-migration switch;
    both products migrated them to the Algo Service: /fapi on 2025-12-09, /dapi with the CM
    migration, whose Postman collection of 2026-07-22 answers them -4120)."""
    return ctx.services.config.trading.legacy_conditional_orders


def is_conditional(ctx: RequestContext) -> bool:
    return ctx.params.get("type") in ALGO_ORDER_TYPES


def algo_request(ctx: RequestContext) -> PlaceAlgoOrder:
    """The order's parameters under the Algo Order API's names."""
    renamed = {_RENAMED.get(name, name): value for name, value in ctx.params.items()}
    return msgspec.structs.replace(algo_command(ctx, renamed), as_order=True)


def command(ctx: RequestContext) -> PlaceAlgoOrder | None:
    """The algo order a conditional new order places where they apply, else None."""
    return algo_request(ctx) if applies(ctx) and is_conditional(ctx) else None


def found(ctx: RequestContext, order_id: int | None, client_id: str | None) -> AlgoOrder | None:
    """Where they apply, the account's algo order on the symbol that an order reference
    (orderId = algoId, or origClientOrderId = clientAlgoId) names; None otherwise."""
    if not applies(ctx):
        return None
    account, symbol = ctx.account().account_id, ctx.instrument().symbol
    return next(
        (o for o in reversed(ctx.state.algo_orders.values())
         if o.account_id == account and o.symbol == symbol
         and (o.algo_id == order_id if order_id is not None else o.client_algo_id == client_id)),
        None,
    )  # fmt: skip


def open_views(ctx: RequestContext, symbols: Collection[str]) -> list[dict[str, Any]]:
    """Where they apply, the untriggered algo orders on these symbols as open orders."""
    if not applies(ctx):
        return []
    mine = open_algos.of_account(ctx.state, ctx.account().account_id)
    return [order_view(ctx, o, with_cum_qty=False) for o in mine if o.symbol in symbols]


def history_views(
    ctx: RequestContext, symbols: Collection[str], first_id: int, start: int, end: int
) -> list[tuple[int, dict[str, Any]]]:
    """Where they apply, allOrders' rows of the conditional orders (the kept algo records on
    these symbols with id >= first_id placed in [start, end]; not one that triggered into an
    order under its own id, which that order's row shows), each with its id for the merge by
    id."""
    if not applies(ctx):
        return []
    account = ctx.account().account_id
    return [
        (o.algo_id, order_view(ctx, o, with_cum_qty=False))
        for o in ctx.state.algo_orders.values()
        if o.account_id == account and o.symbol in symbols and o.actual_order_id != o.algo_id
        and o.algo_id >= first_id and start <= o.time <= end
    ]  # fmt: skip


def cancel_command(order: AlgoOrder) -> CancelAlgoOrder:
    return CancelAlgoOrder(account_id=order.account_id, algo_id=order.algo_id)


def view(ctx: RequestContext, applied: Applied) -> dict[str, Any] | None:
    """The conditional order a command placed or cancelled (its first event), in the order
    shape; None for a command on an order, whose events may end other conditional orders
    (the one it became, or any its trade fired)."""
    first = applied.events[0] if applied.events else None
    if not isinstance(first, AlgoUpdated):
        return None
    return order_view(ctx, first.algo, with_cum_qty=True)


def order_view(ctx: RequestContext, order: AlgoOrder, *, with_cum_qty: bool) -> dict[str, Any]:
    """As `order_views.order_view` shows an order, with the conditional type as `type`."""
    instrument = ctx.state.instruments[order.symbol]
    shown = order_views.order_view(instrument, as_order(order), with_cum_qty=with_cum_qty)
    return shown | {"type": order.order_type}
