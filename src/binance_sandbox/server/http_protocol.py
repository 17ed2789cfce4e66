"""uvicorn's HTTP protocol, answering requests it cannot parse the Binance way.

A request line with a NUL, an unknown method, a URL past the parser's limits or a bad
Content-Length never reaches the ASGI app: uvicorn answers it itself with a plain-text 400.
Clients parse every error body as Binance's `{"code", "msg"}` JSON, so this protocol writes that
body instead: -1100, Binance's code for characters it cannot accept in a request.
"""

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MALFORMED_BODY = orjson.dumps({"code": -1100, "msg": "Illegal characters found in a parameter."})


class BinanceHttpProtocol(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:  # noqa: ARG002  # uvicorn's text is replaced
        head = [b"HTTP/1.1 400 Bad Request\r\n"]
        for name, value in self.server_state.default_headers:
            head.append(name + b": " + value + b"\r\n")
        head.append(b"content-type: application/json\r\n")
        head.append(b"content-length: " + str(len(MALFORMED_BODY)).encode() + b"\r\n")
        head.append(b"connection: close\r\n\r\n")
        self.transport.write(b"".join(head) + MALFORMED_BODY)
        self.transport.close()
