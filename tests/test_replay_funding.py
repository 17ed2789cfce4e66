"""Funding in a historical replay of the shipped sample day (BTCUSDT 2026-11-01): the imported
fundingRate file decides the rates settled inside the window, and a position pays at them.

The file's rows for the day: 00:00 -0.00000316 (the window's first instant, before anything is
open: the funding timer fires strictly after the exchange opened), 08:00 -0.00001460, 16:00
0.00004706. The clock is manual and the agents are off; the demo account buys 0.05 BTC at the
replayed index from a maker account.
"""

from decimal import ROUND_HALF_UP, Decimal

import httpx

from tests.conftest import ServerFactory
from tests.support.signing import Credentials, signed_request
from tests.support.wire import get_ok
from tests.test_replay import DAY, DAY_START, import_samples

HOUR = 3_600_000


def test_the_files_rates_are_settled_and_charged(make_server: ServerFactory) -> None:
    server = make_server("data", '[clock]\nmode = "manual"\n', "--replay", f"{DAY}..2026-11-02")
    import_samples(server.data_dir)
    server.start()
    client = httpx.Client(base_url=server.url, timeout=10)
    index = get_ok(client, "/fapi/v1/premiumIndex", symbol="BTCUSDT")["indexPrice"]
    price = str(Decimal(index).quantize(Decimal("0.1")))
    server.call("POST", "/accounts", {"name": "maker"})
    server.call("POST", "/accounts/maker/deposits", {"asset": "USDT", "amount": "100000"})
    maker = Credentials.from_admin(server.call("POST", "/accounts/maker/keys", {"type": "hmac"}))
    demo = Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))
    for who, side, kind in ((maker, "SELL", "LIMIT"), (demo, "BUY", "MARKET")):
        extra = {"price": price, "timeInForce": "GTC"} if kind == "LIMIT" else {}
        placed = signed_request(server.url, who, "POST", "/fapi/v1/order", symbol="BTCUSDT",
                                side=side, type=kind, quantity="0.050", **extra)  # fmt: skip
        assert placed.status_code == 200, placed.text

    server.call("POST", "/clock/advance", {"to": str(DAY_START + 16 * HOUR + 1000)})

    rates = get_ok(client, "/fapi/v1/fundingRate", symbol="BTCUSDT", startTime=DAY_START)
    assert [(r["fundingTime"], r["fundingRate"]) for r in rates] == [
        (DAY_START + 8 * HOUR, "-0.00001460"),
        (DAY_START + 16 * HOUR, "0.00004706"),
    ]
    income = signed_request(server.url, demo, "GET", "/fapi/v1/income",
                            incomeType="FUNDING_FEE").json()  # fmt: skip
    assert [row["time"] for row in income] == [r["fundingTime"] for r in rates]
    for row, rate in zip(income, rates, strict=True):
        exact = -Decimal("0.05") * Decimal(rate["markPrice"]) * Decimal(rate["fundingRate"])
        assert Decimal(row["income"]) == exact.quantize(Decimal("1e-8"), rounding=ROUND_HALF_UP)
    assert Decimal(income[0]["income"]) > 0  # a negative rate: the long receives
    assert Decimal(income[1]["income"]) < 0
