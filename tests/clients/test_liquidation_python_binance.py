"""python-binance over real sockets: a leveraged long, a crash of the mark (admin lever, manual
clock), and the liquidation as the client sees it: forceOrders, income, positionRisk (flat),
the balance and insuranceBalance. Numbers: liquidation_support.py."""

from collections.abc import Iterator
from decimal import Decimal

import pytest
from binance.client import Client

from tests.clients import liquidation_support as ls
from tests.clients import margin_support as ms
from tests.clients.conftest import Sandbox
from tests.clients.test_trading_python_binance import pointed


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from ms.still_sandbox(tmp_path_factory)


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> Client:
    client = pointed(sandbox.url, sandbox.api_key, sandbox.secret)
    client.futures_change_leverage(symbol=ls.SYMBOL, leverage=20)
    ls.crash(sandbox, lambda side, kind, **order: client.futures_create_order(
        symbol=ls.SYMBOL, side=side, type=kind, **order))  # fmt: skip
    return client


def test_the_liquidation_is_in_force_orders(client: Client) -> None:
    (row,) = client.futures_liquidation_orders(symbol=ls.SYMBOL)
    ls.check_force_order(row)
    assert client.futures_liquidation_orders(autoCloseType="ADL") == []
    assert client.futures_liquidation_orders(autoCloseType="LIQUIDATION") == [row]


def test_income_position_and_balance(client: Client) -> None:
    ls.check_income(client.futures_income_history(symbol=ls.SYMBOL))
    # positionRisk V3 lists only symbols with a position or an open order: flat is none
    assert client.futures_position_information(symbol=ls.SYMBOL) == []
    (usdt,) = [b for b in client.futures_account_balance() if b["asset"] == "USDT"]
    assert Decimal(usdt["balance"]) == 0


def test_insurance_balance(client: Client) -> None:
    ls.check_insurance(client.futures_insurance_fund_balance_snapshot(symbol=ls.SYMBOL))
