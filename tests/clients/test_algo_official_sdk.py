"""The official SDK's algo-order calls (new_algo_order, query_algo_order, cancel_algo_order,
current_all_algo_open_orders) over real sockets, into its strict models: the scenarios of
algo_support.py."""

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


@pytest.fixture(scope="module")
def rest(sandbox: Sandbox) -> Any:  # noqa: F811
    return rest_api(sandbox.url, sandbox.api_key, sandbox.secret)


@pytest.fixture(scope="module")
def desk(sandbox: Sandbox) -> algo.Desk:  # noqa: F811
    return algo.Desk(sandbox)


def conditional(rest: Any, order_type: NewAlgoOrderTypeEnum, **params: Any) -> Any:
    placed = rest.new_algo_order(
        algo_type="CONDITIONAL",
        symbol=algo.SYMBOL,
        side=NewAlgoOrderSideEnum.SELL,
        type=order_type,
        working_type=NewAlgoOrderWorkingTypeEnum.MARK_PRICE,
        **params,
    ).data()
    assert (placed.algo_status, placed.algo_type) == ("NEW", "CONDITIONAL")
    return placed


def query(rest: Any, algo_id: int) -> dict[str, Any]:
    found: dict[str, Any] = rest.query_algo_order(algo_id=algo_id).data().to_dict()
    return found


def trades(rest: Any) -> list[dict[str, Any]]:
    return [t.to_dict() for t in rest.account_trade_list(symbol=algo.SYMBOL).data()]


def position(rest: Any) -> Any:
    rows = [p.to_dict() for p in rest.position_information_v3(symbol=algo.SYMBOL).data()]
    return algo.position_amount(rows)


def test_stop_loss_and_take_profit_of_a_position(rest: Any, desk: algo.Desk) -> None:
    desk.open_long(algo.QTY)
    reduce = NewAlgoOrderReduceOnlyEnum.TRUE
    stop = conditional(
        rest,
        NewAlgoOrderTypeEnum.STOP_MARKET,
        trigger_price=float(algo.STOP_LOSS),
        quantity=float(algo.QTY),
        reduce_only=reduce,
    )
    take = conditional(
        rest,
        NewAlgoOrderTypeEnum.TAKE_PROFIT_MARKET,
        trigger_price=float(algo.TAKE_PROFIT),
        quantity=float(algo.QTY),
        reduce_only=reduce,
    )
    listed = rest.current_all_algo_open_orders(symbol=algo.SYMBOL).data()
    assert {o.algo_id for o in listed} == {stop.algo_id, take.algo_id}
    desk.rest("BUY", algo.STOP_BID)
    desk.move("76500")
    assert query(rest, stop.algo_id)["algoStatus"] == "NEW"
    desk.move("75900")
    fired = query(rest, stop.algo_id)
    algo.check_finished(fired, trades(rest))
    assert (fired["actualType"], fired["actualQty"]) == ("MARKET", algo.QTY)
    assert position(rest) == 0
    canceled = rest.cancel_algo_order(algo_id=take.algo_id).data()
    assert (canceled.algo_id, canceled.code, canceled.msg) == (take.algo_id, "200", "success")
    assert query(rest, take.algo_id)["algoStatus"] == "CANCELED"


def test_trailing_stop_and_close_position_stop(rest: Any, desk: algo.Desk) -> None:
    desk.open_long("0.020")
    trailing = conditional(
        rest,
        NewAlgoOrderTypeEnum.TRAILING_STOP_MARKET,
        quantity=float(algo.QTY),
        activate_price=float(algo.TRAIL_ACTIVATION),
        callback_rate=float(algo.TRAIL_CALLBACK),
    )
    closing = conditional(
        rest,
        NewAlgoOrderTypeEnum.STOP_MARKET,
        trigger_price=float(algo.CLOSE_STOP),
        close_position=NewAlgoOrderClosePositionEnum.TRUE,
    )
    desk.rest("BUY", algo.TRAIL_BID)
    desk.rest("BUY", algo.CLOSE_BID)
    for price in ("78000", "79000", "78200"):
        desk.move(price)
    algo.check_finished(query(rest, trailing.algo_id), trades(rest))
    assert query(rest, closing.algo_id)["algoStatus"] == "NEW"
    desk.move("73900")
    algo.check_finished(query(rest, closing.algo_id), trades(rest))
    assert position(rest) == 0
