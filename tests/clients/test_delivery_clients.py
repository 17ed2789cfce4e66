"""The delivery of the BTCUSDT quarterly (BTCUSDT_261225, 2026-12-25 08:00 UTC) seen by
python-binance over real sockets, on the manual clock from 31 minutes before it.

A scripted index: 77,000, then 78,000 from 20 minutes before delivery, 79,000 from 5 minutes
before. The settlement price, the mean of the last 30 minutes' 1,800 one-second samples, is
(600 x 77,000 + 900 x 78,000 + 300 x 79,000) / 1,800 = 77,833.3 on the tick. The demo account
buys 0.010 at 77,000.0 from a maker; at delivery it realizes 0.01 x 833.3 = 8.333 USDT, its
position is flat, the contract DELIVERED and BTCUSDT_270326 listed; its income shows the
settlement as one DELIVERED_SETTELMENT row of 8.333 and no fee. Nine minutes before
delivery the contract is DELIVERING and an opening order is -4140.
"""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from binance.client import Client
from binance.exceptions import BinanceAPIException

from tests.clients.conftest import Sandbox
from tests.clients.test_trading_python_binance import pointed
from tests.clients.trading_support import maker_key
from tests.support.server import SandboxServer

QUARTERLY = "BTCUSDT_261225"
DELIVERY = 1_798_185_600_000
MINUTE = 60_000


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    root: Path = tmp_path_factory.mktemp("delivery")
    path = root / "index.csv"
    path.write_text(f"time,price\n{DELIVERY - 40 * MINUTE},77000\n"
                    f"{DELIVERY - 20 * MINUTE},78000\n{DELIVERY - 5 * MINUTE},79000\n")  # fmt: skip
    config = (f'[clock]\nmode = "manual"\nstart = "{DELIVERY - 31 * MINUTE}"\n'
              f'[prices.pairs.BTCUSDT]\nsource = "scripted"\npath = "{path}"\n')  # fmt: skip
    server = SandboxServer(root / "data", config).start()
    key = server.call("POST", "/accounts/demo/keys", {"type": "hmac", "label": "delivery"})
    yield Sandbox(server.url, key["apiKey"], key["secretKey"], server)
    server.stop()


def statuses(client: Client) -> dict[str, str]:
    return {s["symbol"]: s["status"] for s in client.futures_exchange_info()["symbols"]}


@pytest.fixture(scope="module")
def delivered(sandbox: Sandbox) -> dict[str, Any]:
    client = pointed(sandbox.url, sandbox.api_key, sandbox.secret)
    key = maker_key(sandbox.server)
    maker = pointed(sandbox.url, key["apiKey"], key["secretKey"])
    maker.futures_create_order(symbol=QUARTERLY, side="SELL", type="LIMIT", timeInForce="GTC",
                               quantity="0.010", price="77000.0")  # fmt: skip
    client.futures_create_order(symbol=QUARTERLY, side="BUY", type="MARKET", quantity="0.010")
    seen: dict[str, Any] = {"before": statuses(client)}
    wallet = Decimal(client.futures_account()["totalWalletBalance"])
    sandbox.server.call("POST", "/clock/advance", {"to": str(DELIVERY - 9 * MINUTE)})
    seen["closing"] = statuses(client)
    seen["estimate"] = client.futures_mark_price(symbol=QUARTERLY)["estimatedSettlePrice"]
    with pytest.raises(BinanceAPIException) as refused:
        client.futures_create_order(symbol=QUARTERLY, side="BUY", type="MARKET", quantity="0.010")
    seen["refused"] = (refused.value.code, refused.value.message)
    sandbox.server.call("POST", "/clock/advance", {"to": str(DELIVERY + 1000)})
    seen["after"] = statuses(client)
    seen["gained"] = Decimal(client.futures_account()["totalWalletBalance"]) - wallet
    seen["position"] = client.futures_position_information(symbol=QUARTERLY)
    seen["income"] = client.futures_income_history(symbol=QUARTERLY)
    seen["prices"] = httpx.get(sandbox.url + "/futures/data/delivery-price",
                               params={"pair": "BTCUSDT"}).json()  # fmt: skip
    return seen


def test_the_contract_status_follows_the_delivery(delivered: dict[str, Any]) -> None:
    assert delivered["before"][QUARTERLY] == "TRADING"
    assert delivered["closing"][QUARTERLY] == "DELIVERING"
    assert delivered["refused"] == (-4140, "Invalid symbol status for opening position.")
    # the mean so far: (600 x 77,000 + 660 x 78,000) / 1,260 = 77,523.8 on the tick
    assert delivered["estimate"] == "77523.80000000"
    assert delivered["after"][QUARTERLY] == "DELIVERED"
    assert delivered["after"]["BTCUSDT_270326"] == "TRADING"
    assert "BTCUSDT_270326" not in delivered["before"]


def test_the_position_settles_at_the_30_minute_average(delivered: dict[str, Any]) -> None:
    assert delivered["prices"] == [{"deliveryTime": DELIVERY, "deliveryPrice": 77833.3}]
    assert delivered["gained"] == Decimal("8.333")
    assert delivered["position"] == []  # positionRisk v3 lists open positions only


def test_the_settlement_is_a_delivered_settlement_income_row_without_fee(
    delivered: dict[str, Any],
) -> None:
    at_delivery = [row for row in delivered["income"] if row["time"] == DELIVERY]
    assert [(r["incomeType"], r["symbol"], r["asset"]) for r in at_delivery] == [
        ("DELIVERED_SETTELMENT", QUARTERLY, "USDT")
    ]
    (row,) = at_delivery
    assert Decimal(row["income"]) == delivered["gained"] == Decimal("8.333")
    assert row["income"] == "8.33300000"
    assert isinstance(row["tranId"], int)
    assert row["tradeId"] == ""


def test_the_listed_quarter_is_served_like_any_contract(
    sandbox: Sandbox, delivered: dict[str, Any]
) -> None:
    client = pointed(sandbox.url, sandbox.api_key, sandbox.secret)
    listed = "BTCUSDT_270326"
    assert delivered["after"][listed] == "TRADING"
    assert client.futures_order_book(symbol=listed)["bids"] == []
    assert client.futures_mark_price(symbol=listed)["symbol"] == listed
    assert client.futures_klines(symbol=listed, interval="1m") == []
    tickers = {t["symbol"] for t in client.futures_ticker()}
    assert {listed, QUARTERLY} <= tickers
    assert {t["symbol"] for t in client.futures_orderbook_ticker()} >= {listed}
    rested = client.futures_create_order(symbol=listed, side="BUY", type="LIMIT",
                                         timeInForce="GTC", quantity="0.010",
                                         price="70000.0")  # fmt: skip
    assert rested["status"] == "NEW"
