"""uvicorn's WebSocket protocol with the market streams' extension (`gateway/streams/frames`):
ready frames written as they are, at once when the socket takes them, and an abort for a
reader that stopped reading.

Data frames carry no protocol state, so writing them past the websockets state machine leaves
it consistent; they are written only while the connection is open (never after a close frame
went out, nor on a closing transport). An abort closes the socket without waiting for buffers
a stuck reader will never drain.
"""

from typing import Any

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from binance_sandbox.gateway.streams.frames import ABORT, FRAMES


class StreamsWebSocketProtocol(WebSocketsSansIOProtocol):
    async def run_asgi(self) -> None:
        self.scope["extensions"][FRAMES] = {"write": self.write_now}
        await super().run_asgi()

    def write_now(self, frames: bytes) -> bool:
        """`frames.WriteNow`: no await, so a published event costs each connection one write
        and no task switch. `writable` is clear while the transport's buffer is over its
        high-water mark (a reader that fell behind)."""
        if not self.writable.is_set() or self.close_sent or self.transport.is_closing():
            return False
        self.transport.write(frames)
        return True

    async def send(self, message: Any) -> None:
        kind = message["type"]
        if kind == ABORT:
            self.transport.abort()
            return
        if kind != FRAMES:
            await super().send(message)
            return
        await self.writable.wait()
        if not self.write_now(message["bytes"]):
            raise ClientDisconnected()
