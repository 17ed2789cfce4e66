"""One connection's side of the fan-out: its subscriptions, its `combined` property and a
bounded queue of messages waiting to be written.

Publishing only appends to the queue (never awaits), so a connection that reads slowly or not
at all cannot hold up the exchange or the other connections. A queue that reaches its bound
means the consumer has fallen that far behind: the session is marked overflowed and its writer
cancelled (it may be blocked on a socket nobody reads); the connection handler then ends the
connection, as Binance disconnects a consumer that does not keep up.
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from binance_sandbox.gateway.streams.frames import FRAMES, Outgoing

Send = Callable[[dict[str, Any]], Awaitable[None]]
# How a connection is ended on purpose (the admin's fault levers): dropped at once, no close
# frame, like a lost network; or closed as Binance closes a connection at its 24-hour limit.
Ending = Literal["drop", "lifetime"]


class Session:
    def __init__(self, combined: bool, capacity: int) -> None:
        self.combined = combined
        self.streams: dict[str, None] = {}  # subscribed names, in the order they came
        self.overflowed = False
        self.ending: Ending | None = None
        self._capacity = capacity
        self._queue: deque[Outgoing] = deque()
        self._ready = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None

    def push(self, message: Outgoing) -> None:
        if self.overflowed:
            return
        if len(self._queue) >= self._capacity:
            self.overflowed = True
            if self._writer is not None:
                self._writer.cancel()
            return
        self._queue.append(message)
        self._ready.set()

    def end(self, how: Ending) -> None:
        self.ending = how
        if self._writer is not None:
            self._writer.cancel()

    def start_writer(self, send: Send, frames: bool) -> asyncio.Task[None]:
        """`frames`: the server takes ready frames (`frames.FRAMES`); the backlog then leaves
        in one write."""
        write = self._write_frames if frames else self._write_texts
        self._writer = asyncio.get_running_loop().create_task(write(send))
        return self._writer

    async def _write_frames(self, send: Send) -> None:
        queue = self._queue
        while True:
            await self._ready.wait()
            self._ready.clear()
            if queue:
                backlog = b"".join(message.frame() for message in queue)
                queue.clear()
                await send({"type": FRAMES, "bytes": backlog})

    async def _write_texts(self, send: Send) -> None:
        queue = self._queue
        while True:
            await self._ready.wait()
            self._ready.clear()
            while queue:
                await send({"type": "websocket.send", "text": queue.popleft().text})
