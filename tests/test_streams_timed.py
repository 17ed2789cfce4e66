"""Timed streams run on the exchange clock: under the manual clock they move only when it is
advanced, at Binance's update speeds, with `E` in exchange time; a kline is pushed while it
changes and once more, closed (`x`: true), when its interval ends, equal to the REST row."""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.clients.trading_support import QTY, SYMBOL, cross_once, maker_key, pin_price
from tests.support.server import SandboxServer
from tests.support.signing import Credentials

WAIT_S = 30.0
QUIET_S = 0.5  # no message for this long after an advance: the advance brought no more


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("streams-timed")
    running = SandboxServer(root / "data", "[clock]\nmode = 'manual'\n").start()
    yield running
    running.stop()


def advance(server: SandboxServer, by: str) -> int:
    """Advances the exchange clock; the exchange time reached."""
    return int(server.call("POST", "/clock/advance", {"by": by})["time"])


def advance_to(server: SandboxServer, time_ms: int) -> None:
    server.call("POST", "/clock/advance", {"to": str(time_ms)})


async def drain(ws: ClientConnection) -> list[dict[str, Any]]:
    """The messages that arrive until the connection has been quiet for a while."""
    received = []
    while True:
        try:
            received.append(json.loads(await asyncio.wait_for(ws.recv(), QUIET_S)))
        except TimeoutError:
            return received


async def subscribed(ws: ClientConnection, *names: str) -> None:
    await ws.send(json.dumps({"method": "SUBSCRIBE", "params": list(names), "id": 1}))
    assert json.loads(await asyncio.wait_for(ws.recv(), WAIT_S)) == {"result": None, "id": 1}


async def test_mark_price_every_3_seconds_of_exchange_time(server: SandboxServer) -> None:
    url = server.url.replace("http://", "ws://") + "/ws"
    async with connect(url) as ws:
        await subscribed(ws, "btcusdt@markPrice", "!markPrice@arr@1s")
        assert await drain(ws) == []  # the clock stands still: nothing is due
        reached = await asyncio.to_thread(advance, server, "6s")
        received = await drain(ws)
    singles = [m for m in received if isinstance(m, dict)]
    arrays = [m for m in received if isinstance(m, list)]
    assert len(singles) == 2  # 6 s at 3 s
    assert len(arrays) == 6  # 6 s at 1 s
    premium = httpx.get(server.url + "/fapi/v1/premiumIndex", params={"symbol": SYMBOL}).json()
    newest = {row["s"]: row for row in arrays[-1]}
    assert {"BTCUSDT", "ETHUSDT"} <= newest.keys()
    assert list(newest[SYMBOL]) == ["e", "E", "s", "p", "i", "P", "r", "T"]
    assert (newest[SYMBOL]["p"], newest[SYMBOL]["i"], newest[SYMBOL]["r"]) == (
        premium["markPrice"], premium["indexPrice"], premium["lastFundingRate"],
    )  # fmt: skip
    assert newest[SYMBOL]["E"] <= reached
    # each 3-second push is the state of its moment: the 1-second push of the same time
    by_time = {array[0]["E"]: {row["s"]: row for row in array} for array in arrays}
    for single in singles:
        assert single["E"] % 3000 == 0
        assert single == by_time[single["E"]][SYMBOL]


async def test_a_kline_closes_with_x_true_equal_to_the_rest_row(server: SandboxServer) -> None:
    maker = Credentials.from_admin(maker_key(server))
    taker = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    url = server.url.replace("http://", "ws://") + "/ws"
    async with connect(url) as ws:
        await subscribed(ws, "btcusdt@kline_1m")
        # the trade and the 1 s after it in one minute, so the newest kline holds the trade
        now = int(server.call("GET", "/clock")["time"])
        await asyncio.to_thread(advance_to, server, now - now % 60_000 + 60_000)
        await drain(ws)  # the pushes of reaching the boundary
        pin_price(server)
        cross_once(server, maker, taker)
        await asyncio.to_thread(advance, server, "1s")
        opened = [m["k"] for m in await drain(ws)]
        await asyncio.to_thread(advance, server, "60s")
        later = [m["k"] for m in await drain(ws)]
    assert opened
    assert opened[-1]["x"] is False
    assert opened[-1]["v"] == QTY
    closed = [k for k in later if k["x"]]
    assert len(closed) == 1
    k = closed[0]
    assert k["t"] == opened[-1]["t"]
    row = httpx.get(
        server.url + "/fapi/v1/klines",
        params={"symbol": SYMBOL, "interval": "1m", "startTime": k["t"], "limit": 1},
    ).json()[0]
    assert [k["t"], k["o"], k["h"], k["l"], k["c"], k["v"], k["T"], k["q"], k["n"], k["V"],
            k["Q"]] == row[:11]  # fmt: skip
    assert list(k) == ["t", "T", "s", "i", "f", "L", "o", "c", "h", "l", "v", "n", "x", "q", "V",
                       "Q", "B"]  # fmt: skip


async def test_index_and_mark_price_klines_equal_their_rest_rows(server: SandboxServer) -> None:
    """The index kline is the pair's index candle, the mark kline the contract's own mark candle
    (the mark follows the index with a basis, so the two differ): each equals its REST row."""
    url = server.url.replace("http://", "ws://") + "/ws"
    async with connect(url) as ws:
        await subscribed(ws, "btcusdt@indexPriceKline_1m", "btcusdt@markPriceKline_1m")
        await asyncio.to_thread(advance, server, "2s")
        received = await drain(ws)
    newest = {m["e"]: m for m in received}
    assert set(newest) == {"indexPrice_kline", "markPrice_kline"}
    index, mark = newest["indexPrice_kline"], newest["markPrice_kline"]
    assert index["ps"] == SYMBOL
    assert mark["s"] == SYMBOL
    for path, subject, k in (
        ("/fapi/v1/indexPriceKlines", {"pair": SYMBOL}, index["k"]),
        ("/fapi/v1/markPriceKlines", {"symbol": SYMBOL}, mark["k"]),
    ):
        row = httpx.get(
            server.url + path,
            params={**subject, "interval": "1m", "startTime": k["t"], "limit": 1},
        ).json()[0]
        assert [k["t"], k["o"], k["h"], k["l"], k["c"], k["T"], k["n"]] == [
            row[0], row[1], row[2], row[3], row[4], row[6], row[8],
        ], path  # fmt: skip


async def test_all_market_arrays_carry_only_what_changed(server: SandboxServer) -> None:
    """`!ticker@arr` (1 s) and `!bookTicker` (5 s) push each symbol once, then only the symbols
    that changed; `<symbol>@ticker` (2 s) is pushed every time."""
    url = server.url.replace("http://", "ws://") + "/ws"
    symbols = {
        i["symbol"]
        for api in ("fapi", "dapi")  # one stream host for both products: every listed symbol
        for i in httpx.get(f"{server.url}/{api}/v1/exchangeInfo").json()["symbols"]
    }
    async with connect(url) as ws:
        await subscribed(ws, "!ticker@arr", "!bookTicker", "ethusdt@ticker")
        await asyncio.to_thread(advance, server, "10s")
        received = await drain(ws)
    arrays = [m for m in received if isinstance(m, list)]
    tops = [m for m in received if isinstance(m, dict) and m["e"] == "bookTicker"]
    singles = [m for m in received if isinstance(m, dict) and m["e"] == "24hrTicker"]
    assert len(arrays) == 1  # nothing traded after the first push
    assert {row["s"] for row in arrays[0]} == symbols
    assert list(arrays[0][0]) == ["e", "E", "s", "p", "P", "w", "c", "Q", "o", "h", "l", "v",
                                  "q", "O", "C", "F", "L", "n"]  # fmt: skip
    assert sorted(top["s"] for top in tops) == sorted(symbols)  # the first 5 s push: all
    assert len(singles) == 5  # 10 s at 2 s
    assert {single["s"] for single in singles} == {"ETHUSDT"}


async def test_asset_index_streams_are_the_rest_rows(server: SandboxServer) -> None:
    """`!assetIndex@arr` and `<asset>@assetIndex` (Multi-Assets mode's indices and haircut
    buffers, every second) carry the REST assetIndex rows under one-letter keys."""
    url = server.url.replace("http://", "ws://") + "/ws"
    async with connect(url) as ws:
        await subscribed(ws, "!assetIndex@arr", "btcusd@assetIndex")
        await asyncio.to_thread(advance, server, "2s")
        received = await drain(ws)
    arrays = [m for m in received if isinstance(m, list)]
    singles = [m for m in received if isinstance(m, dict)]
    assert len(arrays) == len(singles) == 2  # 2 s at 1 s
    rest = {row["symbol"]: row for row in httpx.get(server.url + "/fapi/v1/assetIndex").json()}
    newest = {row["s"]: row for row in arrays[-1]}
    assert newest.keys() == rest.keys()
    assert singles[-1] == newest["BTCUSD"]
    for symbol, row in newest.items():
        assert list(row) == ["e", "E", "s", "i", "b", "a", "B", "A", "q", "g", "Q", "G"]
        assert row["e"] == "assetIndexUpdate"
        wire = rest[symbol]
        assert [row[k] for k in ("i", "b", "a", "B", "A", "q", "g", "Q", "G")] == [
            wire["index"], wire["bidBuffer"], wire["askBuffer"], wire["bidRate"],
            wire["askRate"], wire["autoExchangeBidBuffer"], wire["autoExchangeAskBuffer"],
            wire["autoExchangeBidRate"], wire["autoExchangeAskRate"],
        ]  # fmt: skip
