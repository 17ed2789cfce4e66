"""python-binance over real sockets: a leveraged long, a crash of the mark (admin lever, manual
clock), and the liquidation as the client sees it: forceOrders, income, positionRisk (flat),
the balance and insuranceBalance; then an ADL as the deleveraged trader sees it in forceOrders.
Numbers: liquidation_support.py."""

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


@pytest.fixture(scope="module")
def deleveraged(sandbox: Sandbox, client: Client) -> Client:
    """After the liquidation: a second trader ("bull") buys 0.1 at 67,300 from the maker
    (wallet 996.635, bankruptcy price 57,333.65, 57,333.70 on the tick), the fund is emptied
    and the mark crashes to 57,000 with no bid left: the fund, under water, cannot take the
    long, so the maker's short (the only one) is deleveraged at 57,333.70."""
    server = sandbox.server
    server.call("POST", "/accounts", {"name": "bull"})
    bull_key = server.call("POST", "/accounts/bull/keys", {"type": "hmac"})
    server.call("POST", "/accounts/bull/deposits", {"asset": "USDT", "amount": "1000"})
    maker = pointed(sandbox.url, *_maker_key(sandbox))
    maker.futures_create_order(symbol=ls.SYMBOL, side="SELL", type="LIMIT", timeInForce="GTC",
                               quantity="0.100", price="67300.00")  # fmt: skip
    bull = pointed(sandbox.url, bull_key["apiKey"], bull_key["secretKey"])
    bull.futures_create_order(symbol=ls.SYMBOL, side="BUY", type="MARKET", quantity="0.100")
    server.call("PUT", "/insurance/USDT", {"balance": "0"})
    answer = server.call("PUT", f"/marks/{ls.SYMBOL}", {"price": "57000"})
    assert (answer["liquidations"], answer["adl"]) == (1, 1)
    return maker


def _maker_key(sandbox: Sandbox) -> tuple[str, str]:
    key = sandbox.server.call("POST", "/accounts/maker/keys", {"type": "hmac"})
    return key["apiKey"], key["secretKey"]


def test_the_deleveraged_maker_sees_its_adl_order(deleveraged: Client) -> None:
    (row,) = deleveraged.futures_liquidation_orders(autoCloseType="ADL")
    assert (row["clientOrderId"], row["side"], row["status"]) == ("adl_autoclose", "BUY", "FILLED")
    assert (row["price"], row["executedQty"], row["timeInForce"]) == ("57333.70", "0.100", "GTC")
    assert deleveraged.futures_liquidation_orders(autoCloseType="LIQUIDATION") == []
