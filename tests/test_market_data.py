"""The core market data endpoints against a real server over a real socket.

Shapes are compared as JSON text, so key order and string-vs-number types are checked along
with the values. Where Binance's docs are silent about an empty market (no trades, empty
books, no positions, no funding yet), these tests pin the sandbox's choice:
- prices are "0" at the instrument's pricePrecision ("0.00" for BTCUSDT), quantities "0" at its
  quantityPrecision ("0.000"); the 24h quote volume prints at pricePrecision, as Binance's does;
- a 24h ticker without trades has firstId = lastId = -1 and count 0 (Binance's spot answer for
  a window without trades); its window opens on the minute 24 h ago and closes now;
- bookTicker keeps the live 2026 `lastUpdateId` (the docs example predates it);
- lastUpdateId is the exchange's sequence number; T / time the exchange time of the last
  command; premiumIndex `time` the time of the last index price change;
- a delivery contract's premiumIndex has lastFundingRate = interestRate = "" and
  nextFundingTime 0 (what Binance answers for quarterlies, documented for COIN-M);
- exchangeInfo assets are all marginAvailable with autoAssetExchange "0" (Multi-Assets mode
  is not simulated); fundingInfo lists every perpetual with its configured cap/floor (BTCUSDT's
  ±0.3 % as Binance's live answer).
"""

import json
import time
from typing import Any

import httpx
import pytest

from binance_sandbox.config.times import parse_instant_ms
from binance_sandbox.core.mark_price import next_funding_time
from tests.conftest import ServerFactory
from tests.support.server import SandboxServer

START = "2026-03-01T00:00:00Z"
T0 = parse_instant_ms(START)  # a funding time: 2026-03-01 00:00 UTC
MINUTE = 60_000
HOUR = 60 * MINUTE
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
MANUAL = f'[clock]\nmode = "manual"\nstart = "{START}"\n'
# XRPUSDT without a position control side: its POSITION_RISK_CONTROL filter is not published.
CONFIG = MANUAL + (
    "[limits]\nrequest_weight_per_minute = 6000\n"
    '[instruments.XRPUSDT]\nposition_control_side = ""\n'
)
# BTCUSDT's index moves only when a test sets it; other symbols tick once a minute.
INDEX_PATH = MANUAL + (
    '[prices]\ninterval_ms = 60000\n[prices.pairs.BTCUSDT]\nsource = "fixed"\nprice = "77000"\n'
)

# The live BTCUSDT entry of 2026-09-15 (samples/live_fapi_2026-09-15_secondary.json).
LIVE_BTCUSDT = {
    "symbol": "BTCUSDT", "pair": "BTCUSDT", "contractType": "PERPETUAL",
    "deliveryDate": 4133404800000, "onboardDate": 1567965300000, "status": "TRADING",
    "maintMarginPercent": "2.5000", "requiredMarginPercent": "5.0000", "baseAsset": "BTC",
    "quoteAsset": "USDT", "marginAsset": "USDT", "pricePrecision": 2, "quantityPrecision": 3,
    "baseAssetPrecision": 8, "quotePrecision": 8, "underlyingType": "COIN",
    "underlyingSubType": ["PoW", "Crypto"], "triggerProtect": "0.0500",
    "liquidationFee": "0.012500", "marketTakeBound": "0.05", "maxMoveOrderLimit": 10000,
    "filters": [
        {"filterType": "PRICE_FILTER", "minPrice": "556.80", "maxPrice": "4529764",
         "tickSize": "0.10"},
        {"filterType": "LOT_SIZE", "minQty": "0.001", "stepSize": "0.001", "maxQty": "1000"},
        {"stepSize": "0.001", "filterType": "MARKET_LOT_SIZE", "minQty": "0.001",
         "maxQty": "120"},
        {"limit": 200, "filterType": "MAX_NUM_ORDERS"},
        {"filterType": "MIN_NOTIONAL", "notional": "50"},
        {"multiplierUp": "1.0500", "multiplierDecimal": "4", "filterType": "PERCENT_PRICE",
         "multiplierDown": "0.9500"},
        {"positionControlSide": "NONE", "filterType": "POSITION_RISK_CONTROL"},
    ],
    "orderTypes": ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT",
                   "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"],
    "timeInForce": ["GTC", "IOC", "FOK", "GTX", "GTD"],
    "permissionSets": ["GRID", "COPY", "DCA", "PSB"],
}  # fmt: skip
SYMBOLS = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "BTCUSDT_261225"]
PERPETUALS = SYMBOLS[:-1]


@pytest.fixture
def server(make_server: ServerFactory) -> SandboxServer:
    return make_server("data", CONFIG).start()


def get(
    server: SandboxServer, path: str, headers: dict[str, str] | None = None, **params: Any
) -> Any:
    answer = httpx.get(server.url + path, params=params, headers=headers, timeout=30.0)
    assert answer.status_code == 200, answer.text
    return answer.json()


def as_json(value: Any) -> str:
    """Key order and types included: {"a": "1"} and {"a": 1} differ, as do reordered keys."""
    return json.dumps(value)


def demo_key(server: SandboxServer) -> dict[str, str]:
    [demo] = server.call("GET", "/accounts")
    return {"X-MBX-APIKEY": demo["apiKeys"][0]["apiKey"]}


def test_exchange_info_has_the_live_layout(server: SandboxServer) -> None:
    info = get(server, "/fapi/v1/exchangeInfo", symbol="ETHUSDT")  # symbol is ignored
    assert list(info) == [
        "timezone", "serverTime", "futuresType", "rateLimits", "exchangeFilters", "assets",
        "symbols",
    ]  # fmt: skip
    assert info["timezone"] == "UTC"
    assert info["serverTime"] == T0
    assert info["futuresType"] == "U_MARGINED"
    assert as_json(info["rateLimits"]) == as_json(  # the configured limits
        [
            {
                "rateLimitType": "REQUEST_WEIGHT",
                "interval": "MINUTE",
                "intervalNum": 1,
                "limit": 6000,
            },
            {"rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": 1200},
            {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 300},
        ]
    )
    assert info["exchangeFilters"] == []
    assert as_json(info["assets"][0]) == as_json(
        {"asset": "USDT", "marginAvailable": True, "autoAssetExchange": "0"}
    )
    assert [a["asset"] for a in info["assets"]] == [
        "USDT", "USDC", "BTC", "ETH", "BNB", "FDUSD", "BFUSD",
    ]  # fmt: skip
    symbols = {s["symbol"]: s for s in info["symbols"]}
    assert list(symbols) == SYMBOLS
    assert as_json(symbols["BTCUSDT"]) == as_json(LIVE_BTCUSDT)

    def filter_types(symbol: str) -> list[str]:
        return [f["filterType"] for f in symbols[symbol]["filters"]]

    assert filter_types("ETHUSDT") == [
        "PRICE_FILTER",
        "LOT_SIZE",
        "MARKET_LOT_SIZE",
        "MAX_NUM_ORDERS",
        "MIN_NOTIONAL",
        "PERCENT_PRICE",
        "POSITION_RISK_CONTROL",
    ]  # fmt: skip  (MAX_NUM_ALGO_ORDERS: removed by Binance on 2025-12-29)
    assert "POSITION_RISK_CONTROL" not in filter_types("XRPUSDT")
    quarterly = symbols["BTCUSDT_261225"]
    assert (quarterly["contractType"], quarterly["deliveryDate"]) == (
        "CURRENT_QUARTER",
        1798185600000,
    )


def test_an_empty_order_book(server: SandboxServer) -> None:
    book = get(server, "/fapi/v1/depth", symbol="BTCUSDT", limit=5)
    assert list(book) == ["lastUpdateId", "E", "T", "bids", "asks"]
    assert (book["E"], book["T"], book["bids"], book["asks"]) == (T0, T0, [], [])
    assert isinstance(book["lastUpdateId"], int)
    assert book["lastUpdateId"] > 0
    for limit in (10, 20, 50, 100, 500, 1000):
        assert get(server, "/fapi/v1/depth", symbol="BTCUSDT", limit=limit)["bids"] == []
    server.call("POST", "/clock/advance", {"by": "5s"})
    later = get(server, "/fapi/v1/depth", symbol="ETHUSDT")
    assert later["lastUpdateId"] > book["lastUpdateId"]
    assert (later["E"], later["T"]) == (T0 + 5000, T0 + 5000)

    top = get(server, "/fapi/v1/ticker/bookTicker", symbol="BTCUSDT")
    assert as_json(top) == as_json(
        {
            "symbol": "BTCUSDT", "bidPrice": "0.00", "bidQty": "0.000", "askPrice": "0.00",
            "askQty": "0.000", "time": T0 + 5000, "lastUpdateId": later["lastUpdateId"],
        }
    )  # fmt: skip
    tops = get(server, "/fapi/v1/ticker/bookTicker")
    assert [t["symbol"] for t in tops] == SYMBOLS
    sol = tops[SYMBOLS.index("SOLUSDT")]  # pricePrecision 4, quantityPrecision 0
    assert (sol["bidPrice"], sol["bidQty"]) == ("0.0000", "0")


def test_no_trades_before_the_first_match(server: SandboxServer) -> None:
    assert get(server, "/fapi/v1/trades", symbol="BTCUSDT", limit=1000) == []
    key = demo_key(server)
    assert get(server, "/fapi/v1/historicalTrades", key, symbol="BTCUSDT", fromId=1) == []
    keyless = httpx.get(server.url + "/fapi/v1/historicalTrades", params={"symbol": "BTCUSDT"})
    assert (keyless.status_code, keyless.json()["code"]) == (401, -2014)  # MARKET_DATA
    assert get(server, "/fapi/v1/aggTrades", symbol="BTCUSDT") == []
    # exactly one hour is accepted (ccxt sends endTime = since + 3600000)
    hour = {"startTime": T0 - HOUR, "endTime": T0}
    assert get(server, "/fapi/v1/aggTrades", symbol="BTCUSDT", **hour) == []


def test_tickers_and_open_interest_of_an_empty_market(server: SandboxServer) -> None:
    day = get(server, "/fapi/v1/ticker/24hr", symbol="BTCUSDT")
    assert as_json(day) == as_json(
        {
            "symbol": "BTCUSDT", "priceChange": "0.00", "priceChangePercent": "0.000",
            "weightedAvgPrice": "0.00", "lastPrice": "0.00", "lastQty": "0.000",
            "openPrice": "0.00", "highPrice": "0.00", "lowPrice": "0.00", "volume": "0.000",
            "quoteVolume": "0.00", "openTime": T0 - 24 * HOUR, "closeTime": T0,
            "firstId": -1, "lastId": -1, "count": 0,
        }
    )  # fmt: skip
    server.call("POST", "/clock/advance", {"by": "90s"})
    days = get(server, "/fapi/v1/ticker/24hr")
    assert [d["symbol"] for d in days] == SYMBOLS
    xrp = days[SYMBOLS.index("XRPUSDT")]  # the window opens on the minute
    assert (xrp["openTime"], xrp["closeTime"]) == (T0 - 24 * HOUR + MINUTE, T0 + 90_000)
    assert (xrp["lastPrice"], xrp["volume"]) == ("0.0000", "0.0")

    now = T0 + 90_000
    for path in ("/fapi/v1/ticker/price", "/fapi/v2/ticker/price"):
        one = get(server, path, symbol="BTCUSDT")
        assert as_json(one) == as_json({"symbol": "BTCUSDT", "price": "0.00", "time": now})
        prices = get(server, path)
        assert [p["price"] for p in prices] == ["0.00", "0.00", "0.000", "0.0000", "0.0000", "0.0"]

    interest = get(server, "/fapi/v1/openInterest", symbol="SOLUSDT")
    assert as_json(interest) == as_json({"openInterest": "0", "symbol": "SOLUSDT", "time": now})


def test_premium_index_and_funding(server: SandboxServer) -> None:
    mark = get(server, "/fapi/v1/premiumIndex", symbol="BTCUSDT")
    assert as_json(mark) == as_json(
        {
            "symbol": "BTCUSDT", "markPrice": "77000.00000000", "indexPrice": "77000.00000000",
            "estimatedSettlePrice": "77000.00000000", "lastFundingRate": "0.00010000",
            "interestRate": "0.00010000", "nextFundingTime": T0 + 8 * HOUR, "time": T0,
        }
    )  # fmt: skip
    # The quarterly shares its pair's index (BTCUSDT), as on Binance; no funding for it.
    quarterly = get(server, "/fapi/v1/premiumIndex", symbol="BTCUSDT_261225")
    assert as_json(quarterly) == as_json(
        {
            "symbol": "BTCUSDT_261225", "markPrice": "77000.00000000",
            "indexPrice": "77000.00000000", "estimatedSettlePrice": "77000.00000000",
            "lastFundingRate": "", "interestRate": "", "nextFundingTime": 0, "time": T0,
        }
    )  # fmt: skip

    # Setting the index through the quarterly's symbol sets the pair's, for both contracts.
    server.call("PUT", "/prices/BTCUSDT_261225", {"price": "78000.5"})
    server.call("PUT", "/prices/ETHUSDT", {"price": "3100.25"})
    marks = get(server, "/fapi/v1/premiumIndex")
    assert [m["symbol"] for m in marks] == SYMBOLS
    btc, eth, quarterly = marks[0], marks[1], marks[-1]
    assert eth["markPrice"] == eth["indexPrice"] == "3100.25000000"
    for mark in (btc, quarterly):
        prices = (mark["markPrice"], mark["indexPrice"], mark["estimatedSettlePrice"])
        assert prices == ("78000.50000000",) * 3

    assert get(server, "/fapi/v1/fundingRate") == []
    assert get(server, "/fapi/v1/fundingRate", symbol="BTCUSDT", startTime=T0, limit=1000) == []
    info = get(server, "/fapi/v1/fundingInfo", symbol="BTCUSDT")  # symbol is ignored
    assert [row["symbol"] for row in info] == PERPETUALS
    assert as_json(info[0]) == as_json(
        {
            "symbol": "BTCUSDT", "adjustedFundingRateCap": "0.00300000",
            "adjustedFundingRateFloor": "-0.00300000", "fundingIntervalHours": 8,
            "disclaimer": False, "updateTime": 1567965300000,
        }
    )  # fmt: skip


@pytest.mark.parametrize(
    ("now", "expected"),
    [(T0, T0 + 8 * HOUR), (T0 + 1, T0 + 8 * HOUR), (T0 + 8 * HOUR - 1, T0 + 8 * HOUR),
     (T0 + 8 * HOUR, T0 + 16 * HOUR), (T0 + 23 * HOUR, T0 + 24 * HOUR)],
)  # fmt: skip
def test_next_funding_time_is_the_next_00_08_16_utc(now: int, expected: int) -> None:
    assert next_funding_time(now) == expected


def candle(opened: int, length: int, ohlc: tuple[str, str, str, str], ticks: int) -> list[Any]:
    prices = [f"{p}.00000000" for p in ohlc]
    return [opened, *prices, "0", opened + length - 1, "0", ticks, "0", "0", "0"]


def test_index_and_mark_klines_follow_the_index_path_and_survive_a_restart(
    make_server: ServerFactory,
) -> None:
    server = make_server("data", INDEX_PATH).start()
    server.call("PUT", "/prices/BTCUSDT", {"price": "77100"})  # T0 (77000 at genesis)
    server.call("POST", "/clock/advance", {"by": "20s"})
    server.call("PUT", "/prices/BTCUSDT", {"price": "76900"})
    server.call("POST", "/clock/advance", {"by": "40s"})
    server.call("PUT", "/prices/BTCUSDT", {"price": "77500"})  # T0 + 1m
    server.call("POST", "/clock/advance", {"by": "4m"})
    server.call("PUT", "/prices/BTCUSDT", {"price": "77200"})  # T0 + 5m
    server.call("POST", "/clock/advance", {"by": "90s"})
    server.call("PUT", "/prices/BTCUSDT", {"price": "77300"})  # T0 + 6m30s

    minutes = [
        candle(T0, MINUTE, ("77000", "77100", "76900", "76900"), 3),
        candle(T0 + MINUTE, MINUTE, ("77500",) * 4, 1),
        candle(T0 + 5 * MINUTE, MINUTE, ("77200",) * 4, 1),
        candle(T0 + 6 * MINUTE, MINUTE, ("77300",) * 4, 1),
    ]
    fives = [
        candle(T0, 5 * MINUTE, ("77000", "77500", "76900", "77500"), 4),
        candle(T0 + 5 * MINUTE, 5 * MINUTE, ("77200", "77300", "77200", "77300"), 2),
    ]
    hours = [candle(T0, HOUR, ("77000", "77500", "76900", "77300"), 6)]

    def index(interval: str, **window: int) -> Any:
        return get(server, "/fapi/v1/indexPriceKlines", pair="BTCUSDT", interval=interval, **window)

    def mark(interval: str) -> Any:
        return get(server, "/fapi/v1/markPriceKlines", symbol="BTCUSDT", interval=interval)

    assert as_json(index("1m")) == as_json(minutes)
    assert as_json(index("5m")) == as_json(fives)
    assert as_json(index("1h")) == as_json(hours)
    for interval in ("1m", "5m", "1h"):
        assert mark(interval) == index(interval)
    # Binance's windows: the latest `limit`; from startTime (the first opening at or after
    # it); up to endTime
    assert index("1m", limit=2) == minutes[-2:]
    assert index("1m", startTime=T0 + 30_000) == minutes[1:]
    assert index("1m", startTime=T0, limit=2) == minutes[:2]
    assert index("1m", endTime=T0 + 90_000) == minutes[:2]
    assert index("1m", endTime=T0 + 90_000, limit=1) == minutes[1:2]
    assert index("1m", startTime=T0 + 2 * MINUTE, endTime=T0 + 4 * MINUTE) == []
    assert index("1m", startTime=T0 + HOUR) == []  # after the present
    # any 64-bit timestamp is clipped to the present, without reaching the store unbounded
    assert index("1M", startTime=LONG_MAX) == index("1M", endTime=LONG_MIN) == []
    assert index("1h", startTime=LONG_MIN) == hours
    assert [row[:5] for row in index("1d", endTime=LONG_MAX)] == [hours[0][:5]]

    premium = get(server, "/fapi/v1/premiumIndexKlines", symbol="BTCUSDT", interval="5m")
    assert as_json(premium) == as_json([[row[0], *["0.00000000"] * 4, *row[5:]] for row in fives])
    # no trade yet: trade candles begin with a symbol's first trade (test_market_tape.py)
    assert get(server, "/fapi/v1/klines", symbol="BTCUSDT", interval="1m") == []
    continuous = {"pair": "BTCUSDT", "contractType": "PERPETUAL", "interval": "1m"}
    assert get(server, "/fapi/v1/continuousKlines", **continuous) == []

    server.stop()
    server.start()
    assert as_json(index("1m")) == as_json(minutes)
    assert as_json(index("5m")) == as_json(fives)
    assert mark("1h") == hours


def used_weight(answer: httpx.Response) -> int:
    return int(answer.headers["x-mbx-used-weight-1m"])


def weight_of(server: SandboxServer, path: str, params: dict[str, Any], key: dict[str, str]) -> int:
    """The difference in used weight between two identical calls in one wall-clock minute."""
    with httpx.Client(base_url=server.url, headers=key, timeout=30.0) as client:
        for _ in range(3):
            minute = time.time() // 60
            first, second = client.get(path, params=params), client.get(path, params=params)
            assert second.status_code == 200, second.text
            if time.time() // 60 == minute:
                return used_weight(second) - used_weight(first)
    raise AssertionError("the minute window turned over three times")


BTC = {"symbol": "BTCUSDT"}
CONTINUOUS = {"pair": "BTCUSDT", "contractType": "PERPETUAL", "interval": "1h"}
KLINE_LIMIT_WEIGHTS = [(1, 1), (99, 1), (100, 2), (499, 2), (500, 5), (1000, 5), (1001, 10)]
WEIGHTS = [
    ("/fapi/v1/exchangeInfo", {}, 1),
    ("/fapi/v1/depth", BTC, 10),
    *[("/fapi/v1/depth", {**BTC, "limit": n}, 2) for n in (5, 10, 20, 50)],
    ("/fapi/v1/depth", {**BTC, "limit": 100}, 5),
    ("/fapi/v1/depth", {**BTC, "limit": 500}, 10),
    ("/fapi/v1/depth", {**BTC, "limit": 1000}, 20),
    ("/fapi/v1/trades", BTC, 5),
    ("/fapi/v1/historicalTrades", BTC, 200),
    ("/fapi/v1/aggTrades", BTC, 20),
    ("/fapi/v1/klines", {**BTC, "interval": "1m"}, 5),
    *[
        ("/fapi/v1/klines", {**BTC, "interval": "1m", "limit": n}, w)
        for n, w in KLINE_LIMIT_WEIGHTS
    ],
    ("/fapi/v1/continuousKlines", CONTINUOUS, 5),
    ("/fapi/v1/indexPriceKlines", {"pair": "BTCUSDT", "interval": "1m", "limit": 99}, 1),
    ("/fapi/v1/markPriceKlines", {**BTC, "interval": "1m", "limit": 100}, 2),
    ("/fapi/v1/premiumIndexKlines", {**BTC, "interval": "1m", "limit": 1001}, 10),
    ("/fapi/v1/premiumIndex", BTC, 1),
    ("/fapi/v1/premiumIndex", {}, 10),
    ("/fapi/v1/fundingRate", {}, 0),
    ("/fapi/v1/fundingInfo", {}, 0),
    ("/fapi/v1/ticker/24hr", BTC, 1),
    ("/fapi/v1/ticker/24hr", {}, 40),
    ("/fapi/v1/ticker/price", BTC, 1),
    ("/fapi/v1/ticker/price", {}, 2),
    ("/fapi/v2/ticker/price", BTC, 1),
    ("/fapi/v2/ticker/price", {}, 2),
    ("/fapi/v1/ticker/bookTicker", BTC, 2),
    ("/fapi/v1/ticker/bookTicker", {}, 5),
    ("/fapi/v1/openInterest", BTC, 1),
]


def test_weights_as_documented(server: SandboxServer) -> None:
    key = demo_key(server)
    measured = [(path, params, weight_of(server, path, params, key)) for path, params, _ in WEIGHTS]
    assert measured == WEIGHTS


LIMIT_INVALID = "Data sent for parameter 'limit' is not valid."
BAD_SYMBOL = "Invalid symbol."
BACKWARDS = {"startTime": T0, "endTime": T0 - 1}
START_AFTER_END = "Start time is greater than end time."
MINUTES = {"interval": "1m"}
SYMBOL_PATHS = [
    ("/fapi/v1/depth", {}),
    ("/fapi/v1/trades", {}),
    ("/fapi/v1/historicalTrades", {}),
    ("/fapi/v1/aggTrades", {}),
    ("/fapi/v1/klines", MINUTES),
    ("/fapi/v1/markPriceKlines", MINUTES),
    ("/fapi/v1/premiumIndexKlines", MINUTES),
    ("/fapi/v1/premiumIndex", {}),
    ("/fapi/v1/fundingRate", {}),
    ("/fapi/v1/ticker/price", {}),
    ("/fapi/v2/ticker/price", {}),
    ("/fapi/v1/ticker/bookTicker", {}),
    ("/fapi/v1/openInterest", {}),
]
PAIR_PATHS = [
    ("/fapi/v1/indexPriceKlines", MINUTES),
    ("/fapi/v1/continuousKlines", {**MINUTES, "contractType": "PERPETUAL"}),
]
ERRORS = [
    # observed live on 2026-09-15
    ("/fapi/v1/klines", {**BTC, "interval": "1s"}, -1120, "Invalid interval."),
    ("/fapi/v1/klines", {**BTC, **MINUTES, "limit": 2000}, -1130, LIMIT_INVALID),
    ("/fapi/v1/depth", {**BTC, "limit": 3}, -4021, "3 is not valid depth limit"),
    ("/fapi/v1/aggTrades", {**BTC, "limit": 1001}, -1130, LIMIT_INVALID),
    ("/fapi/v1/ticker/24hr", {"symbol": "NOTAREALSYM"}, -1121, BAD_SYMBOL),
    # the same codes elsewhere
    *[
        (path, {**extra, "symbol": "NOTAREALSYM"}, -1121, BAD_SYMBOL)
        for path, extra in SYMBOL_PATHS
    ],
    *[(path, {**extra, "pair": "NOTAREALPAIR"}, -1121, BAD_SYMBOL) for path, extra in PAIR_PATHS],
    ("/fapi/v1/indexPriceKlines", {**MINUTES, "pair": "BTCUSDT_261225"}, -1121, BAD_SYMBOL),
    ("/fapi/v1/historicalTrades", {**BTC, "limit": 501}, -1130, LIMIT_INVALID),
    ("/fapi/v1/trades", {**BTC, "limit": 0}, -1130, LIMIT_INVALID),
    ("/fapi/v1/fundingRate", {"limit": 1001}, -1130, LIMIT_INVALID),
    (
        "/fapi/v1/continuousKlines",
        {**CONTINUOUS, "contractType": "WEEKLY"},
        -1130,
        "Data sent for parameter 'contractType' is not valid.",
    ),
    ("/fapi/v1/markPriceKlines", {**BTC, "interval": "2m"}, -1120, "Invalid interval."),
    ("/fapi/v1/klines", {**BTC, **MINUTES, **BACKWARDS}, -1023, START_AFTER_END),
    (
        "/fapi/v1/indexPriceKlines",
        {**MINUTES, "pair": "BTCUSDT", **BACKWARDS},
        -1023,
        START_AFTER_END,
    ),
    ("/fapi/v1/fundingRate", BACKWARDS, -1023, START_AFTER_END),
    (
        "/fapi/v1/aggTrades",
        {**BTC, "startTime": T0, "endTime": T0 + HOUR + 1},
        -1127,
        "More than 1 hours between startTime and endTime.",
    ),
    (
        "/fapi/v1/depth",
        {},
        -1102,
        "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    ),
]


def test_errors_as_binance_answers_them(server: SandboxServer) -> None:
    key = demo_key(server)
    with httpx.Client(base_url=server.url, headers=key, timeout=30.0) as client:
        answered = [
            (path, params, client.get(path, params=params)) for path, params, _, _ in ERRORS
        ]
    assert [(path, params, a.status_code, a.json()) for path, params, a in answered] == [
        (path, params, 400, {"code": code, "msg": msg}) for path, params, code, msg in ERRORS
    ]
