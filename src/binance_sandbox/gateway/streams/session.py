"""One connection's side of the fan-out: its subscriptions, its `combined` property and a
bounded queue of messages waiting to be written.

Publishing only appends to the queue (never awaits), so a connection that reads slowly or not
at all cannot hold up the exchange or the other connections. When the server writes ready
frames at once (`frames.WriteNow`), the queue is flushed by one callback per connection after
everything published in the same loop step: one socket write for the lot and no task switch.
Only a socket that does not take it (its buffer over the transport's high-water mark) hands
the queue to the writer task, which waits for the socket; until that backlog is out, later
messages queue behind it, so order holds. A queue that reaches its bound means the consumer
has fallen that far behind its socket buffers: the session is marked overflowed and its writer
cancelled (it may be blocked on a socket nobody reads); the connection handler then ends the
connection, as Binance disconnects a consumer that does not keep up.
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from binance_sandbox.gateway.streams.frames import FRAMES, Outgoing, WriteNow

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
        self._write_now: WriteNow | None = None
        # the writer task owns the queue: always without `_write_now`, else from a write the
        # socket refused until the queue is empty again
        self._backlogged = True
        self._flush_due = False

    def push(self, message: Outgoing) -> None:
        if self.overflowed:
            return
        if len(self._queue) >= self._capacity:
            self.overflowed = True
            if self._writer is not None:
                self._writer.cancel()
            return
        self._queue.append(message)
        if self._backlogged:
            self._ready.set()
        elif not self._flush_due:
            self._flush_due = True
            asyncio.get_running_loop().call_soon(self._flush)

    def end(self, how: Ending) -> None:
        self.ending = how
        if self._writer is not None:
            self._writer.cancel()

    def start_writer(
        self, send: Send, frames: bool, write_now: WriteNow | None = None
    ) -> asyncio.Task[None]:
        """`frames`: the server takes ready frames (`frames.FRAMES`); the backlog then leaves
        in one write. `write_now` (with `frames`): the server writes them at once when the
        socket takes them, so no message waits for the writer task."""
        if frames and write_now is not None:
            self._write_now = write_now
            self._backlogged = bool(self._queue)  # what came before leaves through the writer
        write = self._write_frames if frames else self._write_texts
        self._writer = asyncio.get_running_loop().create_task(write(send))
        return self._writer

    def _flush(self) -> None:
        self._flush_due = False
        queue = self._queue
        if self._backlogged or not queue or self.overflowed or self.ending is not None:
            return
        assert self._write_now is not None
        if self._write_now(b"".join(message.frame() for message in queue)):
            queue.clear()
        else:  # the socket is full: the writer waits until it drains
            self._backlogged = True
            self._ready.set()

    async def _write_frames(self, send: Send) -> None:
        queue = self._queue
        while True:
            await self._ready.wait()
            self._ready.clear()
            while queue:
                backlog = b"".join(message.frame() for message in queue)
                queue.clear()
                await send({"type": FRAMES, "bytes": backlog})
            if self._write_now is not None:
                self._backlogged = False  # nothing held back: the next flush may write

    async def _write_texts(self, send: Send) -> None:
        queue = self._queue
        while True:
            await self._ready.wait()
            self._ready.clear()
            while queue:
                await send({"type": "websocket.send", "text": queue.popleft().text})
