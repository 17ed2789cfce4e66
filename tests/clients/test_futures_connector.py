"""binance-futures-connector's UMFutures: base_url only; signed parameters in the query."""

import pytest
from binance.um_futures import UMFutures

from tests.clients.conftest import Sandbox


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> UMFutures:
    return UMFutures(key=sandbox.api_key, secret=sandbox.secret, base_url=sandbox.url)


def test_server_time(client: UMFutures) -> None:
    assert client.time()["serverTime"] > 1_700_000_000_000


def test_exchange_info(client: UMFutures) -> None:
    info = client.exchange_info()
    assert info["futuresType"] == "U_MARGINED"
    assert [limit["rateLimitType"] for limit in info["rateLimits"]] == [
        "REQUEST_WEIGHT",
        "ORDERS",
        "ORDERS",
    ]


def test_depth(client: UMFutures) -> None:
    book = client.depth("SOLUSDT", limit=5)
    assert set(book) >= {"lastUpdateId", "E", "T", "bids", "asks"}


def test_index_price_klines(client: UMFutures) -> None:
    rows = client.index_price_klines("BTCUSDT", "1m", limit=3)
    assert rows
    assert len(rows[-1]) == 12


def test_mark_price(client: UMFutures) -> None:
    rows = client.mark_price()
    assert {row["symbol"] for row in rows} >= {"BTCUSDT", "XRPUSDT"}


def test_signed_balance(client: UMFutures) -> None:
    balances = {row["asset"]: row for row in client.balance()}
    assert balances["USDT"]["availableBalance"] == "10000.00000000"
