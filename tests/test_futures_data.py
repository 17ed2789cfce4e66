"""The /futures/data statistics against a real server: validation, security, weights, and the
basis series computed from the sandbox's price paths.

Spec: derivatives-docs/usds-margined-futures/market-data/rest-api/{Basis, Delivery-Price,
Long-Short-Ratio, Open-Interest-Statistics, Taker-BuySell-Volume, Top-Long-Short-Account-Ratio,
Top-Trader-Long-Short-Ratio}.md; API-SURFACE "Market data" (weight 0; the two top-trader ratios
are MARKET_DATA). The clock is manual: the exchange starts at 00:00 and runs an hour with the
BTCUSDT index at 77000.25, then an hour at 77700 (set through the quarterly's symbol, which
names its pair's index). The perpetual and the quarterly share that index and, until the risk
issue, their mark prices are it, so a basis is only the futures price's rounding to the
contract's pricePrecision: 0.05 for the quarterly (precision 1, half up) in the first hour.
"""

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest

from tests.support.server import SandboxServer
from tests.support.wire import get_error as error_of
from tests.support.wire import get_ok as ok
from tests.support.wire import mandatory
from tests.test_market_extra import weight_of

T0 = 1_772_323_200_000  # 2026-03-01T00:00:00Z
MINUTE = 60_000
CONFIG = """
[clock]
mode = "manual"
start = "2026-03-01T00:00:00Z"

[prices]
interval_ms = 60000

[prices.pairs.BTCUSDT]
source = "fixed"
price = "77000.25"
"""
SERIES = [
    "/futures/data/globalLongShortAccountRatio",
    "/futures/data/openInterestHist",
    "/futures/data/takerlongshortRatio",
    "/futures/data/topLongShortAccountRatio",
    "/futures/data/topLongShortPositionRatio",
]
MARKET_DATA = SERIES[3:]
BAD_SYMBOL = (-1121, "Invalid symbol.", 400)
START_AFTER_END = (-1023, "Start time is greater than end time.", 400)
BASIS = "/futures/data/basis"
BASIS_FIELDS = [
    ("indexPrice", str), ("contractType", str), ("basisRate", str), ("futuresPrice", str),
    ("annualizedBasisRate", str), ("basis", str), ("pair", str), ("timestamp", int),
]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    started = SandboxServer(tmp_path_factory.mktemp("futures_data") / "data", CONFIG).start()
    started.call("POST", "/clock/advance", {"by": "1h"})
    started.call("PUT", "/prices/BTCUSDT_261225", {"price": "77700"})  # BTCUSDT's index
    started.call("POST", "/clock/advance", {"by": "1h"})
    yield started
    started.stop()


@pytest.fixture(scope="module")
def api_key(server: SandboxServer) -> str:
    key: str = server.call("POST", "/accounts/demo/keys", {"type": "hmac"})["apiKey"]
    return key


@pytest.fixture
def client(server: SandboxServer, api_key: str) -> Iterator[httpx.Client]:
    headers = {"X-MBX-APIKEY": api_key}
    with httpx.Client(base_url=server.url, headers=headers, timeout=10.0) as opened:
        yield opened


def invalid(name: str) -> tuple[int, str, int]:
    return -1130, f"Data sent for parameter '{name}' is not valid.", 400


# --- the symbol series -----------------------------------------------------------------------

GOOD = {"symbol": "BTCUSDT", "period": "5m"}
SERIES_ERRORS = [
    ({"period": "5m"}, mandatory("symbol")),
    ({"symbol": "BTCUSDT"}, mandatory("period")),
    ({**GOOD, "period": "1m"}, invalid("period")),
    ({**GOOD, "period": "8h"}, invalid("period")),
    ({**GOOD, "period": "1H"}, invalid("period")),
    ({**GOOD, "limit": 0}, invalid("limit")),
    ({**GOOD, "limit": 501}, invalid("limit")),
    ({**GOOD, "limit": "ten"}, invalid("limit")),
    ({**GOOD, "endTime": "soon"}, invalid("endTime")),
    ({**GOOD, "startTime": T0 + 1, "endTime": T0}, START_AFTER_END),
    ({**GOOD, "symbol": "NOPEUSDT"}, BAD_SYMBOL),
]  # fmt: skip


@pytest.mark.parametrize("path", SERIES)
@pytest.mark.parametrize(("query", "expected"), SERIES_ERRORS)
def test_series_validation(
    client: httpx.Client, path: str, query: dict[str, Any], expected: tuple[int, str, int]
) -> None:
    assert error_of(client, path, **query) == expected


@pytest.mark.parametrize("path", SERIES)
@pytest.mark.parametrize(
    "query",
    [
        GOOD,
        {"symbol": "btcusdt_261225", "period": "1d", "limit": 500},
        {**GOOD, "startTime": T0, "endTime": T0},
        {**GOOD, "startTime": 0, "endTime": 2**63 - 1},  # past a long: -1130 (test_hardening)
    ],
)
def test_series_have_no_history_without_trading(
    client: httpx.Client, path: str, query: dict[str, Any]
) -> None:
    assert ok(client, path, **query) == []


@pytest.mark.parametrize("path", MARKET_DATA)
def test_top_trader_ratios_need_an_api_key(server: SandboxServer, path: str) -> None:
    url = server.url + path
    response = httpx.get(url, params=GOOD)
    assert (response.status_code, response.json()) == (
        401,
        {"code": -2014, "msg": "API-key format invalid."},
    )
    response = httpx.get(url, params=GOOD, headers={"X-MBX-APIKEY": "A" * 64})
    assert (response.status_code, response.json()["code"]) == (401, -2015)


@pytest.mark.parametrize("path", [*SERIES[:3], BASIS, "/futures/data/delivery-price"])
def test_the_others_are_public(server: SandboxServer, path: str) -> None:
    query = {**GOOD, "pair": "BTCUSDT", "contractType": "PERPETUAL"}
    response = httpx.get(server.url + path, params=query)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", [*SERIES, BASIS, "/futures/data/delivery-price"])
def test_statistics_weigh_nothing(client: httpx.Client, path: str) -> None:
    query = {**GOOD, "pair": "BTCUSDT", "contractType": "CURRENT_QUARTER"}
    assert weight_of(client, path, **query) == 0


# --- delivery-price --------------------------------------------------------------------------


def test_delivery_price_is_empty_until_delivery_is_simulated(client: httpx.Client) -> None:
    path = "/futures/data/delivery-price"
    assert ok(client, path, pair="BTCUSDT") == []
    assert error_of(client, path) == mandatory("pair")
    assert error_of(client, path, pair="NOPEUSDT") == BAD_SYMBOL
    assert error_of(client, path, pair="BTCUSDT_261225") == BAD_SYMBOL  # a symbol, not a pair


# --- basis -----------------------------------------------------------------------------------

BASIS_GOOD = {"pair": "BTCUSDT", "contractType": "CURRENT_QUARTER", "period": "15m"}


def quarter(time: int) -> dict[str, Any]:
    """The expected CURRENT_QUARTER row at a snapshot time: the futures price is the BTCUSDT
    index at pricePrecision 1, half up, so the basis is that rounding and its rates round to 0."""
    index, futures, basis = ("77000.25000000", "77000.3", "0.05000000")
    if time > at(60):
        index, futures, basis = ("77700.00000000", "77700.0", "0.00000000")
    return {
        "indexPrice": index,
        "contractType": "CURRENT_QUARTER",
        "basisRate": "0.0000",
        "futuresPrice": futures,
        "annualizedBasisRate": "0.0000",
        "basis": basis,
        "pair": "BTCUSDT",
        "timestamp": time,
    }


def at(minutes: int) -> int:
    return T0 + minutes * MINUTE


def snapshots(first: int, last: int, step: int = 15) -> list[int]:
    """Snapshot times from minute `first` to minute `last` of the run, every `step` minutes."""
    return [at(minutes) for minutes in range(first, last + 1, step)]


def test_basis_rows_follow_the_docs_shape(client: httpx.Client) -> None:
    rows = ok(client, BASIS, **BASIS_GOOD)
    for row in rows:
        assert [(name, type(value)) for name, value in row.items()] == BASIS_FIELDS
        futures, index = Decimal(row["futuresPrice"]), Decimal(row["indexPrice"])
        assert Decimal(row["basis"]) == futures - index
        assert futures == index.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    # Snapshots on the 15-minute grid; 00:00 has no price before it.
    assert rows == [quarter(t) for t in snapshots(15, 120)]


@pytest.mark.parametrize(
    ("query", "times"),
    [
        ({"limit": 3}, snapshots(90, 120)),
        ({"startTime": 0, "limit": 2}, snapshots(15, 30)),
        ({"startTime": at(60), "limit": 2}, snapshots(60, 75)),
        ({"endTime": at(50)}, snapshots(15, 45)),
        ({"startTime": at(20), "endTime": at(50)}, snapshots(30, 45)),
        ({"endTime": 2**63 - 1}, snapshots(15, 120)),
        ({"startTime": at(-40 * 24 * 60)}, snapshots(15, 120)),  # Binance keeps 30 days
        ({"endTime": at(-1)}, []),
        ({"period": "1h"}, snapshots(60, 120, 60)),
        ({"period": "1d"}, []),  # the one daily snapshot, 00:00, precedes every price
    ],
)
def test_basis_window(client: httpx.Client, query: dict[str, Any], times: list[int]) -> None:
    rows = ok(client, BASIS, **{**BASIS_GOOD, **query})
    assert rows == [quarter(t) for t in times]


def test_perpetual_basis_is_zero_and_has_no_annualized_rate(client: httpx.Client) -> None:
    query = {**BASIS_GOOD, "contractType": "PERPETUAL", "startTime": at(60), "limit": 2}
    rows = ok(client, BASIS, **query)
    assert rows == [
        {
            "indexPrice": index,
            "contractType": "PERPETUAL",
            "basisRate": "0.0000",
            "futuresPrice": futures,  # the index at pricePrecision 2: no rounding left
            "annualizedBasisRate": "",
            "basis": "0.00000000",
            "pair": "BTCUSDT",
            "timestamp": time,
        }
        for index, futures, time in [
            ("77000.25000000", "77000.25", at(60)),
            ("77700.00000000", "77700.00", at(75)),
        ]
    ]
    [latest] = ok(client, BASIS, **{**BASIS_GOOD, "contractType": "PERPETUAL", "limit": 1})
    assert (latest["timestamp"], latest["futuresPrice"]) == (at(120), "77700.00")


def test_no_next_quarter_listed(client: httpx.Client) -> None:
    assert ok(client, BASIS, **{**BASIS_GOOD, "contractType": "NEXT_QUARTER"}) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"contractType": "PERPETUAL", "period": "5m"}, mandatory("pair")),
        ({"pair": "BTCUSDT", "period": "5m"}, mandatory("contractType")),
        ({"pair": "BTCUSDT", "contractType": "PERPETUAL"}, mandatory("period")),
        ({**BASIS_GOOD, "contractType": "QUARTER"}, invalid("contractType")),
        ({**BASIS_GOOD, "period": "3m"}, invalid("period")),
        ({**BASIS_GOOD, "limit": 501}, invalid("limit")),
        ({**BASIS_GOOD, "startTime": T0 + 1, "endTime": T0}, START_AFTER_END),
        ({**BASIS_GOOD, "pair": "NOPEUSDT"}, BAD_SYMBOL),
        ({**BASIS_GOOD, "pair": "BTCUSDT_261225"}, BAD_SYMBOL),
    ],
)  # fmt: skip
def test_basis_validation(
    client: httpx.Client, query: dict[str, Any], expected: tuple[int, str, int]
) -> None:
    assert error_of(client, BASIS, **query) == expected
