"""The rest of the market-data group, against a real server: constituents, assetIndex, indexInfo,
insuranceBalance, rpiDepth, symbolAdlRisk and tradingSchedule.

Spec: derivatives-docs/usds-margined-futures/market-data/rest-api/{Index-Constituents,
Multi-Assets-Mode-Asset-Index, Composite-Index-Symbol-Information, Insurance-Fund-Balance,
Order-Book-RPI, ADL-Risk, Trading-Schedule}.md and API-SURFACE "Market data" (weights). Field
names, their order and their JSON types follow the docs' response examples. The clock is manual
and prices are fixed, so every number is pinned; XRPUSDT sits at the docs' asset-index example
(1.92957370) so the rates must come out as the docs print them.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.server import SandboxServer
from tests.support.wire import get_error as error_of
from tests.support.wire import get_ok as ok
from tests.support.wire import mandatory

START_MS = 1_772_325_600_000  # 2026-03-01T00:40:00Z: 10 min past the half hour
HALF_HOUR_MS = 1_772_325_000_000  # 00:30
HOUR_MS = 1_772_323_200_000  # 00:00
CONFIG = """
[clock]
mode = "manual"
start = "2026-03-01T00:40:00Z"

[exchange]
assets = ["USDT", "USDC", "BTC", "ETH", "BNB", "XRP"]

[prices.pairs.BTCUSDT]
source = "fixed"
price = "77000"

[prices.pairs.ETHUSDT]
source = "fixed"
price = "2900.5"

[prices.pairs.BNBUSDT]
source = "fixed"
price = "650"

[prices.pairs.XRPUSDT]
source = "fixed"
price = "1.9295737"
"""
SYMBOLS = ["BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "BTCUSDT_261225"]
BAD_SYMBOL = (-1121, "Invalid symbol.", 400)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    started = SandboxServer(tmp_path_factory.mktemp("market_extra") / "data", CONFIG).start()
    yield started
    started.stop()


@pytest.fixture
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10.0) as opened:
        yield opened


def weight_of(client: httpx.Client, path: str, **query: Any) -> int:
    """The request weight one call adds to x-mbx-used-weight-1m (also across a minute turn)."""
    before = int(client.get("/fapi/v1/time").headers["x-mbx-used-weight-1m"])
    after = int(client.get(path, params=query).headers["x-mbx-used-weight-1m"])
    return after - before if after >= before else after


def types_of(row: dict[str, Any]) -> list[tuple[str, type]]:
    return [(name, type(value)) for name, value in row.items()]


# --- /fapi/v1/constituents -------------------------------------------------------------------


def test_constituents_is_the_sandbox_itself_with_weight_one(client: httpx.Client) -> None:
    body = ok(client, "/fapi/v1/constituents", symbol="BTCUSDT")
    assert types_of(body) == [("symbol", str), ("time", int), ("constituents", list)]
    assert body["symbol"] == "BTCUSDT"
    assert body["time"] == START_MS
    [member] = body["constituents"]
    assert types_of(member) == [("exchange", str), ("symbol", str), ("price", str), ("weight", str)]
    assert member == {
        "exchange": "binance",
        "symbol": "BTCUSDT",
        "price": "77000.00000000",
        "weight": "1.00000000",
    }


def test_a_quarterly_shares_its_pairs_index_as_in_premium_index(client: httpx.Client) -> None:
    body = ok(client, "/fapi/v1/constituents", symbol="btcusdt_261225")
    assert (body["symbol"], body["time"]) == ("BTCUSDT_261225", START_MS)
    [member] = body["constituents"]
    assert member == {
        "exchange": "binance",
        "symbol": "BTCUSDT",  # the pair, whose index the perpetual and the quarterly share
        "price": "77000.00000000",
        "weight": "1.00000000",
    }
    quarterly = ok(client, "/fapi/v1/premiumIndex", symbol="BTCUSDT_261225")
    assert quarterly["indexPrice"] == member["price"]
    assert ok(client, "/fapi/v1/constituents", symbol="BTCUSDT")["constituents"] == [member]


def test_constituents_errors_and_weight(client: httpx.Client) -> None:
    assert error_of(client, "/fapi/v1/constituents") == mandatory("symbol")
    assert error_of(client, "/fapi/v1/constituents", symbol="NOPEUSDT") == BAD_SYMBOL
    assert weight_of(client, "/fapi/v1/constituents", symbol="BTCUSDT") == 2


# --- /fapi/v1/assetIndex ---------------------------------------------------------------------

ASSET_INDEX_FIELDS = [
    "symbol", "time", "index", "bidBuffer", "askBuffer", "bidRate", "askRate",
    "autoExchangeBidBuffer", "autoExchangeAskBuffer", "autoExchangeBidRate", "autoExchangeAskRate",
]  # fmt: skip


def test_asset_index_lists_the_assets_with_a_usdt_perpetual(client: httpx.Client) -> None:
    rows = ok(client, "/fapi/v1/assetIndex")
    # USDT and USDC have no USDT perpetual; SOL has one but is not a sandbox asset.
    assert [row["symbol"] for row in rows] == ["BTCUSD", "ETHUSD", "BNBUSD", "XRPUSD"]
    for row in rows:
        assert list(row) == ASSET_INDEX_FIELDS
        assert type(row["time"]) is int
        assert all(type(row[name]) is str for name in ASSET_INDEX_FIELDS if name != "time")
    assert rows[1]["index"] == "2900.50000000"
    # Multi-Assets mode's haircuts (core/collateral.py): 5 % on BTC, ETH and BNB
    assert {row["bidBuffer"] for row in rows[:3]} == {"0.05000000"}


def test_asset_index_rates_match_the_documented_example(client: httpx.Client) -> None:
    row = ok(client, "/fapi/v1/assetIndex", symbol="XRPUSD")
    assert row == {  # the docs' ADAUSD example, number for number (rates truncated)
        "symbol": "XRPUSD",
        "time": START_MS,
        "index": "1.92957370",
        "bidBuffer": "0.10000000",
        "askBuffer": "0.10000000",
        "bidRate": "1.73661633",
        "askRate": "2.12253107",
        "autoExchangeBidBuffer": "0.05000000",
        "autoExchangeAskBuffer": "0.05000000",
        "autoExchangeBidRate": "1.83309501",
        "autoExchangeAskRate": "2.02605238",
    }


@pytest.mark.parametrize("symbol", ["USDTUSD", "SOLUSD", "BTCUSDT"])
def test_asset_index_refuses_other_symbols(client: httpx.Client, symbol: str) -> None:
    assert error_of(client, "/fapi/v1/assetIndex", symbol=symbol) == BAD_SYMBOL


def test_asset_index_weight(client: httpx.Client) -> None:
    assert weight_of(client, "/fapi/v1/assetIndex", symbol="BTCUSD") == 1
    assert weight_of(client, "/fapi/v1/assetIndex") == 10


# --- /fapi/v1/indexInfo ----------------------------------------------------------------------


def test_no_composite_indices(client: httpx.Client) -> None:
    assert ok(client, "/fapi/v1/indexInfo") == []
    assert ok(client, "/fapi/v1/indexInfo", symbol="BTCUSDT") == []
    assert error_of(client, "/fapi/v1/indexInfo", symbol="DEFIUSDT") == BAD_SYMBOL
    assert weight_of(client, "/fapi/v1/indexInfo") == 1


# --- /fapi/v1/insuranceBalance ---------------------------------------------------------------


def test_insurance_fund_is_empty_and_covers_every_symbol(client: httpx.Client) -> None:
    fund = ok(client, "/fapi/v1/insuranceBalance", symbol="ETHUSDT")
    assert types_of(fund) == [("symbols", list), ("assets", list)]
    assert fund["symbols"] == sorted(SYMBOLS)
    [usdt] = fund["assets"]
    assert types_of(usdt) == [("asset", str), ("marginBalance", str), ("updateTime", int)]
    assert usdt == {"asset": "USDT", "marginBalance": "0", "updateTime": HOUR_MS}
    assert ok(client, "/fapi/v1/insuranceBalance") == [fund]


def test_insurance_errors_and_weight(client: httpx.Client) -> None:
    assert error_of(client, "/fapi/v1/insuranceBalance", symbol="NOPEUSDT") == BAD_SYMBOL
    assert weight_of(client, "/fapi/v1/insuranceBalance") == 1
    assert weight_of(client, "/fapi/v1/insuranceBalance", symbol="BTCUSDT") == 1


# --- /fapi/v1/rpiDepth -----------------------------------------------------------------------


def test_rpi_book_is_empty(client: httpx.Client) -> None:
    book = ok(client, "/fapi/v1/rpiDepth", symbol="BTCUSDT")
    assert types_of(book) == [
        ("lastUpdateId", int), ("E", int), ("T", int), ("bids", list), ("asks", list),
    ]  # fmt: skip
    assert book["bids"] == book["asks"] == []
    assert book["lastUpdateId"] > 0
    assert book["T"] <= book["E"] == START_MS
    assert ok(client, "/fapi/v1/rpiDepth", symbol="BTCUSDT", limit=1000)["bids"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, mandatory("symbol")),
        ({"symbol": "NOPEUSDT"}, BAD_SYMBOL),
        ({"symbol": "BTCUSDT", "limit": 500}, (-4021, "500 is not valid depth limit", 400)),
        ({"symbol": "BTCUSDT", "limit": 5}, (-4021, "5 is not valid depth limit", 400)),
        (
            {"symbol": "BTCUSDT", "limit": "many"},
            (-1130, "Data sent for parameter 'limit' is not valid.", 400),
        ),
    ],
)
def test_rpi_depth_errors(
    client: httpx.Client, query: dict[str, Any], expected: tuple[int, str, int]
) -> None:
    assert error_of(client, "/fapi/v1/rpiDepth", **query) == expected


def test_rpi_depth_weight(client: httpx.Client) -> None:
    assert weight_of(client, "/fapi/v1/rpiDepth", symbol="BTCUSDT") == 20


# --- /fapi/v1/symbolAdlRisk ------------------------------------------------------------------


def test_adl_risk_is_low_without_positions(client: httpx.Client) -> None:
    row = ok(client, "/fapi/v1/symbolAdlRisk", symbol="BTCUSDT")
    assert types_of(row) == [("symbol", str), ("adlRisk", str), ("updateTime", int)]
    assert row == {"symbol": "BTCUSDT", "adlRisk": "low", "updateTime": HALF_HOUR_MS}
    rows = ok(client, "/fapi/v1/symbolAdlRisk")
    assert [r["symbol"] for r in rows] == SYMBOLS
    assert {r["adlRisk"] for r in rows} == {"low"}


def test_adl_risk_errors_and_weight(client: httpx.Client) -> None:
    assert error_of(client, "/fapi/v1/symbolAdlRisk", symbol="NOPEUSDT") == BAD_SYMBOL
    assert weight_of(client, "/fapi/v1/symbolAdlRisk") == 1
    assert weight_of(client, "/fapi/v1/symbolAdlRisk", symbol="BTCUSDT") == 1


# --- /fapi/v1/tradingSchedule ----------------------------------------------------------------


def test_trading_schedule_has_no_tradfi_markets(client: httpx.Client) -> None:
    body = ok(client, "/fapi/v1/tradingSchedule")
    assert body == {"updateTime": START_MS, "marketSchedules": {}}
    assert weight_of(client, "/fapi/v1/tradingSchedule") == 5


@pytest.mark.parametrize(
    "path",
    [
        "/fapi/v1/constituents?symbol=BTCUSDT",
        "/fapi/v1/assetIndex",
        "/fapi/v1/indexInfo",
        "/fapi/v1/insuranceBalance",
        "/fapi/v1/rpiDepth?symbol=BTCUSDT",
        "/fapi/v1/symbolAdlRisk",
        "/fapi/v1/tradingSchedule",
    ],
)
def test_public_endpoints_need_no_key(server: SandboxServer, path: str) -> None:
    """Security NONE: a key that is not even well-formed is not looked at."""
    response = httpx.get(server.url + path, headers={"X-MBX-APIKEY": "junk"})
    assert response.status_code == 200, response.text
