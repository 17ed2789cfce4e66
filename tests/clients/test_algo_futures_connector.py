"""binance-futures-connector over real sockets: version 4.2.0 has no algo-order methods
(binance/binance-futures-connector-python#251), so a bot built on it reaches the Algo Order
API through the client's own signed-request call, `sign_request`, as these tests do; the
position and trades through its methods. The scenarios of algo_support.py."""

from functools import partial
from typing import Any

import pytest
from binance.um_futures import UMFutures

from tests.clients import algo_support as algo
from tests.clients.algo_support import sandbox  # noqa: F401  # the manual-clock sandbox
from tests.clients.conftest import Sandbox

PATH = "/fapi/v1/algoOrder"


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> UMFutures:  # noqa: F811
    return UMFutures(key=sandbox.api_key, secret=sandbox.secret, base_url=sandbox.url)


@pytest.fixture(scope="module")
def desk(sandbox: Sandbox) -> algo.Desk:  # noqa: F811
    return algo.Desk(sandbox)


def conditional(client: UMFutures, **params: Any) -> dict[str, Any]:
    placed: dict[str, Any] = client.sign_request(
        "POST",
        PATH,
        {
            "algoType": "CONDITIONAL",
            "symbol": algo.SYMBOL,
            "side": "SELL",
            "workingType": "MARK_PRICE",
            **params,
        },
    )
    assert placed["algoStatus"] == "NEW"
    return placed


def query(client: UMFutures, algo_id: int) -> dict[str, Any]:
    found: dict[str, Any] = client.sign_request("GET", PATH, {"algoId": algo_id})
    return found


@pytest.fixture(scope="module")
def calls(client: UMFutures) -> algo.AlgoCalls:
    return algo.AlgoCalls(
        place=partial(conditional, client),
        query=partial(query, client),
        open_orders=partial(
            client.sign_request, "GET", "/fapi/v1/openAlgoOrders", {"symbol": algo.SYMBOL}
        ),
        trades=partial(client.get_account_trades, symbol=algo.SYMBOL),
        positions=partial(client.get_position_risk, symbol=algo.SYMBOL),
    )


def test_stop_loss_and_take_profit_of_a_position(
    client: UMFutures, desk: algo.Desk, calls: algo.AlgoCalls
) -> None:
    _, take = algo.stop_loss_fires(desk, calls)
    done = client.sign_request("DELETE", "/fapi/v1/algoOpenOrders", {"symbol": algo.SYMBOL})
    assert done == {"code": 200, "msg": "The operation of cancel all open order is done."}
    assert query(client, take["algoId"])["algoStatus"] == "CANCELED"


def test_trailing_stop_and_close_position_stop(
    client: UMFutures, desk: algo.Desk, calls: algo.AlgoCalls
) -> None:
    algo.trailing_and_close_position_fire(desk, calls)
    history = client.sign_request("GET", "/fapi/v1/allAlgoOrders", {"symbol": algo.SYMBOL})
    assert [o["algoStatus"] for o in history][-2:] == ["FINISHED", "FINISHED"]
