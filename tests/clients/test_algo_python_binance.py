"""python-binance's algo-order calls (futures_create_algo_order, futures_get_algo_order,
futures_cancel_algo_order, futures_get_open_algo_orders) over real sockets: the scenarios of
algo_support.py, the client seeing the position closed, the orders FINISHED with their
actualOrderId and the trades in futures_account_trades."""

from functools import partial
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


@pytest.fixture(scope="module")
def calls(client: Client) -> algo.AlgoCalls:
    return algo.AlgoCalls(
        place=partial(conditional, client),
        query=lambda algo_id: client.futures_get_algo_order(algoId=algo_id),
        open_orders=partial(client.futures_get_open_algo_orders, symbol=algo.SYMBOL),
        trades=partial(client.futures_account_trades, symbol=algo.SYMBOL),
        positions=partial(client.futures_position_information, symbol=algo.SYMBOL),
    )


def test_stop_loss_and_take_profit_of_a_position(
    client: Client, desk: algo.Desk, calls: algo.AlgoCalls
) -> None:
    fired, take = algo.stop_loss_fires(desk, calls)
    actual = client.futures_get_order(symbol=algo.SYMBOL, orderId=fired["actualOrderId"])
    assert shown(actual, "type", "origType", "stopPrice", "workingType", "closePosition") == (
        "MARKET",
        "STOP_MARKET",
        "76000.00",
        "MARK_PRICE",
        False,
    )
    canceled = client.futures_cancel_algo_order(algoId=take["algoId"])
    assert (canceled["algoId"], canceled["code"]) == (take["algoId"], "200")
    assert client.futures_get_algo_order(algoId=take["algoId"])["algoStatus"] == "CANCELED"


def test_trailing_stop_and_close_position_stop(
    client: Client, desk: algo.Desk, calls: algo.AlgoCalls
) -> None:
    trailing, closing = algo.trailing_and_close_position_fire(desk, calls)
    actual = client.futures_get_order(symbol=algo.SYMBOL, orderId=trailing["actualOrderId"])
    assert shown(actual, "type", "origType", "activatePrice", "priceRate") == (
        "MARKET",
        "TRAILING_STOP_MARKET",
        "78000.00",
        "1.0",
    )
    actual = client.futures_get_order(symbol=algo.SYMBOL, orderId=closing["actualOrderId"])
    assert shown(actual, "origType", "stopPrice", "closePosition", "reduceOnly") == (
        "STOP_MARKET",
        "74000.00",
        True,
        True,
    )


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
