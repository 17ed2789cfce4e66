"""binance-futures-connector's UMFutures trading over real sockets: base_url only, as in
test_futures_connector.py. Every parameter, signature included, travels in the query string.

The connector names Query Current Open Order `get_open_orders` (one order) and Current All
Open Orders `get_orders`; `get_position_risk` is Position Information V3.
"""

from decimal import Decimal
from typing import Any

import pytest
from binance.error import ClientError
from binance.um_futures import UMFutures

from tests.clients import trading_support as ts
from tests.clients.conftest import Sandbox


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> UMFutures:
    return UMFutures(key=sandbox.api_key, secret=sandbox.secret, base_url=sandbox.url)


@pytest.fixture(scope="module")
def maker(sandbox: Sandbox) -> UMFutures:
    key = ts.maker_key(sandbox.server)
    return UMFutures(key=key["apiKey"], secret=key["secretKey"], base_url=sandbox.url)


@pytest.fixture(scope="module")
def fill(sandbox: Sandbox, client: UMFutures, maker: UMFutures) -> dict[str, Any]:
    """The maker rests a LIMIT SELL; the client's MARKET BUY (RESULT) takes it."""
    ts.pin_price(sandbox.server)
    resting = maker.new_order(
        ts.SYMBOL, "SELL", "LIMIT", timeInForce="GTC", quantity=ts.QTY, price=ts.MAKER_PRICE
    )
    assert resting["status"] == "NEW"
    taken = client.new_order(ts.SYMBOL, "BUY", "MARKET", quantity=ts.QTY, newOrderRespType="RESULT")
    return {"maker": resting, "taker": taken}


def test_limit_order_lifecycle(sandbox: Sandbox, client: UMFutures) -> None:
    ts.pin_price(sandbox.server)
    placed = client.new_order(
        ts.SYMBOL, "BUY", "LIMIT", timeInForce="GTC", quantity=ts.QTY, price=ts.AWAY,
        newClientOrderId="connector-rest-1",
    )  # fmt: skip
    assert (placed["status"], placed["clientOrderId"]) == ("NEW", "connector-rest-1")
    order_id = placed["orderId"]

    queried = client.query_order(ts.SYMBOL, orderId=order_id)
    assert queried["status"] == "NEW"
    assert (queried["price"], queried["origQty"]) == (ts.AWAY, ts.QTY)
    assert (queried["type"], queried["timeInForce"], queried["side"]) == ("LIMIT", "GTC", "BUY")

    assert client.get_open_orders(ts.SYMBOL, orderId=order_id)["status"] == "NEW"
    assert order_id in [o["orderId"] for o in client.get_orders(symbol=ts.SYMBOL)]

    canceled = client.cancel_order(ts.SYMBOL, origClientOrderId="connector-rest-1")
    assert (canceled["status"], canceled["orderId"]) == ("CANCELED", order_id)

    again = client.query_order(ts.SYMBOL, orderId=order_id)
    assert again["status"] == "CANCELED"
    assert (again["price"], again["origQty"]) == (ts.AWAY, ts.QTY)
    assert order_id not in [o["orderId"] for o in client.get_orders(symbol=ts.SYMBOL)]
    with pytest.raises(ClientError) as gone:
        client.get_open_orders(ts.SYMBOL, orderId=order_id)
    assert (gone.value.error_code, gone.value.error_message) == ts.ORDER_DOES_NOT_EXIST


def test_market_order_filled_at_the_makers_price(fill: dict[str, Any]) -> None:
    taken = fill["taker"]
    assert (taken["status"], taken["type"], taken["side"]) == ("FILLED", "MARKET", "BUY")
    assert taken["executedQty"] == ts.QTY
    assert Decimal(taken["avgPrice"]) == Decimal(ts.MAKER_PRICE)
    assert Decimal(taken["cumQuote"]) == Decimal(ts.MAKER_PRICE) * Decimal(ts.QTY)


def test_the_trade_in_both_accounts_user_trades(
    fill: dict[str, Any], client: UMFutures, maker: UMFutures
) -> None:
    (bought,) = client.get_account_trades(ts.SYMBOL, orderId=fill["taker"]["orderId"])
    (sold,) = maker.get_account_trades(ts.SYMBOL, orderId=fill["maker"]["orderId"])
    ts.check_trade_pair(bought, sold)

    rates = client.commission_rate(ts.SYMBOL)
    ts.check_commission_rates(rates)


def test_positions_of_both_sides(fill: dict[str, Any], client: UMFutures, maker: UMFutures) -> None:
    (long,) = client.get_position_risk(symbol=ts.SYMBOL)
    (short,) = maker.get_position_risk(symbol=ts.SYMBOL)
    ts.check_position_rows(long, short)


def test_break_even_price_includes_the_fee(fill: dict[str, Any], client: UMFutures) -> None:
    (long,) = client.get_position_risk(symbol=ts.SYMBOL)
    assert Decimal(long["breakEvenPrice"]) == ts.taker_break_even()


def test_open_order_without_position_in_position_risk(sandbox: Sandbox, client: UMFutures) -> None:
    ts.pin_price(sandbox.server, ts.QUIET_SYMBOL, ts.QUIET_INDEX)
    placed = client.new_order(
        ts.QUIET_SYMBOL, "BUY", "LIMIT", timeInForce="GTC", quantity=ts.QTY, price=ts.QUIET_AWAY
    )
    try:
        rows = client.get_position_risk(symbol=ts.QUIET_SYMBOL)
    finally:
        client.cancel_order(ts.QUIET_SYMBOL, orderId=placed["orderId"])
    assert [(r["symbol"], Decimal(r["positionAmt"])) for r in rows] == [(ts.QUIET_SYMBOL, 0)]


@pytest.mark.parametrize(
    ("change", "expected"),
    [({"quantity": ts.TOO_MANY_DECIMALS}, ts.PRECISION), ({"price": ts.OFF_TICK}, ts.NOT_ON_TICK)],
)
def test_new_order_refusals(
    sandbox: Sandbox, client: UMFutures, change: dict[str, str], expected: tuple[int, str]
) -> None:
    ts.pin_price(sandbox.server)
    order = {"quantity": ts.QTY, "price": ts.AWAY} | change
    with pytest.raises(ClientError) as refused:
        client.new_order(ts.SYMBOL, "BUY", "LIMIT", timeInForce="GTC", **order)
    assert (refused.value.error_code, refused.value.error_message) == expected
    assert refused.value.status_code == 400


def test_cancel_of_an_unknown_order(client: UMFutures) -> None:
    with pytest.raises(ClientError) as refused:
        client.cancel_order(ts.SYMBOL, orderId=ts.UNKNOWN_ORDER_ID)
    assert (refused.value.error_code, refused.value.error_message) == ts.UNKNOWN_ORDER_SENT


def test_query_of_an_unknown_order(client: UMFutures) -> None:
    with pytest.raises(ClientError) as refused:
        client.query_order(ts.SYMBOL, orderId=ts.UNKNOWN_ORDER_ID)
    assert (refused.value.error_code, refused.value.error_message) == ts.ORDER_DOES_NOT_EXIST


def limit_buy(client: UMFutures, **extra: str) -> Any:
    return client.new_order(
        ts.SYMBOL, "BUY", "LIMIT", timeInForce="GTC", quantity=ts.QTY, price=ts.AWAY, **extra
    )


def cancel_if_open(client: UMFutures, order_ids: list[int]) -> None:
    open_ids = {o["orderId"] for o in client.get_orders(symbol=ts.SYMBOL)}
    for order_id in open_ids.intersection(order_ids):
        client.cancel_order(ts.SYMBOL, orderId=order_id)


def modify_history(client: UMFutures, **reference: Any) -> Any:
    """The connector has no method for Get Order Modify History: its own signed call."""
    return client.sign_request("GET", "/fapi/v1/orderAmendment", {"symbol": ts.SYMBOL, **reference})


def test_modify_a_resting_limit_order(sandbox: Sandbox, client: UMFutures) -> None:
    ts.pin_price(sandbox.server)
    placed = limit_buy(client, newClientOrderId="connector-amend-1")
    order_id = placed["orderId"]
    try:
        amended = client.modify_order(
            ts.SYMBOL, "BUY", ts.AMENDED_QTY, ts.AMENDED_PRICE,
            origClientOrderId="connector-amend-1",
        )  # fmt: skip
        queried = client.query_order(ts.SYMBOL, orderId=order_id)
        by_id = modify_history(client, orderId=order_id)
        by_client_id = modify_history(client, origClientOrderId="connector-amend-1")
    finally:
        cancel_if_open(client, [order_id])
    assert (amended["orderId"], amended["clientOrderId"]) == (order_id, "connector-amend-1")
    assert (amended["status"], amended["type"], amended["side"]) == ("NEW", "LIMIT", "BUY")
    assert (amended["price"], amended["origQty"]) == (ts.AMENDED_PRICE, ts.AMENDED_QTY)
    assert queried["status"] == "NEW"
    assert (queried["price"], queried["origQty"]) == (ts.AMENDED_PRICE, ts.AMENDED_QTY)
    assert queried["updateTime"] == amended["updateTime"]

    (record,) = by_id
    assert by_client_id == by_id
    assert (record["symbol"], record["pair"], record["orderId"]) == (ts.SYMBOL, ts.SYMBOL, order_id)
    assert record["clientOrderId"] == "connector-amend-1"
    assert record["time"] == amended["updateTime"]
    assert record["amendment"] == ts.AMENDMENT


def test_modify_that_changes_nothing(sandbox: Sandbox, client: UMFutures) -> None:
    ts.pin_price(sandbox.server)
    placed = limit_buy(client)
    order_id = placed["orderId"]
    try:
        with pytest.raises(ClientError) as refused:
            client.modify_order(ts.SYMBOL, "BUY", ts.QTY, ts.AWAY, orderId=order_id)
        kept = client.query_order(ts.SYMBOL, orderId=order_id)
        history = modify_history(client, orderId=order_id)
    finally:
        cancel_if_open(client, [order_id])
    assert (refused.value.error_code, refused.value.error_message) == ts.NO_NEED_TO_MODIFY
    assert refused.value.status_code == 400
    assert (kept["status"], kept["price"], kept["origQty"]) == ("NEW", ts.AWAY, ts.QTY)
    assert kept["updateTime"] == placed["updateTime"]
    assert history == []


def test_modify_of_an_unknown_order(client: UMFutures) -> None:
    with pytest.raises(ClientError) as refused:
        client.modify_order(ts.SYMBOL, "BUY", ts.QTY, ts.AWAY, orderId=ts.UNKNOWN_ORDER_ID)
    assert (refused.value.error_code, refused.value.error_message) == ts.ORDER_DOES_NOT_EXIST


def test_batch_place_with_an_invalid_item_then_batch_cancel(
    sandbox: Sandbox, client: UMFutures
) -> None:
    """Both answers are Binance's lists as they are: each item an order or its {"code", "msg"}."""
    ts.pin_price(sandbox.server)
    items = ts.batch_limit_buys(ts.BATCH_PRICES[0], ts.OFF_TICK, ts.BATCH_PRICES[1])
    first, refused, last = client.new_batch_order(items)
    order_ids = [o["orderId"] for o in (first, last) if "orderId" in o]
    try:
        resting = {o["orderId"]: o["price"] for o in client.get_orders(symbol=ts.SYMBOL)}
        canceled = client.cancel_batch_order(ts.SYMBOL, [*order_ids, ts.UNKNOWN_ORDER_ID], None)
    finally:
        cancel_if_open(client, order_ids)
    assert refused == ts.error_item(ts.NOT_ON_TICK)
    assert [(o["status"], o["price"], o["origQty"]) for o in (first, last)] == [
        ("NEW", price, ts.QTY) for price in ts.BATCH_PRICES
    ]
    assert [resting.get(i) for i in order_ids] == list(ts.BATCH_PRICES)
    assert ts.OFF_TICK not in resting.values()

    *done, unknown = canceled
    assert [(o["orderId"], o["status"]) for o in done] == [(i, "CANCELED") for i in order_ids]
    assert unknown == ts.error_item(ts.UNKNOWN_ORDER_SENT)
    for order_id in order_ids:
        assert client.query_order(ts.SYMBOL, orderId=order_id)["status"] == "CANCELED"
    assert not set(order_ids) & {o["orderId"] for o in client.get_orders(symbol=ts.SYMBOL)}
