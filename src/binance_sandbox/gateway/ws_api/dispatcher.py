"""Answering one WebSocket API request: the REST pipeline behind Binance's ws-api envelope.

A method is its REST endpoint (`methods.py`): the same validation, weight charged to the IP's
limiter whether the parameters are valid or not, authentication (a per-request `apiKey` and
`signature`, or the session's key after `session.logon`, for which a signed request sends only
its `timestamp`), fault rules, the ORDERS count and the handler, through `Gateway.run` — so an
order placed here is the same journaled command with the same answer. The answer is
`{"id", "status", "result" | "error", "rateLimits"}`; `status` is the HTTP status REST answers.
"""

import asyncio
import logging
import time
from typing import Any

from binance_sandbox.core.instruments import Product
from binance_sandbox.gateway import errors
from binance_sandbox.gateway.app import Gateway, Trace
from binance_sandbox.gateway.endpoint import Endpoint, Security, fixed
from binance_sandbox.gateway.errors import BinanceError
from binance_sandbox.gateway.injected_faults import NoAnswer, RawReply, backend_timeout
from binance_sandbox.gateway.security import authenticate, authenticate_session
from binance_sandbox.gateway.validation import validate
from binance_sandbox.gateway.ws_api.frames import (
    FrameError,
    parsed_params,
    read_frame,
    unknown_method,
)
from binance_sandbox.gateway.ws_api.methods import served_methods
from binance_sandbox.gateway.ws_api.rate_limit_report import rate_limits
from binance_sandbox.gateway.ws_api.session_state import SessionState

log = logging.getLogger(__name__)

SESSION_WEIGHT = fixed(2)
SESSION_METHODS = ("session.logon", "session.status", "session.logout")
LOGON_KEY_TYPE = "ED25519"  # Binance: "Only Ed25519 keys are supported for this feature."


class SessionRevoked(Exception):
    """The session's key is no longer valid: Binance answers with `id` null and forgets it."""

    def __init__(self, error: BinanceError) -> None:
        super().__init__(error.msg)
        self.error = error


class WsApi:
    """One product's WebSocket API: ws-fapi (USDⓈ-M) or ws-dapi (COIN-M), each with its methods
    and counting against its product's limits."""

    def __init__(self, gateway: Gateway, product: Product = "usdm") -> None:
        self._gateway = gateway
        self._services = gateway.services
        self._product: Product = product
        self._limiter = gateway.limiter_of(product)
        self._methods = served_methods(gateway.endpoint, product)

    async def answer(self, text: str | bytes, session: SessionState, ip: str) -> dict[str, Any]:
        started = time.perf_counter()
        wall_ms = int(time.time() * 1000)
        trace = Trace()
        request_id: Any = None
        name, endpoint = "", None
        with_limits = session.return_rate_limits
        try:
            frame = read_frame(text)
            request_id, name = frame.id, frame.method
            with_limits = _flag(frame.params.get("returnRateLimits"), with_limits)
            endpoint = self._methods.get(name)
            if name in SESSION_METHODS:
                result = self._session(name, frame.params, session, ip, wall_ms, trace)
            elif endpoint is None:
                raise unknown_method(name)
            else:
                result = await self._call(endpoint, frame.params, session, ip, wall_ms, trace)
            reply: dict[str, Any] = {"id": request_id, "status": 200, "result": result}
        except (FrameError, SessionRevoked, BinanceError, RawReply, NoAnswer) as exc:
            request_id, error = await _refusal(exc, request_id)
            reply = {"id": request_id, "status": error.status, "error": _error(error)}
        except Exception:
            log.exception("internal error on WebSocket API method %s", name)
            error = errors.unknown()
            reply = {"id": request_id, "status": error.status, "error": _error(error)}
        if with_limits:
            counts = trace.order_counts
            if counts is None and endpoint is not None and any(endpoint.orders):
                counts = self._order_counts(trace.api_key, wall_ms)  # refused before counting
            used = self._used_weight(ip, wall_ms)
            limits = self._services.config.limits
            reply["rateLimits"] = rate_limits(limits, used, counts, self._product)
        # logged as method "WS" and the REST path it ran (the metrics know those paths)
        logged = endpoint.path if endpoint else name if name in SESSION_METHODS else "unknown"
        code = reply["error"]["code"] if "error" in reply else None
        self._gateway.record("WS", logged, endpoint, trace, wall_ms, started, reply["status"], code)
        return reply

    async def _call(
        self,
        endpoint: Endpoint,
        raw: dict[str, Any],
        session: SessionState,
        ip: str,
        wall_ms: int,
        trace: Trace,
    ) -> Any:
        params: dict[str, Any] = {}
        try:  # an invalid request costs its weight all the same, as on REST
            request = parsed_params(raw)
            # the key the request is made with: its own, or the session's
            trace.api_key = request.values.get("apiKey", session.api_key or "")
            params = validate(endpoint, request.values)
        finally:
            self._gateway.charge_weight(ip, endpoint, params, wall_ms)
        state = self._services.exchange.state
        clocks = self._services.client_clocks
        if "apiKey" in request.values or session.api_key is None:
            key, deadline = authenticate(
                endpoint.security,
                trace.api_key,
                request,
                state,
                wall_ms,
                self._gateway.debug_signatures,
                clocks,
                ip,
            )
        else:
            try:
                key, deadline = authenticate_session(
                    endpoint.security, session.api_key, request.values, state, wall_ms, clocks, ip
                )
            except BinanceError as exc:
                if exc.code != -2015:
                    raise
                session.log_out()
                raise SessionRevoked(exc) from None
        return await self._gateway.run(endpoint, params, key, deadline, wall_ms, trace)

    def _session(
        self,
        name: str,
        raw: dict[str, Any],
        session: SessionState,
        ip: str,
        wall_ms: int,
        trace: Trace,
    ) -> dict[str, Any]:
        if self._limiter is not None:
            self._limiter.charge_weight(ip, SESSION_WEIGHT({}), wall_ms)
        now = self._services.clock.now_ms()
        if name == "session.logon":
            request = parsed_params(raw)
            trace.api_key = request.values.get("apiKey", "")
            key, _ = authenticate(
                Security.USER_DATA,
                trace.api_key,
                request,
                self._services.exchange.state,
                wall_ms,
                self._gateway.debug_signatures,
                self._services.client_clocks,
                ip,
            )
            assert key is not None  # a signed security type always has one
            if key.key.key_type != LOGON_KEY_TYPE:
                raise errors.rejected_api_key(ip)
            session.log_on(key.key.api_key, now)
        elif name == "session.logout":
            session.log_out()
        return session.status(now)

    def _order_counts(self, api_key: str, wall_ms: int) -> tuple[int, int]:
        limiter = self._limiter
        record = self._services.exchange.state.api_keys.get(api_key)
        if limiter is None or record is None:
            return 0, 0
        return limiter.order_counts(record.account_id, wall_ms)

    def _used_weight(self, ip: str, wall_ms: int) -> int:
        limiter = self._limiter
        return limiter.used_weight(ip, wall_ms) if limiter is not None else 0


async def _refusal(exc: Exception, request_id: Any) -> tuple[Any, BinanceError]:
    """The id to answer with and the error, for each kind of refusal."""
    if isinstance(exc, FrameError):
        return exc.request_id, exc.error
    if isinstance(exc, SessionRevoked):
        return None, exc.error
    if isinstance(exc, NoAnswer):  # a timeout fault: nothing until its bound, then -1007
        await asyncio.sleep(exc.bound_ms / 1000)
        return request_id, backend_timeout()
    if isinstance(exc, RawReply):  # an edge page (502, 503 without a code) has no ws-api form
        error = errors.unknown()
        error.status = exc.status
        return request_id, error
    assert isinstance(exc, BinanceError)
    return request_id, exc


def _error(error: BinanceError) -> dict[str, Any]:
    return {"code": error.code, "msg": error.msg}


def _flag(value: Any, default: bool) -> bool:
    """`returnRateLimits` as a JSON boolean or the strings "true" / "false"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default
