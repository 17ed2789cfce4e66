"""The Algo Order endpoints over HTTP: answers, statuses, refusals and weights as Binance's
New / Cancel / Query Algo Order pages give them, and the interplay with cancel-all,
countdownCancelAll, position mode, margin type, -1008, the 200-order limit, GTD expiry,
order/test and the `trading.legacy_conditional_orders` switch. Manual clock, fixed index.

Choices where Binance's documents are silent, pinned here: DELETE allOpenOrders leaves
conditional orders alone (they have their own DELETE algoOpenOrders), countdownCancelAll
cancels them too (as it did before they moved to the Algo Service); an out-of-range
callbackRate is -1102 on the parameter.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from binance_sandbox.config.times import parse_instant_ms
from tests.conftest import ServerFactory
from tests.support.manual_clock import CONFIG, START
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

BTC = "BTCUSDT"
THREE_DAYS = 3 * 24 * 3_600_000
STOP = {
    "algoType": "CONDITIONAL",
    "symbol": BTC,
    "side": "SELL",
    "type": "STOP_MARKET",
    "quantity": "0.010",
    "triggerPrice": "76000",
}


@pytest.fixture
def server(make_server: ServerFactory) -> Iterator[SandboxServer]:
    started = make_server("data", CONFIG).start()
    yield started
    started.stop()


@pytest.fixture
def key(server: SandboxServer) -> Credentials:
    return Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))


def request(
    server: SandboxServer, key: Credentials, method: str, path: str, **params: Any
) -> httpx.Response:
    return signed_request(server.url, key, method, path, **params)


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: httpx.Response) -> tuple[int, str]:
    assert response.status_code == 400, response.text
    body = response.json()
    return body["code"], body["msg"]


def place(server: SandboxServer, key: Credentials, **params: Any) -> dict[str, Any]:
    sent = {name: value for name, value in (STOP | params).items() if value is not None}
    placed: dict[str, Any] = ok(request(server, key, "POST", "/fapi/v1/algoOrder", **sent))
    return placed


def status(server: SandboxServer, key: Credentials, algo_id: int) -> str:
    found = ok(request(server, key, "GET", "/fapi/v1/algoOrder", algoId=algo_id))
    return str(found["algoStatus"])


def test_new_and_query_answer_binance_fields_and_types(
    server: SandboxServer, key: Credentials
) -> None:
    placed = place(server, key, clientAlgoId="my-stop-1")
    assert placed == {
        "algoId": placed["algoId"],
        "clientAlgoId": "my-stop-1",
        "algoType": "CONDITIONAL",
        "orderType": "STOP_MARKET",
        "symbol": BTC,
        "side": "SELL",
        "positionSide": "BOTH",
        "timeInForce": "GTC",
        "quantity": "0.010",
        "algoStatus": "NEW",
        "triggerPrice": "76000.00",
        "price": "0.00",
        "icebergQuantity": None,
        "selfTradePreventionMode": "NONE",
        "workingType": "CONTRACT_PRICE",
        "priceMatch": "NONE",
        "closePosition": False,
        "priceProtect": False,
        "reduceOnly": False,
        "activatePrice": "",
        "callbackRate": "",
        "createTime": placed["createTime"],
        "updateTime": placed["createTime"],
        "triggerTime": 0,
        "goodTillDate": 0,
    }
    assert placed["createTime"] == parse_instant_ms(START)
    queried = ok(request(server, key, "GET", "/fapi/v1/algoOrder", clientAlgoId="my-stop-1"))
    assert (queried["actualOrderId"], queried["actualPrice"]) == ("", "0.00000")
    assert (queried["tpTriggerPrice"], queried["tpOrderType"]) == ("0.00", "")
    assert {k: queried[k] for k in placed} == placed
    trailing = place(
        server,
        key,
        type="TRAILING_STOP_MARKET",
        triggerPrice=None,
        callbackRate="2.5",
        activatePrice="78000",
    )
    assert (trailing["activatePrice"], trailing["callbackRate"]) == ("78000.00", "2.5")


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"triggerPrice": "77000"}, (-2021, "Order would immediately trigger.")),
        (
            {"closePosition": "true"},
            (-4137, "Quantity must be zero with closePosition equals true"),
        ),
        (
            {"type": "TRAILING_STOP_MARKET", "triggerPrice": None, "callbackRate": "10.1"},
            (
                -1102,
                "Mandatory parameter 'callbackRate' was not sent, was empty/null, or malformed.",
            ),
        ),
        (
            {"type": "TRAILING_STOP_MARKET", "triggerPrice": None, "callbackRate": "0.05"},
            (-1111, "Precision is over the maximum defined for this asset."),
        ),
        (
            {
                "type": "TRAILING_STOP_MARKET",
                "triggerPrice": None,
                "callbackRate": "1",
                "activatePrice": "76000",
            },
            (-2021, "Order would immediately trigger."),
        ),
        (
            {"triggerPrice": None},
            (
                -1102,
                "Mandatory parameter 'triggerPrice' was not sent, was empty/null, or malformed.",
            ),
        ),
        (
            {"type": "STOP"},
            (-1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed."),
        ),
        ({"type": "LIMIT"}, (-1116, "Invalid orderType.")),
        ({"type": "STOP", "price": "75900", "priceMatch": "QUEUE"}, (-5037, "Invalid price match")),
        ({"algoType": "VP"}, (-1116, "Invalid orderType.")),
        ({"workingType": "INDEX_PRICE"}, (-4031, "Invalid parameter working type")),
        (
            {"closePosition": "true", "quantity": None, "reduceOnly": "true"},
            (-1106, "Parameter 'closePosition' sent when not required."),
        ),
        ({"positionSide": "LONG"}, (-4061, "Order's position side does not match user's setting.")),
        ({"quantity": "0.0101"}, (-1111, "Precision is over the maximum defined for this asset.")),
        ({"triggerPrice": "76000.05"}, (-4014, "Price not increased by tick size.")),
        (
            {"quantity": "0.001", "triggerPrice": "40000"},
            (-4164, "Order's notional must be no smaller than 50 (unless you choose reduce only)."),
        ),
        (
            {"timeInForce": "GTD", "goodTillDate": parse_instant_ms(START) + 600_000},
            (
                -5040,
                "The goodTillDate timestamp must be greater than the current time plus 600 "
                "seconds and smaller than 253402300799000 (UTC 9999-12-31 23:59:59)",
            ),
        ),
    ],
)
def test_refusals(
    server: SandboxServer, key: Credentials, params: dict[str, Any], error: tuple[int, str]
) -> None:
    sent = {k: v for k, v in (STOP | params).items() if v is not None}
    response = signed_request(server.url, key, "POST", "/fapi/v1/algoOrder", **sent)
    assert refused(response) == error
    assert ok(request(server, key, "GET", "/fapi/v1/openAlgoOrders")) == []


def test_at_most_200_untriggered_orders_across_symbols(
    server: SandboxServer, key: Credentials
) -> None:
    for number in range(200):
        symbol_params = (
            {"symbol": "ETHUSDT", "triggerPrice": "2800", "quantity": "0.100"} if number % 2 else {}
        )
        place(server, key, **symbol_params)
    assert refused(request(server, key, "POST", "/fapi/v1/algoOrder", **STOP)) == (
        -4045,
        "Reach max stop order limit.",
    )
    assert len(ok(request(server, key, "GET", "/fapi/v1/openAlgoOrders"))) == 200


def test_weights_and_order_counts(server: SandboxServer, key: Credentials) -> None:
    def weight(response: httpx.Response) -> int:
        return int(response.headers["X-MBX-USED-WEIGHT-1M"])

    first = request(server, key, "POST", "/fapi/v1/algoOrder", **STOP)
    second = request(server, key, "POST", "/fapi/v1/algoOrder", **STOP)
    assert weight(second) == weight(first)  # IP weight 0 ...
    orders = [int(r.headers["X-MBX-ORDER-COUNT-1M"]) for r in (first, second)]
    assert orders[1] - orders[0] == 1  # ... and one order on the ORDERS limits
    with_symbol = weight(request(server, key, "GET", "/fapi/v1/openAlgoOrders", symbol=BTC))
    without = weight(request(server, key, "GET", "/fapi/v1/openAlgoOrders"))
    assert without - with_symbol == 40
    history = weight(request(server, key, "GET", "/fapi/v1/allAlgoOrders", symbol=BTC))
    assert history - without == 5
    query = weight(request(server, key, "GET", "/fapi/v1/algoOrder", algoId=1))
    cancel = weight(request(server, key, "DELETE", "/fapi/v1/algoOrder", algoId=1))
    cancel_all = weight(request(server, key, "DELETE", "/fapi/v1/algoOpenOrders", symbol=BTC))
    assert (query - history, cancel - query, cancel_all - cancel) == (1, 1, 1)


def test_cancel_one_and_all(server: SandboxServer, key: Credentials) -> None:
    first, second = place(server, key), place(server, key)
    canceled = ok(request(server, key, "DELETE", "/fapi/v1/algoOrder", algoId=first["algoId"]))
    assert canceled == {
        "algoId": first["algoId"],
        "clientAlgoId": first["clientAlgoId"],
        "code": "200",
        "msg": "success",
    }
    again = request(server, key, "DELETE", "/fapi/v1/algoOrder", algoId=first["algoId"])
    assert refused(again) == (-2011, "Unknown order sent.")
    assert refused(request(server, key, "DELETE", "/fapi/v1/algoOrder")) == (
        -1102,
        "Param 'algoId' or 'clientAlgoId' must be sent, but both were empty/null!",
    )
    ok(request(server, key, "DELETE", "/fapi/v1/allOpenOrders", symbol=BTC))
    assert status(server, key, second["algoId"]) == "NEW"  # ordinary cancel-all leaves it
    done = ok(request(server, key, "DELETE", "/fapi/v1/algoOpenOrders", symbol=BTC))
    assert done == {"code": 200, "msg": "The operation of cancel all open order is done."}
    assert status(server, key, second["algoId"]) == "CANCELED"
    history = ok(request(server, key, "GET", "/fapi/v1/allAlgoOrders", symbol=BTC))
    assert [o["algoStatus"] for o in history] == ["CANCELED", "CANCELED"]
    unknown = request(server, key, "GET", "/fapi/v1/algoOrder", algoId=987654)
    assert refused(unknown) == (-2013, "Order does not exist.")
    server.call("POST", "/clock/advance", {"to": str(parse_instant_ms(START) + THREE_DAYS)})
    assert status(server, key, second["algoId"]) == "CANCELED"  # kept 3 days after creation
    server.call("POST", "/clock/advance", {"to": str(parse_instant_ms(START) + THREE_DAYS + 1)})
    gone = request(server, key, "GET", "/fapi/v1/algoOrder", algoId=second["algoId"])
    assert refused(gone) == (-2013, "Order does not exist.")


def test_countdown_gtd_and_settings_with_conditional_orders(
    server: SandboxServer, key: Credentials
) -> None:
    t0 = parse_instant_ms(START)
    gtd = place(server, key, timeInForce="GTD", goodTillDate=t0 + 700_500)
    assert gtd["goodTillDate"] == t0 + 700_000
    assert refused(
        request(server, key, "POST", "/fapi/v1/positionSide/dual", dualSidePosition="true")
    ) == (-4067, "Position side cannot be changed if there exists open orders.")
    assert refused(
        request(server, key, "POST", "/fapi/v1/marginType", symbol=BTC, marginType="ISOLATED")
    ) == (-4047, "Margin type cannot be changed if there exists open orders.")
    server.call("POST", "/clock/advance", {"to": str(t0 + 699_999)})
    assert status(server, key, gtd["algoId"]) == "NEW"
    server.call("POST", "/clock/advance", {"to": str(t0 + 700_000)})
    assert status(server, key, gtd["algoId"]) == "EXPIRED"
    kept = place(server, key)
    ok(
        request(
            server, key, "POST", "/fapi/v1/countdownCancelAll", symbol=BTC, countdownTime=30_000
        )
    )
    server.call("POST", "/clock/advance", {"by": "30s"})
    assert status(server, key, kept["algoId"]) == "CANCELED"
    ok(request(server, key, "POST", "/fapi/v1/positionSide/dual", dualSidePosition="true"))


def test_overload_spares_close_position_orders(server: SandboxServer, key: Credentials) -> None:
    server.call("PUT", "/overload", {"on": True})
    throttled = request(server, key, "POST", "/fapi/v1/algoOrder", **STOP)
    assert (throttled.status_code, throttled.json()["code"]) == (503, -1008)
    closing = place(server, key, quantity=None, closePosition="true")
    assert (closing["algoStatus"], closing["closePosition"]) == ("NEW", True)
    reducing = place(server, key, reduceOnly="true")
    assert reducing["reduceOnly"] is True


def test_order_test_checks_conditional_orders_by_their_old_names(
    server: SandboxServer, key: Credentials
) -> None:
    common = {"symbol": BTC, "side": "SELL", "type": "STOP_MARKET", "quantity": "0.010"}
    assert (
        ok(request(server, key, "POST", "/fapi/v1/order/test", stopPrice="76000", **common)) == {}
    )
    assert refused(
        request(server, key, "POST", "/fapi/v1/order/test", stopPrice="78000", **common)
    ) == (-2021, "Order would immediately trigger.")
    trailing = request(
        server,
        key,
        "POST",
        "/fapi/v1/order/test",
        symbol=BTC,
        side="SELL",
        type="TRAILING_STOP_MARKET",
        quantity="0.010",
        callbackRate="11",
    )
    assert refused(trailing)[0] == -1102
    assert ok(request(server, key, "GET", "/fapi/v1/openAlgoOrders")) == []  # nothing placed
    legacy = request(server, key, "POST", "/fapi/v1/order", stopPrice="76000", **common)
    assert refused(legacy)[0] == -4120  # the switch is off by default


def test_the_legacy_switch_places_conditional_orders_through_the_order_endpoint(
    make_server: ServerFactory,
) -> None:
    server = make_server(
        "legacy", CONFIG + "\n[trading]\nlegacy_conditional_orders = true\n"
    ).start()
    key = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    common = {"symbol": BTC, "side": "SELL", "quantity": "0.010"}
    placed = ok(
        request(
            server,
            key,
            "POST",
            "/fapi/v1/order",
            type="STOP_MARKET",
            stopPrice="76000",
            workingType="MARK_PRICE",
            newClientOrderId="old-bot-1",
            **common,
        )
    )
    assert (placed["type"], placed["status"], placed["stopPrice"]) == (
        "STOP_MARKET",
        "NEW",
        "76000.00",
    )
    assert (placed["clientOrderId"], placed["workingType"]) == ("old-bot-1", "MARK_PRICE")
    listed = ok(request(server, key, "GET", "/fapi/v1/openAlgoOrders", symbol=BTC))
    assert [(o["algoId"], o["clientAlgoId"]) for o in listed] == [(placed["orderId"], "old-bot-1")]
    batch = ok(
        request(
            server,
            key,
            "POST",
            "/fapi/v1/batchOrders",
            batchOrders=(
                '[{"symbol":"BTCUSDT","side":"SELL","type":"TRAILING_STOP_MARKET","quantity":"0.010",'
                '"callbackRate":"1","activationPrice":"78000"},'
                '{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","timeInForce":"GTC","quantity":"0.010",'
                '"price":"76000"}]'
            ),
        )
    )
    assert (batch[0]["type"], batch[0]["activatePrice"], batch[0]["priceRate"]) == (
        "TRAILING_STOP_MARKET",
        "78000.00",
        "1.0",
    )
    assert (batch[1]["type"], batch[1]["status"]) == ("LIMIT", "NEW")
    assert batch[1]["orderId"] not in (placed["orderId"], batch[0]["orderId"])  # one id sequence
    opened = ok(request(server, key, "GET", "/fapi/v1/openOrders", symbol=BTC))
    assert [o["type"] for o in opened] == ["LIMIT", "STOP_MARKET", "TRAILING_STOP_MARKET"]
    queried = ok(
        request(server, key, "GET", "/fapi/v1/order", symbol=BTC, orderId=placed["orderId"])
    )
    assert (queried["type"], queried["status"]) == ("STOP_MARKET", "NEW")
    canceled = ok(
        request(server, key, "DELETE", "/fapi/v1/order", symbol=BTC, origClientOrderId="old-bot-1")
    )
    assert (canceled["orderId"], canceled["status"]) == (placed["orderId"], "CANCELED")
    assert status(server, key, placed["orderId"]) == "CANCELED"
    server.stop()


def test_a_scripted_price_path_fires_the_stop_at_the_row_that_crosses_it(
    make_server: ServerFactory, tmp_path: Path
) -> None:
    t0 = parse_instant_ms(START)
    path = tmp_path / "path.csv"
    path.write_text(f"time,price\n{t0},77000\n{t0 + 5_000},76500\n{t0 + 10_000},76000\n")
    config = f"""
[clock]
mode = "manual"
start = "{START}"

[prices.pairs.BTCUSDT]
source = "scripted"
path = "{path}"
"""
    server = make_server("scripted", config).start()
    key = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    stop = place(server, key, workingType="MARK_PRICE")
    server.call("POST", "/clock/advance", {"to": str(t0 + 9_999)})
    assert status(server, key, stop["algoId"]) == "NEW"
    server.call("POST", "/clock/advance", {"to": str(t0 + 10_000)})
    fired = ok(request(server, key, "GET", "/fapi/v1/algoOrder", algoId=stop["algoId"]))
    assert (fired["algoStatus"], fired["triggerTime"]) == ("FINISHED", t0 + 10_000)
    assert fired["actualOrderId"]  # a MARKET order that found no bid: it expired unfilled
    server.stop()


def test_conditional_orders_survive_sigkill_and_trigger_after_restart(
    make_server: ServerFactory,
) -> None:
    server = make_server("durable", CONFIG).start()
    key = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    stop = place(server, key, workingType="MARK_PRICE", clientAlgoId="survivor")
    trailing = place(
        server,
        key,
        type="TRAILING_STOP_MARKET",
        triggerPrice=None,
        callbackRate="1",
        workingType="MARK_PRICE",
    )
    server.call("PUT", f"/prices/{BTC}", {"price": "77500"})  # the trailing stop's new high
    server.kill()
    server.start()
    assert status(server, key, stop["algoId"]) == "NEW"
    assert status(server, key, trailing["algoId"]) == "NEW"
    server.call("PUT", f"/prices/{BTC}", {"price": "76700"})  # 1.03 % under the high of 77500
    assert status(server, key, trailing["algoId"]) == "FINISHED"
    assert status(server, key, stop["algoId"]) == "NEW"
    server.call("PUT", f"/prices/{BTC}", {"price": "76000"})
    assert status(server, key, stop["algoId"]) == "FINISHED"
    server.stop()
