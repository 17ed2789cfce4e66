"""Order placement over the WebSocket API (`/ws-fapi/v1`) next to REST, in the same run.

One `binance-sandbox serve` (fresh data directory, rate limits off, agents off, the default
`synchronous="full"` journal: every answer waits for its fsync). The order is the one
`order_placement.py` sends: a signed MARKET BUY of 0.001 BTCUSDT on an empty book, so each is
checked, journaled (group commit), applied and EXPIRED — the placement path without matching.

Three loads, each from `--connections` connections of one client process (asyncio), after an
uncounted warm-up, alternated `--repeat` times (medians reported):

- **rest**: `POST /fapi/v1/order` on keep-alive HTTP/1.1 connections, one request in flight
  per connection (a minimal client writing the prepared request bytes, as wrk does);
- **ws-api**: `order.place` frames on WebSocket API connections (a minimal client too: the
  frames are built and masked once), one request in flight per connection: REST's concurrency;
- **ws-api pipelined**: the same with `--pipeline` requests in flight per connection (the WS
  API answers by `id`, so a client need not wait; REST on HTTP/1.1 cannot do this).

Each load signs once per run and replays the request (Binance has no nonce; the 60 s
recvWindow covers a run); each order still gets its own order id. Every answer must be HTTP
200 / ws status 200, and the order ids before and after a run must show at least as many
accepted orders as answers counted, or the script exits 1. Printed: orders/s, p50 / p99
round trip per load and the ratios to REST. A JSON copy goes to
`bench/results/ws_api_placement-<date>-<time>.json`.
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlparse

import httpx

from http_throughput import RECV_WINDOW_MS, RESULTS_DIR, BenchmarkError, Sandbox, sandbox_server
from order_placement import SERVER_ENV, signed

Order = dict[str, str]
ORDER_PATH = "/fapi/v1/order"
ORDER: Order = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"}
LOADS = ("rest", "ws-api", "ws-api pipelined")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--pipeline", type=int, default=8, help="in flight per WS connection")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args()


# --- one request, REST and WebSocket API ------------------------------------------------------


def rest_request(sandbox: Sandbox, path: str = ORDER_PATH, order: Order = ORDER) -> bytes:
    """The signed POST of `order` to `path`, as bytes ready to replay."""
    query = signed(sandbox.secret, "&".join(f"{k}={v}" for k, v in order.items()))
    host = urlparse(sandbox.url).netloc
    return (
        f"POST {path}?{query} HTTP/1.1\r\nHost: {host}\r\n"
        f"X-MBX-APIKEY: {sandbox.api_key}\r\nContent-Length: 0\r\n\r\n"
    ).encode()


def ws_params(sandbox: Sandbox) -> dict[str, Any]:
    """Binance's ws-api signing: every parameter but `signature`, sorted by name."""
    params: dict[str, Any] = {
        **ORDER,
        "apiKey": sandbox.api_key,
        "recvWindow": RECV_WINDOW_MS,
        "timestamp": int(time.time() * 1000),
    }
    payload = "&".join(f"{name}={params[name]}" for name in sorted(params))
    digest = hmac.new(sandbox.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return {**params, "signature": digest}


class Tally:
    def __init__(self) -> None:
        self.round_trips: list[float] = []
        self.failures: list[str] = []


async def rest_connection(sandbox: Sandbox, request: bytes, until: float, tally: Tally) -> None:
    url = urlparse(sandbox.url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    try:
        while time.perf_counter() < until:
            sent = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            size = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            body = await reader.readexactly(size)
            tally.round_trips.append(time.perf_counter() - sent)
            if not head.startswith(b"HTTP/1.1 200"):
                tally.failures.append(body.decode(errors="replace"))
    finally:
        writer.close()


async def ws_connection(
    sandbox: Sandbox, params: dict[str, Any], in_flight: int, until: float, tally: Tally
) -> None:
    """A minimal WebSocket client, like the REST one: the request frames are built (and
    masked) once, one per id in flight, and resent as their answers come back."""
    url = urlparse(sandbox.url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        f"GET /ws-fapi/v1?returnRateLimits=false HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    if not (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101"):
        raise BenchmarkError("the WebSocket API refused the handshake")
    frames = {
        request_id: masked_text_frame(
            json.dumps({"id": request_id, "method": "order.place", "params": params}).encode()
        )
        for request_id in range(in_flight)
    }
    sent_at: dict[int, float] = {}
    try:
        for request_id, frame in frames.items():
            sent_at[request_id] = time.perf_counter()
            writer.write(frame)
        while sent_at:
            reply = json.loads(await read_text_frame(reader))
            request_id = reply["id"]
            tally.round_trips.append(time.perf_counter() - sent_at.pop(request_id))
            if reply["status"] != 200:
                tally.failures.append(json.dumps(reply))
            if time.perf_counter() < until:
                sent_at[request_id] = time.perf_counter()
                writer.write(frames[request_id])
    finally:
        writer.close()


def masked_text_frame(payload: bytes) -> bytes:
    """RFC 6455: FIN + text, the mask bit and a key (clients must mask), then the payload."""
    mask = os.urandom(4)
    size = len(payload)
    head = bytes((0x81, 0x80 | size)) if size < 126 else bytes((0x81, 0xFE)) + size.to_bytes(2)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


async def read_text_frame(reader: asyncio.StreamReader) -> bytes:
    """The payload of the server's next frame (unmasked, unfragmented: the sandbox's)."""
    head = await reader.readexactly(2)
    size = head[1] & 0x7F
    if size == 126:
        size = int.from_bytes(await reader.readexactly(2))
    elif size == 127:
        size = int.from_bytes(await reader.readexactly(8))
    return await reader.readexactly(size)


Load = Callable[[Sandbox, float, Tally], Awaitable[None]]


def load(name: str, connections: int, pipeline: int) -> Load:
    async def run(sandbox: Sandbox, until: float, tally: Tally) -> None:
        if name == "rest":
            request = rest_request(sandbox)
            tasks = [rest_connection(sandbox, request, until, tally) for _ in range(connections)]
        else:
            params = ws_params(sandbox)
            depth = pipeline if name == "ws-api pipelined" else 1
            tasks = [
                ws_connection(sandbox, params, depth, until, tally) for _ in range(connections)
            ]
        await asyncio.gather(*tasks)

    return run


# --- measuring ----------------------------------------------------------------------------------


def last_order_id(sandbox: Sandbox, path: str = ORDER_PATH, order: Order = ORDER) -> int:
    """The id of one more such order, placed over plain REST."""
    query = signed(sandbox.secret, "&".join(f"{k}={v}" for k, v in order.items()))
    response = httpx.post(f"{sandbox.url}{path}?{query}", headers={"X-MBX-APIKEY": sandbox.api_key})
    if response.status_code != 200:
        raise BenchmarkError(f"check order: {response.status_code} {response.text!r}")
    return int(response.json()["orderId"])


def measure(
    sandbox: Sandbox,
    name: str,
    run: Load,
    seconds: float,
    path: str = ORDER_PATH,
    order: Order = ORDER,
) -> dict[str, float]:
    """Runs `run` for `seconds`; the ids of a `path` `order` before and after it show how many
    orders the server accepted meanwhile."""
    tally = Tally()
    first = last_order_id(sandbox, path, order)
    started = time.perf_counter()
    asyncio.run(run(sandbox, started + seconds, tally))
    elapsed = time.perf_counter() - started
    accepted = last_order_id(sandbox, path, order) - first - 1
    if tally.failures:
        raise BenchmarkError(f"{name}: {len(tally.failures)} refused, e.g. {tally.failures[0]}")
    if accepted < len(tally.round_trips):
        answered = len(tally.round_trips)
        raise BenchmarkError(f"{name}: {accepted} orders accepted, {answered} answered")
    ms = sorted(1000 * rt for rt in tally.round_trips)
    return {
        "orders_per_second": len(ms) / elapsed,
        "p50_ms": ms[len(ms) // 2],
        "p99_ms": ms[min(len(ms) - 1, int(len(ms) * 0.99))],
        "orders": len(ms),
    }


def main() -> int:
    args = parse_args()
    os.environ.update(SERVER_ENV)  # inherited by the server sandbox_server starts
    out_dir = RESULTS_DIR / f"ws_api_placement-{time.strftime('%Y%m%d-%H%M%S')}"
    out_dir.mkdir(parents=True)
    loads = {name: load(name, args.connections, args.pipeline) for name in LOADS}
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in LOADS}
    with sandbox_server(out_dir) as sandbox:
        for round_no in range(1, args.repeat + 1):
            for name, run in loads.items():
                if args.warmup:
                    measure(sandbox, name, run, args.warmup)
                rounds[name].append(measure(sandbox, name, run, args.duration))
            print(f"round {round_no}/{args.repeat} done")
    table = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for name, runs in rounds.items()
    }
    print(f"\nmedians over {args.repeat} round(s), {args.connections} connections")
    print(f"{'load':<20}{'orders/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'/ rest':>8}")
    rest = table["rest"]["orders_per_second"]
    for name, row in table.items():
        print(
            f"{name:<20}{row['orders_per_second']:>10.0f}{row['p50_ms']:>9.2f}"
            f"{row['p99_ms']:>9.2f}{row['orders_per_second'] / rest:>8.2f}"
        )
    summary = {"settings": vars(args), "server_env": SERVER_ENV, "medians": table, "rounds": rounds}
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
