"""COIN-M's conditional orders on /dapi/v1/order as before the CM migration
(`trading.legacy_conditional_orders` on), over a real socket, under the manual clock with
BTCUSD's index fixed at 77000 (nothing moves unless a test moves it). Binance's behaviour now,
-4120 and /dapi/v1/algoOrder, is tests/test_coinm_algo_orders_http.py's.

With the switch, /dapi/v1/order, batchOrders and ws-dapi take STOP, STOP_MARKET, TAKE_PROFIT,
TAKE_PROFIT_MARKET and TRAILING_STOP_MARKET with stopPrice, workingType, priceProtect,
closePosition, activationPrice and callbackRate; they answer, list and cancel as orders in
COIN-M's shape (the New / Query / Cancel Order examples of
derivatives-docs/coin-margined-futures/trade, pages of 2026-01); a triggered one becomes the
order it places under the same orderId (type MARKET or LIMIT, origType the conditional type).
The COIN-M user-data stream shows them as ORDER_TRADE_UPDATEs, never ALGO_UPDATE.

Worked numbers: a SELL STOP_MARKET of 10 contracts (100 USD each) filled at 75950 is worth
1000 / 75950 = 0.0131665569... BTC -> cumBase "0.01316656"; a BUY of 1 at 77600 is
100 / 77600 = 0.0012886597... -> "0.00128866".
"""

import asyncio
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request
from tests.test_user_streams_coinm import COINM_ORDER_KEYS, listen_key

SYMBOL, PAIR = "BTCUSD_PERP", "BTCUSD"
CONFIG = coinm.FIXED_INDEX_MANUAL_CLOCK + "\n[trading]\nlegacy_conditional_orders = true\n"
WAIT_S = 30.0
# COIN-M's New Order example's fields, and goodTillDate (0: COIN-M has no GTD), which its SDK
# reads in allOrders and forceOrders rows since 12.0.0; a query's have `time` for `cumQty`
NEW_ORDER_KEYS = {
    "goodTillDate",
    "clientOrderId", "cumQty", "cumBase", "executedQty", "orderId", "avgPrice", "origQty",
    "price", "reduceOnly", "side", "positionSide", "status", "stopPrice", "closePosition",
    "symbol", "pair", "timeInForce", "type", "origType", "updateTime", "workingType",
    "priceProtect", "priceMatch", "selfTradePreventionMode",
}  # fmt: skip
QUERY_KEYS = NEW_ORDER_KEYS - {"cumQty"} | {"time"}
TRAILING_KEYS = {"activatePrice", "priceRate"}
# the page's ORDER_TRADE_UPDATE `o` keys without a fill's commission (`N`, `n`)
UNFILLED_KEYS = [key for key in COINM_ORDER_KEYS if key not in ("N", "n")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("coinm-conditional")
    running = SandboxServer(root / "data", CONFIG).start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def mark_at_the_index(server: SandboxServer) -> None:
    """Each test starts with the mark at 77000 (one test moves it)."""
    server.call("PUT", f"/marks/{SYMBOL}", {"price": "77000"})


def trader(server: SandboxServer, name: str) -> Credentials:
    server.call("POST", "/accounts", {"name": name})
    deposit = {"asset": "BTC", "amount": "1", "product": "coinm"}
    server.call("POST", f"/accounts/{name}/deposits", deposit)
    return Credentials.from_admin(server.call("POST", f"/accounts/{name}/keys", {"type": "hmac"}))


def ok(server: SandboxServer, who: Credentials, method: str, path: str, **params: str) -> Any:
    response = signed_request(server.url, who, method, path, **params)
    assert response.status_code == 200, response.text
    return response.json()


def order(server: SandboxServer, who: Credentials, **params: str) -> Any:
    return ok(server, who, "POST", "/dapi/v1/order", symbol=SYMBOL, **params)


def limit(server: SandboxServer, who: Credentials, side: str, qty: str, price: str) -> Any:
    return order(server, who, side=side, type="LIMIT", timeInForce="GTC", quantity=qty,
                 price=price)  # fmt: skip


def query(server: SandboxServer, who: Credentials, order_id: int) -> Any:
    return ok(server, who, "GET", "/dapi/v1/order", symbol=SYMBOL, orderId=str(order_id))


def long_position(server: SandboxServer, name: str, qty: str) -> Credentials:
    """`name` long `qty` contracts at 77000, bought from an account of its own."""
    holder, seller = trader(server, name), trader(server, f"{name}-seller")
    limit(server, seller, "SELL", qty, "77000")
    order(server, holder, side="BUY", type="MARKET", quantity=qty)
    return holder


def test_each_conditional_type_is_an_order_in_coinm_shape(server: SandboxServer) -> None:
    who = trader(server, "all-types")
    sell = {"side": "SELL", "quantity": "2"}
    stop = order(server, who, type="STOP", stopPrice="76000", price="75900", **sell)
    stop_market = order(server, who, type="STOP_MARKET", stopPrice="76000",
                        workingType="MARK_PRICE", priceProtect="true",
                        newClientOrderId="coin-stop", **sell)  # fmt: skip
    take = order(server, who, type="TAKE_PROFIT", stopPrice="78000", price="78100", **sell)
    take_all = order(server, who, side="SELL", type="TAKE_PROFIT_MARKET", stopPrice="78000",
                     closePosition="true")  # fmt: skip
    trailing = order(server, who, type="TRAILING_STOP_MARKET", callbackRate="1",
                     activationPrice="78000", **sell)  # fmt: skip
    placed = [stop, stop_market, take, take_all, trailing]
    for answer in placed[:-1]:
        assert set(answer) == NEW_ORDER_KEYS, answer
    assert set(trailing) == NEW_ORDER_KEYS | TRAILING_KEYS
    shown = [(o["type"], o["origType"], o["status"], o["stopPrice"], o["price"], o["origQty"])
             for o in placed]  # fmt: skip
    assert shown == [
        ("STOP", "STOP", "NEW", "76000.0", "75900.0", "2"),
        ("STOP_MARKET", "STOP_MARKET", "NEW", "76000.0", "0.0", "2"),
        ("TAKE_PROFIT", "TAKE_PROFIT", "NEW", "78000.0", "78100.0", "2"),
        ("TAKE_PROFIT_MARKET", "TAKE_PROFIT_MARKET", "NEW", "78000.0", "0.0", "0"),
        ("TRAILING_STOP_MARKET", "TRAILING_STOP_MARKET", "NEW", "0.0", "0.0", "2"),
    ]
    for answer in placed:
        assert (answer["symbol"], answer["pair"], answer["cumBase"], answer["avgPrice"]) == (
            SYMBOL, PAIR, "0", "0.0"
        )  # fmt: skip
        assert (answer["cumQty"], answer["executedQty"], answer["timeInForce"]) == ("0", "0", "GTC")
    assert (stop_market["clientOrderId"], stop_market["workingType"]) == ("coin-stop", "MARK_PRICE")
    assert (stop_market["priceProtect"], stop["workingType"]) == (True, "CONTRACT_PRICE")
    assert (take_all["closePosition"], take_all["reduceOnly"]) == (True, True)
    assert (trailing["activatePrice"], trailing["priceRate"]) == ("78000.0", "1.0")
    ids = [o["orderId"] for o in placed]
    assert ids == sorted(set(ids))  # one id each, from the order ids

    queried = query(server, who, stop_market["orderId"])
    assert set(queried) == QUERY_KEYS
    assert {k: queried[k] for k in NEW_ORDER_KEYS - {"cumQty"}} == {
        k: stop_market[k] for k in NEW_ORDER_KEYS - {"cumQty"}
    }
    by_client = ok(server, who, "GET", "/dapi/v1/openOrder", symbol=SYMBOL,
                   origClientOrderId="coin-stop")  # fmt: skip
    assert by_client == queried
    for listed in (
        ok(server, who, "GET", "/dapi/v1/openOrders", symbol=SYMBOL),
        ok(server, who, "GET", "/dapi/v1/openOrders", pair=PAIR),
        ok(server, who, "GET", "/dapi/v1/openOrders"),
        ok(server, who, "GET", "/dapi/v1/allOrders", symbol=SYMBOL),
        ok(server, who, "GET", "/dapi/v1/allOrders", pair=PAIR),
    ):
        assert [(o["orderId"], o["type"], o["status"]) for o in listed] == [
            (o["orderId"], o["type"], "NEW") for o in placed
        ]
        assert all(set(o) - TRAILING_KEYS == QUERY_KEYS for o in listed)

    canceled = ok(server, who, "DELETE", "/dapi/v1/order", symbol=SYMBOL,
                  origClientOrderId="coin-stop")  # fmt: skip
    assert set(canceled) == NEW_ORDER_KEYS  # Cancel Order's example: cumQty, no time
    assert (canceled["orderId"], canceled["type"], canceled["status"]) == (
        stop_market["orderId"], "STOP_MARKET", "CANCELED"
    )  # fmt: skip
    batch = ok(server, who, "DELETE", "/dapi/v1/batchOrders", symbol=SYMBOL,
               orderIdList=json.dumps([stop["orderId"], stop_market["orderId"]]))  # fmt: skip
    assert (batch[0]["status"], batch[0]["type"]) == ("CANCELED", "STOP")
    assert batch[1] == {"code": -2011, "msg": "Unknown order sent."}  # already canceled
    gone = ok(server, who, "DELETE", "/dapi/v1/allOpenOrders", symbol=SYMBOL)
    assert gone == {"code": 200, "msg": "The operation of cancel all open order is done."}
    assert ok(server, who, "GET", "/dapi/v1/openOrders", symbol=SYMBOL) == []
    ended = ok(server, who, "GET", "/dapi/v1/allOrders", symbol=SYMBOL)
    assert [(o["orderId"], o["status"]) for o in ended] == [(i, "CANCELED") for i in ids]


def test_batch_orders_take_conditional_types(server: SandboxServer) -> None:
    who = trader(server, "batch")
    items = [
        {"symbol": SYMBOL, "side": "SELL", "type": "STOP_MARKET", "quantity": "1",
         "stopPrice": "76000", "workingType": "MARK_PRICE"},
        {"symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "1",
         "price": "76000"},
    ]  # fmt: skip
    placed = ok(server, who, "POST", "/dapi/v1/batchOrders", batchOrders=json.dumps(items))
    assert [(o["type"], o["status"], o["stopPrice"], o["pair"]) for o in placed] == [
        ("STOP_MARKET", "NEW", "76000.0", PAIR),
        ("LIMIT", "NEW", "0.0", PAIR),
    ]
    assert [o["goodTillDate"] for o in placed] == [0, 0]  # COIN-M has no GTD
    ok(server, who, "DELETE", "/dapi/v1/allOpenOrders", symbol=SYMBOL)


async def next_messages(
    ws: ClientConnection, done: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """Messages until (and with) the first that `done` accepts."""
    received: list[dict[str, Any]] = []
    while not received or not done(received[-1]):
        received.append(json.loads(await asyncio.wait_for(ws.recv(), WAIT_S)))
    return received


async def test_a_stop_market_on_the_mark_triggers_and_fills_under_its_id(
    server: SandboxServer,
) -> None:
    """A long of 10 puts a reduce-only SELL STOP_MARKET at 76000 on the mark; another account
    bids 10 at 75950; the mark set to 75900 fires it. REST shows the order it became under the
    stop's id; the holder's COIN-M listenKey gets ORDER_TRADE_UPDATEs only: the stop's NEW,
    then the MARKET's NEW (ot STOP_MARKET), its fill, and the ACCOUNT_UPDATE."""
    holder = await asyncio.to_thread(long_position, server, "stop-holder", "10")
    bidder = await asyncio.to_thread(trader, server, "stop-bidder")
    key = await asyncio.to_thread(listen_key, server, holder, "/dapi/v1")
    async with connect(f"{server.url.replace('http://', 'ws://')}/ws/{key}") as ws:
        stop = await asyncio.to_thread(
            order, server, holder, side="SELL", type="STOP_MARKET", quantity="10",
            stopPrice="76000", workingType="MARK_PRICE", reduceOnly="true",
            newClientOrderId="coin-stop-loss",
        )  # fmt: skip
        [placed] = await next_messages(ws, lambda m: m["e"] == "ORDER_TRADE_UPDATE")
        await asyncio.to_thread(limit, server, bidder, "BUY", "10", "75950")
        await asyncio.to_thread(server.call, "PUT", f"/marks/{SYMBOL}", {"price": "75900"})
        fired = await next_messages(ws, lambda m: m["e"] == "ACCOUNT_UPDATE")
    assert list(placed) == ["e", "E", "T", "i", "o"]
    assert list(placed["o"]) == UNFILLED_KEYS
    new = placed["o"]
    assert (new["i"], new["c"], new["x"], new["X"]) == (
        stop["orderId"], "coin-stop-loss", "NEW", "NEW"
    )  # fmt: skip
    assert (new["o"], new["ot"], new["sp"], new["wt"], new["q"]) == (
        "STOP_MARKET", "STOP_MARKET", "76000.0", "MARK_PRICE", "10"
    )  # fmt: skip
    assert (new["R"], new["ma"], new["er"]) == (True, "BTC", "0")
    assert [m["e"] for m in fired] == ["ORDER_TRADE_UPDATE"] * 2 + ["ACCOUNT_UPDATE"]
    shown = [(m["o"]["i"], m["o"]["o"], m["o"]["ot"], m["o"]["x"], m["o"]["X"], m["o"]["sp"])
             for m in fired[:2]]  # fmt: skip
    assert shown == [
        (stop["orderId"], "MARKET", "STOP_MARKET", "NEW", "NEW", "76000.0"),
        (stop["orderId"], "MARKET", "STOP_MARKET", "TRADE", "FILLED", "76000.0"),
    ]
    assert (fired[1]["o"]["L"], fired[1]["o"]["l"], fired[1]["o"]["c"]) == (
        "75950.0", "10", "coin-stop-loss"
    )  # fmt: skip
    [position] = fired[2]["a"]["P"]
    assert (position["s"], position["pa"]) == (SYMBOL, "0")

    became = await asyncio.to_thread(query, server, holder, stop["orderId"])
    assert set(became) == QUERY_KEYS
    assert (became["type"], became["origType"], became["status"]) == (
        "MARKET", "STOP_MARKET", "FILLED"
    )  # fmt: skip
    assert (became["stopPrice"], became["workingType"], became["executedQty"]) == (
        "76000.0", "MARK_PRICE", "10"
    )  # fmt: skip
    assert (became["avgPrice"], became["cumBase"]) == ("75950.0", "0.01316656")
    rows = await asyncio.to_thread(ok, server, holder, "GET", "/dapi/v1/allOrders", symbol=SYMBOL)
    assert [(o["type"], o["origType"], o["status"]) for o in rows] == [
        ("MARKET", "MARKET", "FILLED"),  # the opening buy
        ("MARKET", "STOP_MARKET", "FILLED"),  # the stop, once: the order it became
    ]
    assert rows[1]["orderId"] == stop["orderId"]
    fills = await asyncio.to_thread(ok, server, holder, "GET", "/dapi/v1/userTrades",
                                    symbol=SYMBOL, orderId=str(stop["orderId"]))  # fmt: skip
    assert [(t["price"], t["qty"], t["side"]) for t in fills] == [("75950.0", "10", "SELL")]
    made = await asyncio.to_thread(ok, server, bidder, "GET", "/dapi/v1/positionRisk", pair=PAIR)
    assert [p["positionAmt"] for p in made if p["symbol"] == SYMBOL] == ["10"]


async def test_a_canceled_trailing_stop_on_the_stream(server: SandboxServer) -> None:
    """Placed and canceled: its NEW and CANCELED, with the trailing stop's AP and cr."""
    who = await asyncio.to_thread(trader, server, "trailing")
    key = await asyncio.to_thread(listen_key, server, who, "/dapi/v1")
    async with connect(f"{server.url.replace('http://', 'ws://')}/ws/{key}") as ws:
        placed = await asyncio.to_thread(
            order, server, who, side="SELL", type="TRAILING_STOP_MARKET", quantity="3",
            callbackRate="2.5", activationPrice="78000",
        )  # fmt: skip
        await asyncio.to_thread(ok, server, who, "DELETE", "/dapi/v1/order", symbol=SYMBOL,
                                orderId=str(placed["orderId"]))  # fmt: skip
        events = await next_messages(ws, lambda m: m["o"]["x"] == "CANCELED")
    trailing_keys = UNFILLED_KEYS.copy()
    trailing_keys[trailing_keys.index("cp") + 1 : trailing_keys.index("cp") + 1] = ["AP", "cr"]
    assert [list(m["o"]) for m in events] == [trailing_keys] * 2
    assert [(m["o"]["i"], m["o"]["o"], m["o"]["x"], m["o"]["X"]) for m in events] == [
        (placed["orderId"], "TRAILING_STOP_MARKET", "NEW", "NEW"),
        (placed["orderId"], "TRAILING_STOP_MARKET", "CANCELED", "CANCELED"),
    ]
    assert (events[0]["o"]["AP"], events[0]["o"]["cr"]) == ("78000.0", "2.5")


def test_a_stop_on_the_contract_price_triggers_at_a_trade(server: SandboxServer) -> None:
    """A BUY STOP_MARKET at 77500 on the last trade (CONTRACT_PRICE, the default): two other
    accounts trade 1 at 77500, which fires it; it buys the next ask, 77600."""
    holder, seller, buyer = (trader(server, name) for name in ("tp-holder", "tp-ask", "tp-bid"))
    stop = order(server, holder, side="BUY", type="STOP_MARKET", quantity="1", stopPrice="77500")
    limit(server, seller, "SELL", "1", "77500")
    limit(server, seller, "SELL", "2", "77600")
    assert query(server, holder, stop["orderId"])["status"] == "NEW"  # nothing traded yet
    bought = order(server, buyer, side="BUY", type="MARKET", quantity="1")  # prints 77500
    # the buyer's answer is its own order, not the conditional order its trade fired
    assert (bought["type"], bought["origType"], bought["side"]) == ("MARKET", "MARKET", "BUY")
    assert bought["orderId"] != stop["orderId"]
    became = query(server, holder, stop["orderId"])
    assert (became["type"], became["origType"], became["status"], became["workingType"]) == (
        "MARKET", "STOP_MARKET", "FILLED", "CONTRACT_PRICE"
    )  # fmt: skip
    assert (became["avgPrice"], became["cumBase"]) == ("77600.0", "0.00128866")
    rows = ok(server, holder, "GET", "/dapi/v1/positionRisk", pair=PAIR)
    assert [p["positionAmt"] for p in rows if p["symbol"] == SYMBOL] == ["1"]
    asks = httpx.get(f"{server.url}/dapi/v1/depth", params={"symbol": SYMBOL}).json()["asks"]
    assert asks == [["77600.0", "1"]]  # one of the two left


def test_the_algo_order_endpoints_on_dapi(server: SandboxServer) -> None:
    """/dapi/v1/algoOrder (what ccxt calls for a COIN-M conditional order) places the same
    conditional order, which /dapi/v1/order and openOrders also show; each API sees and cancels
    only its own product's algo orders."""
    who = trader(server, "algo-api")
    placed = ok(server, who, "POST", "/dapi/v1/algoOrder", algoType="CONDITIONAL", symbol=SYMBOL,
                side="SELL", type="STOP_MARKET", quantity="1", triggerPrice="76000",
                workingType="MARK_PRICE", clientAlgoId="via-algo")  # fmt: skip
    assert (placed["algoType"], placed["orderType"], placed["algoStatus"]) == (
        "CONDITIONAL", "STOP_MARKET", "NEW"
    )  # fmt: skip
    assert (placed["triggerPrice"], placed["quantity"]) == ("76000.0", "1")
    algo_id = str(placed["algoId"])
    as_order = query(server, who, placed["algoId"])
    assert (as_order["type"], as_order["clientOrderId"], as_order["stopPrice"]) == (
        "STOP_MARKET", "via-algo", "76000.0"
    )  # fmt: skip
    [listed] = ok(server, who, "GET", "/dapi/v1/openAlgoOrders")
    assert listed["algoId"] == placed["algoId"]
    assert ok(server, who, "GET", "/fapi/v1/openAlgoOrders") == []
    other_api = signed_request(server.url, who, "GET", "/fapi/v1/algoOrder", algoId=algo_id)
    assert other_api.json()["code"] == -2013
    other_cancel = signed_request(server.url, who, "DELETE", "/fapi/v1/algoOrder", algoId=algo_id)
    assert (other_cancel.status_code, other_cancel.json()["code"]) == (400, -2011)
    canceled = ok(server, who, "DELETE", "/dapi/v1/algoOrder", algoId=algo_id)
    assert (canceled["algoId"], canceled["msg"]) == (placed["algoId"], "success")
    queried = ok(server, who, "GET", "/dapi/v1/algoOrder", algoId=algo_id)
    assert queried["algoStatus"] == "CANCELED"
    assert query(server, who, placed["algoId"])["status"] == "CANCELED"


def test_a_triggered_stop_limit_rests_and_cancels_as_the_order_it_became(
    server: SandboxServer,
) -> None:
    """A BUY STOP at 77500 with price 77400 on the mark: the mark at 77600 fires it and its
    LIMIT rests (nothing to buy at 77400), under the stop's id, as an open order; DELETE
    cancels that order and answers it (type LIMIT, origType STOP)."""
    who = trader(server, "stop-limit")
    stop = order(server, who, side="BUY", type="STOP", quantity="1", stopPrice="77500",
                 price="77400", workingType="MARK_PRICE")  # fmt: skip
    server.call("PUT", f"/marks/{SYMBOL}", {"price": "77600"})
    [resting] = ok(server, who, "GET", "/dapi/v1/openOrders", symbol=SYMBOL)
    assert (resting["orderId"], resting["type"], resting["origType"], resting["status"]) == (
        stop["orderId"], "LIMIT", "STOP", "NEW"
    )  # fmt: skip
    canceled = ok(server, who, "DELETE", "/dapi/v1/order", symbol=SYMBOL,
                  orderId=str(stop["orderId"]))  # fmt: skip
    assert (canceled["orderId"], canceled["type"], canceled["origType"]) == (
        stop["orderId"], "LIMIT", "STOP"
    )  # fmt: skip
    assert (canceled["status"], canceled["price"], canceled["stopPrice"]) == (
        "CANCELED", "77400.0", "77500.0"
    )  # fmt: skip
    assert ok(server, who, "GET", "/dapi/v1/openOrders", symbol=SYMBOL) == []
