"""Clients that sync their clock to serverTime, under a manual exchange clock set in the past.

`--manual-clock --clock-start 2026-01-01T00:00:00Z`: serverTime says 2026-01-01 and stands
still, wall time runs on. ccxt with `adjustForTimeDifference` and python-binance with
`timestamp_offset` from serverTime stamp serverTime-at-sync plus the real time since; the
two-clock rule (README "Two clocks") accepts that, before and after the clock is advanced,
for reads and for orders (whose -5028 deadline the sequencer checks on wall time).
"""

import time
from collections.abc import Iterator

import ccxt
import pytest
from binance.client import Client

from tests.clients import trading_support as ts
from tests.clients.conftest import Sandbox
from tests.clients.test_ccxt import rebase
from tests.support.server import SandboxServer

CLOCK_START_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    root = tmp_path_factory.mktemp("manual-clock")
    server = SandboxServer(
        root / "data", "", "--manual-clock", "--clock-start", "2026-01-01T00:00:00Z"
    ).start()
    key = server.call("POST", "/accounts/demo/keys", {"type": "hmac"})
    yield Sandbox(server.url, key["apiKey"], key["secretKey"], server)
    server.stop()


def test_ccxt_with_adjust_for_time_difference(sandbox: Sandbox) -> None:
    client = ccxt.binanceusdm(
        {"apiKey": sandbox.api_key, "secret": sandbox.secret,
         "options": {"adjustForTimeDifference": True}}
    )  # fmt: skip
    client.urls["api"] = rebase(client.urls["api"], sandbox.url)
    client.load_markets()  # syncs: GET /fapi/v1/time
    assert client.options["timeDifference"] > 300 * 86_400_000  # wall time is ~a year later
    assert client.fetch_balance()["USDT"]["total"] == 10_000

    ts.pin_price(sandbox.server)
    placed = client.create_order("BTC/USDT:USDT", "limit", "buy", float(ts.QTY), float(ts.AWAY))
    assert placed["status"] == "open"
    sandbox.server.call("POST", "/clock/advance", {"by": "1h"})
    time.sleep(1.5)  # real time passes while exchange time stands: the client's stamps move on
    assert client.cancel_order(placed["id"], "BTC/USDT:USDT")["status"] == "canceled"
    assert client.fetch_balance()["USDT"]["total"] == 10_000


def test_python_binance_with_a_timestamp_offset_from_server_time(sandbox: Sandbox) -> None:
    client = Client(sandbox.api_key, sandbox.secret, ping=False)
    client.API_URL = sandbox.url + "/api"
    client.FUTURES_URL = sandbox.url + "/fapi"
    server_time = client.futures_time()["serverTime"]
    assert server_time >= CLOCK_START_MS
    client.timestamp_offset = server_time - int(time.time() * 1000)

    assert {row["asset"] for row in client.futures_account_balance()} >= {"USDT"}
    ts.pin_price(sandbox.server)
    placed = client.futures_create_order(
        symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
        quantity=ts.QTY, price=ts.AWAY,
    )  # fmt: skip
    assert placed["status"] == "NEW"
    sandbox.server.call("POST", "/clock/advance", {"by": "1h"})
    time.sleep(1.5)
    canceled = client.futures_cancel_order(symbol="BTCUSDT", orderId=placed["orderId"])
    assert canceled["status"] == "CANCELED"


def test_a_timestamp_from_neither_clock_is_still_refused(sandbox: Sandbox) -> None:
    client = Client(sandbox.api_key, sandbox.secret, ping=False)
    client.FUTURES_URL = sandbox.url + "/fapi"
    client.timestamp_offset = -30 * 86_400_000  # a month behind wall time, never served
    with pytest.raises(Exception, match="-1021") as refused:
        client.futures_account_balance()
    assert getattr(refused.value, "code", None) == -1021
