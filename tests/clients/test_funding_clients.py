"""A simulated day of funding seen by real clients over real sockets (manual clock).

The demo account buys 0.1 BTCUSDT from the maker; the clock is advanced by 24 hours, which
passes three funding times (00:00, 08:00, 16:00 UTC). Then:
- python-binance `futures_income_history(incomeType="FUNDING_FEE")` and ccxt
  `fetch_funding_history` see three FUNDING_FEE rows, and the wallet (`futures_account`) moved
  by exactly their sum;
- python-binance `futures_funding_rate` and ccxt `fetch_funding_rate_history` see the three
  settled rates with their mark, and each fee is -0.1 x mark x rate to the last unit (8
  decimals, half away from zero);
- the maker, short the same 0.1, received exactly what the demo account paid (every fee here
  is a whole number of units, so no rounding goes to the exchange);
- premiumIndex's nextFundingTime is the next funding after the day.
The agents are off and the index ticks once a minute, so the day is quick to simulate.
"""

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import ccxt
import pytest
from binance.client import Client

from tests.clients.conftest import Sandbox
from tests.clients.test_trading_ccxt import MARKET
from tests.clients.test_trading_ccxt import pointed as ccxt_pointed
from tests.clients.test_trading_python_binance import pointed
from tests.clients.trading_support import SYMBOL, maker_key, pin_price
from tests.support.server import SandboxServer

QUIET_DAY = '[clock]\nmode = "manual"\n[agents]\nenabled = false\n[prices]\ninterval_ms = 60000\n'
QTY = "0.100"
EIGHT_HOURS = 8 * 3_600_000


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    server = SandboxServer(tmp_path_factory.mktemp("funding") / "data", QUIET_DAY).start()
    key = server.call("POST", "/accounts/demo/keys", {"type": "hmac", "label": "funding-test"})
    yield Sandbox(server.url, key["apiKey"], key["secretKey"], server)
    server.stop()


@pytest.fixture(scope="module")
def day(sandbox: Sandbox) -> dict[str, Any]:
    """Opens the position, advances a day; the clients and the wallets before and after."""
    client = pointed(sandbox.url, sandbox.api_key, sandbox.secret)
    key = maker_key(sandbox.server)
    maker = pointed(sandbox.url, key["apiKey"], key["secretKey"])
    pin_price(sandbox.server)
    maker.futures_create_order(symbol=SYMBOL, side="SELL", type="LIMIT", timeInForce="GTC",
                               quantity=QTY, price="77000")  # fmt: skip
    client.futures_create_order(symbol=SYMBOL, side="BUY", type="MARKET", quantity=QTY)
    before = {who: wallet(c) for who, c in (("demo", client), ("maker", maker))}
    start = sandbox.server.call("GET", "/clock")["time"]
    sandbox.server.call("POST", "/clock/advance", {"by": "24h"})
    after = {who: wallet(c) for who, c in (("demo", client), ("maker", maker))}
    exchange = ccxt_pointed(sandbox.url, sandbox.api_key, sandbox.secret)
    return {"client": client, "maker": maker, "ccxt": exchange, "before": before,
            "after": after, "start": start}  # fmt: skip


def wallet(client: Client) -> Decimal:
    return Decimal(client.futures_account()["totalWalletBalance"])


def test_three_funding_fee_rows_move_the_wallet_by_their_sum(day: dict[str, Any]) -> None:
    client: Client = day["client"]
    rows = client.futures_income_history(incomeType="FUNDING_FEE")
    assert len(rows) == 3
    assert {(r["symbol"], r["asset"], r["info"]) for r in rows} == {(SYMBOL, "USDT", "FUNDING_FEE")}
    times = [r["time"] for r in rows]
    assert times == sorted(times)
    assert all(t % EIGHT_HOURS == 0 for t in times)
    assert times[0] > day["start"]
    assert times[-1] <= day["start"] + 3 * EIGHT_HOURS
    assert len({r["tranId"] for r in rows}) == 3
    paid = sum(Decimal(r["income"]) for r in rows)
    assert paid != 0
    assert day["after"]["demo"] - day["before"]["demo"] == paid
    assert day["after"]["maker"] - day["before"]["maker"] == -paid


def test_each_fee_is_the_position_at_the_settled_mark_and_rate(day: dict[str, Any]) -> None:
    client: Client = day["client"]
    rates = client.futures_funding_rate(symbol=SYMBOL)
    assert len(rates) == 3
    fees = client.futures_income_history(incomeType="FUNDING_FEE")
    for rate, fee in zip(rates, fees, strict=True):
        assert rate["fundingTime"] == fee["time"]
        exact = -Decimal(QTY) * Decimal(rate["markPrice"]) * Decimal(rate["fundingRate"])
        expected = exact.quantize(Decimal("1e-8"), rounding=ROUND_HALF_UP)
        assert Decimal(fee["income"]) == expected
    premium = client.futures_mark_price(symbol=SYMBOL)
    assert premium["nextFundingTime"] == rates[-1]["fundingTime"] + EIGHT_HOURS
    assert Decimal(premium["interestRate"]) == Decimal("0.0001")


def test_ccxt_sees_the_same_funding(day: dict[str, Any]) -> None:
    exchange: ccxt.binanceusdm = day["ccxt"]
    history = exchange.fetch_funding_history(MARKET)
    assert len(history) == 3
    fees = day["client"].futures_income_history(incomeType="FUNDING_FEE")
    assert [Decimal(str(h["amount"])) for h in history] == [Decimal(f["income"]) for f in fees]
    assert {h["code"] for h in history} == {"USDT"}
    rates = exchange.fetch_funding_rate_history(MARKET)
    assert [r["timestamp"] for r in rates] == [f["time"] for f in fees]
    current = exchange.fetch_funding_rate(MARKET)
    assert current["interestRate"] == 0.0001
    assert current["fundingTimestamp"] == fees[-1]["time"] + EIGHT_HOURS


def test_the_fees_of_both_sides_cancel(day: dict[str, Any]) -> None:
    maker: Client = day["maker"]
    received = maker.futures_income_history(incomeType="FUNDING_FEE")
    paid = day["client"].futures_income_history(incomeType="FUNDING_FEE")
    assert [Decimal(r["income"]) for r in received] == [-Decimal(p["income"]) for p in paid]


def test_the_server_journals_the_settlements(sandbox: Sandbox) -> None:
    server: SandboxServer = sandbox.server
    bodies = [body for _, _, body in server.journal_rows() if b"settle_funding" in body]
    assert len(bodies) >= 3
