"""COIN-M's WebSocket API (`/ws-dapi/v1`) over a real socket: its methods are /dapi's REST
endpoints behind the same envelope as ws-fapi (API-SURFACE.md (h): the ten methods of the
COIN-M pages and SDK), counting against COIN-M's limits, with COIN-M's `rateLimits` (2400
weight and 1200 orders a minute, no 10-second count: the ws-dapi page's example). A USDⓈ-M
symbol is -1121 there, and ws-fapi's methods COIN-M lacks are unknown."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request
from tests.test_ws_api_protocol import call, signed

UNKNOWN_METHOD = -5000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    running = SandboxServer(tmp_path_factory.mktemp("ws-dapi") / "data", coinm.CONFIG).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def trader(server: SandboxServer) -> Credentials:
    return coinm.coin_trader(server, "ws-dapi")


def ws_dapi_url(server: SandboxServer) -> str:
    return server.url.replace("http://", "ws://") + "/ws-dapi/v1"


def limit_sell(trader: Credentials, **extra: Any) -> dict[str, Any]:
    return signed(trader, symbol=coinm.SYMBOL, side="SELL", type="LIMIT", timeInForce="GTC",
                  price="78000.0", quantity=1, **extra)  # fmt: skip


async def test_an_order_placed_queried_and_cancelled(
    server: SandboxServer, trader: Credentials
) -> None:
    async with connect(ws_dapi_url(server)) as ws:
        placed = await call(ws, "order.place", limit_sell(trader))
        assert placed["status"] == 200, placed
        order = placed["result"]
        assert (order["symbol"], order["status"]) == (coinm.SYMBOL, "NEW")
        assert placed["rateLimits"] == [
            {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1,
             "limit": 2400, "count": placed["rateLimits"][0]["count"]},
            {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200,
             "count": 1},
        ]  # fmt: skip
        ids = {"symbol": coinm.SYMBOL, "orderId": order["orderId"]}
        status = await call(ws, "order.status", signed(trader, **ids))
        cancelled = await call(ws, "order.cancel", signed(trader, **ids))
    rest = signed_request(server.url, trader, "GET", "/dapi/v1/order", **ids)
    assert rest.json()["status"] == "CANCELED"  # the REST endpoint's order
    same = ("orderId", "clientOrderId", "price", "origQty", "side", "type")
    assert {k: status["result"][k] for k in same} == {k: order[k] for k in same}
    assert cancelled["result"]["status"] == "CANCELED"


async def test_account_methods_are_the_dapi_reads(
    server: SandboxServer, trader: Credentials
) -> None:
    async with connect(ws_dapi_url(server)) as ws:
        balance = await call(ws, "account.balance", signed(trader))
        positions = await call(ws, "account.position", signed(trader))
        status = await call(ws, "account.status", signed(trader))
    assert {row["asset"] for row in balance["result"]} >= {"BTC", "ETH"}
    assert all(row["symbol"] != "BTCUSDT" for row in positions["result"])
    assert "assets" in status["result"]


async def test_user_data_stream_methods_are_dapi_listen_keys(
    server: SandboxServer, trader: Credentials
) -> None:
    async with connect(ws_dapi_url(server)) as ws:
        started = await call(ws, "userDataStream.start", {"apiKey": trader.api_key})
        pinged = await call(ws, "userDataStream.ping", {"apiKey": trader.api_key})
    key = started["result"]["listenKey"]
    assert pinged["result"]["listenKey"] == key
    rest = httpx.post(f"{server.url}/dapi/v1/listenKey", headers=trader.headers).json()
    fapi = httpx.post(f"{server.url}/fapi/v1/listenKey", headers=trader.headers).json()
    assert rest["listenKey"] == key != fapi["listenKey"]


async def test_usdm_symbols_and_methods_are_not_coinm(
    server: SandboxServer, trader: Credentials
) -> None:
    async with connect(ws_dapi_url(server)) as ws:
        usdm = await call(ws, "order.place", limit_sell(trader) | signed(
            trader, symbol="BTCUSDT", side="SELL", type="LIMIT", timeInForce="GTC",
            price="78000.0", quantity="0.001"))  # fmt: skip
        algo = await call(ws, "algoOrder.place", signed(trader, symbol=coinm.SYMBOL))
    assert (usdm["status"], usdm["error"]["code"]) == (400, -1121)
    assert algo["error"]["code"] == UNKNOWN_METHOD


async def test_a_stop_order_is_refused_as_on_rest(
    server: SandboxServer, trader: Credentials
) -> None:
    """Since the CM migration order.place refuses COIN-M's conditional types as /dapi/v1/order
    does (-4120): they go to REST /dapi/v1/algoOrder (the SDK's order.place docstring)."""
    async with connect(ws_dapi_url(server)) as ws:
        refused = await call(ws, "order.place", signed(
            trader, symbol=coinm.SYMBOL, side="SELL", type="STOP_MARKET", quantity=1,
            stopPrice="70000", workingType="MARK_PRICE",
        ))  # fmt: skip
    assert refused["status"] == 400, refused
    assert refused["error"]["code"] == -4120
