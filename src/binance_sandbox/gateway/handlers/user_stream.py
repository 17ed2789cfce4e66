"""The user-data stream's listenKey: start, keepalive and close (USER_STREAM: the API key, no
signature). Binance's futures endpoints take no parameters: the key belongs to the API key and
the product whose API started it (/fapi or /dapi)."""

from typing import Any

from binance_sandbox.gateway import errors
from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed

PATH = "/fapi/v1/listenKey"


async def start(ctx: RequestContext) -> dict[str, Any]:
    assert ctx.key is not None
    return {"listenKey": ctx.services.listen_keys.start(ctx.key, ctx.product)}


async def keepalive(ctx: RequestContext) -> dict[str, Any]:
    assert ctx.key is not None
    key = ctx.services.listen_keys.keepalive(ctx.key, ctx.product)
    if key is None:
        raise errors.invalid_listen_key()
    return {"listenKey": key}


async def close(ctx: RequestContext) -> dict[str, Any]:
    assert ctx.key is not None
    if not ctx.services.listen_keys.close(ctx.key, ctx.product):
        raise errors.invalid_listen_key()
    return {}


ENDPOINTS = [
    Endpoint("POST", PATH, Security.USER_STREAM, fixed(1), start,
             summary="Start User Data Stream"),
    Endpoint("PUT", PATH, Security.USER_STREAM, fixed(1), keepalive,
             summary="Keepalive User Data Stream"),
    Endpoint("DELETE", PATH, Security.USER_STREAM, fixed(1), close,
             summary="Close User Data Stream"),
]  # fmt: skip
