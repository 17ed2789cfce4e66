"""The ASGI application: the Binance gateway, the WebSocket market streams, the WebSocket API
(`/ws-fapi/v1`), `/openapi.json`, the history downloads' links (`/downloads/`), and the admin
API under `/sandbox/v1` (its own token), in one app served on one port."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from binance_sandbox.admin.auth import AdminTokenGuard
from binance_sandbox.admin.dashboard import dashboard
from binance_sandbox.admin.faults import fault_routes
from binance_sandbox.admin.routes import admin_routes, http_error
from binance_sandbox.admin.state_routes import state_routes
from binance_sandbox.control.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from binance_sandbox.gateway.app import Gateway
from binance_sandbox.gateway.downloads.store import PATH_PREFIX
from binance_sandbox.gateway.openapi import openapi_document
from binance_sandbox.gateway.rate_limits import RateLimiter
from binance_sandbox.gateway.streams.connection import StreamConnections
from binance_sandbox.gateway.streams.hub import Hub
from binance_sandbox.gateway.streams.market_feed import MarketFeed
from binance_sandbox.gateway.streams.stream_faults import StreamFaults
from binance_sandbox.gateway.table import endpoint_table
from binance_sandbox.gateway.user_streams.user_feed import UserFeed
from binance_sandbox.gateway.ws_api.connection import DAPI_PATHS as WS_DAPI_PATHS
from binance_sandbox.gateway.ws_api.connection import PATHS as WS_API_PATHS
from binance_sandbox.gateway.ws_api.connection import WsApiConnections
from binance_sandbox.gateway.ws_api.dispatcher import WsApi
from binance_sandbox.oauth.admin_routes import login_admin_routes
from binance_sandbox.oauth.routes import login_routes
from binance_sandbox.server.download_files import download_routes
from binance_sandbox.server.runtime import Runtime
from binance_sandbox.server.stream_routes import stream_routes

_STARLETTE_PREFIXES = (
    "/sandbox/",
    "/openapi.json",
    "/metrics",
    "/dashboard",
    "/oauth/",
    "/en/oauth/",
    "/oauth-api/",
    PATH_PREFIX,
)


def create_app(
    runtime: Runtime, token: str, on_started: Callable[[], None], debug_signatures: bool = False
) -> ASGIApp:
    endpoints = endpoint_table()
    limits = runtime.config.limits
    limiter = (
        RateLimiter(
            limits.request_weight_per_minute, limits.orders_per_10s, limits.orders_per_minute
        )
        if limits.enabled
        else None
    )
    coinm_limiter = (
        RateLimiter(
            limits.coinm_request_weight_per_minute,
            limits.coinm_orders_per_minute,  # no 10-second count on COIN-M
            limits.coinm_orders_per_minute,
        )
        if limits.enabled
        else None
    )
    gateway = Gateway(endpoints, runtime, limiter, debug_signatures, coinm_limiter)
    openapi: list[bytes] = []  # made at the first request: a fresh exchange lists its
    # instruments only once start-up has seeded it
    hub = Hub(StreamFaults(runtime.faults, runtime.exchange, runtime.clock.now_ms).hit)
    feed = MarketFeed(hub, runtime)
    runtime.sequencer.subscribe(feed.on_applied)
    user_feed = UserFeed(hub, runtime)
    runtime.sequencer.subscribe(user_feed.on_applied)
    streams = StreamConnections(hub, runtime.config.streams, user_feed.stream_named)
    ws_api = WsApiConnections(WsApi(gateway), limiter, runtime.clock, runtime.config.streams)
    ws_dapi = WsApiConnections(
        WsApi(gateway, "coinm"), coinm_limiter, runtime.clock, runtime.config.streams
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        loop = asyncio.get_running_loop()
        timed_streams = loop.create_task(feed.run(), name="streams")
        key_expiry = loop.create_task(user_feed.run(), name="listen-key-expiry")
        on_started()
        try:
            yield
        finally:
            for task in (timed_streams, key_expiry):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await runtime.stop()

    async def openapi_json(_request: Request) -> Response:
        if not openapi:
            instruments = runtime.exchange.state.instruments.values()
            listed = sorted({i.symbol for i in instruments} | {i.pair for i in instruments})
            openapi.append(orjson.dumps(openapi_document(endpoints, tuple(listed))))
        return Response(openapi[0], media_type="application/json")

    async def metrics(_request: Request) -> Response:
        if runtime.metrics is None:
            return Response(b"metrics are off (server.metrics = false)\n", status_code=404)
        return Response(runtime.metrics.scrape(), media_type=METRICS_CONTENT_TYPE)

    admin = Starlette(
        routes=admin_routes()
        + fault_routes()
        + stream_routes(hub, runtime.listen_keys)
        + state_routes()
        + login_admin_routes(),
        middleware=[Middleware(AdminTokenGuard, token=token)],
        exception_handlers={HTTPException: http_error},
    )
    admin.state.context = runtime
    shell = Starlette(
        routes=[
            Route("/openapi.json", openapi_json),
            Route("/metrics", metrics),
            Route("/dashboard", dashboard),
            Mount("/sandbox/v1", app=admin),
            *login_routes(),
            *download_routes(runtime),
        ],
        lifespan=lifespan,
    )
    shell.state.login = runtime.login

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        # The gateway is the hot path: it gets HTTP requests without Starlette's routing.
        if scope["type"] == "http" and not scope["path"].startswith(_STARLETTE_PREFIXES):
            await gateway(scope, receive, send)
        elif scope["type"] == "websocket" and scope["path"] in WS_API_PATHS:
            await ws_api(scope, receive, send)
        elif scope["type"] == "websocket" and scope["path"] in WS_DAPI_PATHS:
            await ws_dapi(scope, receive, send)
        elif scope["type"] == "websocket":
            await streams(scope, receive, send)
        else:
            await shell(scope, receive, send)

    return app
