"""uvicorn's WebSocket protocol with the market streams' extension (`gateway/streams/frames`):
ready frames written as they are, at once when the socket takes them, and an abort for a
reader that stopped reading.

Data frames carry no protocol state, so writing them past the websockets state machine leaves
it consistent; they are written only while the connection is open (never after a close frame
went out, nor on a closing transport). An abort closes the socket without waiting for buffers
a stuck reader will never drain.

The kernel's send buffer of a WebSocket is capped (`SEND_BUFFER`): left to autotune, a peer
that stopped reading took about 3-4 MB on loopback before the transport saw any back-pressure,
so the bounded queue behind it (`streams.send_queue`) started counting only minutes later at
market-data rates. Capped, a stuck reader is seen after some 100 KB and cut off at the queue's
bound; a reader costs the same per event either way.
"""

import socket
from asyncio import BaseTransport
from typing import Any

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from binance_sandbox.gateway.streams.frames import ABORT, FRAMES

# bytes asked for (Linux doubles it): a few bursts of market data, and 64 KiB / RTT of
# throughput (about 1 MB/s across a 100 ms round trip)
SEND_BUFFER = 64 * 1024


class StreamsWebSocketProtocol(WebSocketsSansIOProtocol):
    def connection_made(self, transport: BaseTransport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        super().connection_made(transport)

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
