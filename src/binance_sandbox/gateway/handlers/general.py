"""Connectivity: ping and server time, on /fapi and on the spot paths clients call first.

serverTime is exchange time (the two-clock rule). A client may sync its clock to it: each
answer is noted, so a signed request stamped from it is accepted (`client_clocks`).
"""

from typing import Any

from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed


async def ping(ctx: RequestContext) -> dict[str, Any]:
    return {}


async def server_time(ctx: RequestContext) -> dict[str, Any]:
    now = ctx.now_ms()
    ctx.services.client_clocks.served(now, ctx.wall_ms)
    return {"serverTime": now}


ENDPOINTS = [
    Endpoint("GET", "/fapi/v1/ping", Security.NONE, fixed(1), ping, summary="Test Connectivity"),
    Endpoint("GET", "/fapi/v1/time", Security.NONE, fixed(1), server_time, summary="Server Time"),
    Endpoint("GET", "/api/v3/ping", Security.NONE, fixed(1), ping, summary="Spot: ping"),
    Endpoint("GET", "/api/v3/time", Security.NONE, fixed(1), server_time, summary="Spot: time"),
]
