"""The WebSocket market stream protocol over real sockets: paths and routes, control messages
and their errors, the combined wrapper, the documented limits and keepalive, and a trade's
events field for field against REST."""

import asyncio
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.clients.trading_support import MAKER_PRICE, QTY, SYMBOL, maker_key, pin_price
from tests.support.raw_ws import CLOSE, PING, PONG, TEXT, RawWebSocket
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

WAIT_S = 30.0


def start(root: Path, name: str, config: str = "") -> SandboxServer:
    return SandboxServer(root / name, config).start()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    running = start(tmp_path_factory.mktemp("streams"), "data")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """Strict routes, and a fast keepalive: a ping every 0.2 s, 0.5 s to answer it."""
    config = "[streams]\nstrict_routes = true\nping_interval_s = 0.2\npong_timeout_s = 0.5\n"
    running = start(tmp_path_factory.mktemp("streams-strict"), "data", config)
    yield running
    running.stop()


def ws_url(server: SandboxServer, path: str) -> str:
    return server.url.replace("http://", "ws://") + path


async def ask(ws: ClientConnection, request: dict[str, Any]) -> Any:
    await ws.send(json.dumps(request))
    return json.loads(await asyncio.wait_for(ws.recv(), WAIT_S))


async def test_live_subscribe_unsubscribe_and_list(server: SandboxServer) -> None:
    async with connect(ws_url(server, "/ws")) as ws:
        subscribe = {"method": "SUBSCRIBE", "params": ["btcusdt@aggTrade", "btcusdt@depth"]}
        assert await ask(ws, {**subscribe, "id": 1}) == {"result": None, "id": 1}
        listed = await ask(ws, {"method": "LIST_SUBSCRIPTIONS", "id": 3})
        assert listed == {"result": ["btcusdt@aggTrade", "btcusdt@depth"], "id": 3}
        unsubscribe = {"method": "UNSUBSCRIBE", "params": ["btcusdt@depth"], "id": 312}
        assert await ask(ws, unsubscribe) == {"result": None, "id": 312}
        listed = await ask(ws, {"method": "LIST_SUBSCRIPTIONS", "id": 4})
        assert listed == {"result": ["btcusdt@aggTrade"], "id": 4}


async def test_url_streams_are_listed_and_the_combined_property_follows_the_path(
    server: SandboxServer,
) -> None:
    async with connect(ws_url(server, "/ws/btcusdt@bookTicker")) as raw:
        assert await ask(raw, {"method": "GET_PROPERTY", "params": ["combined"], "id": 2}) == {
            "result": False, "id": 2,
        }  # fmt: skip
        listed = await ask(raw, {"method": "LIST_SUBSCRIPTIONS", "id": 5})
        assert listed["result"] == ["btcusdt@bookTicker"]
        set_true = {"method": "SET_PROPERTY", "params": ["combined", True], "id": 5}
        assert await ask(raw, set_true) == {"result": None, "id": 5}
        get = {"method": "GET_PROPERTY", "params": ["combined"], "id": 6}
        assert await ask(raw, get) == {"result": True, "id": 6}
    async with connect(ws_url(server, "/stream?streams=btcusdt@aggTrade/ethusdt@depth")) as ws:
        assert (await ask(ws, {"method": "GET_PROPERTY", "params": ["combined"], "id": 1}))[
            "result"
        ] is True
        listed = await ask(ws, {"method": "LIST_SUBSCRIPTIONS", "id": 2})
        assert listed["result"] == ["btcusdt@aggTrade", "ethusdt@depth"]


def error(code: int, msg: str, request_id: Any) -> dict[str, Any]:
    return {"error": {"code": code, "msg": msg}, "id": request_id}


async def test_control_errors_are_binances(server: SandboxServer) -> None:
    methods = "`SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`"
    cases: list[tuple[Any, dict[str, Any]]] = [
        ({"method": "SET_PROPERTY", "params": ["colour", True], "id": 1},
         error(0, "Unknown property", 1)),
        ({"method": "GET_PROPERTY", "params": ["colour"], "id": 2},
         error(0, "Unknown property", 2)),
        ({"method": "SET_PROPERTY", "params": ["combined", "yes"], "id": 3},
         error(1, "Invalid value type: expected Boolean", 3)),
        ({"method": "SET_PROPERTY", "params": [7, True], "id": 4},
         error(2, "Invalid request: property name must be a string", 4)),
        ({"method": "GET_PROPERTY", "params": [], "id": 5},
         error(2, "Invalid request: property name must be a string", 5)),
        ({"method": "SET_PROPERTY", "params": ["combined", True, 1], "id": 6},
         error(2, "Invalid request: too many parameters", 6)),
        ({"method": "SUBSCRIBE", "params": ["btcusdt@aggTrade"], "id": 1.5},
         error(2, "Invalid request: request ID must be an unsigned integer", 1.5)),
        ({"method": "SUBSCRIBE", "params": ["btcusdt@aggTrade"], "id": -1},
         error(2, "Invalid request: request ID must be an unsigned integer", -1)),
        ({"method": "SUBSCRIBEX", "params": [], "id": 7},
         error(2, f"Invalid request: unknown variant `SUBSCRIBEX`, expected one of {methods}", 7)),
        ({"params": [], "id": 8}, error(2, "Invalid request: missing field `method`", 8)),
        # upper-case symbols, unknown events, intervals and levels are not streams
        ({"method": "SUBSCRIBE", "params": ["BTCUSDT@aggTrade"], "id": 9},
         error(2, "Invalid request: invalid stream", 9)),
        ({"method": "SUBSCRIBE", "params": ["btcusdt@kline_7m"], "id": 10},
         error(2, "Invalid request: invalid stream", 10)),
        ({"method": "SUBSCRIBE", "params": ["btcusdt@depth15"], "id": 11},
         error(2, "Invalid request: invalid stream", 11)),
    ]  # fmt: skip
    async with connect(ws_url(server, "/ws")) as ws:
        for request, expected in cases:
            assert await ask(ws, request) == expected, request
            await asyncio.sleep(0.15)  # well under 10 messages a second
        await ws.send("{not json")
        assert json.loads(await ws.recv()) == error(
            3, "Invalid JSON: expected value at line 1 column 2", None
        )
        # a refused SUBSCRIBE subscribes none of its names
        await asyncio.sleep(0.15)
        assert await ask(ws, {"method": "LIST_SUBSCRIPTIONS", "id": 12}) == {
            "result": [], "id": 12,
        }  # fmt: skip


async def test_official_sdk_request_ids_are_accepted(server: SandboxServer) -> None:
    """The spot docs allow string ids of up to 36 characters; the SDK sends a UUID."""
    request_id = "78c139d1-ca1f-44c7-a975-62c4d6f1ccef"
    async with connect(ws_url(server, "/market/stream")) as ws:
        request = {"method": "SUBSCRIBE", "params": ["btcusdt@aggTrade"], "id": request_id}
        assert await ask(ws, request) == {"result": None, "id": request_id}


async def test_at_most_1024_streams_per_connection(server: SandboxServer) -> None:
    names = [f"s{i}usdt@aggTrade" for i in range(1025)]  # unknown symbols: silent streams
    async with connect(ws_url(server, "/ws")) as ws:
        refused = await ask(ws, {"method": "SUBSCRIBE", "params": names, "id": 1})
        assert refused["error"]["code"] == 2
        accepted = await ask(ws, {"method": "SUBSCRIBE", "params": names[:1024], "id": 2})
        assert accepted == {"result": None, "id": 2}
        one_more = await ask(ws, {"method": "SUBSCRIBE", "params": names[1024:], "id": 3})
        assert one_more["error"]["code"] == 2


async def test_more_than_10_messages_a_second_disconnects(server: SandboxServer) -> None:
    async with connect(ws_url(server, "/ws")) as ws:
        for request_id in range(11):  # one burst, well within a second
            await ws.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": request_id}))
        replies = [json.loads(await asyncio.wait_for(ws.recv(), WAIT_S)) for _ in range(10)]
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), WAIT_S)
    assert [reply["id"] for reply in replies] == list(range(10))
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008


async def test_a_connection_is_closed_at_the_end_of_its_lifetime(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """24 hours on Binance; `streams.lifetime_s` shortens it here."""
    short = start(
        tmp_path_factory.mktemp("streams-lifetime"), "data", "[streams]\nlifetime_s = 1\n"
    )
    try:
        key = httpx.post(short.url + "/fapi/v1/listenKey", headers=short_key(short)).json()
        for path in ("/ws/btcusdt@depth", f"/private/ws/{key['listenKey']}"):  # market, user
            async with connect(ws_url(short, path)) as ws:
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(ws.recv(), WAIT_S)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 1001
    finally:
        short.stop()


def short_key(server: SandboxServer) -> dict[str, str]:
    created = server.call("POST", "/accounts/demo/keys", {"type": "hmac"})
    return Credentials.from_admin(created).headers


def test_server_pings_and_drops_a_connection_that_never_pongs(strict: SandboxServer) -> None:
    silent = RawWebSocket(ws_url(strict, "/ws/btcusdt@depth"))
    try:
        assert silent.status == 101
        assert silent.read_frame().opcode == PING
        frame = silent.read_frame()
        while frame.opcode == PING:
            frame = silent.read_frame()
        assert frame.opcode == CLOSE
        assert frame.close_code == 1011  # keepalive ping timeout
    finally:
        silent.close()


def test_a_connection_that_answers_pings_stays(strict: SandboxServer) -> None:
    polite = RawWebSocket(ws_url(strict, "/ws/btcusdt@depth"))
    try:
        pings = 0
        while pings < 6:  # 6 x 0.2 s: well past the 0.5 s pong timeout
            frame = polite.read_frame()
            assert frame.opcode == PING
            polite.send_frame(PONG, frame.payload)
            pings += 1
        polite.send_text(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 1}))
        frame = polite.read_frame()
        while frame.opcode == PING:
            polite.send_frame(PONG, frame.payload)
            frame = polite.read_frame()
        assert frame.opcode == TEXT
        assert json.loads(frame.payload) == {"result": ["btcusdt@depth"], "id": 1}
    finally:
        polite.close()


async def test_routes(server: SandboxServer, strict: SandboxServer) -> None:
    public, market = "btcusdt@depth@100ms", "btcusdt@markPrice@1s"
    both = {"method": "SUBSCRIBE", "params": [public, market], "id": 1}
    # by default every stream is served on every route
    for path in ("/ws", "/stream", "/public/ws", "/market/stream", "/private/ws"):
        async with connect(ws_url(server, path)) as ws:
            assert await ask(ws, both) == {"result": None, "id": 1}, path
    # strict: each route serves its own streams; the root paths all of them
    async with connect(ws_url(strict, "/ws"), ping_interval=None) as ws:
        assert await ask(ws, both) == {"result": None, "id": 1}
    for path, theirs in (("/market/ws", public), ("/public/stream", market)):
        async with connect(ws_url(strict, path)) as ws:
            refused = await ask(ws, {"method": "SUBSCRIBE", "params": [theirs], "id": 2})
            assert refused == error(2, "Invalid request: invalid stream", 2), path
    with pytest.raises(InvalidStatus):
        async with connect(ws_url(server, "/nowhere")):
            pass


async def test_a_trade_on_every_trade_stream_field_for_field(server: SandboxServer) -> None:
    maker = Credentials.from_admin(maker_key(server))
    taker = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    streams = "btcusdt@aggTrade/btcusdt@trade/btcusdt@bookTicker"
    async with (
        connect(ws_url(server, f"/stream?streams={streams}")) as combined,
        connect(ws_url(server, "/market/ws/btcusdt@aggTrade")) as raw,
    ):
        await ask(combined, {"method": "LIST_SUBSCRIPTIONS", "id": 1})  # subscribed by now
        await ask(raw, {"method": "LIST_SUBSCRIPTIONS", "id": 1})
        pin_price(server)
        resting = signed_request(
            server.url, maker, "POST", "/fapi/v1/order", symbol=SYMBOL, side="SELL",
            type="LIMIT", timeInForce="GTC", quantity=QTY, price=MAKER_PRICE,
        )  # fmt: skip
        assert resting.status_code == 200, resting.text
        bought = signed_request(
            server.url, taker, "POST", "/fapi/v1/order", symbol=SYMBOL, side="BUY",
            type="MARKET", quantity=QTY,
        )  # fmt: skip
        assert bought.status_code == 200, bought.text
        seen: dict[str, dict[str, Any]] = {}
        while len(seen) < 3:
            message = json.loads(await asyncio.wait_for(combined.recv(), WAIT_S))
            assert set(message) == {"stream", "data"}
            seen.setdefault(message["stream"], message["data"])
        raw_agg = json.loads(await asyncio.wait_for(raw.recv(), WAIT_S))
    rest_agg = httpx.get(server.url + "/fapi/v1/aggTrades", params={"symbol": SYMBOL}).json()[-1]
    agg = seen["btcusdt@aggTrade"]
    assert list(agg) == ["e", "E", "s", "a", "p", "q", "nq", "f", "l", "T", "m"]
    assert agg == raw_agg
    assert (agg["e"], agg["s"], agg["p"], agg["q"], agg["nq"]) == (
        "aggTrade", SYMBOL, MAKER_PRICE, QTY, QTY,
    )  # fmt: skip
    assert (agg["a"], agg["f"], agg["l"], agg["T"], agg["m"]) == (
        rest_agg["a"], rest_agg["f"], rest_agg["l"], rest_agg["T"], rest_agg["m"],
    )  # fmt: skip
    assert agg["E"] >= agg["T"]
    trade = seen["btcusdt@trade"]
    assert list(trade) == ["e", "E", "T", "s", "t", "p", "q", "X", "m"]
    assert (trade["t"], trade["p"], trade["q"], trade["X"], trade["m"]) == (
        agg["f"], MAKER_PRICE, QTY, "MARKET", False,
    )  # fmt: skip
    top = seen["btcusdt@bookTicker"]
    assert list(top) == ["e", "u", "E", "T", "s", "b", "B", "a", "A"]
    assert all(isinstance(top[k], str) for k in "bBaA")
    assert isinstance(top["u"], int)
    assert isinstance(top["T"], int)


def test_the_banner_prints_the_websocket_base_url_and_a_snippet(server: SandboxServer) -> None:
    ws = server.url.replace("http://", "ws://")
    deadline = time.monotonic() + WAIT_S  # the banner follows server.json
    while "More clients:" not in (log := server.log_path.read_text()):
        assert time.monotonic() < deadline, log
        time.sleep(0.05)
    assert re.search(rf"WebSocket\s+{re.escape(ws)}\s", log)
    assert f'UMFuturesWebsocketClient(stream_url="{ws}"' in log


async def test_subscribing_twice_is_subscribing_once(server: SandboxServer) -> None:
    async with connect(ws_url(server, "/ws")) as ws:
        twice = {"method": "SUBSCRIBE", "params": ["btcusdt@depth", "btcusdt@depth"], "id": 1}
        assert await ask(ws, twice) == {"result": None, "id": 1}
        again = {"method": "SUBSCRIBE", "params": ["btcusdt@depth"], "id": 2}
        assert await ask(ws, again) == {"result": None, "id": 2}
        listed = await ask(ws, {"method": "LIST_SUBSCRIPTIONS", "id": 3})
        assert listed == {"result": ["btcusdt@depth"], "id": 3}
        gone = {"method": "UNSUBSCRIBE", "params": ["btcusdt@depth"], "id": 4}
        assert await ask(ws, gone) == {"result": None, "id": 4}
        assert await ask(ws, {"method": "LIST_SUBSCRIPTIONS", "id": 5}) == {"result": [], "id": 5}
