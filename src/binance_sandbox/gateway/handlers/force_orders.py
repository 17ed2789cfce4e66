"""User's Force Orders (GET /fapi/v1/forceOrders): the account's liquidation orders
(`autoclose-…`, autoCloseType LIQUIDATION) and ADL orders (`adl_autoclose`, ADL) from the order
history, both without autoCloseType. Binance's window: without startTime, the 7 days before
endTime (now by default); `limit` 50 by default, at most 100; the newest `limit`, oldest first.
"""

from typing import Any

from binance_sandbox.core.forced_orders import ADL_CLIENT_ORDER_ID, LIQUIDATION_PREFIX
from binance_sandbox.core.orders import Order
from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, with_or_without_symbol
from binance_sandbox.gateway.handlers.order_views import order_view

WEEK_MS = 7 * 24 * 3_600_000
AUTO_CLOSE_TYPES = ("LIQUIDATION", "ADL")


def auto_close_type(order: Order) -> str | None:
    if order.client_order_id.startswith(LIQUIDATION_PREFIX):
        return "LIQUIDATION"
    return "ADL" if order.client_order_id == ADL_CLIENT_ORDER_ID else None


async def force_orders(ctx: RequestContext) -> list[dict[str, Any]]:
    account = ctx.account()
    end = ctx.params.get("endTime", ctx.now_ms())
    start = ctx.params.get("startTime", max(0, end - WEEK_MS))
    if start > end:
        raise errors.start_after_end()
    wanted = ctx.params.get("autoCloseType")
    chosen = ctx.optional_instrument()
    symbols = [chosen.symbol] if chosen else sorted(ctx.instruments)
    found = [
        order
        for symbol in symbols
        for order in ctx.services.history.orders(account.account_id, symbol, 0, start, end)
        if auto_close_type(order) is not None
        and (wanted is None or auto_close_type(order) == wanted)
    ]
    found.sort(key=lambda o: (o.time, o.order_id))
    limit: int = ctx.params.get("limit", 50)
    instruments = ctx.state.instruments
    return [order_view(instruments[o.symbol], o, with_cum_qty=False) for o in found[-limit:]]


ENDPOINTS = [
    Endpoint("GET", "/fapi/v1/forceOrders", Security.USER_DATA, with_or_without_symbol(20, 50),
             force_orders,
             (params.symbol(), params.enum("autoCloseType", AUTO_CLOSE_TYPES),
              params.integer("startTime", minimum=0), params.integer("endTime", minimum=0),
              params.integer("limit", minimum=1, maximum=100, default=50)),
             summary="User's Force Orders"),
]  # fmt: skip
