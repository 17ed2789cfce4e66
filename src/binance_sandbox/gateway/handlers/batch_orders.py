"""Batch place and cancel: up to 5 new orders or 10 cancellations in one request, with one
result per item in the same order — the order as a single request would answer it, or that
item's `{"code", "msg"}` — as Binance answers batches.

Items are validated one by one exactly like single requests (JSON booleans and numbers are read
as their text; the official SDK sends `"reduceOnly":"FALSE"`), then the valid ones are
submitted together in item order, so they are sequenced back to back.
"""

import dataclasses
from collections.abc import Callable
from typing import Any

from binance_sandbox.core.commands import Command
from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.handlers import legacy_conditional
from binance_sandbox.gateway.handlers.order_params import (
    NEW_ORDER_PARAMS,
    amend_command,
    amend_params,
    place_command,
)
from binance_sandbox.gateway.handlers.orders import (
    amended_view,
    cancel_command,
    canceled_view,
    placed_view,
)
from binance_sandbox.gateway.params import Param
from binance_sandbox.gateway.validation import validate_params
from binance_sandbox.sequencer.sequencer import Applied

Result = dict[str, Any]
Render = Callable[[RequestContext, Applied], Result]


async def place_batch(ctx: RequestContext) -> list[Result]:
    declared = (*NEW_ORDER_PARAMS, *legacy_conditional.LEGACY_PARAMS)
    return await _run(ctx, _items(ctx, declared, _place), _placed)


def _place(ctx: RequestContext) -> Command:
    return legacy_conditional.command(ctx) or place_command(ctx)


def _placed(ctx: RequestContext, applied: Applied) -> Result:
    return legacy_conditional.view(ctx, applied) or placed_view(ctx, applied)


async def amend_batch(ctx: RequestContext) -> list[Result]:
    return await _run(ctx, _items(ctx, amend_params(ctx), amend_command), amended_view)


def _items(
    ctx: RequestContext, declared: tuple[Param, ...], build: Callable[[RequestContext], Command]
) -> list[tuple[RequestContext, Command] | Result]:
    """Each batch item validated and turned into its command like a single request, or its error."""
    items: list[tuple[RequestContext, Command] | Result] = []
    for item in ctx.params["batchOrders"]:
        try:
            values = {name: _as_text(value) for name, value in item.items()}
            item_ctx = dataclasses.replace(ctx, params=validate_params(declared, values))
            items.append((item_ctx, build(item_ctx)))
        except errors.BinanceError as exc:
            items.append(_error(exc))
    return items


async def cancel_batch(ctx: RequestContext) -> list[Result]:
    ids: list[int] = ctx.params.get("orderIdList") or []
    client_ids: list[str] = ctx.params.get("origClientOrderIdList") or []
    if not ids and not client_ids:
        raise errors.either_of("orderIdList", "origClientOrderIdList")
    references: list[tuple[int | None, str | None]] = [(i, None) for i in ids]
    references = references or [(None, c) for c in client_ids]
    items: list[tuple[RequestContext, Command] | Result] = [
        (ctx, cancel_command(ctx, order_id, client_id)) for order_id, client_id in references
    ]
    return await _run(ctx, items, canceled_view)


async def _run(
    ctx: RequestContext, items: list[tuple[RequestContext, Command] | Result], render: Render
) -> list[Result]:
    valid = [item for item in items if isinstance(item, tuple)]
    applied = iter(await ctx.services.sequencer.submit_many([(None, c) for _, c in valid]))
    results = []
    for item in items:
        if isinstance(item, dict):
            results.append(item)
            continue
        try:
            results.append(render(item[0], next(applied)))
        except errors.BinanceError as exc:
            results.append(_error(exc))
    return results


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _error(exc: errors.BinanceError) -> Result:
    return {"code": exc.code, "msg": exc.msg}


ENDPOINTS = [
    Endpoint("POST", "/fapi/v1/batchOrders", Security.TRADE, fixed(5), place_batch,
             (params.json_objects("batchOrders", 5, required=True),),
             summary="Place Multiple Orders", orders=(5, 1)),
    Endpoint("PUT", "/fapi/v1/batchOrders", Security.TRADE, fixed(5), amend_batch,
             (params.json_objects("batchOrders", 5, required=True),),
             summary="Modify Multiple Orders", orders=(5, 1)),
    Endpoint("DELETE", "/fapi/v1/batchOrders", Security.TRADE, fixed(1), cancel_batch,
             (params.symbol(required=True),
              # ccxt and python-binance send these names in lower case; Binance takes both
              params.long_list("orderIdList", 10, aliases=("orderidlist",)),
              params.string_list("origClientOrderIdList", 10,
                                 aliases=("origclientorderidlist",))),
             summary="Cancel Multiple Orders"),
]  # fmt: skip
