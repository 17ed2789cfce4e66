"""The WebSocket API (`/ws-fapi/v1`) over real sockets, frame by frame: Binance's envelope,
signing (sorted parameters, a signature per request or a session logged on with an Ed25519
key), errors as ws-api error objects with REST's codes and statuses, `rateLimits` from the same
limiters as REST, and an order placed here being the REST order: same ids, same view, one
journaled command.

Where Binance's docs are silent the choice is pinned here: a frame that is not a JSON request
is -1135 with `id` null; an unknown method is -5000; a `session.logon` with a key that is not
Ed25519 is -2015.
"""

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.clients.trading_support import AWAY, QTY, SYMBOL, pin_price
from tests.support.raw_ws import RawWebSocket
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signature, signed_request

WAIT_S = 30.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    running = SandboxServer(tmp_path_factory.mktemp("ws-api") / "data").start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def hmac_key(server: SandboxServer) -> Credentials:
    return Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))


@pytest.fixture(scope="module")
def ed25519_key(server: SandboxServer) -> Credentials:
    created = server.call("POST", "/accounts/demo/keys", {"type": "ed25519"})
    return Credentials.from_admin(created)


def ws_api_url(server: SandboxServer, query: str = "") -> str:
    return server.url.replace("http://", "ws://") + "/ws-fapi/v1" + query


def signed(credentials: Credentials, **params: Any) -> dict[str, Any]:
    """Binance's rule: every parameter but `signature`, sorted, `name=value` joined by `&`."""
    params = {"apiKey": credentials.api_key, "timestamp": int(time.time() * 1000), **params}
    payload = "&".join(f"{name}={params[name]}" for name in sorted(params))
    return {**params, "signature": signature(credentials, payload)}


async def ask(ws: ClientConnection, request: dict[str, Any] | str) -> Any:
    await ws.send(request if isinstance(request, str) else json.dumps(request))
    return json.loads(await asyncio.wait_for(ws.recv(), WAIT_S))


async def call(
    ws: ClientConnection, method: str, params: dict[str, Any] | None = None, request_id: Any = 1
) -> Any:
    request = {"id": request_id, "method": method}
    return await ask(ws, request if params is None else {**request, "params": params})


def now_ms() -> int:
    return int(time.time() * 1000)


def limit_buy(credentials: Credentials, client_id: str) -> dict[str, Any]:
    return signed(
        credentials, symbol=SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC",
        quantity=QTY, price=AWAY, newClientOrderId=client_id,
    )  # fmt: skip


async def test_an_order_placed_over_the_ws_api_is_the_rest_order(
    server: SandboxServer, hmac_key: Credentials
) -> None:
    pin_price(server)
    async with connect(ws_api_url(server)) as ws:
        placed = await ask(ws, {"id": "place-1", "method": "order.place",
                                "params": limit_buy(hmac_key, "ws-api-rest-1")})  # fmt: skip
    assert (placed["id"], placed["status"]) == ("place-1", 200)
    order = placed["result"]
    assert (order["status"], order["clientOrderId"]) == ("NEW", "ws-api-rest-1")
    assert (order["price"], order["origQty"], order["type"]) == (AWAY, QTY, "LIMIT")
    assert [limit["rateLimitType"] for limit in placed["rateLimits"]] == [
        "REQUEST_WEIGHT", "ORDERS", "ORDERS",
    ]  # fmt: skip
    orders_10s = placed["rateLimits"][1]
    assert (orders_10s["interval"], orders_10s["intervalNum"], orders_10s["limit"]) == (
        "SECOND", 10, 300,
    )  # fmt: skip
    assert orders_10s["count"] >= 1

    rest = signed_request(
        server.url, hmac_key, "GET", "/fapi/v1/order", symbol=SYMBOL, orderId=order["orderId"]
    ).json()
    assert rest["clientOrderId"] == "ws-api-rest-1"
    shared = set(order) & set(rest)
    assert {"orderId", "price", "origQty", "side", "timeInForce", "updateTime"} <= shared
    assert {name: order[name] for name in shared} == {name: rest[name] for name in shared}

    bodies = [json.loads(body) for _seq, _ts, body in server.journal_rows()]
    journaled = [b for b in bodies if "ws-api-rest-1" in json.dumps(b)]
    assert len(journaled) == 1  # one command, journaled like a REST order


async def test_modify_status_and_cancel_answer_as_rest(
    server: SandboxServer, hmac_key: Credentials
) -> None:
    pin_price(server)
    async with connect(ws_api_url(server)) as ws:
        order = (await call(ws, "order.place", limit_buy(hmac_key, "ws-api-amend")))["result"]
        modified = await ask(ws, {"id": 2, "method": "order.modify", "params": signed(
            hmac_key, symbol=SYMBOL, side="BUY", orderId=order["orderId"],
            quantity="0.020", price=AWAY,
        )})  # fmt: skip
        assert (modified["status"], modified["result"]["origQty"]) == (200, "0.020")
        status = await ask(ws, {"id": 3, "method": "order.status", "params": signed(
            hmac_key, symbol=SYMBOL, origClientOrderId="ws-api-amend")})  # fmt: skip
        assert (status["result"]["orderId"], status["result"]["origQty"]) == (
            order["orderId"], "0.020",
        )  # fmt: skip
        canceled = await ask(ws, {"id": 4, "method": "order.cancel", "params": signed(
            hmac_key, symbol=SYMBOL, orderId=order["orderId"])})  # fmt: skip
        assert canceled["result"]["status"] == "CANCELED"
        again = await ask(ws, {"id": 5, "method": "order.cancel", "params": signed(
            hmac_key, symbol=SYMBOL, orderId=order["orderId"])})  # fmt: skip
    rest = signed_request(
        server.url, hmac_key, "DELETE", "/fapi/v1/order", symbol=SYMBOL, orderId=order["orderId"]
    )
    assert again["status"] == rest.status_code == 400
    assert again["error"] == rest.json() == {"code": -2011, "msg": "Unknown order sent."}


@pytest.fixture
def paused(server: SandboxServer) -> Iterator[None]:
    """Prices stand still, so two reads of the account agree to the last digit."""
    server.call("POST", "/clock/pause")
    yield
    server.call("POST", "/clock/resume")


@pytest.mark.usefixtures("paused")
async def test_reads_are_the_rest_reads(server: SandboxServer, hmac_key: Credentials) -> None:
    reads = {
        "account.balance": "/fapi/v2/balance",
        "v2/account.balance": "/fapi/v3/balance",
        "account.position": "/fapi/v2/positionRisk",
        "v2/account.position": "/fapi/v3/positionRisk",
    }
    async with connect(ws_api_url(server)) as ws:
        for method, path in reads.items():
            answer = await ask(ws, {"id": method, "method": method, "params": signed(hmac_key)})
            rest = signed_request(server.url, hmac_key, "GET", path).json()
            assert answer["result"] == rest, method
        status = (await ask(ws, {"id": 1, "method": "account.status",
                                 "params": signed(hmac_key)}))["result"]  # fmt: skip
        assert {"feeTier", "canTrade", "assets", "positions"} <= set(status)  # the v2 account
        status_v2 = (await ask(ws, {"id": 2, "method": "v2/account.status",
                                    "params": signed(hmac_key)}))["result"]  # fmt: skip
        assert "feeTier" not in status_v2  # the v3 account
        assert "assets" in status_v2
        depth = await ask(
            ws, {"id": 3, "method": "depth", "params": {"symbol": SYMBOL, "limit": 5}}
        )
        assert {"lastUpdateId", "E", "T", "bids", "asks"} <= set(depth["result"])
        price = await ask(ws, {"id": 4, "method": "ticker.price", "params": {"symbol": SYMBOL}})
        assert set(price["result"]) == {"symbol", "price", "time"}
        book = await ask(ws, {"id": 5, "method": "ticker.book", "params": {}})
        assert isinstance(book["result"], list)
        assert book["result"][0]["symbol"] == "BTCUSDT"


async def test_malformed_and_refused_requests(server: SandboxServer, hmac_key: Credentials) -> None:
    async with connect(ws_api_url(server)) as ws:
        not_json = await ask(ws, "{not json")
        assert (not_json["id"], not_json["status"]) == (None, 400)
        assert not_json["error"] == {"code": -1135, "msg": "Invalid JSON Request"}
        unknown = await ask(ws, {"id": 7, "method": "order.teleport", "params": {}})
        assert (unknown["id"], unknown["status"], unknown["error"]["code"]) == (7, 400, -5000)
        missing = await call(ws, "order.place", signed(hmac_key, symbol=SYMBOL, side="BUY"))
        assert missing["error"] == {
            "code": -1102,
            "msg": "Mandatory parameter 'type' was not sent, was empty/null, or malformed.",
        }
        kinds = [limit["rateLimitType"] for limit in missing["rateLimits"]]
        assert kinds == ["REQUEST_WEIGHT", "ORDERS", "ORDERS"]  # an order method, refused
        forged = signed(hmac_key, symbol=SYMBOL)
        forged["symbol"] = "ETHUSDT"  # after signing
        bad_signature = await ask(ws, {"id": 9, "method": "account.position", "params": forged})
        assert (bad_signature["status"], bad_signature["error"]["code"]) == (400, -1022)
        unsigned = await ask(ws, {"id": 10, "method": "account.balance",
                                  "params": {"timestamp": int(time.time() * 1000)}})  # fmt: skip
        assert (unsigned["status"], unsigned["error"]["code"]) == (401, -2014)


async def test_session_logon_with_an_ed25519_key(
    server: SandboxServer, ed25519_key: Credentials, hmac_key: Credentials
) -> None:
    async with connect(ws_api_url(server)) as ws:
        before = (await ask(ws, {"id": 1, "method": "session.status"}))["result"]
        assert (before["apiKey"], before["authorizedSince"]) == (None, None)
        logon = await ask(ws, {"id": 2, "method": "session.logon", "params": signed(ed25519_key)})
        assert logon["status"] == 200, logon
        assert logon["result"]["apiKey"] == ed25519_key.api_key
        assert logon["result"]["connectedSince"] == before["connectedSince"]
        # logged on: a signed request sends its timestamp only
        balance = await ask(ws, {"id": 3, "method": "account.balance",
                                 "params": {"timestamp": int(time.time() * 1000)}})  # fmt: skip
        rest = signed_request(server.url, hmac_key, "GET", "/fapi/v2/balance").json()
        assert balance["result"] == rest  # the same account (demo)
        pin_price(server)
        order = await ask(ws, {"id": 4, "method": "order.place", "params": {
            "symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
            "quantity": QTY, "price": AWAY, "timestamp": int(time.time() * 1000),
        }})  # fmt: skip
        assert order["result"]["status"] == "NEW"
        stale = await call(ws, "account.balance", {"timestamp": now_ms() - 60_000})
        assert stale["error"]["code"] == -1021  # the timestamp is still checked
        logout = await ask(ws, {"id": 6, "method": "session.logout"})
        assert logout["result"]["apiKey"] is None
        after = await ask(ws, {"id": 7, "method": "account.balance",
                               "params": {"timestamp": int(time.time() * 1000)}})  # fmt: skip
        assert after["error"]["code"] == -2014
        hmac_logon = await ask(ws, {"id": 8, "method": "session.logon",
                                    "params": signed(hmac_key)})  # fmt: skip
        assert (hmac_logon["status"], hmac_logon["error"]["code"]) == (401, -2015)


async def test_rate_limits_shown_on_request_and_counted_with_rest(server: SandboxServer) -> None:
    async with connect(ws_api_url(server, "?returnRateLimits=false")) as ws:
        hidden = await ask(ws, {"id": 1, "method": "ticker.price", "params": {"symbol": SYMBOL}})
        assert "rateLimits" not in hidden
        depth = {"symbol": SYMBOL, "limit": 5, "returnRateLimits": True}
        for _attempt in range(3):  # one minute window on both sides of the REST request
            first = (await call(ws, "depth", depth))["rateLimits"][0]["count"]
            rest = httpx.get(f"{server.url}/fapi/v1/depth", params={"symbol": SYMBOL, "limit": 5})
            header = int(rest.headers["x-mbx-used-weight-1m"])
            last = (await call(ws, "depth", depth))["rateLimits"][0]["count"]
            if first < header < last:  # not cut by a new minute
                break
        assert (header - first, last - header) == (2, 2)  # depth limit 5 weighs 2, on one counter


async def test_a_session_whose_key_is_gone_is_revoked(server: SandboxServer) -> None:
    """Binance: after the next request the session is revoked, answered with `id` null."""
    server.call("POST", "/states/before-session-key")
    key = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "ed25519"}))
    async with connect(ws_api_url(server)) as ws:
        assert (await call(ws, "session.logon", signed(key)))["status"] == 200
        server.call("POST", "/states/before-session-key/restore")  # the key never existed
        revoked = await call(ws, "account.balance", {"timestamp": now_ms()}, request_id=9)
        assert (revoked["id"], revoked["status"], revoked["error"]["code"]) == (None, 401, -2015)
        status = (await call(ws, "session.status"))["result"]
        assert (status["apiKey"], status["authorizedSince"]) == (None, None)


@pytest.mark.parametrize("encoding", ["raw", "urlencoded"])
async def test_a_payload_signed_raw_or_url_encoded(
    server: SandboxServer, ed25519_key: Credentials, encoding: str
) -> None:
    """Binance's rule signs `name=value` as sent; the official SDK signs `urlencode` of the same
    sorted pairs, and python-binance sends a base64 signature URL-encoded: all are accepted."""
    pin_price(server)
    params: dict[str, Any] = {
        "apiKey": ed25519_key.api_key, "newClientOrderId": f"ws:api/{encoding}",
        "price": AWAY, "quantity": QTY, "side": "BUY", "symbol": SYMBOL,
        "timeInForce": "GTC", "timestamp": now_ms(), "type": "LIMIT",
    }  # fmt: skip
    pairs = sorted(params.items())
    if encoding == "raw":
        payload = "&".join(f"{name}={value}" for name, value in pairs)
        params["signature"] = signature(ed25519_key, payload)
    else:
        params["signature"] = quote(signature(ed25519_key, urlencode(pairs)), safe="")
    async with connect(ws_api_url(server)) as ws:
        placed = await call(ws, "order.place", params)
    assert placed["status"] == 200, placed
    assert placed["result"]["clientOrderId"] == f"ws:api/{encoding}"


async def test_requests_sent_at_once_reach_the_engine_in_order(
    server: SandboxServer, hmac_key: Credentials
) -> None:
    """Frames are answered concurrently (matched by `id`) but submitted in arrival order: a
    cancel sent right behind its order, without waiting, finds it."""
    pin_price(server)
    place = limit_buy(hmac_key, "ws-api-burst")
    cancel = signed(hmac_key, symbol=SYMBOL, origClientOrderId="ws-api-burst")
    async with connect(ws_api_url(server)) as ws:
        await ws.send(json.dumps({"id": "place", "method": "order.place", "params": place}))
        await ws.send(json.dumps({"id": "cancel", "method": "order.cancel", "params": cancel}))
        answers = [json.loads(await asyncio.wait_for(ws.recv(), WAIT_S)) for _ in range(2)]
    by_id = {answer["id"]: answer for answer in answers}
    assert by_id["place"]["result"]["status"] == "NEW"
    assert by_id["cancel"]["result"]["status"] == "CANCELED"


async def test_a_connection_is_closed_at_the_end_of_its_lifetime(
    tmp_path: Path,
) -> None:
    """Binance: a connection is valid for 24 hours (`streams.lifetime_s`, shortened here)."""
    short = SandboxServer(tmp_path / "data", "[streams]\nlifetime_s = 1.0\n").start()
    try:
        async with connect(ws_api_url(short)) as ws:
            assert (await call(ws, "session.status"))["status"] == 200
            await asyncio.wait_for(ws.wait_closed(), WAIT_S)
            assert ws.close_code == 1001  # going away
    finally:
        short.stop()


async def test_a_fault_rule_on_the_rest_endpoint_hits_the_method(
    server: SandboxServer, hmac_key: Credentials
) -> None:
    """The method runs REST's path after authentication: fault rules name the REST endpoint."""
    pin_price(server)
    server.call("POST", "/faults", {"kind": "reject_order", "code": -2019, "count": 1})
    async with connect(ws_api_url(server)) as ws:
        rejected = await call(ws, "order.place", limit_buy(hmac_key, "ws-api-fault-1"))
        placed = await call(ws, "order.place", limit_buy(hmac_key, "ws-api-fault-2"))
        await call(
            ws, "order.cancel", signed(hmac_key, symbol=SYMBOL, orderId=placed["result"]["orderId"])
        )
    assert (rejected["status"], rejected["error"]) == (
        400, {"code": -2019, "msg": "Margin is insufficient."},
    )  # fmt: skip
    assert placed["result"]["status"] == "NEW"
    logged = [e for e in server.call("GET", "/requests?limit=1000") if e["method"] == "WS"]
    faulted = [e for e in logged if e["fault"] == "reject_order"]
    assert [(e["path"], e["status"], e["code"]) for e in faulted] == [
        ("/fapi/v1/order", 400, -2019)
    ]


async def test_orders_count_on_the_rest_orders_limit(tmp_path: Path) -> None:
    """One ORDERS count per account for REST and the WebSocket API: two REST orders use up a
    limit of two a minute, the third over the WebSocket API is Binance's 429 -1015."""
    limited = SandboxServer(tmp_path / "data", "[limits]\norders_per_minute = 2\n").start()
    try:
        key = Credentials.from_admin(limited.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
        pin_price(limited)
        for _attempt in range(3):  # in one minute window
            minute = now_ms() // 60_000
            rest = [
                signed_request(limited.url, key, "POST", "/fapi/v1/order", symbol=SYMBOL,
                               side="BUY", type="LIMIT", timeInForce="GTC", quantity=QTY,
                               price=AWAY).status_code
                for _ in range(2)
            ]  # fmt: skip
            async with connect(ws_api_url(limited)) as ws:
                refused = await call(ws, "order.place", limit_buy(key, f"ws-api-limit-{minute}"))
            if now_ms() // 60_000 == minute:
                break
    finally:
        limited.stop()
    assert rest == [200, 200]
    assert (refused["status"], refused["error"]) == (
        429, {"code": -1015, "msg": "Too many new orders; current limit is 2 orders per 1 MINUTE."},
    )  # fmt: skip


async def test_algo_orders_are_the_rest_algo_orders(
    server: SandboxServer, hmac_key: Credentials
) -> None:
    pin_price(server)
    async with connect(ws_api_url(server)) as ws:
        placed = await call(ws, "algoOrder.place", signed(
            hmac_key, algoType="CONDITIONAL", symbol=SYMBOL, side="BUY", type="STOP_MARKET",
            quantity=QTY, triggerPrice="80000.00", clientAlgoId="ws-api-algo",
        ))  # fmt: skip
        assert placed["status"] == 200, placed
        algo_id = placed["result"]["algoId"]
        rest = signed_request(server.url, hmac_key, "GET", "/fapi/v1/algoOrder", algoId=algo_id)
        assert rest.json()["clientAlgoId"] == "ws-api-algo"
        canceled = await call(ws, "algoOrder.cancel", signed(hmac_key, algoId=algo_id))
    assert canceled["result"] == {
        "algoId": algo_id, "clientAlgoId": "ws-api-algo", "code": "200", "msg": "success",
    }  # fmt: skip


async def test_user_data_stream_keys_are_the_rest_listen_keys(
    server: SandboxServer, hmac_key: Credentials
) -> None:
    by_key = {"apiKey": hmac_key.api_key}
    async with connect(ws_api_url(server)) as ws:
        key = (await call(ws, "userDataStream.start", by_key))["result"]["listenKey"]
        rest = httpx.post(server.url + "/fapi/v1/listenKey", headers=hmac_key.headers)
        assert rest.json() == {"listenKey": key}  # one key while it is active
        assert (await call(ws, "userDataStream.ping", by_key))["result"] == {"listenKey": key}
        assert (await call(ws, "userDataStream.stop", by_key))["result"] == {}


@pytest.mark.parametrize("key_type", ["hmac", "rsa", "ed25519"])
async def test_every_key_type_signs_a_request(server: SandboxServer, key_type: str) -> None:
    """As REST accepts them: HMAC-SHA256 (hex), RSA PKCS#1 v1.5 and Ed25519 (base64)."""
    created = server.call("POST", "/accounts/demo/keys", {"type": key_type})
    key = Credentials.from_admin(created)
    async with connect(ws_api_url(server)) as ws:
        balance = await call(ws, "v2/account.balance", signed(key))
        tampered = {**signed(key), "timestamp": now_ms() + 1}
        refused = await call(ws, "v2/account.balance", tampered)
    assert balance["status"] == 200, balance
    assert (refused["status"], refused["error"]["code"]) == (400, -1022)


def test_a_client_that_stops_reading_is_dropped(tmp_path: Path) -> None:
    """Requests keep coming, answers are not read: once the socket buffers and the answer
    queue (`streams.send_queue`, 16 here) are full the server drops the connection, and
    others are served as before."""
    config = "[limits]\nenabled = false\n[streams]\nsend_queue = 16\n"
    small = SandboxServer(tmp_path / "data", config).start()
    try:
        key = Credentials.from_admin(small.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
        frame = json.dumps({"id": 1, "method": "account.position", "params": signed(key)})
        stuck = RawWebSocket(ws_api_url(small), receive_buffer=4096)
        sent = 0
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # dropped meanwhile
            while sent < 20_000:  # ~2.7 kB answers: tens of megabytes unread at most
                stuck.send_text(frame)
                sent += 1
        assert frames_until_closed(stuck) < sent  # not every request was answered
        stuck.close()
        assert asyncio.run(_ticker_price(small))["status"] == 200
    finally:
        small.stop()


def frames_until_closed(ws: RawWebSocket) -> int:
    """Reads what reached the socket before the server closed it (a timeout is a failure)."""
    count = 0
    try:
        while True:
            ws.read_frame()
            count += 1
    except (EOFError, ConnectionResetError):
        return count


async def _ticker_price(server: SandboxServer) -> Any:
    async with connect(ws_api_url(server)) as ws:
        return await call(ws, "ticker.price", {"symbol": SYMBOL})
