"""ccxt (binanceusdm) with API keys and default options, pointed at the sandbox by URL only."""

import ccxt
import pytest

from binance_sandbox.testing.clients import rebase
from tests.clients.conftest import Sandbox


@pytest.fixture(scope="module")
def exchange(sandbox: Sandbox) -> ccxt.binanceusdm:
    client = ccxt.binanceusdm({"apiKey": sandbox.api_key, "secret": sandbox.secret})
    client.urls["api"] = rebase(client.urls["api"], sandbox.url)
    return client


def test_server_time(exchange: ccxt.binanceusdm) -> None:
    assert abs(exchange.fetch_time() - exchange.milliseconds()) < 5_000


def test_load_markets(exchange: ccxt.binanceusdm) -> None:
    markets = exchange.load_markets()
    btc = markets["BTC/USDT:USDT"]
    assert btc["id"] == "BTCUSDT"
    assert btc["precision"]["price"] == pytest.approx(0.1)
    assert btc["limits"]["cost"]["min"] == pytest.approx(50)
    assert "ETH/USDT:USDT" in markets
    assert any(m["id"] == "BTCUSDT_261225" for m in markets.values())


def test_order_book(exchange: ccxt.binanceusdm) -> None:
    book = exchange.fetch_order_book("BTC/USDT:USDT", limit=5)
    assert book["bids"] == []
    assert book["asks"] == []
    assert book["nonce"] > 0


def test_mark_price_klines(exchange: ccxt.binanceusdm) -> None:
    candles = exchange.fetch_ohlcv("BTC/USDT:USDT", "1m", params={"price": "mark"})
    assert candles, "the index path has at least the current minute"
    opened, high, low = candles[-1][0], candles[-1][2], candles[-1][3]
    assert opened % 60_000 == 0
    assert low <= high


def test_funding_rate_from_premium_index(exchange: ccxt.binanceusdm) -> None:
    funding = exchange.fetch_funding_rate("BTC/USDT:USDT")
    assert funding["markPrice"] > 0
    assert funding["indexPrice"] == funding["markPrice"]
    assert funding["fundingRate"] == pytest.approx(0.0001)


def test_signed_balance(exchange: ccxt.binanceusdm) -> None:
    balance = exchange.fetch_balance()
    assert balance["USDT"]["total"] == pytest.approx(10_000)
    assert balance["USDT"]["free"] == pytest.approx(10_000)


def test_an_endpoint_the_sandbox_lacks_is_not_an_authentication_error(
    exchange: ccxt.binanceusdm,
) -> None:
    """Binance's -5000 "Path …, Method … is invalid": ccxt has no class for it and raises its
    plain ExchangeError — not AuthenticationError, which would blame the API key."""
    with pytest.raises(ccxt.ExchangeError) as raised:
        exchange.fapiPrivateGetPmAccountInfo()  # GET /fapi/v1/pmAccountInfo: not served yet
    assert not isinstance(raised.value, ccxt.AuthenticationError)
    assert '"code":-5000' in str(raised.value)
    assert "Path /fapi/v1/pmAccountInfo, Method GET is invalid" in str(raised.value)
