"""The official SDK's algo-order calls (new_algo_order, query_algo_order, cancel_algo_order,
current_all_algo_open_orders) over real sockets, into its strict models: the scenarios of
algo_support.py."""

import re
from functools import partial
from typing import Any

import pytest
from binance_sdk_derivatives_trading_usds_futures.rest_api.models import (
    NewAlgoOrderClosePositionEnum,
    NewAlgoOrderReduceOnlyEnum,
    NewAlgoOrderSideEnum,
    NewAlgoOrderTypeEnum,
    NewAlgoOrderWorkingTypeEnum,
)

from tests.clients import algo_support as algo
from tests.clients.algo_support import sandbox  # noqa: F401  # the manual-clock sandbox
from tests.clients.conftest import Sandbox
from tests.clients.test_trading_official_sdk import rest_api

# The flags Binance takes as "true", as the SDK takes them.
FLAGS = {
    "reduceOnly": NewAlgoOrderReduceOnlyEnum.TRUE,
    "closePosition": NewAlgoOrderClosePositionEnum.TRUE,
}


@pytest.fixture(scope="module")
def rest(sandbox: Sandbox) -> Any:  # noqa: F811
    return rest_api(sandbox.url, sandbox.api_key, sandbox.secret)


@pytest.fixture(scope="module")
def desk(sandbox: Sandbox) -> algo.Desk:  # noqa: F811
    return algo.Desk(sandbox)


def conditional(rest: Any, type: str, **params: str) -> dict[str, Any]:
    """new_algo_order, a SELL on the MARK_PRICE: Binance's parameters as the SDK takes them
    (snake_case names, numbers as floats, flags as its enums); the answer as its model, then
    as Binance's JSON."""
    sdk_params = {
        re.sub("([A-Z])", r"_\1", name).lower(): FLAGS[name] if value == "true" else float(value)
        for name, value in params.items()
    }
    placed = rest.new_algo_order(
        algo_type="CONDITIONAL",
        symbol=algo.SYMBOL,
        side=NewAlgoOrderSideEnum.SELL,
        type=NewAlgoOrderTypeEnum[type],
        working_type=NewAlgoOrderWorkingTypeEnum.MARK_PRICE,
        **sdk_params,
    ).data()
    assert (placed.algo_status, placed.algo_type) == ("NEW", "CONDITIONAL")
    answer: dict[str, Any] = placed.to_dict()
    return answer


def query(rest: Any, algo_id: int) -> dict[str, Any]:
    found: dict[str, Any] = rest.query_algo_order(algo_id=algo_id).data().to_dict()
    return found


def rows(models: list[Any]) -> list[dict[str, Any]]:
    return [model.to_dict() for model in models]


@pytest.fixture(scope="module")
def calls(rest: Any) -> algo.AlgoCalls:
    return algo.AlgoCalls(
        place=partial(conditional, rest),
        query=partial(query, rest),
        open_orders=lambda: rows(rest.current_all_algo_open_orders(symbol=algo.SYMBOL).data()),
        trades=lambda: rows(rest.account_trade_list(symbol=algo.SYMBOL).data()),
        positions=lambda: rows(rest.position_information_v3(symbol=algo.SYMBOL).data()),
    )


def test_stop_loss_and_take_profit_of_a_position(
    rest: Any, desk: algo.Desk, calls: algo.AlgoCalls
) -> None:
    fired, take = algo.stop_loss_fires(desk, calls)
    assert (fired["actualType"], fired["actualQty"]) == ("MARKET", algo.QTY)
    canceled = rest.cancel_algo_order(algo_id=take["algoId"]).data()
    assert (canceled.algo_id, canceled.code, canceled.msg) == (take["algoId"], "200", "success")
    assert query(rest, take["algoId"])["algoStatus"] == "CANCELED"


def test_trailing_stop_and_close_position_stop(desk: algo.Desk, calls: algo.AlgoCalls) -> None:
    algo.trailing_and_close_position_fire(desk, calls)
