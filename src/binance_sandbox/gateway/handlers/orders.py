"""The order endpoints: place, test, query, cancel, open orders, all orders, user trades,
positions and commission rates.

Handlers parse, submit through the sequencer, await, render. A refusal by the engine is its
Binance code with HTTP 400. `newOrderRespType` ACK answers the order as accepted (NEW); RESULT
answers it as the engine left it (FILLED, EXPIRED, …).
"""

from typing import Any

from binance_sandbox.core import algo_placing, order_checks, trading
from binance_sandbox.core.commands import (
    CancelAllAlgoOrders,
    CancelAllOrders,
    CancelOrder,
    Command,
    SetCountdown,
    SetPositionMode,
)
from binance_sandbox.core.events import Event, OrderUpdated, Rejected
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.open_orders import of_account
from binance_sandbox.core.orders import Order
from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import (
    Endpoint,
    Security,
    fixed,
    with_or_without_symbol,
)
from binance_sandbox.gateway.handlers import legacy_conditional
from binance_sandbox.gateway.handlers.market_common import symbol_or_pair
from binance_sandbox.gateway.handlers.order_params import (
    AMEND_PARAMS,
    NEW_ORDER_PARAMS,
    amend_command,
    place_command,
)
from binance_sandbox.gateway.handlers.order_views import (
    amendment_view,
    order_view,
    trade_view,
)
from binance_sandbox.gateway.render import plain
from binance_sandbox.projections.history import TradeRecord
from binance_sandbox.sequencer.sequencer import Applied

WEEK_MS = 7 * 24 * 3_600_000
ORDER_RETENTION_MS = 90 * 24 * 3_600_000  # allOrders: 3 months
TRADE_RETENTION_MS = 183 * 24 * 3_600_000  # userTrades: 6 months
ORDER_REF = (
    params.symbol(required=True),
    params.integer("orderId", minimum=1),
    params.string("origClientOrderId"),
)
AMENDMENT_WINDOW = (
    params.integer("startTime", minimum=0),
    params.integer("endTime", minimum=0),
    params.integer("limit", minimum=1, maximum=100, default=50),
)
HISTORY = (
    params.symbol(required=True),
    params.integer("startTime", minimum=0),
    params.integer("endTime", minimum=0),
    params.integer("limit", minimum=1, maximum=1000, default=500),
)


async def new_order(ctx: RequestContext) -> dict[str, Any]:
    applied = await submit(ctx, legacy_conditional.command(ctx) or place_command(ctx))
    return legacy_conditional.view(ctx, applied) or placed_view(ctx, applied)


def placed_view(ctx: RequestContext, applied: Applied) -> dict[str, Any]:
    """The new order as ACK (accepted, NEW) or RESULT (as the engine left it) asks."""
    raise_rejection(applied.events)
    updates = [e for e in applied.events if isinstance(e, OrderUpdated)]
    placed = updates[0].order
    if ctx.params.get("newOrderRespType", "ACK") == "RESULT":
        placed = [u.order for u in updates if u.order.order_id == placed.order_id][-1]
    return order_view(ctx.instrument(), placed, with_cum_qty=True)


async def amend_order(ctx: RequestContext) -> dict[str, Any]:
    return amended_view(ctx, await submit(ctx, amend_command(ctx)))


def amended_view(ctx: RequestContext, applied: Applied) -> dict[str, Any]:
    """The order after the amendment (or the cancellation it turned into)."""
    raise_rejection(applied.events)
    updates = [e.order for e in applied.events if isinstance(e, OrderUpdated)]
    amended = [o for o in updates if o.order_id == updates[0].order_id][-1]
    return order_view(ctx.instrument(), amended, with_cum_qty=True)


async def order_amendments(ctx: RequestContext) -> list[dict[str, Any]]:
    start, end, _ = _window(ctx)
    limit = ctx.params.get("limit", 50)
    order_id = ctx.params.get("orderId")
    if order_id is None and "origClientOrderId" in ctx.params:
        found = ctx.services.history.order(
            ctx.account().account_id, ctx.instrument().symbol, None, ctx.params["origClientOrderId"]
        )
        order_id = found.order_id if found else -1
    records = ctx.services.history.amendments(
        ctx.account().account_id, ctx.instrument().symbol, order_id, start, end
    )
    # newest first, as Binance's example lists them
    return [amendment_view(ctx.instrument(), record) for record in reversed(records[-limit:])]


async def test_order(ctx: RequestContext) -> dict[str, Any]:
    """Validates like a new order, against the current state, without sending it; a
    conditional type as the Algo Service would take it (its parameters by their old names)."""
    if legacy_conditional.is_conditional(ctx):
        refused = algo_placing.refusal(
            ctx.state, ctx.now_ms(), legacy_conditional.algo_request(ctx)
        )
        verdict: int | Rejected | None = refused
    else:
        command = place_command(ctx)
        verdict = order_checks.check(ctx.state, ctx.account(), ctx.instrument(), command,
                                     ctx.now_ms())  # fmt: skip
    if isinstance(verdict, Rejected):
        raise errors.from_rejection(verdict.code, verdict.msg)
    return {}


async def cancel_order(ctx: RequestContext) -> dict[str, Any]:
    return canceled_view(ctx, await submit(ctx, cancel_command(ctx, *_reference(ctx))))


def cancel_command(ctx: RequestContext, order_id: int | None, client_id: str | None) -> Command:
    """The cancel of the open order a reference names or, where the order endpoints take
    conditional orders, of the untriggered one it names."""
    account, symbol = ctx.account().account_id, ctx.instrument().symbol
    if trading.find_open(ctx.state, account, symbol, order_id or 0, client_id or "") is None:
        legacy = legacy_conditional.found(ctx, order_id, client_id)
        if legacy is not None and legacy.status == "NEW":
            return legacy_conditional.cancel_command(legacy)
    return CancelOrder(
        account_id=account, symbol=symbol, order_id=order_id or 0, client_order_id=client_id or ""
    )


def canceled_view(ctx: RequestContext, applied: Applied) -> dict[str, Any]:
    raise_rejection(applied.events)
    legacy = legacy_conditional.view(ctx, applied)
    if legacy is not None:
        return legacy
    canceled = next(e.order for e in applied.events if isinstance(e, OrderUpdated))
    return order_view(ctx.instrument(), canceled, with_cum_qty=True)


async def query_order(ctx: RequestContext) -> dict[str, Any]:
    order = _open_order(ctx)
    if order is None:
        order_id, client_id = _reference(ctx)
        account, symbol = ctx.account().account_id, ctx.instrument().symbol
        order = ctx.services.history.order(account, symbol, order_id, client_id)
    if order is None:
        legacy = legacy_conditional.found(ctx, *_reference(ctx))
        if legacy is not None:
            return legacy_conditional.order_view(ctx, legacy, with_cum_qty=False)
        raise errors.no_such_order()
    return order_view(ctx.instrument(), order, with_cum_qty=False)


async def query_open_order(ctx: RequestContext) -> dict[str, Any]:
    order = _open_order(ctx)
    if order is None:
        legacy = legacy_conditional.found(ctx, *_reference(ctx))
        if legacy is not None and legacy.status == "NEW":
            return legacy_conditional.order_view(ctx, legacy, with_cum_qty=False)
        raise errors.no_such_order()
    return order_view(ctx.instrument(), order, with_cum_qty=False)


async def open_orders(ctx: RequestContext) -> list[dict[str, Any]]:
    account = ctx.account().account_id
    chosen = {i.symbol: i for i in symbol_or_pair(ctx)}  # COIN-M: a pair's contracts too
    return [
        order_view(chosen[o.symbol], o, with_cum_qty=False)
        for o in of_account(ctx.state, account)
        if o.symbol in chosen
    ] + legacy_conditional.open_views(ctx, chosen)


async def all_orders(ctx: RequestContext) -> list[dict[str, Any]]:
    """Binance: at most 7 days between startTime and endTime, the last 7 days by default;
    with orderId, orders from that id on; orders of the last 3 months only."""
    first = ctx.params.get("orderId", 0)
    start, end, limit = _history_window(ctx, ORDER_RETENTION_MS, unbounded=bool(first))
    rows = order_rows(ctx, ctx.account().account_id, _asked(ctx), first, (start, end))
    return rows[:limit] if first or "startTime" in ctx.params else rows[-limit:]


def order_rows(
    ctx: RequestContext,
    account_id: int,
    instruments: list[Instrument],
    first: int,
    window: tuple[int, int],
) -> list[dict[str, Any]]:
    """allOrders' rows: the account's orders of `instruments` from id `first` on, created in
    the window, by id."""
    start, end = window
    rows = [
        (o.order_id, order_view(instrument, o, with_cum_qty=False))
        for instrument in instruments
        for o in ctx.services.history.orders(account_id, instrument.symbol, first, start, end)
    ]
    symbols = [instrument.symbol for instrument in instruments]
    rows += legacy_conditional.history_views(ctx, symbols, first, start, end)
    rows.sort(key=lambda row: row[0])
    return [view for _, view in rows]


async def user_trades(ctx: RequestContext) -> list[dict[str, Any]]:
    """Binance: at most 7 days between startTime and endTime, the last 7 days by default;
    fromId not with a time range (-1128); trades of the last 6 months only."""
    first = ctx.params.get("fromId", 0)
    if "fromId" in ctx.params and ("startTime" in ctx.params or "endTime" in ctx.params):
        raise errors.BinanceError(-1128, "Combination of optional parameters invalid.")
    start, end, limit = _history_window(ctx, TRADE_RETENTION_MS, unbounded="fromId" in ctx.params)
    found = trade_records(ctx, ctx.account().account_id, _asked(ctx), first, (start, end))
    if "orderId" in ctx.params:
        found = [row for row in found if row[1].order_id == ctx.params["orderId"]]
    chosen = found[:limit] if first or "startTime" in ctx.params else found[-limit:]
    return [trade_view(instrument, t) for instrument, t in chosen]


def trade_records(
    ctx: RequestContext,
    account_id: int,
    instruments: list[Instrument],
    first: int,
    window: tuple[int, int],
) -> list[tuple[Instrument, TradeRecord]]:
    """The account's trades of `instruments` from id `first` on, in the window; in time when
    they are several instruments'."""
    start, end = window
    found = [
        (instrument, t)
        for instrument in instruments
        for t in ctx.services.history.trades(account_id, instrument.symbol, first, start, end)
    ]
    if len(instruments) > 1:
        found.sort(key=lambda row: (row[1].time, row[1].trade.trade_id))
    return found


def _asked(ctx: RequestContext) -> list[Instrument]:
    """The `symbol` asked for; on COIN-M instead every contract of a `pair` (not with fromId
    or orderId, which need a symbol: -1128)."""
    if "pair" not in ctx.params:
        if "symbol" not in ctx.params:
            raise errors.either_of("symbol", "pair")
        return [ctx.instrument()]
    if "fromId" in ctx.params or "orderId" in ctx.params:
        raise errors.BinanceError(-1128, "Combination of optional parameters invalid.")
    return symbol_or_pair(ctx)


async def commission_rate(ctx: RequestContext) -> dict[str, Any]:
    account = ctx.account()
    return {
        "symbol": ctx.instrument().symbol,
        "makerCommissionRate": plain(account.maker_rate),
        "takerCommissionRate": plain(account.taker_rate),
        "rpiCommissionRate": "0",
    }


async def cancel_all_orders(ctx: RequestContext) -> dict[str, Any]:
    """The symbol's open orders; its conditional ones too where the order endpoints take them."""
    account, symbol = ctx.account().account_id, ctx.instrument().symbol
    commands: list[Command] = [CancelAllOrders(account_id=account, symbol=symbol)]
    if legacy_conditional.applies(ctx):
        commands.append(CancelAllAlgoOrders(account_id=account, symbol=symbol))
    for applied in await ctx.services.sequencer.submit_many([(None, c) for c in commands]):
        raise_rejection(applied.events)
    return {"code": 200, "msg": "The operation of cancel all open order is done."}


async def change_position_mode(ctx: RequestContext) -> dict[str, Any]:
    dual = ctx.params["dualSidePosition"]
    await submit(ctx, SetPositionMode(account_id=ctx.account().account_id, dual_side_position=dual))
    return {"code": 200, "msg": "success"}


async def position_mode(ctx: RequestContext) -> dict[str, Any]:
    return {"dualSidePosition": ctx.account().dual_side_position}


async def countdown_cancel_all(ctx: RequestContext) -> dict[str, Any]:
    symbol, countdown = ctx.instrument().symbol, ctx.params["countdownTime"]
    command = SetCountdown(
        account_id=ctx.account().account_id, symbol=symbol, countdown_ms=countdown
    )
    await submit(ctx, command)
    return {"symbol": symbol, "countdownTime": str(countdown)}


async def submit(ctx: RequestContext, command: Command) -> Applied:
    applied = await ctx.services.sequencer.submit(command)
    raise_rejection(applied.events)
    return applied


def raise_rejection(events: list[Event]) -> None:
    for event in events:
        if isinstance(event, Rejected):
            raise errors.from_rejection(event.code, event.msg)


def _reference(ctx: RequestContext) -> tuple[int | None, str | None]:
    order_id, client_id = ctx.params.get("orderId"), ctx.params.get("origClientOrderId")
    if order_id is None and client_id is None:
        raise errors.either_of("orderId", "origClientOrderId")
    return order_id, client_id


def _open_order(ctx: RequestContext) -> Order | None:
    order_id, client_id = _reference(ctx)
    account, symbol = ctx.account().account_id, ctx.instrument().symbol
    return trading.find_open(ctx.state, account, symbol, order_id or 0, client_id or "")


def _window(ctx: RequestContext) -> tuple[int, int, int]:
    start = ctx.params.get("startTime", 0)
    end = ctx.params.get("endTime", ctx.now_ms())
    if start > end:
        raise errors.start_after_end()
    return start, end, ctx.params.get("limit", 500)


def _history_window(
    ctx: RequestContext, retention_ms: int, *, unbounded: bool
) -> tuple[int, int, int]:
    """[start, end] of a history query: both given (at most 7 days apart, else -1127), one
    given (7 days from or to it), none (the last 7 days, or everything kept when the query
    starts from an id); never older than the retention."""
    now = ctx.now_ms()
    start, end = ctx.params.get("startTime"), ctx.params.get("endTime")
    if start is not None and end is not None:
        if start > end:
            raise errors.start_after_end()
        if end - start > WEEK_MS:
            raise errors.lookup_interval_too_big(7 * 24)
    elif start is not None:
        end = min(start + WEEK_MS, params.LONG_MAX)  # SQLite holds no larger integer
    elif end is not None:
        start = max(end - WEEK_MS, params.LONG_MIN)
    else:
        start, end = (0 if unbounded else now - WEEK_MS), now
    return max(start, now - retention_ms), end, ctx.params.get("limit", 500)


_SYMBOL_ONLY = (params.symbol(),)

ENDPOINTS = [
    Endpoint("POST", "/fapi/v1/order", Security.TRADE, fixed(0), new_order,
             (*NEW_ORDER_PARAMS, *legacy_conditional.LEGACY_PARAMS), summary="New Order",
             orders=(1, 1)),
    Endpoint("POST", "/fapi/v1/order/test", Security.TRADE, fixed(0), test_order,
             (*NEW_ORDER_PARAMS, *legacy_conditional.LEGACY_PARAMS), summary="Test Order"),
    Endpoint("PUT", "/fapi/v1/order", Security.TRADE, fixed(0), amend_order, AMEND_PARAMS,
             summary="Modify Order", orders=(1, 1)),
    Endpoint("GET", "/fapi/v1/orderAmendment", Security.USER_DATA, fixed(1), order_amendments,
             (*ORDER_REF, *AMENDMENT_WINDOW), summary="Get Order Modify History"),
    Endpoint("GET", "/fapi/v1/order", Security.USER_DATA, fixed(1), query_order, ORDER_REF,
             summary="Query Order"),
    Endpoint("DELETE", "/fapi/v1/order", Security.TRADE, fixed(1), cancel_order, ORDER_REF,
             summary="Cancel Order"),
    Endpoint("GET", "/fapi/v1/openOrder", Security.USER_DATA, fixed(1), query_open_order,
             ORDER_REF, summary="Query Current Open Order"),
    Endpoint("GET", "/fapi/v1/openOrders", Security.USER_DATA, with_or_without_symbol(1, 40),
             open_orders, _SYMBOL_ONLY, summary="Current All Open Orders"),
    Endpoint("GET", "/fapi/v1/allOrders", Security.USER_DATA, fixed(5), all_orders,
             (*HISTORY, params.integer("orderId", minimum=1)), summary="All Orders"),
    Endpoint("GET", "/fapi/v1/userTrades", Security.USER_DATA, fixed(5), user_trades,
             (*HISTORY, params.integer("orderId", minimum=1), params.integer("fromId", minimum=0)),
             summary="Account Trade List"),
    Endpoint("DELETE", "/fapi/v1/allOpenOrders", Security.TRADE, fixed(1), cancel_all_orders,
             (params.symbol(required=True),), summary="Cancel All Open Orders"),
    Endpoint("POST", "/fapi/v1/countdownCancelAll", Security.TRADE, fixed(10),
             countdown_cancel_all,
             (params.symbol(required=True), params.integer("countdownTime", required=True,
                                                           minimum=0)),
             summary="Auto-Cancel All Open Orders"),
    Endpoint("POST", "/fapi/v1/positionSide/dual", Security.TRADE, fixed(1),
             change_position_mode, (params.boolean("dualSidePosition", required=True),),
             summary="Change Position Mode"),
    Endpoint("GET", "/fapi/v1/positionSide/dual", Security.USER_DATA, fixed(30), position_mode,
             summary="Get Current Position Mode"),
    Endpoint("GET", "/fapi/v1/commissionRate", Security.USER_DATA, fixed(20), commission_rate,
             (params.symbol(required=True),), summary="User Commission Rate"),
]  # fmt: skip
