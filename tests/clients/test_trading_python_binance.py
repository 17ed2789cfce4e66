"""python-binance's Client trading over real sockets: the same URL attributes as
test_python_binance.py, nothing else changed.

python-binance adds a newClientOrderId ("x-…") to every new order and sends POST parameters in
the body; futures_position_information is Position Information V3.
"""

from decimal import Decimal
from typing import Any

import pytest
from binance.client import Client
from binance.exceptions import BinanceAPIException

from tests.clients import trading_support as ts
from tests.clients.conftest import Sandbox


def pointed(url: str, api_key: str, secret: str) -> Client:
    client = Client(api_key, secret, ping=False)
    client.API_URL = url + "/api"
    client.FUTURES_URL = url + "/fapi"
    client.FUTURES_DATA_URL = url + "/futures/data"
    return client


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> Client:
    return pointed(sandbox.url, sandbox.api_key, sandbox.secret)


@pytest.fixture(scope="module")
def maker(sandbox: Sandbox) -> Client:
    key = ts.maker_key(sandbox.server)
    return pointed(sandbox.url, key["apiKey"], key["secretKey"])


@pytest.fixture(scope="module")
def fill(sandbox: Sandbox, client: Client, maker: Client) -> dict[str, Any]:
    """The maker rests a LIMIT SELL; the client's MARKET BUY (RESULT) takes it."""
    ts.pin_price(sandbox.server)
    resting = maker.futures_create_order(
        symbol=ts.SYMBOL, side="SELL", type="LIMIT", timeInForce="GTC",
        quantity=ts.QTY, price=ts.MAKER_PRICE,
    )  # fmt: skip
    assert resting["status"] == "NEW"
    taken = client.futures_create_order(
        symbol=ts.SYMBOL, side="BUY", type="MARKET", quantity=ts.QTY, newOrderRespType="RESULT"
    )
    return {"maker": resting, "taker": taken}


def test_limit_order_lifecycle(sandbox: Sandbox, client: Client) -> None:
    ts.pin_price(sandbox.server)
    placed = client.futures_create_order(
        symbol=ts.SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC",
        quantity=ts.QTY, price=ts.AWAY,
    )  # fmt: skip
    assert placed["clientOrderId"].startswith("x-")
    order_id = placed["orderId"]

    queried = client.futures_get_order(symbol=ts.SYMBOL, orderId=order_id)
    assert queried["status"] == "NEW"
    assert (queried["price"], queried["origQty"]) == (ts.AWAY, ts.QTY)
    assert (queried["type"], queried["timeInForce"], queried["side"]) == ("LIMIT", "GTC", "BUY")
    assert queried["executedQty"] == "0.000"

    open_ids = [o["orderId"] for o in client.futures_get_open_orders(symbol=ts.SYMBOL)]
    assert order_id in open_ids

    canceled = client.futures_cancel_order(symbol=ts.SYMBOL, orderId=order_id)
    assert canceled["status"] == "CANCELED"
    assert canceled["orderId"] == order_id

    again = client.futures_get_order(symbol=ts.SYMBOL, origClientOrderId=placed["clientOrderId"])
    assert again["status"] == "CANCELED"
    assert (again["orderId"], again["price"], again["origQty"]) == (order_id, ts.AWAY, ts.QTY)
    assert order_id not in [o["orderId"] for o in client.futures_get_open_orders(symbol=ts.SYMBOL)]


def test_market_order_filled_at_the_makers_price(fill: dict[str, Any]) -> None:
    taken = fill["taker"]
    assert (taken["status"], taken["type"], taken["side"]) == ("FILLED", "MARKET", "BUY")
    assert taken["executedQty"] == ts.QTY
    assert Decimal(taken["avgPrice"]) == Decimal(ts.MAKER_PRICE)
    assert Decimal(taken["cumQuote"]) == Decimal(ts.MAKER_PRICE) * Decimal(ts.QTY)


def test_the_trade_in_both_accounts_user_trades(
    fill: dict[str, Any], client: Client, maker: Client
) -> None:
    (bought,) = client.futures_account_trades(symbol=ts.SYMBOL, orderId=fill["taker"]["orderId"])
    (sold,) = maker.futures_account_trades(symbol=ts.SYMBOL, orderId=fill["maker"]["orderId"])
    ts.check_trade_pair(bought, sold)

    rates = client.futures_commission_rate(symbol=ts.SYMBOL)
    ts.check_commission_rates(rates)


def test_positions_of_both_sides(fill: dict[str, Any], client: Client, maker: Client) -> None:
    (long,) = client.futures_position_information(symbol=ts.SYMBOL)
    (short,) = maker.futures_position_information(symbol=ts.SYMBOL)
    ts.check_position_rows(long, short)


def test_break_even_price_includes_the_fee(fill: dict[str, Any], client: Client) -> None:
    (long,) = client.futures_position_information(symbol=ts.SYMBOL)
    assert Decimal(long["breakEvenPrice"]) == ts.taker_break_even()


def test_open_order_without_position_in_position_information(
    sandbox: Sandbox, client: Client
) -> None:
    ts.pin_price(sandbox.server, ts.QUIET_SYMBOL, ts.QUIET_INDEX)
    placed = client.futures_create_order(
        symbol=ts.QUIET_SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC",
        quantity=ts.QTY, price=ts.QUIET_AWAY,
    )  # fmt: skip
    try:
        rows = client.futures_position_information(symbol=ts.QUIET_SYMBOL)
    finally:
        client.futures_cancel_order(symbol=ts.QUIET_SYMBOL, orderId=placed["orderId"])
    assert [(r["symbol"], Decimal(r["positionAmt"])) for r in rows] == [(ts.QUIET_SYMBOL, 0)]


def limit_buy(client: Client, **change: str) -> Any:
    order = {"quantity": ts.QTY, "price": ts.AWAY} | change
    return client.futures_create_order(
        symbol=ts.SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC", **order
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [({"quantity": ts.TOO_MANY_DECIMALS}, ts.PRECISION), ({"price": ts.OFF_TICK}, ts.NOT_ON_TICK)],
)
def test_new_order_refusals(
    sandbox: Sandbox, client: Client, change: dict[str, str], expected: tuple[int, str]
) -> None:
    ts.pin_price(sandbox.server)
    with pytest.raises(BinanceAPIException) as refused:
        limit_buy(client, **change)
    assert (refused.value.code, refused.value.message) == expected
    assert refused.value.status_code == 400


def test_cancel_of_an_unknown_order(client: Client) -> None:
    with pytest.raises(BinanceAPIException) as refused:
        client.futures_cancel_order(symbol=ts.SYMBOL, orderId=ts.UNKNOWN_ORDER_ID)
    assert (refused.value.code, refused.value.message) == ts.UNKNOWN_ORDER_SENT


def test_query_of_an_unknown_order(client: Client) -> None:
    with pytest.raises(BinanceAPIException) as refused:
        client.futures_get_order(symbol=ts.SYMBOL, orderId=ts.UNKNOWN_ORDER_ID)
    assert (refused.value.code, refused.value.message) == ts.ORDER_DOES_NOT_EXIST


def cancel_if_open(client: Client, order_ids: list[int]) -> None:
    open_ids = {o["orderId"] for o in client.futures_get_open_orders(symbol=ts.SYMBOL)}
    for order_id in open_ids.intersection(order_ids):
        client.futures_cancel_order(symbol=ts.SYMBOL, orderId=order_id)


def test_modify_a_resting_limit_order(sandbox: Sandbox, client: Client) -> None:
    ts.pin_price(sandbox.server)
    placed = limit_buy(client)
    order_id = placed["orderId"]
    try:
        amended = client.futures_modify_order(
            symbol=ts.SYMBOL, side="BUY", orderId=order_id,
            quantity=ts.AMENDED_QTY, price=ts.AMENDED_PRICE,
        )  # fmt: skip
        queried = client.futures_get_order(symbol=ts.SYMBOL, orderId=order_id)
        history = client.futures_v1_get_order_amendment(symbol=ts.SYMBOL, orderId=order_id)
    finally:
        cancel_if_open(client, [order_id])
    assert (amended["orderId"], amended["clientOrderId"]) == (order_id, placed["clientOrderId"])
    assert (amended["status"], amended["type"], amended["side"]) == ("NEW", "LIMIT", "BUY")
    assert (amended["price"], amended["origQty"]) == (ts.AMENDED_PRICE, ts.AMENDED_QTY)
    assert queried["status"] == "NEW"
    assert (queried["price"], queried["origQty"]) == (ts.AMENDED_PRICE, ts.AMENDED_QTY)
    assert queried["updateTime"] == amended["updateTime"]

    (record,) = history
    assert (record["symbol"], record["pair"], record["orderId"]) == (ts.SYMBOL, ts.SYMBOL, order_id)
    assert record["clientOrderId"] == placed["clientOrderId"]
    assert record["time"] == amended["updateTime"]
    assert isinstance(record["amendmentId"], int)
    assert record["amendment"] == ts.AMENDMENT


def test_modify_that_changes_nothing(sandbox: Sandbox, client: Client) -> None:
    ts.pin_price(sandbox.server)
    placed = limit_buy(client)
    order_id = placed["orderId"]
    try:
        with pytest.raises(BinanceAPIException) as refused:
            client.futures_modify_order(
                symbol=ts.SYMBOL, side="BUY", orderId=order_id, quantity=ts.QTY, price=ts.AWAY
            )
        kept = client.futures_get_order(symbol=ts.SYMBOL, orderId=order_id)
        history = client.futures_v1_get_order_amendment(symbol=ts.SYMBOL, orderId=order_id)
    finally:
        cancel_if_open(client, [order_id])
    assert (refused.value.code, refused.value.message) == ts.NO_NEED_TO_MODIFY
    assert refused.value.status_code == 400
    assert (kept["status"], kept["price"], kept["origQty"]) == ("NEW", ts.AWAY, ts.QTY)
    assert kept["updateTime"] == placed["updateTime"]
    assert history == []


def test_modify_of_an_unknown_order(client: Client) -> None:
    with pytest.raises(BinanceAPIException) as refused:
        client.futures_modify_order(
            symbol=ts.SYMBOL, side="BUY", orderId=ts.UNKNOWN_ORDER_ID,
            quantity=ts.QTY, price=ts.AWAY,
        )  # fmt: skip
    assert (refused.value.code, refused.value.message) == ts.ORDER_DOES_NOT_EXIST


def test_batch_place_with_an_invalid_item(sandbox: Sandbox, client: Client) -> None:
    """The answer is Binance's list as is: each item an order or its {"code", "msg"}."""
    ts.pin_price(sandbox.server)
    items = ts.batch_limit_buys(ts.BATCH_PRICES[0], ts.OFF_TICK, ts.BATCH_PRICES[1])
    first, refused, last = client.futures_place_batch_order(batchOrders=items)
    placed = [o for o in (first, last) if "orderId" in o]
    try:
        open_orders = client.futures_get_open_orders(symbol=ts.SYMBOL)
    finally:
        cancel_if_open(client, [o["orderId"] for o in placed])
    assert refused == ts.error_item(ts.NOT_ON_TICK)
    assert [(o["status"], o["price"], o["origQty"]) for o in (first, last)] == [
        ("NEW", price, ts.QTY) for price in ts.BATCH_PRICES
    ]
    # python-binance gives every item without one a newClientOrderId of its own
    assert all(item["newClientOrderId"].startswith("x-") for item in items)
    assert [o["clientOrderId"] for o in (first, last)] == [
        items[0]["newClientOrderId"], items[2]["newClientOrderId"]
    ]  # fmt: skip
    resting = {o["orderId"]: o["price"] for o in open_orders}
    assert {o["orderId"]: resting.get(o["orderId"]) for o in placed} == {
        first["orderId"]: ts.BATCH_PRICES[0], last["orderId"]: ts.BATCH_PRICES[1]
    }  # fmt: skip
    assert ts.OFF_TICK not in resting.values()


def test_batch_cancel(sandbox: Sandbox, client: Client) -> None:
    ts.pin_price(sandbox.server)
    placed = client.futures_place_batch_order(batchOrders=ts.batch_limit_buys(*ts.BATCH_PRICES))
    order_ids = [o["orderId"] for o in placed]
    try:
        canceled = client.futures_cancel_orders(symbol=ts.SYMBOL, orderidlist=order_ids)
    finally:
        cancel_if_open(client, order_ids)
    assert [(o["orderId"], o["status"]) for o in canceled] == [(i, "CANCELED") for i in order_ids]
    for order_id in order_ids:
        assert client.futures_get_order(symbol=ts.SYMBOL, orderId=order_id)["status"] == "CANCELED"
