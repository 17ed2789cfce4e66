"""Order loops for the stream benchmarks: `OrderLoops.run` places orders from concurrent
loops, paced or flat out, through a subclass's `order`; `RawPlacer` is the lighter of the two
placers (`stream_fanout.Placer` uses httpx): the same signed MARKET orders over keep-alive
HTTP/1.1 connections written and read by hand on asyncio streams. httpx's request and
response objects cost the placing process about 1 ms of CPU an order, which kept the latency
phase under the 1,000 orders/s it asks for."""

import asyncio
import time
from urllib.parse import urlsplit

from order_placement import signed

IDLE_S = 1.0


def market_order(secret: str, symbol: str, side: str) -> str:
    """The signed query of a MARKET order of 0.002 (one taken level of the makers' ladder)."""
    return signed(secret, f"symbol={symbol}&side={side}&type=MARKET&quantity=0.002")


class OrderLoops:
    """Round trips are noted by `order`, in seconds."""

    def __init__(self) -> None:
        self.round_trips: list[float] = []

    async def order(self, side: str) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        pass

    async def run(self, seconds: float, loops: int, rate: float = 0.0) -> int:
        """Places orders for `seconds` from `loops` concurrent loops (paced to `rate`/s in
        total if given), alternately SELL and BUY; returns how many."""
        deadline = time.perf_counter() + seconds
        placed = 0
        interval = loops / rate if rate else 0.0

        async def loop(n: int) -> None:
            nonlocal placed
            due = time.perf_counter() + n * interval / loops
            while time.perf_counter() < deadline:
                if interval:
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    due += interval
                await self.order("BUY" if placed % 2 else "SELL")
                placed += 1

        await asyncio.gather(*(loop(n) for n in range(loops)))
        return placed


class RawPlacer(OrderLoops):
    def __init__(self, url: str, key: str, secret: str, symbol: str) -> None:
        super().__init__()
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._key, self._secret, self._symbol = key, secret, symbol
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    async def close(self) -> None:
        for _, writer, _ in self._idle:
            writer.close()
        self._idle.clear()

    async def order(self, side: str) -> None:
        query = market_order(self._secret, self._symbol, side)
        request = (
            f"POST /fapi/v1/order?{query} HTTP/1.1\r\n"
            f"Host: {self._host}:{self._port}\r\nX-MBX-APIKEY: {self._key}\r\n"
            "Content-Length: 0\r\n\r\n"
        ).encode()
        reader, writer = await self._connection()
        started = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        body = await reader.readexactly(length)
        done = time.perf_counter()
        self.round_trips.append(done - started)
        self._idle.append((reader, writer, done))
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"order refused: {body.decode()}")

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A kept-alive connection used within IDLE_S, else a new one: the server closes one
        idle for 5 s (uvicorn's keep-alive), and a request sent into that close is lost."""
        while self._idle:
            reader, writer, used = self._idle.pop()
            if time.perf_counter() - used < IDLE_S:
                return reader, writer
            writer.close()
        return await asyncio.open_connection(self._host, self._port)
