"""Stream messages framed once for every connection.

The server's WebSocket protocol (`server/ws_protocol.py`) offers the ASGI extension `FRAMES`:
the app may send `{"type": FRAMES, "bytes": …}` with ready WebSocket frames, and
`{"type": ABORT}` to drop a connection at once. A server-to-client text frame is the same bytes
for every connection (no mask, no compression), so a message is framed once, however many
connections get it, and a connection's backlog leaves in one write. The extension's value
holds `write` (`WriteNow`): ready frames written at once, without awaiting, when the socket
takes them. Without the extension (another ASGI server) each message goes as a plain
`websocket.send`.
"""

from collections.abc import Callable, Mapping
from typing import Any

FRAMES = "binance.frames"
ABORT = "binance.abort"
_TEXT_FIN = 0x81

# Writes ready frames now and says True, or says False and writes nothing: the connection is
# closing, or its transport's buffer is over the high-water mark (then `send` waits for it).
WriteNow = Callable[[bytes], bool]


def immediate_writer(scope: Mapping[str, Any]) -> WriteNow | None:
    """The server's `WriteNow` for this connection, if it offers one."""
    extension = scope.get("extensions", {}).get(FRAMES)
    return None if extension is None else extension.get("write")


class Outgoing:
    """One message for the connections: its text, and its frame once someone needs it."""

    __slots__ = ("_frame", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._frame: bytes | None = None

    def frame(self) -> bytes:
        if self._frame is None:
            self._frame = text_frame(self.text.encode())
        return self._frame


def text_frame(payload: bytes) -> bytes:
    """A final, unmasked text frame (RFC 6455 section 5.2)."""
    size = len(payload)
    if size < 126:
        head = bytes((_TEXT_FIN, size))
    elif size < 1 << 16:
        head = bytes((_TEXT_FIN, 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((_TEXT_FIN, 127)) + size.to_bytes(8, "big")
    return head + payload
