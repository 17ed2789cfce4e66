"""The issue's must-show, through the real server on /dapi under the manual clock: two accounts
hold a BTCUSD quarter position (BTCUSD_261225, delivered 2026-12-25 08:00 UTC), the clock passes
the delivery time, and then
- /dapi/v1/exchangeInfo: the quarter DELIVERED, March (BTCUSD_270326) the CURRENT_QUARTER and
  June (BTCUSD_270625) listed as NEXT_QUARTER (Binance's roll);
- /dapi/v1/positionRisk: both flat;
- /dapi/v1/income: one DELIVERED_SETTELMENT each, in BTC, worth the inverse PnL
  contracts x 100 x (1/entry - 1/settlement): 10 contracts long at 77,000 settled at 78,000
  (the index, fixed) make 1,000 x (1/77,000 - 1/78,000) = 0.00016650 BTC, the short the opposite;
- /dapi/v1/balance: each BTC wallet moved by exactly its settlement (no delivery fee).
"""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

QUARTER, CURRENT, NEXT = "BTCUSD_261225", "BTCUSD_270326", "BTCUSD_270625"
DELIVERY = 1_798_185_600_000
MINUTE = 60_000
CONFIG = f"""
[clock]
mode = "manual"
start = "{DELIVERY - 40 * MINUTE}"

[prices.pairs.BTCUSD]
source = "fixed"
price = "78000"
"""
WORKED = 1_000 * (Decimal(1) / 77_000 - Decimal(1) / 78_000)  # contracts x 100 x (1/e - 1/s)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("coinm-delivery")
    running = SandboxServer(root / "data", CONFIG).start()
    yield running
    running.stop()


def account(server: SandboxServer, name: str) -> Credentials:
    server.call("POST", "/accounts", {"name": name})
    server.call(
        "POST", f"/accounts/{name}/deposits", {"asset": "BTC", "amount": "1", "product": "coinm"}
    )
    return Credentials.from_admin(server.call("POST", f"/accounts/{name}/keys", {"type": "hmac"}))


def ok(server: SandboxServer, who: Credentials, method: str, path: str, **params: Any) -> Any:
    response = signed_request(server.url, who, method, path, **params)
    assert response.status_code == 200, response.text
    return response.json()


def btc(server: SandboxServer, who: Credentials) -> Decimal:
    rows = ok(server, who, "GET", "/dapi/v1/balance")
    (row,) = [r for r in rows if r["asset"] == "BTC"]
    return Decimal(row["balance"])


def held(server: SandboxServer, who: Credentials) -> list[Decimal]:
    risk = ok(server, who, "GET", "/dapi/v1/positionRisk", pair="BTCUSD")
    return [Decimal(r["positionAmt"]) for r in risk if r["symbol"] == QUARTER]


def test_a_quarter_delivered_under_the_manual_clock(server: SandboxServer) -> None:
    long, short = account(server, "long"), account(server, "short")
    order = {"symbol": QUARTER, "type": "LIMIT", "timeInForce": "GTC", "quantity": "10",
             "price": "77000"}  # fmt: skip
    ok(server, short, "POST", "/dapi/v1/order", side="SELL", **order)
    ok(server, long, "POST", "/dapi/v1/order", side="BUY", **order)
    assert held(server, long) == [10]
    assert held(server, short) == [-10]
    before = {"long": btc(server, long), "short": btc(server, short)}

    server.call("POST", "/clock/advance", {"to": str(DELIVERY + 1000)})

    info = httpx.get(server.url + "/dapi/v1/exchangeInfo").json()
    rows = {r["symbol"]: r for r in info["symbols"] if r["pair"] == "BTCUSD"}
    assert rows[QUARTER]["contractStatus"] == "DELIVERED"
    assert (rows[CURRENT]["contractType"], rows[CURRENT]["contractStatus"]) == (
        "CURRENT_QUARTER", "TRADING")  # fmt: skip
    assert (rows[NEXT]["contractType"], rows[NEXT]["contractStatus"]) == (
        "NEXT_QUARTER", "TRADING")  # fmt: skip

    for who, sign in ((long, 1), (short, -1)):
        assert held(server, who) == [0]
        (income,) = ok(server, who, "GET", "/dapi/v1/income", incomeType="DELIVERED_SETTELMENT")
        assert (income["symbol"], income["asset"]) == (QUARTER, "BTC")
        assert Decimal(income["income"]) == sign * WORKED.quantize(Decimal("1E-8")), income
        name = "long" if sign == 1 else "short"
        assert btc(server, who) - before[name] == Decimal(income["income"])
