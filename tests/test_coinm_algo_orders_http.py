"""COIN-M's conditional orders as Binance takes them now, over a real socket under the manual
clock (BTCUSD's index fixed at 77000), with `trading.legacy_conditional_orders` off (the
default).

Since the CM migration /dapi/v1/order and batchOrders answer STOP, STOP_MARKET, TAKE_PROFIT,
TAKE_PROFIT_MARKET and TRAILING_STOP_MARKET with -4120, as /fapi does since 2025-12-09 (the
COIN-M Postman collection of 2026-07-22 on New Order's `type`; the COIN-M SDK 14.1.0; ccxt
sends COIN-M conditional orders to /dapi/v1/algoOrder). They go to the Algo Order endpoints on
/dapi, and behave as USDⓈ-M's: a triggered one places an order with an id of its own, and the
COIN-M user-data stream pushes ALGO_UPDATE for the algo order (COIN-M's pages, of 2026-01,
predate the migration and name no event of their own) and ORDER_TRADE_UPDATE, in COIN-M's
shape, for the order it placed. The pre-migration behaviour, with the switch on, is
tests/test_coinm_conditional_http.py's.
"""

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer
from tests.support.signing import signed_request
from tests.test_coinm_conditional_http import (
    SYMBOL,
    limit,
    long_position,
    next_messages,
    ok,
    trader,
)
from tests.test_user_streams_coinm import listen_key

REFUSED = {
    "code": -4120,
    "msg": "Order type not supported for this endpoint. Please use the Algo Order API endpoints "
    "instead.",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("coinm-algo")
    running = SandboxServer(root / "data", coinm.FIXED_INDEX_MANUAL_CLOCK).start()
    yield running
    running.stop()


@pytest.mark.parametrize(
    ("path", "symbol", "quantity"),
    [("/dapi/v1/order", SYMBOL, "1"), ("/fapi/v1/order", "BTCUSDT", "0.010")],
)
def test_each_order_endpoint_refuses_conditional_types(
    server: SandboxServer, path: str, symbol: str, quantity: str
) -> None:
    who = trader(server, f"refused{path.replace('/', '-')}")
    for kind, extra in (("STOP_MARKET", {"stopPrice": "76000"}),
                        ("TAKE_PROFIT", {"stopPrice": "78000", "price": "78100"}),
                        ("TRAILING_STOP_MARKET", {"callbackRate": "1"})):  # fmt: skip
        refused = signed_request(server.url, who, "POST", path, symbol=symbol, side="SELL",
                                 type=kind, quantity=quantity, **extra)  # fmt: skip
        assert (refused.status_code, refused.json()) == (400, REFUSED), kind


def test_batch_orders_refuse_the_conditional_item_only(server: SandboxServer) -> None:
    who = trader(server, "batch-refused")
    items = [
        {"symbol": SYMBOL, "side": "SELL", "type": "STOP_MARKET", "quantity": "1",
         "stopPrice": "76000"},
        {"symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "1",
         "price": "76000"},
    ]  # fmt: skip
    answers = ok(server, who, "POST", "/dapi/v1/batchOrders", batchOrders=json.dumps(items))
    assert answers[0] == REFUSED
    assert (answers[1]["type"], answers[1]["status"]) == ("LIMIT", "NEW")
    ok(server, who, "DELETE", "/dapi/v1/allOpenOrders", symbol=SYMBOL)


async def test_an_algo_stop_triggers_into_an_order_of_its_own(server: SandboxServer) -> None:
    """A long of 10 puts a reduce-only SELL STOP_MARKET at 76000 on the mark through
    /dapi/v1/algoOrder; another account bids 10 at 75950; the mark set to 75900 fires it.
    The holder's COIN-M listenKey gets ALGO_UPDATEs for the algo order and the
    ORDER_TRADE_UPDATEs of the MARKET it placed, under an id of its own."""
    holder = await asyncio.to_thread(long_position, server, "algo-holder", "10")
    bidder = await asyncio.to_thread(trader, server, "algo-bidder")
    key = await asyncio.to_thread(listen_key, server, holder, "/dapi/v1")
    async with connect(f"{server.url.replace('http://', 'ws://')}/ws/{key}") as ws:
        placed = await asyncio.to_thread(
            ok, server, holder, "POST", "/dapi/v1/algoOrder", algoType="CONDITIONAL",
            symbol=SYMBOL, side="SELL", type="STOP_MARKET", quantity="10", triggerPrice="76000",
            workingType="MARK_PRICE", reduceOnly="true", clientAlgoId="coin-algo-stop",
        )  # fmt: skip
        [new] = await next_messages(ws, lambda m: m["e"] == "ALGO_UPDATE")
        await asyncio.to_thread(limit, server, bidder, "BUY", "10", "75950")
        await asyncio.to_thread(server.call, "PUT", f"/marks/{SYMBOL}", {"price": "75900"})
        fired = await next_messages(ws, lambda m: m["e"] == "ACCOUNT_UPDATE")
    algo_id = placed["algoId"]
    assert (new["o"]["aid"], new["o"]["caid"], new["o"]["X"], new["o"]["o"]) == (
        algo_id, "coin-algo-stop", "NEW", "STOP_MARKET"
    )  # fmt: skip
    orders = [m["o"] for m in fired if m["e"] == "ORDER_TRADE_UPDATE"]
    assert [(o["o"], o["ot"], o["x"], o["X"]) for o in orders] == [
        ("MARKET", "STOP_MARKET", "NEW", "NEW"),
        ("MARKET", "STOP_MARKET", "TRADE", "FILLED"),
    ]
    actual = orders[0]["i"]
    assert actual != algo_id
    assert {o["i"] for o in orders} == {actual}
    assert (orders[1]["L"], orders[1]["l"], orders[1]["ma"]) == ("75950.0", "10", "BTC")
    algo_states = [m["o"]["X"] for m in fired if m["e"] == "ALGO_UPDATE"]
    assert algo_states[0] in ("TRIGGERING", "TRIGGERED")
    assert "FINISHED" in algo_states
    finished = await asyncio.to_thread(ok, server, holder, "GET", "/dapi/v1/algoOrder",
                                       algoId=str(algo_id))  # fmt: skip
    assert (finished["algoStatus"], finished["actualOrderId"]) == ("FINISHED", str(actual))
    became = await asyncio.to_thread(ok, server, holder, "GET", "/dapi/v1/order", symbol=SYMBOL,
                                     orderId=str(actual))  # fmt: skip
    assert (became["type"], became["origType"], became["status"], became["cumBase"]) == (
        "MARKET", "STOP_MARKET", "FILLED", "0.01316656"
    )  # fmt: skip
    unknown = signed_request(server.url, holder, "GET", "/dapi/v1/order", symbol=SYMBOL,
                             orderId=str(algo_id))  # fmt: skip
    assert unknown.json()["code"] == -2013  # the algo id names no order
