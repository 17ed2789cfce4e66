"""The liquidation of liquidation_support.py as binance-futures-connector's user-data stream
client receives it over a real socket: the autoclose order NEW, then its fills as execution
type CALCULATED with order type LIQUIDATION (Binance's "Liquidation Execution"), the
ACCOUNT_UPDATE of those fills with reason ORDER and the clearance fee's with INSURANCE_CLEAR.
"""

import json
import queue
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from binance.um_futures import UMFutures
from binance.websocket.um_futures.websocket_client import UMFuturesWebsocketClient

from tests.clients import liquidation_support as ls
from tests.clients import margin_support as ms
from tests.clients.conftest import Sandbox
from tests.clients.test_streams_clients import ws_base

WAIT_S = 60.0


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from ms.still_sandbox(tmp_path_factory)


@pytest.fixture(scope="module")
def received(sandbox: Sandbox) -> list[dict[str, Any]]:
    """Every message up to the clearance fee's ACCOUNT_UPDATE (the liquidation's last)."""
    rest = UMFutures(key=sandbox.api_key, secret=sandbox.secret, base_url=sandbox.url)
    rest.change_leverage(symbol=ls.SYMBOL, leverage=20)
    listen_key = rest.new_listen_key()["listenKey"]
    inbox: queue.Queue[dict[str, Any]] = queue.Queue()
    client = UMFuturesWebsocketClient(
        stream_url=ws_base(sandbox.server), on_message=lambda _ws, raw: inbox.put(json.loads(raw))
    )
    messages: list[dict[str, Any]] = []
    try:
        client.user_data(listen_key=listen_key, id=1)
        assert inbox.get(timeout=WAIT_S) == {"result": None, "id": 1}
        ls.crash(sandbox, lambda side, kind, **order: rest.new_order(
            symbol=ls.SYMBOL, side=side, type=kind, **order))  # fmt: skip
        while not messages or not _is_clearance(messages[-1]):
            messages.append(inbox.get(timeout=WAIT_S))
    finally:
        client.stop()
    return messages


def _is_clearance(message: dict[str, Any]) -> bool:
    return message["e"] == "ACCOUNT_UPDATE" and message["a"]["m"] == "INSURANCE_CLEAR"


def _forced(message: dict[str, Any]) -> bool:
    return message["e"] == "ORDER_TRADE_UPDATE" and message["o"]["c"].startswith("autoclose-")


def test_the_liquidation_fills_are_calculated_liquidation_orders(
    received: list[dict[str, Any]],
) -> None:
    forced = [m["o"] for m in received if _forced(m)]
    assert [(o["x"], o["X"], o["o"], o["ot"], o["f"]) for o in forced] == [
        ("NEW", "NEW", "LIMIT", "LIMIT", "IOC"),
        ("CALCULATED", "PARTIALLY_FILLED", "LIQUIDATION", "LIQUIDATION", "IOC"),
        ("CALCULATED", "FILLED", "LIQUIDATION", "LIQUIDATION", "IOC"),
    ]
    assert [Decimal(o["L"]) for o in forced[1:]] == [Decimal("67200"), ls.BANKRUPTCY]
    assert Decimal(forced[-1]["ap"]) == ls.AVG_PRICE
    assert sorted(Decimal(o["rp"]) for o in forced[1:]) == ls.REALIZED
    assert len({o["i"] for o in forced}) == 1


def test_the_liquidation_account_updates_are_order_then_insurance_clear(
    received: list[dict[str, Any]],
) -> None:
    first_forced = next(i for i, m in enumerate(received) if _forced(m))
    updates = [m["a"] for m in received[first_forced:] if m["e"] == "ACCOUNT_UPDATE"]
    assert [u["m"] for u in updates] == ["ORDER", "INSURANCE_CLEAR"]
    assert [(p["s"], p["pa"]) for p in updates[0]["P"]] == [(ls.SYMBOL, "0.000")]
    ((cleared,),) = [u["B"] for u in updates[1:]]
    assert (cleared["a"], cleared["wb"], Decimal(cleared["bc"])) == (
        "USDT", "0.00000000", ls.CLEARED)  # fmt: skip
