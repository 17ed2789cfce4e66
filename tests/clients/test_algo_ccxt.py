"""ccxt (binanceusdm) conditional orders over real sockets: create_order with stopLossPrice,
takeProfitPrice and trailingPercent posts to /fapi/v1/algoOrder (ccxt adds algoType
CONDITIONAL, a clientAlgoId and newOrderRespType RESULT); fetch_order / cancel_order with
{"trigger": True} use the algo endpoints. The scenarios of algo_support.py."""

from typing import Any

import ccxt
import pytest

from tests.clients import algo_support as algo
from tests.clients.algo_support import sandbox  # noqa: F401  # the manual-clock sandbox
from tests.clients.conftest import Sandbox
from tests.clients.test_trading_ccxt import pointed

MARKET = "BTC/USDT:USDT"
MARK = {"workingType": "MARK_PRICE"}
TRIGGER = {"trigger": True}


@pytest.fixture(scope="module")
def exchange(sandbox: Sandbox) -> ccxt.binanceusdm:  # noqa: F811
    return pointed(sandbox.url, sandbox.api_key, sandbox.secret)


@pytest.fixture(scope="module")
def desk(sandbox: Sandbox) -> algo.Desk:  # noqa: F811
    return algo.Desk(sandbox)


def fetched(exchange: ccxt.binanceusdm, order_id: str) -> dict[str, Any]:
    info: dict[str, Any] = exchange.fetch_order(order_id, MARKET, TRIGGER)["info"]
    return info


def trades(exchange: ccxt.binanceusdm) -> list[dict[str, Any]]:
    return [t["info"] for t in exchange.fetch_my_trades(MARKET)]


def position(exchange: ccxt.binanceusdm) -> Any:
    return algo.position_amount([p["info"] for p in exchange.fetch_positions([MARKET])])


def test_stop_loss_and_take_profit_of_a_position(
    exchange: ccxt.binanceusdm, desk: algo.Desk
) -> None:
    desk.open_long(algo.QTY)
    amount = float(algo.QTY)
    stop = exchange.create_order(
        MARKET,
        "market",
        "sell",
        amount,
        None,
        {"stopLossPrice": float(algo.STOP_LOSS), "reduceOnly": True, **MARK},
    )
    take = exchange.create_order(
        MARKET,
        "market",
        "sell",
        amount,
        None,
        {"takeProfitPrice": float(algo.TAKE_PROFIT), "reduceOnly": True, **MARK},
    )
    sent = exchange.last_request_body
    assert "algoType=CONDITIONAL" in sent
    assert "type=TAKE_PROFIT_MARKET" in sent
    assert (stop["info"]["orderType"], stop["info"]["algoStatus"]) == ("STOP_MARKET", "NEW")
    desk.rest("BUY", algo.STOP_BID)
    desk.move("76500")
    assert fetched(exchange, stop["id"])["algoStatus"] == "NEW"
    desk.move("75900")
    algo.check_finished(fetched(exchange, stop["id"]), trades(exchange))
    assert position(exchange) == 0
    exchange.cancel_order(take["id"], MARKET, TRIGGER)
    assert fetched(exchange, take["id"])["algoStatus"] == "CANCELED"


def test_trailing_stop_and_close_position_stop(exchange: ccxt.binanceusdm, desk: algo.Desk) -> None:
    desk.open_long("0.020")
    trailing = exchange.create_order(
        MARKET,
        "market",
        "sell",
        float(algo.QTY),
        None,
        {
            "trailingPercent": algo.TRAIL_CALLBACK,
            "trailingTriggerPrice": float(algo.TRAIL_ACTIVATION),
            **MARK,
        },
    )
    assert trailing["info"]["orderType"] == "TRAILING_STOP_MARKET"
    closing = exchange.create_order(
        MARKET,
        "market",
        "sell",
        float(algo.QTY),
        None,
        {"stopLossPrice": float(algo.CLOSE_STOP), "closePosition": True, **MARK},
    )
    assert closing["info"]["closePosition"] is True
    desk.rest("BUY", algo.TRAIL_BID)
    desk.rest("BUY", algo.CLOSE_BID)
    for price in ("78000", "79000", "78200"):
        desk.move(price)
    algo.check_finished(fetched(exchange, trailing["id"]), trades(exchange))
    desk.move("73900")
    algo.check_finished(fetched(exchange, closing["id"]), trades(exchange))
    assert position(exchange) == 0
