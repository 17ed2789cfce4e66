"""The gateway: one ASGI app that serves every endpoint in the table, Binance-style.

Per request: route by (method, path) -> parse the query string and body -> validate the
parameters -> charge the IP's request weight (wall time) -> authenticate -> charge the
account's order count (order endpoints) -> run the handler -> render JSON with Binance's
headers. Every failure is `{"code", "msg"}` with Binance's status; an unexpected exception is
logged with its traceback and answered -1000 / HTTP 500 (a bug: the fuzz test hunts them).
An authenticated request may then be hit by a fault rule (`injected_faults.py`), and every
request is noted in the request log.
"""

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any

import orjson
from starlette.types import Receive, Scope, Send

from binance_sandbox.control.faults import Request as FaultedRequest
from binance_sandbox.core.fault_rules import FaultRule
from binance_sandbox.core.instruments import Product
from binance_sandbox.core.state import ApiKeyRecord
from binance_sandbox.gateway import errors
from binance_sandbox.gateway.context import RequestContext, Services
from binance_sandbox.gateway.endpoint import Endpoint
from binance_sandbox.gateway.injected_faults import NoAnswer, RawReply, backend_timeout, inject
from binance_sandbox.gateway.products import wants_coinm
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
        coinm_limiter: RateLimiter | None = None,
    ) -> None:
        self._routes: dict[tuple[str, str], Endpoint] = {}
        # COIN-M's endpoints on paths USDⓈ-M serves too (/futures/data): chosen by parameters
        self._coinm_twins: dict[tuple[str, str], Endpoint] = {}
        for endpoint in endpoints:
            if endpoint.key in self._routes:
                self._coinm_twins[endpoint.key] = endpoint
            else:
                self._routes[endpoint.key] = endpoint
        self._services = services
        self._limiter = limiter
        # each product counts its own weight and orders against its own limits, as Binance's
        # two hosts do
        self._limiters: dict[Product, RateLimiter | None] = {
            "usdm": limiter,
            "coinm": coinm_limiter,
        }
        self._debug_signatures = debug_signatures

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        started = time.perf_counter()
        wall_ms = int(time.time() * 1000)
        headers: list[tuple[bytes, bytes]] = [_JSON]
        trace = Trace()
        code: int | None = None
        try:
            status, body = (
                200,
                orjson.dumps(await self._serve(scope, receive, wall_ms, trace)),
            )
        except errors.BinanceError as exc:
            status, code, body = exc.status, exc.code, _error_body(exc.code, exc.msg)
            headers += [(k.encode(), v.encode()) for k, v in exc.headers.items()]
        except RawReply as reply:
            status, body = reply.status, reply.body
            headers[0] = (b"content-type", reply.content_type)
        except NoAnswer as silence:
            if await _wait_for_hang_up(receive, silence.bound_ms):
                self._log(scope, trace, wall_ms, started, 0, None)
                return
            error = backend_timeout()
            status, code, body = error.status, error.code, _error_body(error.code, error.msg)
        except Exception:
            log.exception("internal error on %s %s", scope["method"], scope["path"])
            error = errors.unknown()
            status, code, body = error.status, error.code, _error_body(error.code, error.msg)
        if (limiter := self._limiters[trace.product]) is not None:
            used = limiter.used_weight(client_ip(scope), wall_ms)
            headers.append((b"x-mbx-used-weight-1m", str(used).encode()))
        if trace.order_counts is not None:
            headers.append((b"x-mbx-order-count-10s", str(trace.order_counts[0]).encode()))
            headers.append((b"x-mbx-order-count-1m", str(trace.order_counts[1]).encode()))
        await _respond(send, status, headers, body)
        self._log(scope, trace, wall_ms, started, status, code)

    async def _serve(
        self,
        scope: Scope,
        receive: Receive,
        wall_ms: int,
        trace: "Trace",
    ) -> Any:
        endpoint = self._routes.get((scope["method"], scope["path"]))
        if endpoint is None:
            raise errors.unknown_path(scope["method"], scope["path"])
        trace.product = endpoint.product
        trace.headers = scope["headers"]
        params: dict[str, Any] = {}
        try:  # a malformed or invalid request costs its weight all the same (at default params)
            body = await _read_body(receive)
            request = parse_request(scope["query_string"], body)
            twin = self._coinm_twins.get(endpoint.key)
            state = self._services.exchange.state
            if twin is not None and wants_coinm(endpoint, request.values, state):
                endpoint = twin
                trace.product = endpoint.product
            params = validate(endpoint, request.values)
        finally:
            self.charge_weight(client_ip(scope), endpoint, params, wall_ms)
        trace.api_key = _api_key(scope)
        key, deadline = authenticate(
            endpoint.security,
            trace.api_key,
            request,
            self._services.exchange.state,
            wall_ms,
            self._debug_signatures,
            self._services.client_clocks,
            client_ip(scope),
        )
        return await self.run(endpoint, params, key, deadline, wall_ms, trace)

    def endpoint(self, method: str, path: str) -> Endpoint | None:
        return self._routes.get((method, path))

    async def run(
        self,
        endpoint: Endpoint,
        params: dict[str, Any],
        key: ApiKeyRecord | None,
        deadline: int,
        wall_ms: int,
        trace: "Trace",
    ) -> Any:
        """An authenticated request from here on, whatever envelope it came in (REST or the
        WebSocket API): fault rules, the ORDERS count, the handler."""
        if self._services.exchange.state.faults:  # no coroutine when no rule is set
            await self._inject_fault(endpoint, params, key, wall_ms, trace)
        limiter = self._limiters[endpoint.product]
        if any(endpoint.orders) and limiter is not None and key is not None:
            trace.order_counts = limiter.charge_orders(key.account_id, endpoint.orders, wall_ms)
        if key is not None and self._services.sequencer.behind:
            # an account's view never shows timer commands a crash could still undo
            await self._services.sequencer.journaled()
        context = RequestContext(
            params, key, self._services, wall_ms, deadline, endpoint.product, trace.headers
        )
        return await endpoint.handler(context)

    async def _inject_fault(
        self,
        endpoint: Endpoint,
        params: dict[str, Any],
        key: ApiKeyRecord | None,
        wall_ms: int,
        trace: "Trace",
    ) -> None:
        state = self._services.exchange.state
        request = FaultedRequest(
            method=endpoint.method,
            path=endpoint.path,
            symbol=str(params.get("symbol", "")),
            account_id=key.account_id if key is not None else 0,
            places_orders=any(endpoint.orders),
            now_ms=self._services.clock.now_ms(),
        )
        hit = self._services.faults.pick(state.faults, state.seed, request)
        if hit is not None:
            trace.fault = hit.rule
            limit = self._services.config.limits.request_weight_per_minute
            await inject(hit, endpoint.path, wall_ms, limit)

    def _log(
        self,
        scope: Scope,
        trace: "Trace",
        wall_ms: int,
        started: float,
        status: int,
        code: int | None,
    ) -> None:
        endpoint = self._routes.get((scope["method"], scope["path"]))
        self.record(scope["method"], scope["path"], endpoint, trace, wall_ms, started, status, code)

    def record(
        self,
        method: str,
        path: str,
        endpoint: Endpoint | None,
        trace: "Trace",
        wall_ms: int,
        started: float,
        status: int,
        code: int | None,
    ) -> None:
        """Notes an answered request in the request log and the metrics."""
        seconds = time.perf_counter() - started
        self._services.request_log.record(
            wall_ms,
            method,
            path,
            status,
            code,
            round(seconds * 1000, 3),
            trace.api_key,
            trace.fault.id if trace.fault else None,
            trace.fault.kind if trace.fault else None,
        )
        if (metrics := self._services.metrics) is not None:
            orders = endpoint is not None and any(endpoint.orders)
            metrics.request(method, path, status, seconds, orders)

    def charge_weight(
        self, ip: str, endpoint: Endpoint, params: dict[str, Any], wall_ms: int
    ) -> None:
        if (limiter := self._limiters[endpoint.product]) is not None:
            limiter.charge_weight(ip, endpoint.weight(params), wall_ms)

    @property
    def limiter(self) -> RateLimiter | None:
        return self._limiter

    def limiter_of(self, product: Product) -> RateLimiter | None:
        return self._limiters[product]

    @property
    def services(self) -> Services:
        return self._services

    @property
    def debug_signatures(self) -> bool:
        return self._debug_signatures


class Trace:
    """What the request log notes about a request beyond its answer, and the ORDERS counts
    (10 s, 1 min) it reached, for the answer's headers or `rateLimits`."""

    __slots__ = ("api_key", "fault", "headers", "order_counts", "product")

    def __init__(self) -> None:
        self.api_key = ""
        self.product: Product = "usdm"  # whose rate limits the answer's headers show
        self.fault: FaultRule | None = None
        self.order_counts: tuple[int, int] | None = None
        self.headers: list[tuple[bytes, bytes]] = []  # the HTTP request's, for `base_url`


def _error_body(code: int, msg: str) -> bytes:
    return orjson.dumps({"code": code, "msg": msg})


async def _wait_for_hang_up(receive: Receive, bound_ms: int) -> bool:
    """True once the client disconnects; False if `bound_ms` passes first."""
    try:
        async with asyncio.timeout(bound_ms / 1000):
            while (await receive())["type"] != "http.disconnect":
                pass
    except TimeoutError:
        return False
    return True


def client_ip(scope: Scope) -> str:
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
