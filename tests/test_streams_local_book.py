"""Binance's "manage a local order book" procedure, run on the diff depth stream, keeps a book
equal to REST depth: 10,000 random orders from several accounts, with the live agents on.

The procedure (Binance's USDⓈ-M docs): buffer the stream's events, take a REST snapshot, drop
events with `u` < its `lastUpdateId`, start at the event with `U <= lastUpdateId <= u`, then
each event's `pu` must be the previous event's `u` (a gap means: start again from a new
snapshot). The test counts gaps; a consumer that keeps up must see none.
"""

import asyncio
import contextlib
import json
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_query

ORDERS = 10_000
ACCOUNTS = 3
BATCH = 5  # Binance's most orders per batchOrders request
SYMBOL = "BTCUSDT"
WAIT_S = 60.0
# Binance's order rate limits would stretch 10,000 orders over minutes; they are not the point.
CONFIG = "[limits]\nenabled = false\n[agents.taker]\nslot_ms = 1000\n"

Book = dict[Decimal, Decimal]


class LocalBook:
    """A local order book kept by Binance's published procedure."""

    def __init__(self) -> None:
        self.bids: Book = {}
        self.asks: Book = {}
        self.snapshot_id: int | None = None  # lastUpdateId of the snapshot, once taken
        self.last_u: int | None = None  # u of the last event applied
        self.buffer: list[dict[str, Any]] = []
        self.gaps: list[tuple[str, int]] = []
        self.applied = 0

    def reset(self, snapshot: dict[str, Any]) -> None:
        self.bids = {Decimal(p): Decimal(q) for p, q in snapshot["bids"]}
        self.asks = {Decimal(p): Decimal(q) for p, q in snapshot["asks"]}
        self.snapshot_id = snapshot["lastUpdateId"]
        buffered, self.buffer = self.buffer, []
        for event in buffered:
            self.on_event(event)

    def on_event(self, event: dict[str, Any]) -> None:
        if self.snapshot_id is None:
            self.buffer.append(event)
        elif self.last_u is None:  # the first event after the snapshot must span it
            if event["u"] < self.snapshot_id:
                return  # already in the snapshot
            if not event["U"] <= self.snapshot_id <= event["u"]:
                self.gaps.append(("first event does not span the snapshot", self.snapshot_id))
            self._apply(event)
        else:
            if event["pu"] != self.last_u:
                self.gaps.append(("pu is not the previous u", self.last_u))
            self._apply(event)

    def _apply(self, event: dict[str, Any]) -> None:
        for side, levels in ((self.bids, event["b"]), (self.asks, event["a"])):
            for price, qty in levels:
                if Decimal(qty) == 0:
                    side.pop(Decimal(price), None)
                else:
                    side[Decimal(price)] = Decimal(qty)
        self.last_u = event["u"]
        self.applied += 1

    def top(self, depth: int) -> tuple[list[tuple[Decimal, Decimal]], ...]:
        bids = sorted(self.bids.items(), reverse=True)[:depth]
        asks = sorted(self.asks.items())[:depth]
        return bids, asks


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("local-book")
    server = SandboxServer(root / "data", CONFIG, live_market=True).start()
    yield server
    server.stop()


def traders(server: SandboxServer) -> list[Credentials]:
    keys = []
    for n in range(ACCOUNTS):
        name = f"random-{n}"
        server.call("POST", "/accounts", {"name": name})
        server.call("POST", f"/accounts/{name}/deposits", {"asset": "USDT", "amount": "10000000"})
        keys.append(Credentials.from_admin(server.call("POST", f"/accounts/{name}/keys", {})))
    return keys


def random_order(rng: random.Random, mid: Decimal) -> dict[str, str]:
    side = rng.choice(("BUY", "SELL"))
    qty = f"{rng.randint(1, 30) / 1000:.3f}"
    if rng.random() < 0.1:
        return {"symbol": SYMBOL, "side": side, "type": "MARKET", "quantity": qty}
    # mostly inside the makers' ladder (25 levels of 6.4 a side), some crossing the spread
    offset = Decimal(rng.randint(-200, 1500)) / 10
    price = mid - offset if side == "BUY" else mid + offset
    return {"symbol": SYMBOL, "side": side, "type": "LIMIT", "timeInForce": "GTC",
            "quantity": qty, "price": f"{price:.1f}"}  # fmt: skip


async def place_randomly(client: httpx.AsyncClient, key: Credentials, seed: int, count: int) -> int:
    rng = random.Random(seed)
    accepted = 0
    for placed in range(0, count, BATCH):
        if placed % 150 == 0:  # stay under the open order limit (200 a symbol)
            cancel = signed_query(key, {"symbol": SYMBOL})
            await client.delete(f"/fapi/v1/allOpenOrders?{cancel}", headers=key.headers)
        top = (await client.get("/fapi/v1/ticker/bookTicker", params={"symbol": SYMBOL})).json()
        mid = (Decimal(top["bidPrice"]) + Decimal(top["askPrice"])) / 2
        mid = mid.quantize(Decimal("0.1"))
        orders = [random_order(rng, mid) for _ in range(BATCH)]
        query = signed_query(key, {"batchOrders": json.dumps(orders)})
        answer = await client.post(f"/fapi/v1/batchOrders?{query}", headers=key.headers)
        assert answer.status_code == 200, answer.text
        accepted += sum("orderId" in item for item in answer.json())
    return accepted


async def test_local_book_from_the_diff_stream_equals_rest_depth(live: SandboxServer) -> None:
    keys = traders(live)
    book = LocalBook()
    url = live.url.replace("http://", "ws://") + f"/public/ws/{SYMBOL.lower()}@depth@100ms"
    async with (
        connect(url, max_queue=None, ping_interval=None) as ws,
        httpx.AsyncClient(base_url=live.url, timeout=WAIT_S) as client,
    ):
        await ws.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 1}))
        assert json.loads(await ws.recv())["id"] == 1  # subscribed before the snapshot

        async def read() -> None:
            async for message in ws:
                book.on_event(json.loads(message))

        reader = asyncio.create_task(read())
        snapshot = await client.get("/fapi/v1/depth", params={"symbol": SYMBOL, "limit": 1000})
        book.reset(snapshot.json())
        per_account = ORDERS // ACCOUNTS + 1
        accepted = await asyncio.gather(
            *(place_randomly(client, key, seed, per_account) for seed, key in enumerate(keys))
        )
        assert sum(accepted) > ORDERS // 2  # most are valid orders (some fail their checks)
        live.call("POST", "/agents/pause")
        cancel = signed_query(keys[0], {"symbol": SYMBOL})
        await client.delete(f"/fapi/v1/allOpenOrders?{cancel}", headers=keys[0].headers)
        # a last order at a price of its own marks the end: once the stream shows it, the
        # local book has every change (nothing else moves the book with the agents paused)
        marker = {"symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                  "quantity": "0.001", "price": "50000.0"}  # fmt: skip
        placed = await client.post(
            f"/fapi/v1/order?{signed_query(keys[0], marker)}", headers=keys[0].headers
        )
        assert placed.status_code == 200, placed.text
        async with asyncio.timeout(WAIT_S):
            while Decimal("50000.0") not in book.bids:
                await asyncio.sleep(0.05)
        rest = (await client.get("/fapi/v1/depth", params={"symbol": SYMBOL, "limit": 1000})).json()
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
    bids, asks = book.top(1000)
    assert bids == [(Decimal(p), Decimal(q)) for p, q in rest["bids"]]
    assert asks == [(Decimal(p), Decimal(q)) for p, q in rest["asks"]]
    assert book.gaps == []
    # The stream carried the orders' changes: diff events come every 100 ms of exchange time, so
    # how many depends on how long the orders took; a handful is certain.
    assert book.applied > 5
    assert len(bids) > 25  # the makers' ladder and the random orders resting below it
