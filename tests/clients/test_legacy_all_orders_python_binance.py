"""An old bot on python-binance with `trading.legacy_conditional_orders` on: its conditional
orders, placed through /fapi/v1/order as then, are rows of futures_get_all_orders in the order
shape of the time (orderId = algoId); a triggered one is, as then, the order it became under
the same id (a MARKET whose origType is the conditional type), once; in id order, orderId and
limit page through them as through any order."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from binance.client import Client

from tests.clients import algo_support as algo
from tests.clients.conftest import Sandbox
from tests.clients.test_trading_python_binance import pointed
from tests.support.server import SandboxServer


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    root: Path = tmp_path_factory.mktemp("legacy")
    config = algo.CONFIG + "\n[trading]\nlegacy_conditional_orders = true\n"
    server = SandboxServer(root / "data", config).start()
    key = server.call("POST", "/accounts/demo/keys", {"type": "hmac", "label": "legacy-test"})
    yield Sandbox(server.url, key["apiKey"], key["secretKey"], server)
    server.stop()


def old_order(desk: algo.Desk, **params: str) -> dict[str, Any]:
    """A conditional order on /fapi/v1/order as sent before 2025-12-09 (python-binance now
    sends these types to the algo endpoint itself, so the old request is made raw)."""
    placed: dict[str, Any] = desk.signed(
        desk.client, "POST", "/fapi/v1/order", workingType="MARK_PRICE", **params
    )
    return placed


def test_all_orders_lists_conditional_orders_and_what_they_became(sandbox: Sandbox) -> None:
    client: Client = pointed(sandbox.url, sandbox.api_key, sandbox.secret)
    desk = algo.Desk(sandbox)
    desk.open_long(algo.QTY)
    common = {"symbol": algo.SYMBOL, "side": "SELL", "quantity": algo.QTY, "reduceOnly": "true"}
    stop = old_order(desk, type="STOP_MARKET", stopPrice=algo.STOP_LOSS, **common)
    take = old_order(desk, type="TAKE_PROFIT_MARKET", stopPrice=algo.TAKE_PROFIT, **common)
    desk.rest("BUY", algo.STOP_BID)
    desk.move("75900")  # the stop fires and fills
    client.futures_cancel_order(symbol=algo.SYMBOL, orderId=take["orderId"])
    rows = client.futures_get_all_orders(symbol=algo.SYMBOL)
    shown = [(o["orderId"], o["type"], o["origType"], o["status"]) for o in rows]
    opening = rows[0]["orderId"]
    assert shown == [
        (opening, "MARKET", "MARKET", "FILLED"),
        (stop["orderId"], "MARKET", "STOP_MARKET", "FILLED"),
        (take["orderId"], "TAKE_PROFIT_MARKET", "TAKE_PROFIT_MARKET", "CANCELED"),
    ]
    assert opening < stop["orderId"] < take["orderId"]
    assert rows[1]["stopPrice"] == "76000.00"
    paged = client.futures_get_all_orders(symbol=algo.SYMBOL, orderId=stop["orderId"], limit=2)
    assert [o["orderId"] for o in paged] == [stop["orderId"], take["orderId"]]
