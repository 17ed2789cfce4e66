"""A market stream connection, from handshake to close.

The handshake is accepted for every path `paths.parse_target` knows (others are refused);
the streams in the URL are subscribed (names that are not streams here are skipped, as the URL
has nobody to answer), then two tasks run: the writer drains the session's queue to the
socket and the reader answers control messages through the same queue, so replies and events
keep their order. The connection ends when the client leaves, when it sends more than
`messages_per_second` messages within a second (Binance disconnects it), when its queue
overflows (a consumer too slow to keep up: its socket is aborted), or at the end of its
lifetime (24 hours on Binance; `streams.lifetime_s`), or when the admin ends it (`Session.end`:
dropped, or closed as at the end of its lifetime). Ping and pong are the server's
(uvicorn's keepalive with Binance's 3-minute ping and 10-minute pong timeout, see
`cli/serve.py`).
"""

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable

import orjson
from starlette.types import Receive, Scope, Send

from binance_sandbox.config.model import StreamsConfig
from binance_sandbox.gateway.streams.control import Control, RequestError, Resolver
from binance_sandbox.gateway.streams.frames import ABORT, FRAMES, Outgoing, immediate_writer
from binance_sandbox.gateway.streams.hub import Hub
from binance_sandbox.gateway.streams.names import Stream, parse_stream
from binance_sandbox.gateway.streams.paths import RouteName, parse_target
from binance_sandbox.gateway.streams.session import Session

NORMAL_CLOSURE = 1000
POLICY_VIOLATION = 1008  # too many messages
GOING_AWAY = 1001  # the connection's lifetime is over


class StreamConnections:
    def __init__(self, hub: Hub, settings: StreamsConfig, resolve: Resolver = parse_stream) -> None:
        self._hub = hub
        self._settings = settings
        self._resolve = resolve

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "websocket"
        target = parse_target(scope["path"], scope.get("query_string", b""))
        if (await receive())["type"] != "websocket.connect":
            return
        if target is None:
            await send({"type": "websocket.close", "code": POLICY_VIOLATION})
            return
        await send({"type": "websocket.accept"})
        session = Session(target.combined, self._settings.send_queue)
        self._hub.attach(session)
        allowed = _route_filter(target.route, self._settings.strict_routes)
        control = Control(self._hub, session, allowed, self._settings.max_streams, self._resolve)
        for name in target.streams:
            with contextlib.suppress(RequestError):
                control.subscribe([name])
        writer = session.start_writer(
            send, FRAMES in scope.get("extensions", {}), immediate_writer(scope)
        )
        reader = asyncio.get_running_loop().create_task(self._read(receive, control, session))
        try:
            done, _ = await asyncio.wait(
                {reader, writer},
                timeout=self._settings.lifetime_s,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            self._hub.drop(session)
            reader.cancel()
            writer.cancel()
        for task in done:  # a client gone in the middle of a write is no error of ours
            if not task.cancelled():
                task.exception()
        # an overflowed socket may not take even a close frame; a dropped one gets none
        if session.overflowed or session.ending == "drop":
            if FRAMES in scope.get("extensions", {}):
                await send({"type": ABORT})
            return
        code = GOING_AWAY if not done or session.ending == "lifetime" else None
        if reader in done and not reader.cancelled() and reader.exception() is None:
            code = reader.result()
        if code is not None:
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": code})

    async def _read(self, receive: Receive, control: Control, session: Session) -> int | None:
        """Answers control messages until the client leaves (None) or sends too many (the
        close code)."""
        loop = asyncio.get_running_loop()
        recent: deque[float] = deque()
        limit = self._settings.messages_per_second
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return None
            now = loop.time()
            recent.append(now)
            while recent[0] <= now - 1.0:
                recent.popleft()
            if len(recent) > limit:
                return POLICY_VIOLATION
            text = message.get("text")
            if text is None:
                text = (message.get("bytes") or b"").decode("utf-8", "replace")
            session.push(Outgoing(orjson.dumps(control.answer(text)).decode()))


def _route_filter(route: RouteName, strict: bool) -> Callable[[Stream], bool]:
    """Which streams a connection on `route` may have: all of them unless `strict`; then only
    the route's own (the root paths keep serving every stream)."""
    if not strict or not route:
        return lambda stream: True
    return lambda stream: stream.route == route
