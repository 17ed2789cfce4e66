"""Checks that an exchange still serves everyone: other clients' orders succeed while a hostile
request is in flight, and orders trade and snapshots work afterwards."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import httpx

from tests.support.server import SandboxServer
from tests.support.trader import Trader


def while_others_trade(server: SandboxServer, hostile: Callable[[], Any], orders: int = 12) -> Any:
    """Runs `hostile` while another account places `orders` resting orders from two threads;
    every one of those must be accepted. Returns what `hostile` returned."""
    bystander = Trader(server)
    with ThreadPoolExecutor(3) as pool:
        placed = [
            pool.submit(bystander.limit, "BUY", str(70_000 - n), "0.002") for n in range(orders)
        ]
        result = pool.submit(hostile).result()
        answers = [future.result() for future in placed]
    assert [a.status_code for a in answers] == [200] * orders, [a.text for a in answers]
    return result


def assert_healthy(server: SandboxServer) -> None:
    """Orders still trade, and the state can still be snapshotted."""
    maker, taker = Trader(server), Trader(server)
    mark = httpx.get(server.url + "/fapi/v1/premiumIndex", params={"symbol": "BTCUSDT"})
    price = Decimal(mark.json()["markPrice"]) * Decimal("1.001")
    resting = maker.limit("SELL", str(price.quantize(Decimal("0.1"))), "0.002")
    assert resting.status_code == 200, resting.text
    filled = taker.ok(
        "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.002",
        newOrderRespType="RESULT",
    )  # fmt: skip
    assert filled["status"] == "FILLED"
    with server.admin() as admin:
        assert admin.post("/snapshots").status_code == 200
