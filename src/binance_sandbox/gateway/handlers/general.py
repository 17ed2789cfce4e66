"""Connectivity: ping and server time, on /fapi and on the spot paths clients call first.

serverTime is exchange time (the two-clock rule): under an accelerated or manual clock it is
not the wall time clients must stamp signed requests with.
"""

from typing import Any

from binance_sandbox.gateway.context import RequestContext
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed


async def ping(ctx: RequestContext) -> dict[str, Any]:
    return {}


async def server_time(ctx: RequestContext) -> dict[str, Any]:
    return {"serverTime": ctx.now_ms()}


ENDPOINTS = [
    Endpoint("GET", "/fapi/v1/ping", Security.NONE, fixed(1), ping, summary="Test Connectivity"),
    Endpoint("GET", "/fapi/v1/time", Security.NONE, fixed(1), server_time, summary="Server Time"),
    Endpoint("GET", "/api/v3/ping", Security.NONE, fixed(1), ping, summary="Spot: ping"),
    Endpoint("GET", "/api/v3/time", Security.NONE, fixed(1), server_time, summary="Spot: time"),
]
