"""The bare baseline for `http_throughput.py`: a raw ASGI app that answers every request `{}`.

It does no routing, parsing or work of any kind, so what it measures is the ASGI server (and
the event loop, HTTP parser and kernel under it) on its own: the most the sandbox could reach
on the same stack. Like the gateway it sends only a `content-type` header (no
`content-length`), so the framing of its responses is the gateway's.

Served two ways:

- under uvicorn with the settings `binance-sandbox serve` uses (`uvicorn.Config` with
  `lifespan="on"`, `access_log=False`, log level `info`, one process; uvloop and httptools,
  which uvicorn's "auto" picks when they are installed, named here explicitly):
  `python bench/bare_apps.py --port 8001`;
- under granian, by its command line: `granian --interface asgi bare_apps:app` (from
  `bench/`), see `http_throughput.py` for the options.
"""

import argparse

import uvicorn
from starlette.types import Receive, Scope, Send

_HEADERS = [(b"content-type", b"application/json")]
_BODY = b"{}"


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Raw ASGI: `{}` as application/json for every HTTP request; lifespan acknowledged."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
    elif scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
        await send({"type": "http.response.body", "body": _BODY})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def serve_uvicorn(host: str, port: int) -> None:
    """Run `app` as `binance-sandbox serve` runs the sandbox (see cli/serve.py)."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        lifespan="on",
        access_log=False,
        loop="uvloop",
        http="httptools",
    )
    uvicorn.Server(config).run()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the bare `{}` app under uvicorn.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    serve_uvicorn(args.host, args.port)


if __name__ == "__main__":
    main()
