"""The Algo Order endpoints (conditional orders since 2025-12-09): new, cancel, query, open,
all, cancel all. Handlers parse, submit, await, render; reads look at the core state (ended
orders are kept there for Binance's 90 days). Each API (/fapi, /dapi) sees and cancels only
its own product's algo orders."""

from typing import Any

from binance_sandbox.core import algo_placing, open_algos
from binance_sandbox.core.algo_orders import AlgoOrder
from binance_sandbox.core.commands import CancelAlgoOrder, CancelAllAlgoOrders
from binance_sandbox.core.events import AlgoUpdated
from binance_sandbox.core.rejects import UNKNOWN_ORDER
from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed, with_or_without_symbol
from binance_sandbox.gateway.handlers.algo_params import ALGO_PARAMS, algo_command
from binance_sandbox.gateway.handlers.algo_views import algo_view
from binance_sandbox.gateway.handlers.orders import ORDER_RETENTION_MS as RETENTION_MS
from binance_sandbox.gateway.handlers.orders import _history_window as history_window
from binance_sandbox.gateway.handlers.orders import submit

UNFILLED_RETENTION_MS = 3 * 24 * 3_600_000
ALGO_REF = (params.integer("algoId", minimum=1), params.string("clientAlgoId"))


async def new_algo_order(ctx: RequestContext) -> dict[str, Any]:
    applied = await submit(ctx, algo_command(ctx))
    placed = next(e.algo for e in applied.events if isinstance(e, AlgoUpdated))
    return algo_view(ctx.instrument(), placed, placed=True)


async def cancel_algo_order(ctx: RequestContext) -> dict[str, Any]:
    algo_id, client_id = _reference(ctx)
    account = ctx.account().account_id
    named = algo_placing.find_open(ctx.state, account, algo_id or 0, client_id or "")
    if named is not None and named.symbol not in ctx.instruments:  # the other product's
        raise errors.from_rejection(UNKNOWN_ORDER.code, UNKNOWN_ORDER.msg)
    command = CancelAlgoOrder(
        account_id=account, algo_id=algo_id or 0, client_algo_id=client_id or ""
    )
    applied = await submit(ctx, command)
    canceled = next(e.algo for e in applied.events if isinstance(e, AlgoUpdated))
    return {"algoId": canceled.algo_id, "clientAlgoId": canceled.client_algo_id,
            "code": "200", "msg": "success"}  # fmt: skip


async def query_algo_order(ctx: RequestContext) -> dict[str, Any]:
    found = _named(_records(ctx), *_reference(ctx))
    if not found:
        raise errors.no_such_order()
    order = found[-1]
    return algo_view(ctx.state.instruments[order.symbol], order)


async def open_algo_orders(ctx: RequestContext) -> list[dict[str, Any]]:
    wanted = ctx.optional_instrument()
    symbols = {wanted.symbol} if wanted else ctx.instruments.keys()
    algo_id = ctx.params.get("algoId")
    return [
        algo_view(ctx.state.instruments[o.symbol], o)
        for o in open_algos.of_account(ctx.state, ctx.account().account_id)
        if o.symbol in symbols and algo_id in (None, o.algo_id)
    ]


async def all_algo_orders(ctx: RequestContext) -> list[dict[str, Any]]:
    """As allOrders: at most 7 days, the last 7 by default; with algoId, orders from that id
    on (a page of `limit` at a time); 3 months kept."""
    first = ctx.params.get("algoId", 0)
    start, end, limit = history_window(ctx, RETENTION_MS, unbounded=bool(first))
    symbol = ctx.instrument().symbol
    found = [
        o for o in _records(ctx)
        if o.symbol == symbol and o.algo_id >= first and start <= o.time <= end
    ]  # fmt: skip
    page = ctx.params.get("page", 1)
    chosen = found[(page - 1) * limit : page * limit] if first else found[-limit:]
    return [algo_view(ctx.instrument(), o) for o in chosen]


async def cancel_all_algo_orders(ctx: RequestContext) -> dict[str, Any]:
    command = CancelAllAlgoOrders(
        account_id=ctx.account().account_id, symbol=ctx.instrument().symbol
    )
    await submit(ctx, command)
    return {"code": 200, "msg": "The operation of cancel all open order is done."}


def _records(ctx: RequestContext) -> list[AlgoOrder]:
    """The account's algo orders of the request's product a query finds: not those CANCELED or
    EXPIRED without a fill more than 3 days after creation, nor any older than 90 days
    (Binance's Query pages)."""
    account, now, listed = ctx.account().account_id, ctx.now_ms(), ctx.instruments
    return [
        o for o in ctx.state.algo_orders.values()
        if o.account_id == account and o.symbol in listed and o.time + RETENTION_MS >= now
        and not (o.status in ("CANCELED", "EXPIRED") and not o.executed_qty
                 and o.time + UNFILLED_RETENTION_MS < now)
    ]  # fmt: skip


def _named(records: list[AlgoOrder], algo_id: int | None, client_id: str | None) -> list[AlgoOrder]:
    if algo_id is not None:
        return [o for o in records if o.algo_id == algo_id]
    return [o for o in records if o.client_algo_id == client_id]


def _reference(ctx: RequestContext) -> tuple[int | None, str | None]:
    algo_id, client_id = ctx.params.get("algoId"), ctx.params.get("clientAlgoId")
    if algo_id is None and client_id is None:
        raise errors.either_of("algoId", "clientAlgoId")
    return algo_id, client_id


ENDPOINTS = [
    Endpoint("POST", "/fapi/v1/algoOrder", Security.TRADE, fixed(0), new_algo_order, ALGO_PARAMS,
             summary="New Algo Order", orders=(1, 1)),
    Endpoint("DELETE", "/fapi/v1/algoOrder", Security.TRADE, fixed(1), cancel_algo_order,
             ALGO_REF, summary="Cancel Algo Order"),
    Endpoint("GET", "/fapi/v1/algoOrder", Security.USER_DATA, fixed(1), query_algo_order,
             ALGO_REF, summary="Query Algo Order"),
    Endpoint("GET", "/fapi/v1/openAlgoOrders", Security.USER_DATA, with_or_without_symbol(1, 40),
             open_algo_orders,
             (params.enum("algoType", ("CONDITIONAL",)), params.symbol(),
              params.integer("algoId", minimum=1)),
             summary="Current All Algo Open Orders"),
    Endpoint("GET", "/fapi/v1/allAlgoOrders", Security.USER_DATA, fixed(5), all_algo_orders,
             (params.symbol(required=True), params.integer("algoId", minimum=1),
              params.integer("startTime", minimum=0), params.integer("endTime", minimum=0),
              params.integer("page", minimum=1),
              params.integer("limit", minimum=1, maximum=1000, default=500)),
             summary="Query All Algo Orders"),
    Endpoint("DELETE", "/fapi/v1/algoOpenOrders", Security.TRADE, fixed(1),
             cancel_all_algo_orders, (params.symbol(required=True),),
             summary="Cancel All Algo Open Orders"),
]  # fmt: skip
