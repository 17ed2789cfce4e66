"""The gateway: one ASGI app that serves every endpoint in the table, Binance-style.

Per request: route by (method, path) -> parse the query string and body -> validate the
parameters -> charge the IP's request weight (wall time) -> authenticate -> charge the
account's order count (order endpoints) -> run the handler -> render JSON with Binance's
headers. Every failure is `{"code", "msg"}` with Binance's status; an unexpected exception is
logged with its traceback and answered -1000 / HTTP 500 (a bug: the fuzz test hunts them).
"""

import logging
import time
from collections.abc import Iterable
from typing import Any

import orjson
from starlette.types import Receive, Scope, Send

from binance_sandbox.gateway import errors
from binance_sandbox.gateway.context import RequestContext, Services
from binance_sandbox.gateway.endpoint import Endpoint
from binance_sandbox.gateway.rate_limits import RateLimiter
from binance_sandbox.gateway.request_parse import parse_request
from binance_sandbox.gateway.security import authenticate
from binance_sandbox.gateway.validation import validate

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1 << 20
_JSON = (b"content-type", b"application/json")


class Gateway:
    def __init__(
        self,
        endpoints: Iterable[Endpoint],
        services: Services,
        limiter: RateLimiter | None,
        debug_signatures: bool = False,
    ) -> None:
        self._routes = {endpoint.key: endpoint for endpoint in endpoints}
        self._services = services
        self._limiter = limiter
        self._debug_signatures = debug_signatures

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        wall_ms = int(time.time() * 1000)
        headers: list[tuple[bytes, bytes]] = [_JSON]
        try:
            status, payload = 200, await self._serve(scope, receive, wall_ms, headers)
        except errors.BinanceError as exc:
            status, payload = exc.status, {"code": exc.code, "msg": exc.msg}
            headers += [(k.encode(), v.encode()) for k, v in exc.headers.items()]
        except Exception:
            log.exception("internal error on %s %s", scope["method"], scope["path"])
            error = errors.unknown()
            status, payload = error.status, {"code": error.code, "msg": error.msg}
        if self._limiter is not None:
            used = self._limiter.used_weight(_ip(scope), wall_ms)
            headers.append((b"x-mbx-used-weight-1m", str(used).encode()))
        await _respond(send, status, headers, orjson.dumps(payload))

    async def _serve(
        self, scope: Scope, receive: Receive, wall_ms: int, headers: list[tuple[bytes, bytes]]
    ) -> Any:
        endpoint = self._routes.get((scope["method"], scope["path"]))
        if endpoint is None:
            raise errors.unknown_path(scope["method"], scope["path"])
        params: dict[str, Any] = {}
        try:  # a malformed or invalid request costs its weight all the same (at default params)
            body = await _read_body(receive)
            request = parse_request(scope["query_string"], body)
            params = validate(endpoint, request.values)
        finally:
            self._charge_weight(scope, endpoint, params, wall_ms)
        key, deadline = authenticate(
            endpoint.security,
            _api_key(scope),
            request,
            self._services.exchange.state,
            wall_ms,
            self._debug_signatures,
            self._services.client_clocks,
            _ip(scope),
        )
        if any(endpoint.orders) and self._limiter is not None and key is not None:
            counts = self._limiter.charge_orders(key.account_id, endpoint.orders, wall_ms)
            headers.append((b"x-mbx-order-count-10s", str(counts[0]).encode()))
            headers.append((b"x-mbx-order-count-1m", str(counts[1]).encode()))
        context = RequestContext(params, key, self._services, wall_ms, deadline)
        return await endpoint.handler(context)

    def _charge_weight(
        self, scope: Scope, endpoint: Endpoint, params: dict[str, Any], wall_ms: int
    ) -> None:
        if self._limiter is not None:
            self._limiter.charge_weight(_ip(scope), endpoint.weight(params), wall_ms)


def _ip(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _api_key(scope: Scope) -> str:
    for name, value in scope["headers"]:  # ASGI servers lower-case header names
        if name == b"x-mbx-apikey":
            return str(value.decode("latin-1"))
    return ""


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise errors.BinanceError(-1101, "Too many parameters sent for this endpoint.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
