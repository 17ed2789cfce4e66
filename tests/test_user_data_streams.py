"""User-data streams over real sockets: the listenKey lifecycle under the manual clock, every URL
form a client uses, the isolated-margin ACCOUNT_UPDATE, and durability. (The 24-hour
connection limit is the market streams' own: test_streams_protocol.py closes a user-data
connection with it.)

A manual clock with a fixed index price: nothing moves unless the test moves it, so the only
messages on a connection are the ones the test causes, in the order it caused them.
"""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.sync.client import connect as sync_connect

from tests.clients.user_data_support import CONFIG
from tests.conftest import ServerFactory
from tests.support.server import SandboxServer
from tests.support.trader import Trader

WAIT_S = 30.0
HOUR_MS = 3_600_000
INVALID_LISTEN_KEY = {"code": -1125, "msg": "This listenKey does not exist."}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("user-streams")
    running = SandboxServer(root / "data", CONFIG).start()
    yield running
    running.stop()


def listen_key(trader: Trader, method: str) -> httpx.Response:
    """The listenKey endpoints take the API key only (USER_STREAM), no signature."""
    headers = trader.credentials.headers
    return httpx.request(method, trader.url + "/fapi/v1/listenKey", headers=headers)


def new_key(trader: Trader) -> str:
    response = listen_key(trader, "POST")
    assert response.status_code == 200, response.text
    key: str = response.json()["listenKey"]
    return key


def ws_url(server: SandboxServer, path: str) -> str:
    return server.url.replace("http://", "ws://") + path


async def next_message(ws: ClientConnection) -> Any:
    return json.loads(await asyncio.wait_for(ws.recv(), WAIT_S))


def rest(trader: Trader, price: str = "74690.00") -> dict[str, Any]:
    """A BUY LIMIT 3 % under the index: it rests."""
    response = trader.limit("BUY", price)
    assert response.status_code == 200, response.text
    placed: dict[str, Any] = response.json()
    return placed


def server_time(server: SandboxServer) -> int:
    now: int = httpx.get(server.url + "/fapi/v1/time").json()["serverTime"]
    return now


def test_listen_key_start_keepalive_close(server: SandboxServer) -> None:
    trader = Trader(server)
    assert listen_key(trader, "PUT").json() == INVALID_LISTEN_KEY  # none yet
    key = new_key(trader)
    assert len(key) == 64
    assert key.isalnum()
    assert new_key(trader) == key  # the same key while it is active
    assert listen_key(trader, "PUT").json() == {"listenKey": key}
    deleted = listen_key(trader, "DELETE")
    assert (deleted.status_code, deleted.json()) == (200, {})
    refused = listen_key(trader, "PUT")
    assert (refused.status_code, refused.json()) == (400, INVALID_LISTEN_KEY)
    assert new_key(trader) != key
    other = Trader(server)
    assert new_key(other) != new_key(trader)  # one key per API key
    unsigned = httpx.post(server.url + "/fapi/v1/listenKey")
    assert unsigned.json()["code"] == -2014  # USER_STREAM wants the API key


async def test_every_url_form_gets_the_accounts_events(server: SandboxServer) -> None:
    trader = Trader(server)
    key = new_key(trader)
    raw_paths = [f"/ws/{key}", f"/private/ws/{key}", f"/private/ws?listenKey={key}"]
    combined_paths = [f"/stream?streams={key}", f"/private/stream?listenKey={key}"]
    async with (
        connect(ws_url(server, raw_paths[0])) as ws0,
        connect(ws_url(server, raw_paths[1])) as ws1,
        connect(ws_url(server, raw_paths[2])) as ws2,
        connect(ws_url(server, combined_paths[0])) as ws3,
        connect(ws_url(server, combined_paths[1])) as ws4,
        connect(ws_url(server, "/private/stream")) as ws5,
    ):
        await ws5.send(json.dumps({"method": "SUBSCRIBE", "params": [key], "id": 7}))
        assert await next_message(ws5) == {"result": None, "id": 7}
        placed = rest(trader)
        for ws in (ws0, ws1, ws2):
            update = await next_message(ws)
            assert update["e"] == "ORDER_TRADE_UPDATE"
            assert update["o"]["i"] == placed["orderId"]
        for ws in (ws3, ws4, ws5):
            wrapped = await next_message(ws)
            assert wrapped["stream"] == key
            assert wrapped["data"]["o"]["i"] == placed["orderId"]


async def test_an_unknown_key_is_no_stream(server: SandboxServer) -> None:
    async with connect(ws_url(server, "/private/stream")) as ws:
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["x" * 64], "id": 1}))
        reply = await next_message(ws)
    assert reply == {"error": {"code": 2, "msg": "Invalid request: invalid stream"}, "id": 1}


async def test_keepalive_extends_and_an_expired_key_says_so_once(server: SandboxServer) -> None:
    trader = Trader(server)
    key = new_key(trader)
    async with connect(ws_url(server, f"/private/ws/{key}")) as ws:
        server.call("POST", "/clock/advance", {"by": "59m"})
        assert listen_key(trader, "PUT").json() == {"listenKey": key}  # 60 min from now
        server.call("POST", "/clock/advance", {"by": "59m"})
        rest(trader)  # still alive: 118 minutes after the start, 59 after the keepalive
        assert (await next_message(ws))["e"] == "ORDER_TRADE_UPDATE"
        extended_to = server_time(server) + HOUR_MS - 59 * 60_000
        server.call("POST", "/clock/advance", {"by": "1m"})
        expired = await next_message(ws)
        assert expired == {"e": "listenKeyExpired", "E": str(extended_to), "listenKey": key}
        assert listen_key(trader, "PUT").json() == INVALID_LISTEN_KEY
        rest(trader, "74680.00")  # nothing for it: the key is gone
        fresh = new_key(trader)
        assert fresh != key
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": [fresh], "id": 2}))
        assert await next_message(ws) == {"result": None, "id": 2}
        placed = rest(trader, "74670.00")
        update = await next_message(ws)  # the order placed under the expired key never came
        assert update["o"]["i"] == placed["orderId"]


def test_what_the_stream_said_survives_sigkill(make_server: ServerFactory) -> None:
    """An event is pushed only after its command is journaled: kill -9 right after an account
    hears of a fill (a client's command) and of a GTD expiry (an order timer's, which the
    sequencer applies ahead of the journal), restart, and REST says the same."""
    server = make_server("data", CONFIG).start()
    maker, taker = Trader(server), Trader(server)
    key = new_key(maker)
    with sync_connect(ws_url(server, f"/private/ws/{key}")) as ws:
        resting = rest(maker, "77000.00")
        assert json.loads(ws.recv(timeout=WAIT_S))["o"]["X"] == "NEW"
        taker.send("POST", "/fapi/v1/order", symbol="BTCUSDT", side="SELL", type="MARKET",
                   quantity="0.010")  # fmt: skip
        heard = [json.loads(ws.recv(timeout=WAIT_S)) for _ in range(3)]
        gtd = maker.limit("BUY", "76000.00", timeInForce="GTD",
                          goodTillDate=server_time(server) + 700_000).json()  # fmt: skip
        assert json.loads(ws.recv(timeout=WAIT_S))["o"]["x"] == "NEW"
        server.call("POST", "/clock/advance", {"by": "12m"})
        expired = json.loads(ws.recv(timeout=WAIT_S))["o"]
    server.kill()
    assert (expired["i"], expired["x"], expired["X"]) == (gtd["orderId"], "EXPIRED", "EXPIRED")
    assert [m["e"] for m in heard] == ["TRADE_LITE", "ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE"]
    server.start()
    maker.url = server.url  # a new port
    order = maker.ok("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId=resting["orderId"])
    assert (order["status"], order["executedQty"]) == (heard[1]["o"]["X"], heard[1]["o"]["z"])
    position = heard[2]["a"]["P"][0]
    rows = maker.ok("GET", "/fapi/v3/positionRisk", symbol="BTCUSDT")
    assert [(r["positionAmt"], r["entryPrice"]) for r in rows] == [(position["pa"], position["ep"])]
    balance = heard[2]["a"]["B"][0]
    wallet = [r for r in maker.ok("GET", "/fapi/v2/balance") if r["asset"] == balance["a"]]
    assert wallet[0]["balance"] == balance["wb"]
    ended = maker.ok("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId=gtd["orderId"])
    assert ended["status"] == "EXPIRED"
    server.stop()


def test_isolated_margin_added_is_a_margin_transfer(server: SandboxServer) -> None:
    """Adding margin to an isolated position moves no money in or out of the wallet: `bc` 0,
    the cross wallet shrinks, the position's isolated wallet grows."""
    holder, other = Trader(server), Trader(server)
    holder.ok("POST", "/fapi/v1/marginType", symbol="BTCUSDT", marginType="ISOLATED")
    rest(other, "77000.00")
    key = new_key(holder)
    with sync_connect(ws_url(server, f"/private/ws/{key}")) as ws:
        holder.ok("POST", "/fapi/v1/order", symbol="BTCUSDT", side="SELL", type="MARKET",
                  quantity="0.010")  # fmt: skip
        taken = [json.loads(ws.recv(timeout=WAIT_S)) for _ in range(4)]
        assert [m["e"] for m in taken] == ["ORDER_TRADE_UPDATE", "TRADE_LITE",
                                           "ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE"]  # fmt: skip
        opened = taken[-1]["a"]
        holder.ok("POST", "/fapi/v1/positionMargin", symbol="BTCUSDT", amount="10", type=1)
        moved = json.loads(ws.recv(timeout=WAIT_S))
    assert opened["m"] == "ORDER"
    assert moved["e"] == "ACCOUNT_UPDATE"
    assert moved["a"]["m"] == "MARGIN_TRANSFER"
    [before], [after] = opened["B"], moved["a"]["B"]
    assert (after["a"], after["wb"], after["bc"]) == ("USDT", before["wb"], "0")
    assert float(after["cw"]) == pytest.approx(float(before["cw"]) - 10)
    [position] = moved["a"]["P"]
    assert (position["s"], position["pa"], position["mt"], position["ps"]) == (
        "BTCUSDT", "-0.010", "isolated", "BOTH"
    )  # fmt: skip
    assert float(position["iw"]) == pytest.approx(float(opened["P"][0]["iw"]) + 10)


def test_a_restored_state_ends_every_listen_key(make_server: ServerFactory) -> None:
    """The accounts of a restored state need not be the keys' accounts: the keys end."""
    server = make_server("data", CONFIG).start()
    trader = Trader(server)
    server.call("POST", "/states/before")
    new_key(trader)
    assert listen_key(trader, "PUT").status_code == 200
    server.call("POST", "/states/before/restore")
    assert listen_key(trader, "PUT").json() == INVALID_LISTEN_KEY
    server.stop()
