"""python-binance's Client, pointed at the sandbox by its URL attributes only."""

import pytest
from binance.client import Client

from tests.clients.conftest import Sandbox


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> Client:
    client = Client(sandbox.api_key, sandbox.secret, ping=False)
    client.API_URL = sandbox.url + "/api"
    client.FUTURES_URL = sandbox.url + "/fapi"
    client.FUTURES_DATA_URL = sandbox.url + "/futures/data"
    return client


def test_server_time(client: Client) -> None:
    assert client.futures_time()["serverTime"] > 1_700_000_000_000


def test_spot_ping_as_the_constructor_does(sandbox: Sandbox) -> None:
    pinging = Client(sandbox.api_key, sandbox.secret, ping=False)
    pinging.API_URL = sandbox.url + "/api"
    assert pinging.ping() == {}


def test_exchange_info(client: Client) -> None:
    info = client.futures_exchange_info()
    symbols = {s["symbol"]: s for s in info["symbols"]}
    assert set(symbols) >= {"BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT"}
    filters = {f["filterType"]: f for f in symbols["BTCUSDT"]["filters"]}
    assert filters["PRICE_FILTER"]["tickSize"] == "0.10"
    assert filters["MIN_NOTIONAL"]["notional"] == "50"


def test_order_book(client: Client) -> None:
    book = client.futures_order_book(symbol="ETHUSDT", limit=10)
    assert book["bids"] == []
    assert book["asks"] == []


def test_index_klines_via_mark_price_klines(client: Client) -> None:
    rows = client.futures_mark_price_klines(symbol="BTCUSDT", interval="1m", limit=5)
    assert rows
    assert all(isinstance(value, str) for value in rows[-1][1:5])


def test_premium_index(client: Client) -> None:
    mark = client.futures_mark_price(symbol="BTCUSDT")
    assert mark["symbol"] == "BTCUSDT"
    assert float(mark["markPrice"]) > 0


def test_signed_balance(client: Client) -> None:
    balances = {row["asset"]: row for row in client.futures_account_balance()}
    assert balances["USDT"]["balance"] == "10000.00000000"
