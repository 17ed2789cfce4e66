"""ccxt (binanceusdm) over real sockets: the same crash as liquidation_support.py, seen through
ccxt's unified liquidation, ledger and position calls and its raw insuranceBalance."""

from collections.abc import Iterator
from decimal import Decimal

import ccxt
import pytest

from binance_sandbox.testing.clients import rebase
from tests.clients import liquidation_support as ls
from tests.clients import margin_support as ms
from tests.clients.conftest import Sandbox

MARKET = "BTC/USDT:USDT"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from ms.still_sandbox(tmp_path_factory)


@pytest.fixture(scope="module")
def exchange(sandbox: Sandbox) -> ccxt.binanceusdm:
    client = ccxt.binanceusdm({"apiKey": sandbox.api_key, "secret": sandbox.secret})
    client.urls["api"] = rebase(client.urls["api"], sandbox.url)
    client.load_markets()
    client.set_leverage(20, MARKET)
    ls.crash(sandbox, lambda side, kind, quantity: client.create_order(
        MARKET, kind.lower(), side.lower(), float(quantity)))  # fmt: skip
    return client


def test_my_liquidations(exchange: ccxt.binanceusdm) -> None:
    (liquidation,) = exchange.fetch_my_liquidations(MARKET)
    ls.check_force_order(liquidation["info"])
    assert liquidation["contracts"] == pytest.approx(1)
    assert liquidation["price"] == pytest.approx(float(ls.AVG_PRICE))


def test_ledger_positions_and_balance(exchange: ccxt.binanceusdm) -> None:
    ls.check_income([entry["info"] for entry in exchange.fetch_ledger("USDT")])
    positions = exchange.fetch_positions([MARKET])
    assert all(not p["contracts"] for p in positions)
    assert exchange.fetch_balance()["USDT"]["total"] == 0


def test_insurance_balance(exchange: ccxt.binanceusdm) -> None:
    ls.check_insurance(exchange.fapiPublicGetInsuranceBalance({"symbol": "BTCUSDT"}))
    assert Decimal(exchange.fetch_balance()["info"]["totalWalletBalance"]) == 0
