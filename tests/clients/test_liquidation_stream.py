"""The liquidation of liquidation_support.py seen on the market streams: ccxt pro's
`watch_liquidations` (`<symbol>@forceOrder`) and a raw `!forceOrder@arr` subscriber of the
`websockets` library, with Binance's fields and types."""

import asyncio
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import ccxt.pro as ccxtpro
import pytest
from websockets.asyncio.client import connect

from tests.clients import liquidation_support as ls
from tests.clients import margin_support as ms
from tests.clients.conftest import Sandbox
from tests.clients.test_streams_clients import rebase, ws_base
from tests.clients.test_trading_python_binance import pointed
from tests.support.server import SandboxServer

MARKET = "BTC/USDT:USDT"
WAIT_S = 60.0


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from ms.still_sandbox(tmp_path_factory)


def crash(sandbox: Sandbox) -> None:
    client = pointed(sandbox.url, sandbox.api_key, sandbox.secret)
    client.futures_change_leverage(symbol=ls.SYMBOL, leverage=20)
    ls.crash(sandbox, lambda side, kind, quantity: client.futures_create_order(
        symbol=ls.SYMBOL, side=side, type=kind, quantity=quantity))  # fmt: skip


async def subscribed(server: SandboxServer, name: str) -> None:
    """Waits until the server has a subscriber of stream `name`."""
    async with asyncio.timeout(WAIT_S):
        while not (await asyncio.to_thread(server.call, "GET", "/streams"))["streams"].get(name):
            await asyncio.sleep(0.05)


async def test_the_liquidation_on_the_market_streams(sandbox: Sandbox) -> None:
    server = sandbox.server
    exchange = ccxtpro.binanceusdm({"options": {"fetchCurrencies": False}})
    exchange.urls["api"] = rebase(exchange.urls["api"], server.url, ws_base(server))
    url = ws_base(server) + "/market/ws/!forceOrder@arr"
    try:
        await exchange.load_markets()
        async with connect(url) as raw:
            await raw.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 1}))
            assert json.loads(await asyncio.wait_for(raw.recv(), WAIT_S))["id"] == 1
            watching = asyncio.ensure_future(exchange.watch_liquidations(MARKET))
            await subscribed(server, "btcusdt@forceOrder")
            await asyncio.to_thread(crash, sandbox)
            # the snapshot streams push at their next 1000 ms of exchange time
            await asyncio.to_thread(server.call, "POST", "/clock/advance", {"by": "2s"})
            event: dict[str, Any] = json.loads(await asyncio.wait_for(raw.recv(), WAIT_S))
            liquidations = await asyncio.wait_for(watching, WAIT_S)
    finally:
        await exchange.close()
    assert list(event) == ["e", "E", "o"]
    order = event["o"]
    assert list(order) == ["s", "S", "o", "f", "q", "p", "ap", "X", "l", "z", "T"]
    assert (order["s"], order["S"], order["o"], order["f"], order["X"]) == (
        ls.SYMBOL, "SELL", "LIMIT", "IOC", "FILLED",
    )  # fmt: skip
    assert (order["q"], order["z"]) == (ls.QTY, ls.QTY)
    assert Decimal(order["p"]) == ls.BANKRUPTCY
    assert Decimal(order["ap"]) == ls.AVG_PRICE
    assert order["l"] == "0.500"  # its last fill: the fund took the half the book could not
    assert isinstance(event["E"], int)
    assert isinstance(order["T"], int)
    (seen,) = liquidations
    assert seen["symbol"] == MARKET
    assert seen["contracts"] == pytest.approx(0.5)  # ccxt reads the last fill, `l`
    assert seen["price"] == pytest.approx(float(ls.AVG_PRICE))
