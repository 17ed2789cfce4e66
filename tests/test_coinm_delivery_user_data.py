"""A COIN-M delivery on the user-data stream, over a real /dapi listenKey under the manual
clock: a long of 10 BTCUSD_261225 contracts (bought at 77,000, settled at the fixed index
78,000) gets its settlement order's fill, then the ACCOUNT_UPDATE with the flat position.

What Binance documents of that order is its client order id alone: COIN-M's Event-Order-Update
page lists `"delivery_autoclose-": settlement order for delisting or delivery` among the
special ids (USDⓈ-M's names it `settlement_autoclose-`, also on TRADE_LITE). Its other fields
are the sandbox's choice, so that a client that reconciles fills sees the position close:
- one ORDER_TRADE_UPDATE of the whole position, FILLED at once (no NEW: the order never rests,
  like an ADL close's fill), at the settlement price, `rp` the settlement;
- `o` / `ot` MARKET: a documented order type (LIQUIDATION would call it a liquidation; the
  page lists no SETTLEMENT type), `p` 0 and `f` GTC as a MARKET order's;
- `x` CALCULATED: the execution type of the fills the exchange makes itself rather than
  matches (liquidation and ADL closes), not TRADE, which is a match on the book;
- no fee (Binance charges none at delivery), `R` false as the other exchange-made closes;
- an order id and a trade id of their own, after the account's orders and the symbol's trades.
The income row (DELIVERED_SETTELMENT) is tests/test_coinm_delivery_http.py's.
"""

import asyncio
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.support.server import SandboxServer
from tests.test_coinm_delivery_http import CONFIG, DELIVERY, QUARTER, WORKED, account, ok
from tests.test_user_streams_coinm import COINM_ORDER_KEYS, listen_key

WAIT_S = 30.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("coinm-delivery-user-data")
    running = SandboxServer(root / "data", CONFIG).start()
    yield running
    running.stop()


async def test_the_settlement_order_of_a_coinm_delivery(server: SandboxServer) -> None:
    long, short = account(server, "long"), account(server, "short")
    order = {"symbol": QUARTER, "type": "LIMIT", "timeInForce": "GTC", "quantity": "10",
             "price": "77000"}  # fmt: skip
    ok(server, short, "POST", "/dapi/v1/order", side="SELL", **order)
    bought = ok(server, long, "POST", "/dapi/v1/order", side="BUY", **order)
    (trade,) = ok(server, long, "GET", "/dapi/v1/userTrades", symbol=QUARTER)
    key = listen_key(server, long, "/dapi/v1")
    async with connect(server.url.replace("http://", "ws://") + f"/ws/{key}") as ws:
        await asyncio.to_thread(server.call, "POST", "/clock/advance", {"to": str(DELIVERY + 1000)})
        received: list[dict[str, Any]] = []
        while not any(m["e"] == "ACCOUNT_UPDATE" for m in received):
            received.append(json.loads(await asyncio.wait_for(ws.recv(), WAIT_S)))

    assert [m["e"] for m in received] == ["ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE"]  # no TRADE_LITE
    settlement, update = received
    assert list(settlement["o"]) == COINM_ORDER_KEYS
    fill = settlement["o"]
    assert (settlement["E"], settlement["T"], fill["T"]) == (DELIVERY, DELIVERY, DELIVERY)
    assert fill["c"].startswith("delivery_autoclose-")
    assert (fill["s"], fill["S"], fill["ps"], fill["ma"]) == (QUARTER, "SELL", "BOTH", "BTC")
    assert (fill["o"], fill["ot"], fill["f"], fill["p"]) == ("MARKET", "MARKET", "GTC", "0.0")
    assert (fill["x"], fill["X"], fill["er"]) == ("CALCULATED", "FILLED", "0")
    assert (fill["q"], fill["l"], fill["z"]) == ("10", "10", "10")
    assert (fill["L"], fill["ap"]) == ("78000.0", "78000.0")
    assert Decimal(fill["rp"]) == WORKED.quantize(Decimal("1E-8"))
    assert (fill["N"], Decimal(fill["n"]), fill["m"], fill["R"]) == ("BTC", 0, False, False)
    assert fill["i"] > bought["orderId"]
    assert fill["t"] > trade["id"]

    assert update["a"]["m"] == "ORDER"
    assert [(b["a"], b["bc"]) for b in update["a"]["B"]] == [("BTC", "0")]
    [position] = update["a"]["P"]
    assert (position["s"], position["pa"], position["ps"]) == (QUARTER, "0", "BOTH")
