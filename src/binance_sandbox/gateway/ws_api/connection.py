"""A WebSocket API connection (`/ws-fapi/v1`, or COIN-M's `/ws-dapi/v1`), from handshake to
close.

The handshake costs 5 request weight (Binance); `?returnRateLimits=false` hides `rateLimits`
unless a request asks for them. Each request frame is answered by its own task, started in the
order the frames came, so requests reach the sequencer in that order while a slow one (an
order waiting for its commit) holds up none behind it; answers leave through the streams'
bounded `Session` queue and writer. The connection ends when the client leaves, when its queue
overflows (a client that sends requests but does not read the answers: dropped at once), or at
the end of its lifetime (24 hours; `streams.lifetime_s`); ping and pong are
uvicorn's, as for the market streams.
"""

import asyncio
import contextlib
import time
from urllib.parse import parse_qs

import orjson
from starlette.types import Receive, Scope, Send

from binance_sandbox.config.model import StreamsConfig
from binance_sandbox.gateway.app import client_ip
from binance_sandbox.gateway.errors import BinanceError
from binance_sandbox.gateway.rate_limits import RateLimiter
from binance_sandbox.gateway.streams.connection import GOING_AWAY, POLICY_VIOLATION
from binance_sandbox.gateway.streams.frames import ABORT, FRAMES, Outgoing, immediate_writer
from binance_sandbox.gateway.streams.session import Session
from binance_sandbox.gateway.ws_api.dispatcher import WsApi
from binance_sandbox.gateway.ws_api.session_state import SessionState
from binance_sandbox.simulators.clock import ExchangeClock

PATHS = ("/ws-fapi/v1", "/ws-fapi/v1/")
DAPI_PATHS = ("/ws-dapi/v1", "/ws-dapi/v1/")
HANDSHAKE_WEIGHT = 5


class WsApiConnections:
    def __init__(
        self,
        api: WsApi,
        limiter: RateLimiter | None,
        clock: ExchangeClock,
        settings: StreamsConfig,
    ) -> None:
        self._api = api
        self._limiter = limiter
        self._clock = clock
        self._settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "websocket"
        if (await receive())["type"] != "websocket.connect":
            return
        ip = client_ip(scope)
        try:
            if self._limiter is not None:
                self._limiter.charge_weight(ip, HANDSHAKE_WEIGHT, int(time.time() * 1000))
        except BinanceError:  # over the limit or banned: no connection
            await send({"type": "websocket.close", "code": POLICY_VIOLATION})
            return
        await send({"type": "websocket.accept"})
        session = SessionState(self._clock.now_ms(), _returns_rate_limits(scope))
        queue = Session(False, self._settings.send_queue)
        writer = queue.start_writer(
            send, FRAMES in scope.get("extensions", {}), immediate_writer(scope)
        )
        pending: set[asyncio.Task[None]] = set()
        reader = asyncio.get_running_loop().create_task(
            self._read(receive, session, queue, ip, pending)
        )
        try:
            done, _ = await asyncio.wait(
                {reader, writer},
                timeout=self._settings.lifetime_s,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            for task in (reader, writer, *pending):
                task.cancel()
        for task in done:  # a client gone in the middle of a write is no error of ours
            if not task.cancelled():
                task.exception()
        if queue.overflowed:  # a client that stopped reading may not take even a close frame
            if FRAMES in scope.get("extensions", {}):
                await send({"type": ABORT})
            return
        if not done:
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": GOING_AWAY})

    async def _read(
        self,
        receive: Receive,
        session: SessionState,
        queue: Session,
        ip: str,
        pending: set[asyncio.Task[None]],
    ) -> None:
        loop = asyncio.get_running_loop()
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                text = message.get("bytes") or b""
            task = loop.create_task(self._answer(text, session, queue, ip))
            pending.add(task)
            task.add_done_callback(pending.discard)

    async def _answer(
        self, text: str | bytes, session: SessionState, queue: Session, ip: str
    ) -> None:
        reply = await self._api.answer(text, session, ip)
        queue.push(Outgoing(orjson.dumps(reply).decode()))


def _returns_rate_limits(scope: Scope) -> bool:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    flag: str = query.get("returnRateLimits", ["true"])[0]
    return flag.lower() != "false"
