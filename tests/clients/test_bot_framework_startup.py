"""What a bot framework such as freqtrade does first, against a fresh sandbox with the
built-in defaults (live market, seeded history): ccxt's general `binance` class — not only
`binanceusdm` — with default options and its URLs rebased loads spot, margin, USDⓈ-M and
COIN-M markets together (one failed call fails the load), then asks for enough 1-minute
candles of every kind for its indicators at once.
"""

import ccxt
import pytest

from tests.clients.test_ccxt import rebase
from tests.support.server import SandboxServer

MARKET = "BTC/USDT:USDT"


@pytest.fixture(scope="module")
def exchange(live: SandboxServer) -> ccxt.binance:
    key = live.call("POST", "/accounts/demo/keys", {"type": "hmac"})
    client = ccxt.binance({"apiKey": key["apiKey"], "secret": key["secretKey"]})
    client.urls["api"] = rebase(client.urls["api"], live.url)
    return client


def test_the_general_binance_class_loads_markets_with_default_options(
    exchange: ccxt.binance,
) -> None:
    markets = exchange.load_markets()
    assert markets[MARKET]["id"] == "BTCUSDT"
    assert markets[MARKET]["linear"] is True
    assert {m["type"] for m in markets.values()} == {"swap", "future"}  # no spot, no COIN-M yet
    assert exchange.fetch_balance({"type": "future"})["USDT"]["total"] == 10_000


@pytest.mark.parametrize("price", [None, "mark", "index", "premiumIndex"])
def test_at_least_500_closed_one_minute_candles_at_once(
    exchange: ccxt.binance, price: str | None
) -> None:
    exchange.load_markets()
    params = {"price": price} if price else {}
    candles = exchange.fetch_ohlcv(MARKET, "1m", limit=1000, params=params)
    now = exchange.fetch_time()  # after: a minute that begins in between is then closed too
    closed = [c for c in candles if c[0] + 60_000 <= now]
    assert len(closed) >= 999
    opens = [c[0] for c in candles]
    assert opens == list(range(opens[0], opens[0] + 60_000 * len(opens), 60_000))  # no gaps
    if price != "premiumIndex":
        assert all(0 < c[3] <= min(c[1], c[4]) <= max(c[1], c[4]) <= c[2] for c in candles)
    if price is None:
        assert all(c[5] > 0 for c in closed)  # every minute traded


def test_the_seeded_history_runs_into_the_live_index_path(exchange: ccxt.binance) -> None:
    """The last seeded minute closes at the first live index price; 30 days lie before it."""
    exchange.load_markets()
    oldest = exchange.fetch_ohlcv(MARKET, "1m", since=0, limit=2, params={"price": "index"})
    days_30 = 30 * 86_400_000
    now = exchange.fetch_time()
    assert now - days_30 - 120_000 <= oldest[0][0] <= now - days_30
    live_start = oldest[0][0] + days_30
    around = exchange.fetch_ohlcv(
        MARKET, "1m", since=live_start - 60_000, limit=2, params={"price": "index"}
    )
    assert [c[0] for c in around] == [live_start - 60_000, live_start]
    assert around[0][4] == around[1][1]  # seeded close == first live open
