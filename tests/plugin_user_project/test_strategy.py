"""A user's tests of a (tiny) trading strategy against the sandbox, through the plugin's
`binance_sandbox` fixture: every test starts from the same exchange."""

import ccxt
import pytest

SYMBOL = "BTC/USDT:USDT"


def place_bid(exchange: ccxt.binanceusdm, price: float) -> dict:
    """The strategy under test: a small resting bid."""
    return exchange.create_order(SYMBOL, "limit", "buy", 0.002, price)


def test_the_funded_account_trades_through_ccxt(binance_sandbox) -> None:
    exchange = binance_sandbox.ccxt()
    assert exchange.fetch_balance()["USDT"]["total"] == pytest.approx(10_000)
    order = place_bid(exchange, 50_000)
    assert [o["id"] for o in exchange.fetch_open_orders(SYMBOL)] == [order["id"]]


def test_each_test_starts_from_the_same_exchange(binance_sandbox) -> None:
    assert binance_sandbox.ccxt().fetch_open_orders(SYMBOL) == []  # the test above left one


def test_a_fault_reaches_the_strategy(binance_sandbox) -> None:
    binance_sandbox.admin.add_fault("reject_order", code=-2019, count=1)
    exchange = binance_sandbox.ccxt()
    with pytest.raises(ccxt.ExchangeError, match="Margin is insufficient"):
        place_bid(exchange, 50_000)
    assert place_bid(exchange, 50_000)["status"] == "open"


def test_the_manual_clock_and_prices(binance_sandbox) -> None:
    before = binance_sandbox.admin.now_ms()
    binance_sandbox.admin.advance(by="8h")
    connector = binance_sandbox.futures_connector()
    assert connector.time()["serverTime"] >= before + 8 * 3_600_000
    binance_sandbox.admin.set_price("BTCUSDT", "65000")
    assert float(connector.mark_price(symbol="BTCUSDT")["markPrice"]) == 65_000


def test_every_client_factory_reaches_the_sandbox(binance_sandbox) -> None:
    assert binance_sandbox.python_binance().futures_time()["serverTime"] > 0
    sdk = binance_sandbox.official_sdk()
    assert sdk.check_server_time().data().server_time > 0
    assert binance_sandbox.futures_connector().account()["totalWalletBalance"] == "10000.00000000"


@pytest.mark.parametrize("n", range(4))
def test_parallel_workers_get_their_own_sandbox(binance_sandbox, n: int) -> None:
    exchange = binance_sandbox.ccxt()
    place_bid(exchange, 40_000 + n)
    assert len(exchange.fetch_open_orders(SYMBOL)) == 1
