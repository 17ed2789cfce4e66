"""The aggTrade and trade streams carry exactly the aggregate and public trades REST lists:
every id, price, quantity, time and side, without a gap, over many trades on several symbols
of both products (the streams take a batch's trades from the tape's memory, REST from its
table).

Three accounts rest LIMIT orders at one price inside the spread and a fourth takes them with
a MARKET order, so aggregates span several trades; on USDⓈ-M the live agents trade beside
them and the takers sweep into the makers' ladder. Rounds on all symbols run at once, so one
published batch holds trades of several orders and symbols.
"""

import asyncio
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

WAIT_S = 60.0
ROUNDS = 100  # per symbol
MAKERS = 3
CONFIG = "[limits]\nenabled = false\n" + coinm_market.CONFIG


@dataclass(frozen=True)
class Market:
    symbol: str
    api: str  # REST prefix
    tick: Decimal
    unit: Decimal  # a resting order is 1..3 units, a MARKET order 1..(resting + 2) units
    index: Decimal  # the mid while the book has no side (COIN-M: no agents quote it)


MARKETS = (
    Market("BTCUSDT", "/fapi/v1", Decimal("0.1"), Decimal("0.001"), Decimal(77000)),
    Market("ETHUSDT", "/fapi/v1", Decimal("0.01"), Decimal("0.010"), Decimal(2900)),
    Market("BTCUSD_PERP", "/dapi/v1", Decimal("0.1"), Decimal(1), Decimal(coinm_market.INDEX)),
    Market("ETHUSD_PERP", "/dapi/v1", Decimal("0.01"), Decimal(1), Decimal(2900)),
)


@pytest.fixture
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("tape-streams")
    server = SandboxServer(root / "data", CONFIG, live_market=True).start()
    yield server
    server.stop()


def account(server: SandboxServer, name: str) -> Credentials:
    server.call("POST", "/accounts", {"name": name})
    deposits = [("USDT", "usdm"), ("BTC", "coinm"), ("ETH", "coinm")]
    for asset, product in deposits:
        deposit = {"asset": asset, "amount": "100000000", "product": product}
        server.call("POST", f"/accounts/{name}/deposits", deposit)
    return Credentials.from_admin(server.call("POST", f"/accounts/{name}/keys", {}))


async def send(client: httpx.AsyncClient, key: Credentials, method: str, path: str,
               **params: Any) -> Any:  # fmt: skip
    answer = await client.request(
        method, f"{path}?{signed_query(key, params)}", headers=key.headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def trade_rounds(client: httpx.AsyncClient, makers: list[Credentials],
                       taker: Credentials, market: Market, seed: int) -> None:  # fmt: skip
    """Each round: 1..3 makers rest a SELL (or BUY) one tick inside the spread, at one price;
    the taker's MARKET order takes some, all or more than they rest."""
    rng, api, symbol = random.Random(seed), market.api, market.symbol
    for round_ in range(ROUNDS):
        if round_ % 20 == 0:  # stay under the open order limit
            for maker in makers:
                await send(client, maker, "DELETE", f"{api}/allOpenOrders", symbol=symbol)
        top = (await client.get(f"{api}/ticker/bookTicker", params={"symbol": symbol})).json()
        top = top[0] if isinstance(top, list) else top  # COIN-M answers a list
        bid, ask = Decimal(top["bidPrice"]), Decimal(top["askPrice"])
        sell = rng.random() < 0.5
        if sell:
            price = ask - market.tick if ask else market.index + market.tick
        else:
            price = bid + market.tick if bid else market.index - market.tick
        resting = 0
        for maker in rng.sample(makers, rng.randint(1, MAKERS)):
            units = rng.randint(1, 3)
            resting += units
            await send(
                client, maker, "POST", f"{api}/order", symbol=symbol,
                side="SELL" if sell else "BUY", type="LIMIT", timeInForce="GTC",
                quantity=f"{market.unit * units}", price=f"{price}",
            )  # fmt: skip
        units = rng.randint(1, resting + 2)
        await send(
            client, taker, "POST", f"{api}/order", symbol=symbol,
            side="BUY" if sell else "SELL", type="MARKET", quantity=f"{market.unit * units}",
        )  # fmt: skip


async def rest_rows(client: httpx.AsyncClient, key: Credentials, market: Market, path: str,
                    first: int, last: int) -> list[dict[str, Any]]:  # fmt: skip
    """REST's rows with ids first..last, paged by fromId (aggTrades, or historicalTrades:
    /trades takes no fromId)."""
    rows: list[dict[str, Any]] = []
    id_key = "a" if path == "aggTrades" else "id"
    while not rows or rows[-1][id_key] < last:
        from_id = rows[-1][id_key] + 1 if rows else first
        params = {"symbol": market.symbol, "fromId": from_id, "limit": 500}
        answer = await client.get(f"{market.api}/{path}", params=params, headers=key.headers)
        assert answer.status_code == 200, answer.text
        assert answer.json(), (market.symbol, path, from_id)
        rows += answer.json()
    return [row for row in rows if row[id_key] <= last]


async def test_the_trade_streams_carry_what_rest_lists(live: SandboxServer) -> None:
    makers = [account(live, f"maker-{n}") for n in range(MAKERS)]
    taker = account(live, "taker")
    names = [f"{m.symbol.lower()}@{kind}" for m in MARKETS for kind in ("aggTrade", "trade")]
    seen: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    url = live.url.replace("http://", "ws://") + "/stream?streams=" + "/".join(names)
    async with (
        connect(url, max_queue=None, ping_interval=None) as ws,
        httpx.AsyncClient(base_url=live.url, timeout=WAIT_S) as client,
    ):
        await ws.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 1}))
        assert json.loads(await asyncio.wait_for(ws.recv(), WAIT_S))["id"] == 1

        async def read() -> None:
            async for message in ws:
                event = json.loads(message)
                seen[event["stream"]].append(event["data"])

        reader = asyncio.create_task(read())
        await asyncio.gather(
            *(trade_rounds(client, makers, taker, m, seed) for seed, m in enumerate(MARKETS))
        )
        live.call("POST", "/agents/pause")
        newest = {}  # symbol -> (aggregate id, last trade id) of its newest aggregate
        for m in MARKETS:
            rows = (await client.get(f"{m.api}/aggTrades", params={"symbol": m.symbol})).json()
            newest[m.symbol] = (rows[-1]["a"], rows[-1]["l"])

        def behind(m: Market) -> bool:
            aggs, trades = (seen[f"{m.symbol.lower()}@{kind}"] for kind in ("aggTrade", "trade"))
            agg_id, trade_id = newest[m.symbol]
            return not trades or aggs[-1]["a"] < agg_id or trades[-1]["t"] < trade_id

        async with asyncio.timeout(WAIT_S):  # the streams show every trade REST listed
            while any(behind(m) for m in MARKETS):
                await asyncio.sleep(0.05)
        reader.cancel()
        for m in MARKETS:
            aggs = seen[f"{m.symbol.lower()}@aggTrade"]
            rest_aggs = await rest_rows(client, taker, m, "aggTrades", aggs[0]["a"], aggs[-1]["a"])
            fields = ("a", "p", "q", "f", "l", "T", "m") + (("nq",) if m.api == "/fapi/v1" else ())
            assert [[agg[k] for k in fields] for agg in aggs] == [
                [row[k] for k in fields] for row in rest_aggs
            ], m.symbol
            assert len(aggs) >= ROUNDS, m.symbol  # at least one aggregate a round
            assert any(agg["l"] > agg["f"] for agg in aggs), m.symbol  # spanning trades
            assert all(agg["s"] == m.symbol for agg in aggs)

            trades = seen[f"{m.symbol.lower()}@trade"]
            rest_trades = await rest_rows(
                client, taker, m, "historicalTrades", trades[0]["t"], trades[-1]["t"]
            )
            assert [[t["t"], t["p"], t["q"], t["T"], t["m"]] for t in trades] == [
                [r["id"], r["price"], r["qty"], r["time"], r["isBuyerMaker"]] for r in rest_trades
            ], m.symbol
