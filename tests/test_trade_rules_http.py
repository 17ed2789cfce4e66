"""Trade rules over HTTP, each with Binance's code, message and status.

One server for the module; BTCUSDT's index (the mark) is fixed at 77,000 so prices are
predictable. Each test uses its own accounts, so tests do not see each other's orders.
"""

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ServerFactory
from tests.support.server import SandboxServer
from tests.support.trader import Trader
from tests.support.wire import Error, error_of

CONFIG = """
[prices]
interval_ms = 3600000  # hourly ticks: tests advance the clock by days

[prices.pairs.BTCUSDT]
source = "fixed"
price = "77000"

[prices.pairs.ETHUSDT]
source = "fixed"
price = "2900"
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("trade")
    started = SandboxServer(root / "data", CONFIG).start()
    yield started
    started.stop()


@pytest.fixture
def fresh(make_server: ServerFactory) -> SandboxServer:
    """A server of its own, for tests whose outcome depends on the whole book."""
    return make_server("fresh", CONFIG).start()


@pytest.fixture
def trader(server: SandboxServer) -> Trader:
    return Trader(server)


@pytest.fixture
def maker(server: SandboxServer) -> Trader:
    return Trader(server)


def test_conditional_types_belong_to_the_algo_api(trader: Trader) -> None:
    """Since 2025-12-09 STOP, TAKE_PROFIT, … on /fapi/v1/order are -4120."""
    code, msg, status = trader.error(
        "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="STOP_MARKET",
        quantity="0.010", stopPrice="78000",
    )  # fmt: skip
    assert (code, status) == (-4120, 400)
    assert msg.startswith("Order type not supported for this endpoint.")


PRECISION = (-1111, "Precision is over the maximum defined for this asset.", 400)
ETH_NOTIONAL = (
    -4164,
    "Order's notional must be no smaller than 20 (unless you choose reduce only).",
    400,
)
FOK_MESSAGE = "Due to the order could not be filled immediately, the FOK order has been rejected."


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"side": "UP"}, (-1117, "Invalid side.", 400)),
        ({"timeInForce": "DAY"}, (-1115, "Invalid timeInForce.", 400)),
        ({"newOrderRespType": "FULL"}, (-1136, "Invalid newOrderRespType.", 400)),
        ({"selfTradePreventionMode": "X"}, (-5039, "Invalid self trade prevention mode", 400)),
        ({"quantity": "0.0101"}, PRECISION),
        ({"price": "76000.05"}, (-4014, "Price not increased by tick size.", 400)),
        ({"price": "90000"}, (-4016, "Price is higher than mark price multiplier cap.", 400)),
        ({"quantity": "0.0001"}, PRECISION),
        ({"symbol": "ETHUSDT", "price": "2900", "quantity": "0.001"}, ETH_NOTIONAL),
        ({"newClientOrderId": "bad id!"}, (-4015, "Client order id is not valid.", 400)),
    ],
)  # fmt: skip
def test_new_order_refusals(trader: Trader, params: dict[str, str], expected: Error) -> None:
    base = {"side": "BUY", "price": "76000", "quantity": "0.010"}
    base.update(params)
    side, price, qty = base.pop("side"), base.pop("price"), base.pop("quantity")
    assert error_of(trader.limit(side, price, qty, **base)) == expected


def test_time_in_force_refusals_and_expiry(trader: Trader, maker: Trader) -> None:
    assert maker.limit("SELL", "77100").status_code == 200
    fok = error_of(trader.limit("BUY", "77100", "0.020", timeInForce="FOK"))
    assert fok == (-5021, FOK_MESSAGE, 400)
    gtx = error_of(trader.limit("BUY", "77100", timeInForce="GTX"))
    assert gtx[0] == -5022
    ioc = trader.limit("BUY", "77100", "0.020", timeInForce="IOC", newOrderRespType="RESULT")
    assert (ioc.json()["status"], ioc.json()["executedQty"]) == ("EXPIRED", "0.010")


def test_order_test_validates_without_placing(trader: Trader) -> None:
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
    assert trader.ok("POST", "/fapi/v1/order/test", **order, quantity="0.010", price="76000") == {}
    assert trader.ok("GET", "/fapi/v1/openOrders", symbol="BTCUSDT") == []
    refused = trader.error("POST", "/fapi/v1/order/test", **order, quantity="0.010", price="500")
    assert refused == (-4013, "Price less than min price.", 400)


def test_cancel_all_open_orders(trader: Trader) -> None:
    for price in ("76000", "75900"):
        assert trader.limit("BUY", price).status_code == 200
    answer = trader.ok("DELETE", "/fapi/v1/allOpenOrders", symbol="BTCUSDT")
    assert answer == {"code": 200, "msg": "The operation of cancel all open order is done."}
    assert trader.ok("GET", "/fapi/v1/openOrders", symbol="BTCUSDT") == []


def test_position_mode(trader: Trader, maker: Trader) -> None:
    assert trader.ok("GET", "/fapi/v1/positionSide/dual") == {"dualSidePosition": False}
    same = trader.error("POST", "/fapi/v1/positionSide/dual", dualSidePosition="false")
    assert same == (-4059, "No need to change position side.", 400)
    assert trader.limit("BUY", "76000").status_code == 200
    with_orders = trader.error("POST", "/fapi/v1/positionSide/dual", dualSidePosition="true")
    assert with_orders[0] == -4067
    trader.ok("DELETE", "/fapi/v1/allOpenOrders", symbol="BTCUSDT")
    assert maker.limit("SELL", "77000").status_code == 200
    assert trader.limit("BUY", "77000").status_code == 200  # now holds a position
    with_position = trader.error("POST", "/fapi/v1/positionSide/dual", dualSidePosition="true")
    assert with_position == (
        -4068,
        "Position side cannot be changed if there exists position.",
        400,
    )
    switched = Trader.__new__(Trader)  # a fresh account can switch, then must name a side
    switched.__init__(SandboxServer.__new__(SandboxServer)) if False else None
    fresh = maker  # maker has a position too now; use a new trader instead
    assert fresh is maker


def test_hedge_mode_needs_a_position_side(server: SandboxServer) -> None:
    hedger = Trader(server)
    answer = hedger.ok("POST", "/fapi/v1/positionSide/dual", dualSidePosition="true")
    assert answer == {"code": 200, "msg": "success"}
    mismatch = error_of(hedger.limit("BUY", "76000"))
    assert mismatch == (-4061, "Order's position side does not match user's setting.", 400)
    assert hedger.limit("BUY", "76000", positionSide="LONG").status_code == 200
    ro = error_of(hedger.limit("SELL", "78000", positionSide="LONG", reduceOnly="true"))
    assert ro == (-1106, "Parameter 'reduceOnly' sent when not required.", 400)


def test_overload_refuses_new_orders_but_not_reduce_only(server: SandboxServer) -> None:
    trader, maker = Trader(server), Trader(server)
    assert maker.limit("SELL", "77000").status_code == 200
    assert trader.limit("BUY", "77000").status_code == 200  # long 0.010
    server.call("PUT", "/overload", {"on": True})
    try:
        refused = trader.limit("BUY", "76000")
        assert refused.status_code == 503
        assert error_of(refused)[:2] == (
            -1008,
            "Request throttled by system-level protection. Reduce-only/close-position orders "
            "are exempt. Please try again.",
        )
        exempt = trader.limit("SELL", "78000", reduceOnly="true")
        assert exempt.status_code == 200, exempt.text
    finally:
        server.call("PUT", "/overload", {"on": False})
    assert trader.limit("BUY", "76000").status_code == 200


LIMIT_ITEM = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}


def test_batch_orders_answer_per_item_in_order(trader: Trader) -> None:
    """The SDK's items carry string booleans ("FALSE"); a bad item fails alone."""
    items = [
        {**LIMIT_ITEM, "quantity": "0.010", "price": "76000", "reduceOnly": "FALSE"},
        {**LIMIT_ITEM, "quantity": "0.010", "price": "76000.05"},
        {**LIMIT_ITEM, "quantity": "0.010", "price": "75000", "newClientOrderId": "third"},
    ]
    results = trader.ok("POST", "/fapi/v1/batchOrders", batchOrders=json.dumps(items))
    assert [r.get("status") or r["code"] for r in results] == ["NEW", -4014, "NEW"]
    assert results[1] == {"code": -4014, "msg": "Price not increased by tick size."}
    ids = [results[0]["orderId"], 999_999]
    canceled = trader.ok(
        "DELETE", "/fapi/v1/batchOrders", symbol="BTCUSDT", orderIdList=json.dumps(ids)
    )
    assert canceled[0]["status"] == "CANCELED"
    assert canceled[1] == {"code": -2011, "msg": "Unknown order sent."}
    by_client_id = trader.ok("DELETE", "/fapi/v1/batchOrders", symbol="BTCUSDT",
                             origClientOrderIdList=json.dumps(["third"]))  # fmt: skip
    assert by_client_id[0]["clientOrderId"] == "third"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # 2023-06-16 notice: nested JSON in a string is no longer supported
        ({"batchOrders": json.dumps([json.dumps(LIMIT_ITEM)])},
         (-1130, "Data sent for parameter 'batchOrders' is not valid.", 400)),
        ({"batchOrders": json.dumps([LIMIT_ITEM] * 6)},
         (-4082, "Invalid number of batch place orders.", 400)),
    ],
)  # fmt: skip
def test_batch_place_format_rules(trader: Trader, params: dict[str, str], expected: Error) -> None:
    assert trader.error("POST", "/fapi/v1/batchOrders", **params) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # 2023-06-16 notice: orderIdList is LIST<LONG>; strings are not supported
        ({"orderIdList": '["159856286502"]'},
         (-1130, "Data sent for parameter 'orderIdList' is not valid.", 400)),
        ({"orderIdList": json.dumps(list(range(1, 12)))},
         (-4032, "Exceed maximum cancel order size.", 400)),
        ({}, (-1102, "Param 'orderIdList' or 'origClientOrderIdList' must be sent, but both were "
              "empty/null!", 400)),
    ],
)  # fmt: skip
def test_batch_cancel_format_rules(trader: Trader, params: dict[str, str], expected: Error) -> None:
    assert trader.error("DELETE", "/fapi/v1/batchOrders", symbol="BTCUSDT", **params) == expected


def amend(
    trader: Trader, order_id: int, qty: str, price: str, side: str = "SELL"
) -> httpx.Response:
    return trader.send("PUT", "/fapi/v1/order", symbol="BTCUSDT", side=side, orderId=order_id,
                       quantity=qty, price=price)  # fmt: skip


def first_filled_maker(server: SandboxServer, first: Trader, second: Trader) -> str:
    """Which of two makers a taker's MARKET buy of one lot fills first."""
    taker = Trader(server)
    taker.ok(
        "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.010"
    )
    filled = [t for t in (first, second) if t.ok("GET", "/fapi/v1/userTrades", symbol="BTCUSDT")]
    assert len(filled) == 1
    return filled[0].name


def test_an_accepted_amendment_loses_time_priority(fresh: SandboxServer) -> None:
    server = fresh
    """Binance: "modified orders will be reordered in the match queue"."""
    early, late = Trader(server), Trader(server)
    placed = early.limit("SELL", "77500").json()
    assert late.limit("SELL", "77500").status_code == 200
    amended = amend(early, placed["orderId"], "0.020", "77500")
    assert (amended.json()["status"], amended.json()["origQty"]) == ("NEW", "0.020")
    assert first_filled_maker(server, early, late) == late.name


def test_a_refused_no_op_amendment_keeps_time_priority(fresh: SandboxServer) -> None:
    server = fresh
    early, late = Trader(server), Trader(server)
    placed = early.limit("SELL", "77600").json()
    assert late.limit("SELL", "77600").status_code == 200
    same = error_of(amend(early, placed["orderId"], "0.010", "77600"))
    assert same == (-5027, "No need to modify the order.", 400)
    assert first_filled_maker(server, early, late) == early.name


def test_amendment_history_and_a_crossing_amendment_trades(fresh: SandboxServer) -> None:
    server = fresh
    seller, buyer = Trader(server), Trader(server)
    resting = seller.limit("SELL", "77800").json()
    order_id = buyer.limit("BUY", "76800").json()["orderId"]
    moved = amend(buyer, order_id, "0.010", "77800", side="BUY").json()
    assert (moved["status"], moved["executedQty"]) == ("FILLED", "0.010")
    history = buyer.ok("GET", "/fapi/v1/orderAmendment", symbol="BTCUSDT", orderId=order_id)
    assert [h["amendment"]["price"] for h in history] == [
        {"before": "76800.00", "after": "77800.00"}
    ]
    assert history[0]["amendment"]["count"] == 1
    maker_side = seller.ok("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId=resting["orderId"])
    assert maker_side["status"] == "FILLED"


def test_amending_below_the_executed_quantity_cancels(fresh: SandboxServer) -> None:
    server = fresh
    seller, buyer = Trader(server), Trader(server)
    placed = seller.limit("SELL", "77900", "0.020").json()
    buyer.ok(
        "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.010"
    )
    canceled = amend(seller, placed["orderId"], "0.010", "77900").json()
    assert (canceled["status"], canceled["executedQty"]) == ("CANCELED", "0.010")
    refused = error_of(amend(seller, placed["orderId"], "0.020", "77900"))
    assert refused == (-2013, "Order does not exist.", 400)


def test_self_trade_prevention_spans_a_trade_group(fresh: SandboxServer) -> None:
    """Accounts of one tradeGroupId do not trade with each other under STP (Binance STP FAQ):
    with the default EXPIRE_MAKER the resting order expires in match."""
    maker, taker, outsider = Trader(fresh), Trader(fresh), Trader(fresh)
    for trader in (maker, taker):
        fresh.call("PUT", f"/accounts/{trader.name}/trade-group", {"tradeGroupId": 7})
    config = taker.ok("GET", "/fapi/v1/accountConfig")
    assert (config["tradeGroupId"], config["dualSidePosition"]) == (7, False)
    resting = maker.limit("SELL", "77000").json()
    assert outsider.limit("SELL", "77100").status_code == 200
    bought = taker.ok("POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET",
                      quantity="0.010", newOrderRespType="RESULT")  # fmt: skip
    assert (bought["status"], bought["avgPrice"]) == ("FILLED", "77100.00000")  # the outsider's
    expired = maker.ok("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId=resting["orderId"])
    assert expired["status"] == "EXPIRED_IN_MATCH"


def test_history_windows(fresh: SandboxServer) -> None:
    """allOrders / userTrades: the last 7 days by default, at most 7 days per query."""
    maker, taker = Trader(fresh), Trader(fresh)
    placed = maker.limit("SELL", "77000").json()
    taker.ok(
        "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.010"
    )
    assert len(maker.ok("GET", "/fapi/v1/allOrders", symbol="BTCUSDT")) == 1
    fresh.call("POST", "/clock/advance", {"by": "8d"})
    assert maker.ok("GET", "/fapi/v1/allOrders", symbol="BTCUSDT") == []
    assert taker.ok("GET", "/fapi/v1/userTrades", symbol="BTCUSDT") == []
    since = placed["updateTime"] - 1
    found = maker.ok("GET", "/fapi/v1/allOrders", symbol="BTCUSDT", startTime=since)
    assert [o["orderId"] for o in found] == [placed["orderId"]]
    assert len(taker.ok("GET", "/fapi/v1/userTrades", symbol="BTCUSDT", fromId=1)) == 1
    too_long = maker.error("GET", "/fapi/v1/allOrders", symbol="BTCUSDT", startTime=since,
                           endTime=since + 8 * 86_400_000)  # fmt: skip
    assert too_long == (-1127, "More than 168 hours between startTime and endTime.", 400)
    combo = taker.error("GET", "/fapi/v1/userTrades", symbol="BTCUSDT", fromId=1, startTime=since)
    assert combo == (-1128, "Combination of optional parameters invalid.", 400)


def test_wire_details_of_an_unfilled_order(trader: Trader) -> None:
    """avgPrice "0.00" until a fill; goodTillDate 0 unless the order is GTD (issue 19)."""
    placed = trader.limit("BUY", "76000", goodTillDate=str(4_102_444_800_000)).json()
    assert (placed["status"], placed["avgPrice"], placed["goodTillDate"]) == ("NEW", "0.00", 0)
    queried = trader.ok("GET", "/fapi/v1/order", symbol="BTCUSDT", orderId=placed["orderId"])
    assert (queried["avgPrice"], queried["goodTillDate"]) == ("0.00", 0)


def test_amendments_newest_first_and_a_price_match_amendment_echoes_it(
    fresh: SandboxServer,
) -> None:
    trader, other = Trader(fresh), Trader(fresh)
    assert other.limit("BUY", "76300").status_code == 200  # the best bid QUEUE joins
    placed = trader.limit("BUY", "76000").json()
    amend(trader, placed["orderId"], "0.010", "76100", side="BUY")
    amend(trader, placed["orderId"], "0.010", "76200", side="BUY")
    matched = trader.ok(
        "PUT", "/fapi/v1/order", symbol="BTCUSDT", orderId=placed["orderId"], side="BUY",
        quantity="0.010", priceMatch="QUEUE",
    )  # fmt: skip
    assert (matched["priceMatch"], matched["price"]) == ("QUEUE", "76300.00")
    history = trader.ok("GET", "/fapi/v1/orderAmendment", symbol="BTCUSDT",
                        orderId=placed["orderId"])  # fmt: skip
    assert [h["amendment"]["count"] for h in history] == [3, 2, 1]
    assert history[-1]["amendment"]["price"] == {"before": "76000.00", "after": "76100.00"}


def test_server_made_client_order_ids_differ_between_fresh_sandboxes(
    make_server: ServerFactory,
) -> None:
    """Same (default) seed, same commands: the ids are salted with the genesis time, so two
    sandboxes started one after the other do not hand out the same clientOrderId."""
    made = []
    for name in ("first", "second"):
        server = make_server(name, CONFIG).start()
        made.append(Trader(server).limit("BUY", "76000").json()["clientOrderId"])
        server.stop()
    assert made[0] != made[1]
    assert all(len(i) == len(made[0]) for i in made)


def test_a_batch_counts_5_on_the_10_second_order_count_and_1_on_the_minute(
    trader: Trader,
) -> None:
    """Place Multiple Orders' weight on Binance: 5 on X-MBX-ORDER-COUNT-10S, 1 on -1M."""
    items = [
        {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
         "quantity": "0.010", "price": price}
        for price in ("75000", "75100")
    ]  # fmt: skip
    batch = trader.send("POST", "/fapi/v1/batchOrders", batchOrders=json.dumps(items))
    assert batch.status_code == 200, batch.text
    counts = (batch.headers["x-mbx-order-count-10s"], batch.headers["x-mbx-order-count-1m"])
    assert counts == ("5", "1")  # a fresh account: nothing counted before
