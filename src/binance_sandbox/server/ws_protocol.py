"""uvicorn's WebSocket protocol with the market streams' extension (`gateway/streams/frames`):
ready frames written as they are, and an abort for a reader that stopped reading.

Data frames carry no protocol state, so writing them past the websockets state machine leaves
it consistent; they are written only while the connection is open (never after a close frame
went out). An abort closes the socket without waiting for buffers a stuck reader will never
drain.
"""

from typing import Any

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from binance_sandbox.gateway.streams.frames import ABORT, FRAMES


class StreamsWebSocketProtocol(WebSocketsSansIOProtocol):
    async def run_asgi(self) -> None:
        self.scope["extensions"][FRAMES] = {}
        await super().run_asgi()

    async def send(self, message: Any) -> None:
        kind = message["type"]
        if kind == ABORT:
            self.transport.abort()
            return
        if kind != FRAMES:
            await super().send(message)
            return
        await self.writable.wait()
        if self.disconnected or self.close_sent:
            raise ClientDisconnected()
        self.transport.write(message["bytes"])
