"""`!contractInfo` over a real socket: one event per contract status change on the exchange
clock — the BTCUSDT quarterly (BTCUSDT_261225, delivered 2026-12-25 08:00 UTC) entering its
last 10 minutes, then delivered, and the next quarter listed — COIN-M's roll also pushes its
next quarter's change to CURRENT_QUARTER — and nothing while nothing changes. No `bks`: the
brackets do not change while the sandbox runs."""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.support.server import SandboxServer

QUARTERLY, NEXT_QUARTER = "BTCUSDT_261225", "BTCUSDT_270326"
COINM_QUARTERLY = "BTCUSD_261225"  # COIN-M's BTCUSD quarter delivers at the same time
DELIVERY = 1_798_185_600_000
MINUTE = 60_000
WAIT_S = 30.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("contract-info")
    config = f'[clock]\nmode = "manual"\nstart = "{DELIVERY - 11 * MINUTE}"\n'
    running = SandboxServer(root / "data", config).start()
    yield running
    running.stop()


async def events_until_quiet(ws: ClientConnection, server: SandboxServer, to: int) -> list[Any]:
    """Advances the clock to `to`, then reads until a LIST_SUBSCRIPTIONS answer: every event
    the advance made was queued before it."""
    await asyncio.to_thread(server.call, "POST", "/clock/advance", {"to": str(to)})
    await ws.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": to}))
    events = []
    while (message := json.loads(await asyncio.wait_for(ws.recv(), WAIT_S))).get("id") != to:
        events.append(message)
    return events


async def test_status_changes_of_a_delivery(server: SandboxServer) -> None:
    url = server.url.replace("http://", "ws://") + "/market/ws/!contractInfo"
    async with connect(url) as ws:
        assert await events_until_quiet(ws, server, DELIVERY - 10 * MINUTE - 1000) == []
        closing = await events_until_quiet(ws, server, DELIVERY - 9 * MINUTE)
        delivered = await events_until_quiet(ws, server, DELIVERY + 1000)
    assert {e["s"]: e["cs"] for e in closing if e["ps"] == "BTCUSD"} == {
        COINM_QUARTERLY: "DELIVERING"
    }
    # the roll: March became current (a contract-type change), June is listed
    assert {(e["s"], e["ct"], e["cs"]) for e in delivered if e["ps"] == "BTCUSD"} == {
        (COINM_QUARTERLY, "CURRENT_QUARTER", "DELIVERED"),
        ("BTCUSD_270326", "CURRENT_QUARTER", "TRADING"),
        ("BTCUSD_270625", "NEXT_QUARTER", "TRADING"),
    }
    closing = [e for e in closing if e["ps"] == "BTCUSDT"]
    delivered = [e for e in delivered if e["ps"] == "BTCUSDT"]
    assert len(closing) == 1
    event = closing[0]
    assert list(event) == ["e", "E", "s", "ps", "ct", "dt", "ot", "cs"]
    assert (event["e"], event["s"], event["ps"], event["ct"], event["dt"], event["cs"]) == (
        "contractInfo", QUARTERLY, "BTCUSDT", "CURRENT_QUARTER", DELIVERY, "DELIVERING",
    )  # fmt: skip
    assert DELIVERY - 10 * MINUTE <= event["E"] < DELIVERY - 10 * MINUTE + 1000
    by_symbol = {e["s"]: e for e in delivered}
    assert set(by_symbol) == {QUARTERLY, NEXT_QUARTER}
    assert by_symbol[QUARTERLY]["cs"] == "DELIVERED"
    assert (by_symbol[NEXT_QUARTER]["cs"], by_symbol[NEXT_QUARTER]["ct"]) == (
        "TRADING", "CURRENT_QUARTER",
    )  # fmt: skip
    assert all(DELIVERY <= e["E"] <= DELIVERY + 1000 for e in delivered)
