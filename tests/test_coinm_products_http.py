"""One server, two products, over a real socket: /fapi answers only for USDⓈ-M's instruments
(as before COIN-M was listed), /dapi only for COIN-M's, each refusing the other's symbols with
-1121; COIN-M's exchangeInfo shape; /futures/data answered by its parameters; each product's
request weight counted apart."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

USDM_PAIRS = {"BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT"}
COINM_PAIRS = {"BTCUSD", "ETHUSD"}
INVALID_SYMBOL = {"code": -1121, "msg": "Invalid symbol."}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("products")
    started = SandboxServer(root / "data").start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def usdm(server: SandboxServer) -> set[str]:
    """USDⓈ-M's symbols as /fapi/v1/exchangeInfo lists them (which quarters depends on the
    date: a year ahead, today's are delivered and later ones listed)."""
    return symbols(get(server, "/fapi/v1/exchangeInfo").json()["symbols"])


@pytest.fixture(scope="module")
def coinm(server: SandboxServer) -> set[str]:
    return symbols(get(server, "/dapi/v1/exchangeInfo").json()["symbols"])


@pytest.fixture(scope="module")
def coinm_trading(server: SandboxServer) -> set[str]:
    rows = get(server, "/dapi/v1/exchangeInfo").json()["symbols"]
    return {row["symbol"] for row in rows if row["contractStatus"] == "TRADING"}


@pytest.fixture(scope="module")
def trader(server: SandboxServer) -> Credentials:
    server.call("POST", "/accounts", {"name": "both"})
    for asset in ("USDT", "BTC"):
        server.call("POST", "/accounts/both/deposits", {"asset": asset, "amount": "100000"})
    coinm = {"asset": "BTC", "amount": "7", "product": "coinm"}  # the COIN-M futures wallet
    server.call("POST", "/accounts/both/deposits", coinm)
    return Credentials.from_admin(server.call("POST", "/accounts/both/keys", {"type": "hmac"}))


def get(server: SandboxServer, path: str, **params: Any) -> httpx.Response:
    return httpx.get(server.url + path, params=params)


def symbols(rows: list[dict[str, Any]]) -> set[str]:
    return {row["symbol"] for row in rows}


def test_each_product_counts_its_own_request_weight(server: SandboxServer) -> None:
    """First in the module: /dapi has spent 1 (this ping) while /fapi spent 60, unless a minute
    turned in between, which only lowers the counts."""
    for _ in range(3):
        heavy = get(server, "/fapi/v1/depth", symbol="BTCUSDT", limit=1000)  # weight 20
    ping = get(server, "/dapi/v1/ping")
    assert int(ping.headers["x-mbx-used-weight-1m"]) == 1
    assert int(heavy.headers["x-mbx-used-weight-1m"]) >= 20


def test_fapi_lists_usdm_instruments_only(server: SandboxServer, usdm: set[str]) -> None:
    info = get(server, "/fapi/v1/exchangeInfo").json()
    assert {s["pair"] for s in info["symbols"]} == USDM_PAIRS
    assert usdm >= USDM_PAIRS  # the perpetuals (symbol = pair) and the quarters
    assert info["futuresType"] == "U_MARGINED"
    for path in ("/fapi/v1/ticker/price", "/fapi/v1/ticker/24hr", "/fapi/v1/premiumIndex",
                 "/fapi/v1/ticker/bookTicker", "/fapi/v2/ticker/price"):  # fmt: skip
        assert symbols(get(server, path).json()) == usdm, path
    assert symbols(get(server, "/fapi/v1/fundingInfo").json()) <= usdm


def test_dapi_lists_coinm_instruments_in_coinm_shape(server: SandboxServer) -> None:
    info = get(server, "/dapi/v1/exchangeInfo").json()
    assert {s["pair"] for s in info["symbols"]} == COINM_PAIRS
    assert symbols(info["symbols"]) >= {"BTCUSD_PERP", "ETHUSD_PERP"}
    assert "futuresType" not in info
    assert "assets" not in info
    assert [(r["rateLimitType"], r["interval"], r["limit"]) for r in info["rateLimits"]] == [
        ("REQUEST_WEIGHT", "MINUTE", 2400),
        ("ORDERS", "MINUTE", 1200),
    ]
    perp = next(s for s in info["symbols"] if s["symbol"] == "BTCUSD_PERP")
    assert (perp["contractSize"], perp["marginAsset"], perp["contractStatus"]) == (
        100, "BTC", "TRADING"
    )  # fmt: skip
    assert perp["equalQtyPrecision"] == 4
    assert "MIN_NOTIONAL" not in {f["filterType"] for f in perp["filters"]}
    trading = [
        s["contractType"]
        for s in info["symbols"]
        if s["pair"] == "BTCUSD" and s["contractStatus"] == "TRADING"
    ]
    assert "PERPETUAL" in trading
    assert len(trading) >= 2  # a BTCUSD quarter trades, whatever the date


def test_coinm_tickers_are_lists_and_take_a_pair(server: SandboxServer, coinm: set[str]) -> None:
    one = get(server, "/dapi/v1/ticker/price", symbol="BTCUSD_PERP").json()
    assert [(row["symbol"], row["ps"]) for row in one] == [("BTCUSD_PERP", "BTCUSD")]
    pair = get(server, "/dapi/v1/premiumIndex", pair="BTCUSD").json()
    assert symbols(pair) == {s for s in coinm if s.startswith("BTCUSD_")}
    assert {row["pair"] for row in pair} == {"BTCUSD"}
    assert symbols(get(server, "/dapi/v1/ticker/24hr").json()) == coinm
    both = get(server, "/dapi/v1/ticker/price", symbol="BTCUSD_PERP", pair="BTCUSD")
    assert both.json()["code"] == -1128
    assert get(server, "/dapi/v1/ticker/price", pair="BTCUSDT").json() == INVALID_SYMBOL


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/depth", {}),
        ("/v1/trades", {}),
        ("/v1/klines", {"interval": "1m"}),
        ("/v1/markPriceKlines", {"interval": "1m"}),
        ("/v1/openInterest", {}),
        ("/v1/ticker/price", {}),
        ("/v1/premiumIndex", {}),
        ("/v1/fundingRate", {}),
    ],
)
def test_each_product_refuses_the_others_symbols(
    server: SandboxServer, path: str, params: dict[str, str]
) -> None:
    for api, symbol in (("/fapi", "BTCUSD_PERP"), ("/dapi", "BTCUSDT")):
        answer = get(server, api + path, symbol=symbol, **params)
        assert (answer.status_code, answer.json()) == (400, INVALID_SYMBOL), (api, path)
    pair = get(server, "/fapi/v1/indexPriceKlines", pair="BTCUSD", interval="1m")
    assert pair.json() == INVALID_SYMBOL


def test_signed_requests_refuse_the_others_symbols(
    server: SandboxServer, trader: Credentials
) -> None:
    order = {"side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "1"}
    for api, symbol in (("/fapi", "BTCUSD_PERP"), ("/dapi", "BTCUSDT")):
        placed = signed_request(
            server.url, trader, "POST", f"{api}/v1/order", symbol=symbol, price="70000", **order
        )
        assert placed.json() == INVALID_SYMBOL, api
        leverage = signed_request(
            server.url, trader, "POST", f"{api}/v1/leverage", symbol=symbol, leverage="5"
        )
        assert leverage.json() == INVALID_SYMBOL, api


def test_account_reads_show_their_product_only(
    server: SandboxServer,
    trader: Credentials,
    usdm: set[str],
    coinm: set[str],
    coinm_trading: set[str],
) -> None:
    def signed(path: str) -> Any:
        answer = signed_request(server.url, trader, "GET", path)
        assert answer.status_code == 200, answer.text
        return answer.json()

    assert symbols(signed("/fapi/v2/positionRisk")) == usdm
    assert symbols(signed("/fapi/v1/leverageBracket")) == usdm
    risk = signed("/dapi/v1/positionRisk")
    assert symbols(risk) == coinm_trading  # neither pair nor marginAsset: the TRADING ones
    for row in risk:  # COIN-M's fields: maxQty and notionalValue (in the coin), no notional
        assert {"maxQty", "notionalValue", "isolatedWallet"} <= row.keys()
        assert "notional" not in row
        assert "marginAsset" not in row
    assert symbols(signed("/dapi/v2/leverageBracket")) == coinm
    assert [row["pair"] for row in signed("/dapi/v1/leverageBracket")] == ["BTCUSD", "ETHUSD"]
    coins = signed("/dapi/v1/balance")
    assert [row["asset"] for row in coins] == ["BTC", "ETH"]  # no USDT row on COIN-M
    assert coins[0]["balance"] == "7.00000000"  # each product reads its own wallet
    fapi = {row["asset"]: row["balance"] for row in signed("/fapi/v2/balance")}
    assert fapi.get("BTC", "0.00000000") == "100000.00000000"
    account = signed("/dapi/v1/account")
    assert [row["asset"] for row in account["assets"]] == ["BTC", "ETH"]
    assert not any(key.startswith("total") for key in account)  # no USDT totals
    assert "totalWalletBalance" in signed("/fapi/v2/account")


def test_futures_data_answers_by_its_parameters(server: SandboxServer) -> None:
    """The /futures/data paths exist on both hosts: COIN-M's take `pair` (+ contractType),
    USDⓈ-M's `symbol`. The same path answers each by what it names."""
    window = {"period": "5m", "limit": 2}
    coinm = get(server, "/futures/data/openInterestHist", pair="BTCUSD", contractType="ALL",
                **window)  # fmt: skip
    usdm = get(server, "/futures/data/openInterestHist", symbol="BTCUSDT", **window)
    assert (coinm.status_code, usdm.status_code) == (200, 200)
    assert get(server, "/futures/data/takerBuySellVol", pair="BTCUSD", contractType="ALL",
               **window).status_code == 200  # fmt: skip
    # a USDⓈ-M pair sent COIN-M's way: COIN-M does not list it
    assert (
        get(
            server, "/futures/data/openInterestHist", pair="BTCUSDT", contractType="ALL", **window
        ).json()
        == INVALID_SYMBOL
    )
    # neither: USDⓈ-M's answer, as before COIN-M
    missing = get(server, "/futures/data/openInterestHist", **window).json()
    assert missing["code"] == -1102
    assert "'symbol'" in missing["msg"]


def test_openapi_documents_dapi(server: SandboxServer) -> None:
    paths = get(server, "/openapi.json").json()["paths"]
    assert {"get", "post", "put", "delete"} <= paths["/dapi/v1/order"].keys()
    assert "/dapi/v2/leverageBracket" in paths
    assert "/fapi/v1/order" in paths


def test_modify_order_on_coinm_keeps_what_is_not_sent(
    server: SandboxServer, trader: Credentials
) -> None:
    """PUT /dapi/v1/order: price or quantity may be left out (the order keeps its own);
    neither is -1102. STP mode and priceMatch are COIN-M order parameters too."""
    server.call("PUT", "/prices/BTCUSD_PERP", {"price": "77000"})
    placed = signed_request(
        server.url, trader, "POST", "/dapi/v1/order", symbol="BTCUSD_PERP", side="BUY",
        type="LIMIT", timeInForce="GTC", quantity="2", price="74690",
        selfTradePreventionMode="EXPIRE_BOTH",
    ).json()  # fmt: skip
    assert (placed["status"], placed["selfTradePreventionMode"]) == ("NEW", "EXPIRE_BOTH")
    common = {"symbol": "BTCUSD_PERP", "side": "BUY", "orderId": str(placed["orderId"])}

    def modify(**change: str) -> Any:
        return signed_request(server.url, trader, "PUT", "/dapi/v1/order", **common, **change)

    repriced = modify(price="74600").json()
    assert (repriced["price"], repriced["origQty"]) == ("74600.0", "2")
    resized = modify(quantity="3").json()
    assert (resized["price"], resized["origQty"]) == ("74600.0", "3")
    neither = modify()
    assert (neither.status_code, neither.json()["code"]) == (400, -1102)
    # priceMatch QUEUE prices a BUY at the best bid: the order's own price, nothing to change
    assert modify(priceMatch="QUEUE").json() == {
        "code": -5027,
        "msg": "No need to modify the order.",
    }
    cancelled = signed_request(
        server.url, trader, "DELETE", "/dapi/v1/order", symbol="BTCUSD_PERP",
        orderId=str(placed["orderId"]),
    )  # fmt: skip
    assert cancelled.json()["status"] == "CANCELED"
    # USDⓈ-M's Modify Order still needs its quantity
    usdm = signed_request(server.url, trader, "PUT", "/fapi/v1/order", symbol="BTCUSDT",
                          side="BUY", orderId="1", price="74600")  # fmt: skip
    assert usdm.json() == {
        "code": -1102,
        "msg": "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.",
    }


def test_income_transfers_per_wallet(server: SandboxServer, trader: Credentials) -> None:
    """COIN-M's income lists the coins' transfers; /fapi's every transfer, as before COIN-M."""

    def assets(path: str) -> set[str]:
        rows = signed_request(server.url, trader, "GET", path, incomeType="TRANSFER").json()
        return {row["asset"] for row in rows}

    assert assets("/dapi/v1/income") == {"BTC"}
    assert assets("/fapi/v1/income") == {"USDT", "BTC"}
