"""python-binance over real sockets: a fill away from the mark liquidates at once, with no
mark change after it (core/exchange.py checks the traders of every fill).

The demo account (10,000 USDT, 20x) bids 1 BTC at 77,000 with the mark at 77,000; the mark is
then set to 67,250 (no position: nothing happens); the maker bids 0.5 at 67,200, the fund is
set to 100,000, and the maker sells 1 at 77,000 into the demo's bid. The demo is long 1 at
77,000 (maker fee 15.40) at mark 67,250: balance 10,000 - 15.40 - 9,750 = 234.60 < MM 269:
liquidated in that command, its autoclose SELL at the bankruptcy price 77,000 - 9,984.60 =
67,015.40 fills 0.5 on the maker's bid and the fund takes the rest.
"""

from collections.abc import Iterator
from decimal import Decimal

import pytest
from binance.client import Client

from tests.clients import margin_support as ms
from tests.clients.conftest import Sandbox
from tests.clients.test_trading_python_binance import pointed
from tests.clients.trading_support import maker_key

SYMBOL = "BTCUSDT"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from ms.still_sandbox(tmp_path_factory)


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> Client:
    server = sandbox.server
    client = pointed(sandbox.url, sandbox.api_key, sandbox.secret)
    client.futures_change_leverage(symbol=SYMBOL, leverage=20)
    server.call("PUT", f"/prices/{SYMBOL}", {"price": "77000"})
    client.futures_create_order(symbol=SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC",
                                quantity="1.000", price="77000.00")  # fmt: skip
    answer = server.call("PUT", f"/marks/{SYMBOL}", {"price": "67250"})
    assert answer["liquidations"] == 0
    key = maker_key(server)
    maker = pointed(sandbox.url, key["apiKey"], key["secretKey"])
    server.call("PUT", "/insurance/USDT", {"balance": "100000"})
    for side, price in (("BUY", "67200.00"), ("SELL", "77000.00")):
        maker.futures_create_order(symbol=SYMBOL, side=side, type="LIMIT", timeInForce="GTC",
                                   quantity="0.500" if side == "BUY" else "1.000",
                                   price=price)  # fmt: skip
    return client


def test_the_fill_that_left_the_account_past_100_percent_liquidated_it(client: Client) -> None:
    (row,) = client.futures_liquidation_orders(symbol=SYMBOL)
    assert row["clientOrderId"].startswith("autoclose-")
    assert (row["side"], row["origQty"], row["executedQty"], row["status"]) == (
        "SELL", "1.000", "1.000", "FILLED")  # fmt: skip
    assert Decimal(row["price"]) == Decimal("67015.4")
    assert client.futures_position_information(symbol=SYMBOL) == []
    (cleared,) = [r for r in client.futures_income_history(symbol=SYMBOL)
                  if r["incomeType"] == "INSURANCE_CLEAR"]  # fmt: skip
    assert Decimal(cleared["income"]) < 0
