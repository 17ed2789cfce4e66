"""A consumer that stops reading is disconnected once its queue is full, and neither it nor
others like it slow the exchange or the other subscribers."""

import asyncio
import json
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from binance_sandbox.gateway.params import KLINE_INTERVALS
from tests.clients.trading_support import SYMBOL, pin_price
from tests.support.raw_ws import TEXT, RawWebSocket
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_query

WAIT_S = 200.0  # a bound, not a speed: ~200 one-second advances on a busy machine
QUEUE = 1000  # above the ~150 messages one second of exchange time brings at once
CONFIG = f"[clock]\nmode = 'manual'\n[limits]\nenabled = false\n[streams]\nsend_queue = {QUEUE}\n"
PERPETUALS = ("btcusdt", "ethusdt", "bnbusdt", "solusdt", "xrpusdt")
STREAMS = "/".join(
    f"btcusdt@{name}"
    for name in ("aggTrade", "trade", "bookTicker", "depth@100ms", "depth20@100ms")
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("slow-consumer")
    running = SandboxServer(root / "data", CONFIG).start()
    pin_price(running)
    yield running
    running.stop()


def ws_url(server: SandboxServer, path: str) -> str:
    return server.url.replace("http://", "ws://") + path


async def test_a_stuck_subscriber_is_disconnected_and_others_get_everything(
    server: SandboxServer,
) -> None:
    """Each second of exchange time moves every index and mark price candle: ~150 messages of
    ~400 bytes. The stuck consumer's socket buffers fill, then its queue, and the server ends
    the connection; the healthy one receives every message. The server caps a stream socket's
    send buffer, so the stuck one is cut off after about its queue's worth of messages plus a
    few hundred KB (its kernel buffers alone took 3-4 MB on loopback uncapped)."""
    names = "/".join(
        f"{symbol}@{kind}_{interval}"
        for symbol in PERPETUALS for kind in ("indexPriceKline", "markPriceKline")
        for interval in KLINE_INTERVALS
    )  # fmt: skip
    stuck = RawWebSocket(ws_url(server, f"/stream?streams={names}"), receive_buffer=4096)
    received = 0
    async with connect(ws_url(server, f"/stream?streams={names}"), max_queue=None) as healthy:
        await healthy.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 1}))
        await healthy.recv()  # both subscribed before the clock moves

        async def read() -> None:
            nonlocal received
            async for message in healthy:
                received += len(message)

        reader = asyncio.create_task(read())
        received_when_cut: int | None = None
        async with asyncio.timeout(WAIT_S):
            while received < 12 * 2**20:  # 12 MB: far past what a socket buffers
                await asyncio.to_thread(server.call, "POST", "/clock/advance", {"by": "1s"})
                listening = await asyncio.to_thread(server.call, "GET", "/streams")
                if received_when_cut is None and listening["connections"] == 1:
                    received_when_cut = received  # at most what the stuck one was sent
        reader.cancel()
    frames = read_until_closed(stuck)
    assert frames > 0
    assert frames * 400 < received
    assert received_when_cut is not None
    assert received_when_cut < QUEUE * 400 + 2 * 2**20


def read_until_closed(connection: RawWebSocket) -> int:
    """The text frames read before the server ended the connection."""
    frames = 0
    try:
        while True:
            assert connection.read_frame().opcode == TEXT
            frames += 1
    except (EOFError, ConnectionResetError):  # closed, or aborted (buffers thrown away)
        return frames
    except TimeoutError:
        raise AssertionError(f"still open after {frames} frames") from None
    finally:
        connection.close()


async def test_stuck_subscribers_do_not_slow_order_round_trips(server: SandboxServer) -> None:
    """Median order round trip with 10 stuck subscribers on the symbol's streams against
    without them, measured alternately; each order is a new best bid, so each one is a
    bookTicker event for every subscriber. The bound is generous for a busy shared machine,
    where single runs vary by a third (bench/ prints the figure)."""
    key = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))

    async def round_trips(client: httpx.AsyncClient, count: int) -> list[float]:
        timings = []
        for n in range(count):
            order = {"symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                     "quantity": "0.001", "price": f"{75000 + n / 10:.1f}"}  # fmt: skip
            started = time.perf_counter()
            placed = await client.post(
                f"/fapi/v1/order?{signed_query(key, order)}", headers=key.headers
            )
            timings.append(time.perf_counter() - started)
            assert placed.status_code == 200, placed.text
        cancel = signed_query(key, {"symbol": SYMBOL})
        await client.delete(f"/fapi/v1/allOpenOrders?{cancel}", headers=key.headers)
        return timings

    without, with_stuck = [], []
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT_S) as client:
        for _ in range(8):  # fine alternation: the machine's load bursts hit both sides
            without += await round_trips(client, 25)
            stuck = [
                RawWebSocket(ws_url(server, f"/stream?streams={STREAMS}"), receive_buffer=4096)
                for _ in range(10)
            ]
            with_stuck += await round_trips(client, 25)
            for connection in stuck:
                connection.close()
    ratio = statistics.median(with_stuck) / statistics.median(without)
    without_ms, with_ms = statistics.median(without) * 1e3, statistics.median(with_stuck) * 1e3
    print(f"median order round trip: {without_ms:.2f} ms without, {with_ms:.2f} ms with 10 stuck")
    assert ratio < 2.0
