"""python-binance's algo-order calls (futures_create_algo_order, futures_get_algo_order,
futures_cancel_algo_order, futures_get_open_algo_orders) over real sockets: the scenarios of
algo_support.py, the client seeing the position closed, the orders FINISHED with their
actualOrderId and the trades in futures_account_trades."""

from typing import Any

import pytest
from binance.client import Client
from binance.exceptions import BinanceAPIException

from tests.clients import algo_support as algo
from tests.clients.algo_support import sandbox  # noqa: F401  # the manual-clock sandbox
from tests.clients.conftest import Sandbox
from tests.clients.test_trading_python_binance import pointed


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> Client:  # noqa: F811
    return pointed(sandbox.url, sandbox.api_key, sandbox.secret)


@pytest.fixture(scope="module")
def desk(sandbox: Sandbox) -> algo.Desk:  # noqa: F811
    return algo.Desk(sandbox)


def conditional(client: Client, **params: Any) -> dict[str, Any]:
    placed: dict[str, Any] = client.futures_create_algo_order(
        algoType="CONDITIONAL", symbol=algo.SYMBOL, side="SELL", workingType="MARK_PRICE", **params
    )
    assert placed["algoStatus"] == "NEW"
    return placed


def shown(order: dict[str, Any], *fields: str) -> tuple[Any, ...]:
    return tuple(order[field] for field in fields)


def test_stop_loss_and_take_profit_of_a_position(client: Client, desk: algo.Desk) -> None:
    desk.open_long(algo.QTY)
    stop = conditional(
        client,
        type="STOP_MARKET",
        triggerPrice=algo.STOP_LOSS,
        quantity=algo.QTY,
        reduceOnly="true",
    )
    take = conditional(
        client,
        type="TAKE_PROFIT_MARKET",
        triggerPrice=algo.TAKE_PROFIT,
        quantity=algo.QTY,
        reduceOnly="true",
    )
    open_ids = {o["algoId"] for o in client.futures_get_open_algo_orders(symbol=algo.SYMBOL)}
    assert open_ids == {stop["algoId"], take["algoId"]}
    desk.rest("BUY", algo.STOP_BID)
    desk.move("76500")
    assert client.futures_get_algo_order(algoId=stop["algoId"])["algoStatus"] == "NEW"
    desk.move("75900")
    fired = client.futures_get_algo_order(algoId=stop["algoId"])
    algo.check_finished(fired, client.futures_account_trades(symbol=algo.SYMBOL))
    actual = client.futures_get_order(symbol=algo.SYMBOL, orderId=fired["actualOrderId"])
    assert shown(actual, "type", "origType", "stopPrice", "workingType", "closePosition") == (
        "MARKET",
        "STOP_MARKET",
        "76000.00",
        "MARK_PRICE",
        False,
    )
    assert algo.position_amount(client.futures_position_information(symbol=algo.SYMBOL)) == 0
    canceled = client.futures_cancel_algo_order(algoId=take["algoId"])
    assert (canceled["algoId"], canceled["code"]) == (take["algoId"], "200")
    assert client.futures_get_algo_order(algoId=take["algoId"])["algoStatus"] == "CANCELED"


def test_trailing_stop_and_close_position_stop(client: Client, desk: algo.Desk) -> None:
    desk.open_long("0.020")
    trailing = conditional(
        client,
        type="TRAILING_STOP_MARKET",
        quantity=algo.QTY,
        activatePrice=algo.TRAIL_ACTIVATION,
        callbackRate=algo.TRAIL_CALLBACK,
    )
    closing = conditional(
        client, type="STOP_MARKET", triggerPrice=algo.CLOSE_STOP, closePosition="true"
    )
    desk.rest("BUY", algo.TRAIL_BID)
    desk.rest("BUY", algo.CLOSE_BID)
    for price in ("78000", "79000", "78200"):
        desk.move(price)
    trades = client.futures_account_trades(symbol=algo.SYMBOL)
    fired = client.futures_get_algo_order(algoId=trailing["algoId"])
    algo.check_finished(fired, trades)
    actual = client.futures_get_order(symbol=algo.SYMBOL, orderId=fired["actualOrderId"])
    assert shown(actual, "type", "origType", "activatePrice", "priceRate") == (
        "MARKET",
        "TRAILING_STOP_MARKET",
        "78000.00",
        "1.0",
    )
    assert client.futures_get_algo_order(algoId=closing["algoId"])["algoStatus"] == "NEW"
    desk.move("73900")
    trades = client.futures_account_trades(symbol=algo.SYMBOL)
    fired = client.futures_get_algo_order(algoId=closing["algoId"])
    algo.check_finished(fired, trades)
    actual = client.futures_get_order(symbol=algo.SYMBOL, orderId=fired["actualOrderId"])
    assert shown(actual, "origType", "stopPrice", "closePosition", "reduceOnly") == (
        "STOP_MARKET",
        "74000.00",
        True,
        True,
    )
    assert algo.position_amount(client.futures_position_information(symbol=algo.SYMBOL)) == 0


def test_a_stop_limit_price_stays_within_the_trigger_band(client: Client, desk: algo.Desk) -> None:
    """PERCENT_PRICE's multipliers (1.05 / 0.95) around the trigger bound the limit price."""
    desk.move(algo.ENTRY)  # above the stop: it waits
    for price, code, message in (
        ("79800.10", -4183, "Limit price can't be higher than 79800.00."),
        ("72199.90", -4184, "Limit price can't be lower than 72200.00."),
    ):
        with pytest.raises(BinanceAPIException) as refused:
            conditional(client, type="STOP", triggerPrice="76000", price=price,
                        quantity=algo.QTY, timeInForce="GTC")  # fmt: skip
        assert (refused.value.code, refused.value.message) == (code, message)
    for price in ("79800.00", "72200.00"):
        placed = conditional(client, type="STOP", triggerPrice="76000", price=price,
                             quantity=algo.QTY, timeInForce="GTC")  # fmt: skip
        client.futures_cancel_algo_order(algoId=placed["algoId"])
