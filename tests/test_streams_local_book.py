"""Binance's "manage a local order book" procedure, run on the diff depth stream, keeps a book
equal to REST depth: 10,000 random orders from several accounts, with the live agents on, on a
USDⓈ-M and on a COIN-M contract (whose book only the random orders fill).

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
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.support import coinm_market
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_query

ORDERS = 10_000
ACCOUNTS = 3
BATCH = 5  # Binance's most orders per batchOrders request
WAIT_S = 60.0
# Binance's order rate limits would stretch 10,000 orders over minutes; they are not the point.
CONFIG = "[limits]\nenabled = false\n[agents.taker]\nslot_ms = 1000\n"


@dataclass(frozen=True)
class Market:
    symbol: str
    api: str  # REST prefix
    margin_asset: str
    deposit: str
    product: str  # the wallet the deposit goes to
    qty_places: int  # random quantities of 1..30 steps
    index: str  # the mid while the book has no side
    config: str
    bid_levels: int  # the final book holds more bid levels than this (not a trivial comparison)


# the makers' ladder (25 levels) and random orders below it
USDM = Market("BTCUSDT", "/fapi/v1", "USDT", "10000000", "usdm", 3, "77000", CONFIG, 25)
COINM = Market(
    coinm_market.SYMBOL, coinm_market.ORDER_PATH.rsplit("/", 1)[0], "BTC", "1000000000", "coinm", 0,
    coinm_market.INDEX,
    CONFIG + '[agents]\nsymbols = ["BTCUSDT", "BTCUSD_PERP"]\n' + coinm_market.CONFIG,
    25,  # the makers' ladder, as on USDⓈ-M (the agents quote COIN-M too)
)  # fmt: skip

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


@pytest.fixture(params=[USDM, COINM], ids=["usdm", "coinm"])
def market(request: pytest.FixtureRequest) -> Market:
    chosen: Market = request.param
    return chosen


@pytest.fixture
def live(tmp_path_factory: pytest.TempPathFactory, market: Market) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("local-book")
    server = SandboxServer(root / "data", market.config, live_market=True).start()
    yield server
    server.stop()


def traders(server: SandboxServer, market: Market) -> list[Credentials]:
    keys = []
    for n in range(ACCOUNTS):
        name = f"random-{n}"
        server.call("POST", "/accounts", {"name": name})
        deposit = {"asset": market.margin_asset, "amount": market.deposit,
                   "product": market.product}  # fmt: skip
        server.call("POST", f"/accounts/{name}/deposits", deposit)
        keys.append(Credentials.from_admin(server.call("POST", f"/accounts/{name}/keys", {})))
    return keys


def random_order(rng: random.Random, mid: Decimal, market: Market) -> dict[str, str]:
    side = rng.choice(("BUY", "SELL"))
    qty = f"{Decimal(rng.randint(1, 30)).scaleb(-market.qty_places)}"
    symbol = market.symbol
    if rng.random() < 0.1:
        return {"symbol": symbol, "side": side, "type": "MARKET", "quantity": qty}
    # mostly inside the makers' ladder (25 levels of 6.4 a side), some crossing the spread
    offset = Decimal(rng.randint(-200, 1500)) / 10
    price = mid - offset if side == "BUY" else mid + offset
    return {"symbol": symbol, "side": side, "type": "LIMIT", "timeInForce": "GTC",
            "quantity": qty, "price": f"{price:.1f}"}  # fmt: skip


async def place_randomly(
    client: httpx.AsyncClient, key: Credentials, seed: int, count: int, market: Market
) -> int:
    rng = random.Random(seed)
    accepted, api, symbol = 0, market.api, market.symbol
    for placed in range(0, count, BATCH):
        if placed % 150 == 0:  # stay under the open order limit (200 a symbol)
            cancel = signed_query(key, {"symbol": symbol})
            await client.delete(f"{api}/allOpenOrders?{cancel}", headers=key.headers)
        top = (await client.get(f"{api}/ticker/bookTicker", params={"symbol": symbol})).json()
        top = top[0] if isinstance(top, list) else top  # COIN-M answers a list for a symbol too
        bid, ask = Decimal(top["bidPrice"]), Decimal(top["askPrice"])
        mid = (bid + ask) / 2 if bid and ask else Decimal(market.index)  # a side is empty
        mid = mid.quantize(Decimal("0.1"))
        orders = [random_order(rng, mid, market) for _ in range(BATCH)]
        query = signed_query(key, {"batchOrders": json.dumps(orders)})
        answer = await client.post(f"{api}/batchOrders?{query}", headers=key.headers)
        assert answer.status_code == 200, answer.text
        accepted += sum("orderId" in item for item in answer.json())
    return accepted


async def test_local_book_from_the_diff_stream_equals_rest_depth(
    live: SandboxServer, market: Market
) -> None:
    keys = traders(live, market)
    book = LocalBook()
    api, symbol = market.api, market.symbol
    url = live.url.replace("http://", "ws://") + f"/public/ws/{symbol.lower()}@depth@100ms"
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
        snapshot = await client.get(f"{api}/depth", params={"symbol": symbol, "limit": 1000})
        book.reset(snapshot.json())
        per_account = ORDERS // ACCOUNTS + 1
        accepted = await asyncio.gather(
            *(
                place_randomly(client, key, seed, per_account, market)
                for seed, key in enumerate(keys)
            )
        )
        assert sum(accepted) > ORDERS // 2  # most are valid orders (some fail their checks)
        live.call("POST", "/agents/pause")
        cancel = signed_query(keys[0], {"symbol": symbol})
        await client.delete(f"{api}/allOpenOrders?{cancel}", headers=keys[0].headers)
        # a last order at a price of its own marks the end: once the stream shows it, the
        # local book has every change (nothing else moves the book with the agents paused)
        marker = {"symbol": symbol, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                  "quantity": f"{Decimal(1).scaleb(-market.qty_places)}",
                  "price": "50000.0"}  # fmt: skip
        placed = await client.post(
            f"{api}/order?{signed_query(keys[0], marker)}", headers=keys[0].headers
        )
        assert placed.status_code == 200, placed.text
        async with asyncio.timeout(WAIT_S):
            while Decimal("50000.0") not in book.bids:
                await asyncio.sleep(0.05)
        rest = (await client.get(f"{api}/depth", params={"symbol": symbol, "limit": 1000})).json()
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
    assert len(bids) > market.bid_levels
