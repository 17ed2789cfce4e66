"""GTD expiry and countdownCancelAll under the manual clock: orders end exactly at their
exchange time, by a journaled timer command, whatever the wall clock does."""

from collections.abc import Iterator

import pytest

from binance_sandbox.config.times import parse_instant_ms
from tests.conftest import ServerFactory
from tests.support.manual_clock import CONFIG, START
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request


@pytest.fixture
def server(make_server: ServerFactory) -> Iterator[SandboxServer]:
    started = make_server("data", CONFIG).start()
    yield started
    started.stop()


def call(server: SandboxServer, key: Credentials, method: str, path: str, **params: object) -> dict:
    response = signed_request(server.url, key, method, path, **params)
    assert response.status_code == 200, response.text
    return response.json()


def place(server: SandboxServer, key: Credentials, **extra: object) -> dict:
    return call(server, key, "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY",
                type="LIMIT", quantity="0.010", price="76000", **extra)  # fmt: skip


def status(server: SandboxServer, key: Credentials, order_id: int) -> str:
    return call(server, key, "GET", "/fapi/v1/order", symbol="BTCUSDT", orderId=order_id)["status"]


def test_a_gtd_order_expires_at_its_good_till_date(server: SandboxServer) -> None:
    key = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    t0 = parse_instant_ms(START)
    too_soon = signed_request(server.url, key, "POST", "/fapi/v1/order", symbol="BTCUSDT",
                              side="BUY", type="LIMIT", quantity="0.010", price="76000",
                              timeInForce="GTD", goodTillDate=t0 + 600_000)  # fmt: skip
    assert too_soon.json()["code"] == -5040
    order = place(server, key, timeInForce="GTD", goodTillDate=t0 + 700_123)
    assert order["goodTillDate"] == t0 + 700_000  # whole seconds, as Binance keeps it
    server.call("POST", "/clock/advance", {"to": str(t0 + 699_999)})
    assert status(server, key, order["orderId"]) == "NEW"
    server.call("POST", "/clock/advance", {"to": str(t0 + 700_000)})
    assert status(server, key, order["orderId"]) == "EXPIRED"
    assert call(server, key, "GET", "/fapi/v1/openOrders", symbol="BTCUSDT") == []


def test_countdown_cancels_unless_renewed(server: SandboxServer) -> None:
    key = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    order = place(server, key, timeInForce="GTC")
    answer = call(server, key, "POST", "/fapi/v1/countdownCancelAll", symbol="BTCUSDT",
                  countdownTime=30_000)  # fmt: skip
    assert answer == {"symbol": "BTCUSDT", "countdownTime": "30000"}
    server.call("POST", "/clock/advance", {"by": "20s"})
    call(server, key, "POST", "/fapi/v1/countdownCancelAll", symbol="BTCUSDT", countdownTime=30_000)
    server.call("POST", "/clock/advance", {"by": "20s"})  # 40 s after the first call: renewed
    assert status(server, key, order["orderId"]) == "NEW"
    server.call("POST", "/clock/advance", {"by": "10s"})  # 30 s after the renewal
    assert status(server, key, order["orderId"]) == "CANCELED"


def test_a_stopped_countdown_cancels_nothing(server: SandboxServer) -> None:
    key = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    order = place(server, key, timeInForce="GTC")
    call(server, key, "POST", "/fapi/v1/countdownCancelAll", symbol="BTCUSDT", countdownTime=5_000)
    call(server, key, "POST", "/fapi/v1/countdownCancelAll", symbol="BTCUSDT", countdownTime=0)
    server.call("POST", "/clock/advance", {"by": "1m"})
    assert status(server, key, order["orderId"]) == "NEW"
