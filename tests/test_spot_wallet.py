"""The spot calls ccxt makes first, against a real server: GET /sapi/v1/capital/config/getall
and GET /sapi/v1/margin/allPairs.

Spec: Binance wallet docs "All Coins' Information (USER_DATA)" (weight 10, SIGNED; field set
and order of the current response example; the older OpenAPI schema in
shared/reference/binance/openapi/spot_api.yaml lists the same required fields), the same
schema's "Get All Cross Margin Pairs (MARKET_DATA)" (weight 1), and
shared/reference/clients/README.md: ccxt with API keys and default options calls both inside
`load_markets` (`fetch_currencies`, with `fetchMargins` on by default), which fails if they fail.
"""

from collections.abc import Iterator
from typing import Any

import ccxt
import httpx
import pytest

from binance_sandbox.testing.clients import rebase
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, now_ms, query, signed_query
from tests.test_market_extra import weight_of

PATH = "/sapi/v1/capital/config/getall"
ASSETS = ["USDT", "USDC", "BTC", "ETH", "BNB", "FDUSD", "BFUSD"]  # the default config's order
COIN_FIELDS = [
    ("coin", str), ("depositAllEnable", bool), ("withdrawAllEnable", bool), ("name", str),
    ("free", str), ("locked", str), ("freeze", str), ("withdrawing", str), ("ipoing", str),
    ("ipoable", str), ("storage", str), ("isLegalMoney", bool), ("trading", bool),
    ("networkList", list),
]  # fmt: skip
NETWORK_FIELDS = [
    ("network", str), ("coin", str), ("withdrawIntegerMultiple", str), ("isDefault", bool),
    ("depositEnable", bool), ("withdrawEnable", bool), ("depositDesc", str),
    ("withdrawDesc", str), ("specialTips", str), ("specialWithdrawTips", str), ("name", str),
    ("resetAddressStatus", bool), ("addressRegex", str), ("memoRegex", str),
    ("withdrawFee", str), ("withdrawMin", str), ("withdrawMax", str),
    ("withdrawInternalMin", str), ("depositDust", str), ("minConfirm", int),
    ("unLockConfirm", int), ("sameAddress", bool), ("withdrawTag", bool),
    ("estimatedArrivalTime", int), ("busy", bool),
]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    started = SandboxServer(tmp_path_factory.mktemp("spot_wallet") / "data").start()
    started.call("POST", "/accounts/demo/deposits", {"asset": "BTC", "amount": "0.5"})
    yield started
    started.stop()


@pytest.fixture(scope="module")
def credentials(server: SandboxServer) -> Credentials:
    return Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))


def get(server: SandboxServer, credentials: Credentials | None, target: str = "") -> httpx.Response:
    headers = credentials.headers if credentials else {}
    return httpx.get(f"{server.url}{PATH}?{target}", headers=headers, timeout=10.0)


def coins(server: SandboxServer, credentials: Credentials) -> list[dict[str, Any]]:
    response = get(server, credentials, signed_query(credentials))
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


def types_of(row: dict[str, Any]) -> list[tuple[str, type]]:
    return [(name, type(value)) for name, value in row.items()]


def test_one_coin_per_sandbox_asset_in_the_docs_shape(
    server: SandboxServer, credentials: Credentials
) -> None:
    rows = coins(server, credentials)
    assert [row["coin"] for row in rows] == ASSETS
    for row in rows:
        assert types_of(row) == COIN_FIELDS
        [network] = row["networkList"]
        assert types_of(network) == NETWORK_FIELDS
        assert network["coin"] == row["coin"]
        flags = ("isDefault", "depositEnable", "withdrawEnable")
        assert [network[flag] for flag in flags] == [True, True, True]
        flags = ("depositAllEnable", "withdrawAllEnable", "trading", "isLegalMoney")
        assert [row[flag] for flag in flags] == [True, True, True, False]


def test_free_is_the_accounts_balance(server: SandboxServer, credentials: Credentials) -> None:
    by_coin = {row["coin"]: row for row in coins(server, credentials)}
    assert by_coin["USDT"]["free"] == "10000"
    assert by_coin["BTC"]["free"] == "0.5"
    assert by_coin["ETH"]["free"] == "0"
    assert {by_coin["BTC"][name] for name in ("locked", "freeze", "withdrawing")} == {"0"}


def test_the_single_network(server: SandboxServer, credentials: Credentials) -> None:
    [network] = coins(server, credentials)[2]["networkList"]
    assert network == {
        "network": "SANDBOX",
        "coin": "BTC",
        "withdrawIntegerMultiple": "0.00000001",
        "isDefault": True,
        "depositEnable": True,
        "withdrawEnable": True,
        "depositDesc": "",
        "withdrawDesc": "",
        "specialTips": "",
        "specialWithdrawTips": "",
        "name": "binance-sandbox ledger",
        "resetAddressStatus": False,
        "addressRegex": "",
        "memoRegex": "",
        "withdrawFee": "0",
        "withdrawMin": "0.00000001",
        "withdrawMax": "9999999999.99999999",
        "withdrawInternalMin": "0.00000001",
        "depositDust": "0.00000001",
        "minConfirm": 0,
        "unLockConfirm": 0,
        "sameAddress": False,
        "withdrawTag": False,
        "estimatedArrivalTime": 0,
        "busy": False,
    }


def test_it_is_signed(server: SandboxServer, credentials: Credentials) -> None:
    def error(response: httpx.Response) -> tuple[int, int, str]:
        return response.status_code, response.json()["code"], response.json()["msg"]

    assert error(get(server, None)) == (401, -2014, "API-key format invalid.")
    unknown = Credentials("A" * 64, credentials.secret)
    assert error(get(server, unknown, signed_query(unknown)))[:2] == (401, -2015)
    unsigned = query([("timestamp", now_ms())])
    assert error(get(server, credentials, unsigned)) == (
        400,
        -1102,
        "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
    )
    forged = signed_query(Credentials(credentials.api_key, "not-the-secret"))
    assert error(get(server, credentials, forged)) == (
        400,
        -1022,
        "Signature for this request is not valid.",
    )


def test_weights(server: SandboxServer, credentials: Credentials) -> None:
    with httpx.Client(base_url=server.url, headers=credentials.headers, timeout=10.0) as client:
        assert weight_of(client, f"{PATH}?{signed_query(credentials)}") == 10
        assert weight_of(client, "/sapi/v1/margin/allPairs") == 1


def test_no_cross_margin_pairs(server: SandboxServer, credentials: Credentials) -> None:
    url = server.url + "/sapi/v1/margin/allPairs"
    response = httpx.get(url, headers=credentials.headers)
    assert (response.status_code, response.json()) == (200, [])
    response = httpx.get(url, params={"symbol": "BTCUSDT"}, headers=credentials.headers)
    assert (response.status_code, response.json()) == (
        400,
        {"code": -1121, "msg": "Invalid symbol."},
    )
    response = httpx.get(url)
    assert (response.status_code, response.json()["code"]) == (401, -2014)  # MARKET_DATA


@pytest.fixture
def exchange(server: SandboxServer, credentials: Credentials) -> ccxt.binanceusdm:
    client = ccxt.binanceusdm({"apiKey": credentials.api_key, "secret": credentials.secret})
    client.urls["api"] = rebase(client.urls["api"], server.url)
    return client


def test_ccxt_reads_the_currencies(exchange: ccxt.binanceusdm) -> None:
    currencies = exchange.fetch_currencies()
    assert list(currencies) == ASSETS
    btc = currencies["BTC"]
    assert btc["type"] == "crypto"
    assert btc["active"] is True
    assert btc["deposit"] is True
    assert btc["withdraw"] is True
    assert btc["precision"] == pytest.approx(1e-8)
    assert btc["fee"] == 0
    assert list(btc["networks"]) == ["SANDBOX"]


def test_ccxt_load_markets_with_default_options(exchange: ccxt.binanceusdm) -> None:
    markets = exchange.load_markets()
    assert "BTC/USDT:USDT" in markets
    assert exchange.currencies["USDT"]["networks"]["SANDBOX"]["withdraw"] is True
    assert exchange.currencies["BTC"]["info"]["free"] == "0.5"
