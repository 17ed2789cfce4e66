"""WebSocket faults as a client of the `websockets` library sees them: events held back or sent
twice by a rule (and back to normal once the rule has hit its count), connections of a stream
or of an account dropped or closed as at Binance's 24-hour limit, listenKeys lapsing now."""

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.clients.trading_support import cross_once, maker_key, pin_price
from tests.support.server import SandboxServer
from tests.support.signing import Credentials
from tests.test_admin_api import cli

WAIT_S = 30.0
AGG = "btcusdt@aggTrade"
DELAY_MS = 1500


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("stream-faults")
    running = SandboxServer(root / "data", "[clock]\nmode = 'manual'\n").start()
    pin_price(running)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def sides(server: SandboxServer) -> tuple[Credentials, Credentials]:
    """The maker's and a demo taker's keys."""
    maker = Credentials.from_admin(maker_key(server))
    return maker, Credentials.from_admin(
        server.call("POST", "/accounts/demo/keys", {"type": "hmac"})
    )


@pytest.fixture(autouse=True)
def no_rules_left(server: SandboxServer) -> Iterator[None]:
    yield
    server.call("DELETE", "/faults")


def ws_url(server: SandboxServer, path: str) -> str:
    return server.url.replace("http://", "ws://") + path


def trade(server: SandboxServer, sides: tuple[Credentials, Credentials]) -> None:
    cross_once(server, *sides)


async def receive(ws: ClientConnection) -> tuple[float, Any]:
    message = json.loads(await asyncio.wait_for(ws.recv(), WAIT_S))
    return time.monotonic(), message


async def subscribed(ws: ClientConnection) -> None:
    await ws.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 1}))
    assert (await receive(ws))[1]["id"] == 1


def rule_of(server: SandboxServer, **rule: Any) -> dict[str, Any]:
    added: dict[str, Any] = server.call("POST", "/faults", rule)["rules"][0]
    return added


def hits_and_active(server: SandboxServer, rule_id: int) -> tuple[int, bool]:
    rule = next(r for r in server.call("GET", "/faults")["rules"] if r["id"] == rule_id)
    return rule["hits"], rule["active"]


async def test_a_duplicated_event_arrives_twice_then_the_stream_is_normal(
    server: SandboxServer, sides: tuple[Credentials, Credentials]
) -> None:
    rule = rule_of(server, kind="stream_duplicate", stream=AGG, count=1)
    async with connect(ws_url(server, f"/ws/{AGG}")) as ws:
        await subscribed(ws)
        await asyncio.to_thread(trade, server, sides)
        await asyncio.to_thread(trade, server, sides)
        events = [(await receive(ws))[1] for _ in range(3)]
    first, again, second = events
    assert first == again  # the same event, its id and all
    assert second["a"] == first["a"] + 1
    assert hits_and_active(server, rule["id"]) == (1, False)


async def test_a_delayed_event_comes_late_and_in_its_streams_order(
    server: SandboxServer, sides: tuple[Credentials, Credentials]
) -> None:
    """The trade's `trade` event comes at once; its `aggTrade` at least DELAY_MS later (a lower
    bound only: a busy machine can make it later, never earlier). The next trade's events are
    not held back: the rule hit its one event."""
    rule = rule_of(server, kind="stream_delay", stream=AGG, latencyMs=DELAY_MS, count=1)
    streams = f"{AGG}/btcusdt@trade"
    async with connect(ws_url(server, f"/stream?streams={streams}")) as ws:
        await subscribed(ws)
        await asyncio.to_thread(trade, server, sides)
        first = [await receive(ws) for _ in range(2)]
        await asyncio.to_thread(trade, server, sides)
        second = [await receive(ws) for _ in range(2)]
    (trade_at, trade_event), (agg_at, agg_event) = first
    assert (trade_event["stream"], agg_event["stream"]) == ("btcusdt@trade", AGG)
    assert agg_at - trade_at >= DELAY_MS / 1000 * 0.9
    assert {message["stream"] for _, message in second} == {AGG, "btcusdt@trade"}
    assert hits_and_active(server, rule["id"]) == (1, False)


@pytest.mark.parametrize(("how", "code"), [("drop", 1006), ("lifetime", 1001)])
async def test_a_streams_connections_are_dropped_or_closed_as_at_24_hours(
    server: SandboxServer, how: str, code: int
) -> None:
    """`drop` cuts the socket (no close frame: the client sees 1006, an abnormal closure);
    `lifetime` closes with 1001, as Binance ends a connection at its 24-hour limit. A
    connection on another stream stays open."""
    async with (
        connect(ws_url(server, f"/ws/{AGG}")) as target,
        connect(ws_url(server, "/ws/ethusdt@aggTrade")) as other,
    ):
        await subscribed(target)
        await subscribed(other)
        answer = server.call("POST", "/faults/streams/disconnect", {"stream": AGG, "how": how})
        assert answer == {"disconnected": 1, "how": how}
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(target.recv(), WAIT_S)
        assert closed.value.rcvd is None if how == "drop" else closed.value.rcvd.code == code
        assert target.close_code == code
        await subscribed(other)  # still served


async def test_an_accounts_listen_keys_lapse_now_and_its_connections_close(
    server: SandboxServer,
) -> None:
    demo = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    key = httpx.post(server.url + "/fapi/v1/listenKey", headers=demo.headers).json()["listenKey"]
    async with connect(ws_url(server, f"/ws/{key}")) as ws:
        assert server.call("POST", "/faults/listen-keys/expire", {"account": "demo"}) == {
            "expired": 1
        }
        expired = (await receive(ws))[1]
        assert expired["e"] == "listenKeyExpired"
        assert expired["listenKey"] == key
    kept = httpx.put(server.url + "/fapi/v1/listenKey", headers=demo.headers)
    assert kept.json() == {"code": -1125, "msg": "This listenKey does not exist."}

    key = httpx.post(server.url + "/fapi/v1/listenKey", headers=demo.headers).json()["listenKey"]
    async with (
        connect(ws_url(server, f"/ws/{key}")) as first,
        connect(ws_url(server, f"/stream?streams={key}")) as second,
    ):
        await subscribed(first)
        await subscribed(second)
        answer = server.call(
            "POST", "/faults/streams/disconnect", {"account": "demo", "how": "lifetime"}
        )
        assert answer == {"disconnected": 2, "how": "lifetime"}
        for ws in (first, second):
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), WAIT_S)
            assert ws.close_code == 1001


def test_bad_lever_requests_are_refused(server: SandboxServer) -> None:
    with server.admin() as admin:
        wrong = admin.post("/faults/streams/disconnect", json={"how": "explode"})
        unknown = admin.post("/faults/listen-keys/expire", json={"account": "nobody"})
    assert wrong.status_code == 400
    assert unknown.status_code == 404


async def test_the_cli_levers(server: SandboxServer) -> None:
    added = await asyncio.to_thread(
        cli, server, "faults", "add", "stream_duplicate", "--stream", AGG, "--count", "3"
    )
    assert added.returncode == 0, added.stderr
    rule = json.loads(added.stdout)["rules"][0]
    assert (rule["kind"], rule["endpoint"], rule["count"]) == ("stream_duplicate", AGG, 3)
    async with connect(ws_url(server, f"/ws/{AGG}")) as ws:
        await subscribed(ws)
        ended = await asyncio.to_thread(
            cli, server, "faults", "disconnect", "--stream", AGG, "--how", "lifetime"
        )
        assert ended.returncode == 0, ended.stderr
        assert json.loads(ended.stdout) == {"disconnected": 1, "how": "lifetime"}
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), WAIT_S)
    demo = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    assert httpx.post(server.url + "/fapi/v1/listenKey", headers=demo.headers).status_code == 200
    expired = await asyncio.to_thread(cli, server, "faults", "expire-listen-keys")
    assert expired.returncode == 0, expired.stderr
    assert json.loads(expired.stdout)["expired"] >= 1
    kept = httpx.put(server.url + "/fapi/v1/listenKey", headers=demo.headers)
    assert kept.json()["code"] == -1125  # every key lapsed, this one too
