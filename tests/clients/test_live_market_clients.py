"""With the default config, every real client's MARKET order on every seeded perpetual fills at
once and in full: the liquidity agents' ladder is the other side, no resting order of our own.

One live-market server for the module; each client trades from an account of its own, so one
client's fills cannot move the book under another's. Every adapter asks for
newOrderRespType=RESULT (ccxt adds it to every order itself), so the placement's own answer
says whether the order filled at once: no query afterwards that a later fill could satisfy.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

import httpx
import pytest
from binance.client import Client
from binance.um_futures import UMFutures
from binance_sdk_derivatives_trading_usds_futures.rest_api.models import (
    NewOrderNewOrderRespTypeEnum,
    NewOrderSideEnum,
    NewOrderTypeEnum,
)

from tests.clients.test_coinm_ccxt import coin_exchange
from tests.clients.test_trading_ccxt import pointed as ccxt_pointed
from tests.clients.test_trading_official_sdk import rest_api
from tests.clients.test_trading_python_binance import pointed as python_binance_pointed
from tests.support.server import SandboxServer

SEEDED_PERPETUALS = {"BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT"}
TARGET_NOTIONAL = Decimal("200")  # USDT per order: small, yet above every MIN_NOTIONAL


@dataclass(frozen=True)
class Answer:
    """What the placement answered, in Binance's raw strings."""

    status: str
    orig_qty: str
    executed_qty: str


# (url, api key, secret) -> a function placing one MARKET order: (symbol, side, quantity).
PlaceMarket = Callable[[str, str, str], Answer]
Adapter = Callable[[str, str, str], PlaceMarket]


def ccxt_adapter(url: str, api_key: str, secret: str) -> PlaceMarket:
    client = ccxt_pointed(url, api_key, secret)
    client.load_markets()

    def place(symbol: str, side: str, qty: str) -> Answer:
        market = client.markets_by_id[symbol][0]["symbol"]  # BTCUSDT -> BTC/USDT:USDT
        info = client.create_order(market, "market", side.lower(), float(qty))["info"]
        assert "newOrderRespType=RESULT" in client.last_request_body
        return Answer(info["status"], info["origQty"], info["executedQty"])

    return place


def python_binance_adapter(url: str, api_key: str, secret: str) -> PlaceMarket:
    client: Client = python_binance_pointed(url, api_key, secret)

    def place(symbol: str, side: str, qty: str) -> Answer:
        raw = client.futures_create_order(
            symbol=symbol, side=side, type="MARKET", quantity=qty, newOrderRespType="RESULT"
        )
        return Answer(raw["status"], raw["origQty"], raw["executedQty"])

    return place


def connector_adapter(url: str, api_key: str, secret: str) -> PlaceMarket:
    client = UMFutures(key=api_key, secret=secret, base_url=url)

    def place(symbol: str, side: str, qty: str) -> Answer:
        raw = client.new_order(symbol, side, "MARKET", quantity=qty, newOrderRespType="RESULT")
        return Answer(raw["status"], raw["origQty"], raw["executedQty"])

    return place


def official_sdk_adapter(url: str, api_key: str, secret: str) -> PlaceMarket:
    rest = rest_api(url, api_key, secret)

    def place(symbol: str, side: str, qty: str) -> Answer:
        # The SDK takes a float and sends str(float): "2.0" for SOLUSDT's whole-number step.
        answer = rest.new_order(
            symbol=symbol, side=NewOrderSideEnum(side), type=NewOrderTypeEnum.MARKET,
            quantity=float(qty), new_order_resp_type=NewOrderNewOrderRespTypeEnum.RESULT,
        ).data()  # fmt: skip
        return Answer(answer.status, answer.orig_qty, answer.executed_qty)

    return place


ADAPTERS: dict[str, Adapter] = {
    "ccxt": ccxt_adapter,
    "python-binance": python_binance_adapter,
    "futures-connector": connector_adapter,
    "official-sdk": official_sdk_adapter,
}


@pytest.fixture(scope="module")
def perpetuals(live: SandboxServer) -> dict[str, dict[str, Any]]:
    """Every PERPETUAL of exchangeInfo, by symbol, with its filters by filterType."""
    symbols = httpx.get(live.url + "/fapi/v1/exchangeInfo").json()["symbols"]
    found = {
        s["symbol"]: {f["filterType"]: f for f in s["filters"]}
        for s in symbols
        if s["contractType"] == "PERPETUAL"
    }
    assert set(found) >= SEEDED_PERPETUALS
    return found


def market_quantity(live: SandboxServer, symbol: str, filters: dict[str, Any]) -> str:
    """TARGET_NOTIONAL at the index, rounded up to MARKET_LOT_SIZE's step, checked against the
    symbol's filters so a refusal cannot come from the quantity."""
    premium = httpx.get(live.url + "/fapi/v1/premiumIndex", params={"symbol": symbol}).json()
    index = Decimal(premium["indexPrice"])
    lot = filters["MARKET_LOT_SIZE"]
    step = Decimal(lot["stepSize"]).normalize()
    qty = (TARGET_NOTIONAL / index / step).to_integral_value(ROUND_CEILING) * step
    assert Decimal(lot["minQty"]) <= qty <= Decimal(lot["maxQty"])
    assert qty * index >= Decimal(filters["MIN_NOTIONAL"]["notional"])
    return str(qty.quantize(step))


@pytest.mark.parametrize("client_name", ADAPTERS)
def test_market_orders_fill_at_once_and_in_full(
    live: SandboxServer, perpetuals: dict[str, dict[str, Any]], client_name: str
) -> None:
    account = f"live-{client_name}"
    live.call("POST", "/accounts", {"name": account})
    live.call("POST", f"/accounts/{account}/deposits", {"asset": "USDT", "amount": "100000"})
    key = live.call("POST", f"/accounts/{account}/keys", {"type": "hmac"})
    place = ADAPTERS[client_name](live.url, key["apiKey"], key["secretKey"])

    answers: dict[tuple[str, str], Answer] = {}
    expected: dict[tuple[str, str], Answer] = {}
    for symbol, filters in perpetuals.items():
        qty = market_quantity(live, symbol, filters)
        for side in ("BUY", "SELL"):  # the SELL closes the BUY's position
            answers[symbol, side] = place(symbol, side, qty)
            expected[symbol, side] = Answer("FILLED", qty, qty)
    assert answers == expected


def test_ccxt_pages_the_live_tape_by_trade_id(live: SandboxServer) -> None:
    """A symbol's trade ids run on without gaps (ids are per symbol, as Binance's): ccxt pages
    them with fromId, and the 24-hour ticker's count is lastId - firstId + 1."""
    live.call("POST", "/accounts", {"name": "tape-reader"})
    live.call("POST", "/accounts/tape-reader/deposits", {"asset": "USDT", "amount": "100000"})
    key = live.call("POST", "/accounts/tape-reader/keys", {"type": "hmac"})
    client = ccxt_pointed(live.url, key["apiKey"], key["secretKey"])
    client.options["fetchTradesMethod"] = "fapiPublicGetHistoricalTrades"
    for side in ("buy", "sell"):  # each sweeps several of the makers' levels: several trades
        client.create_order("BTC/USDT:USDT", "market", side, 1.5)

    newest = client.fetch_trades("BTC/USDT:USDT", limit=20)
    last_id = int(newest[-1]["id"])
    assert last_id >= 6
    start = max(1, last_id - 30)
    paged = client.fetch_trades("BTC/USDT:USDT", limit=10, params={"fromId": start})
    paged += client.fetch_trades("BTC/USDT:USDT", limit=10, params={"fromId": start + 10})
    ids = sorted(int(trade["id"]) for trade in paged)  # ccxt reorders trades of one ms
    assert ids == list(range(start, start + len(ids)))
    assert len(ids) >= min(20, last_id - start + 1)  # the market trades on meanwhile

    ticker = client.fetch_ticker("BTC/USDT:USDT")["info"]
    assert ticker["count"] == ticker["lastId"] - ticker["firstId"] + 1
    assert ticker["lastId"] >= last_id


def test_ccxt_coinm_sees_both_sides_and_trades_against_the_agents(live: SandboxServer) -> None:
    """COIN-M with the live market on: ccxt's binancecoinm finds the agents' ladder on both
    sides of every perpetual and quarterly, around the mark, and its MARKET orders of one
    contract fill at once against it (the taker's trades join the agents' on the tape)."""
    live.call("POST", "/accounts", {"name": "live-coinm"})
    for coin in ("BTC", "ETH"):
        body = {"asset": coin, "amount": "10", "product": "coinm"}
        live.call("POST", "/accounts/live-coinm/deposits", body)
    key = live.call("POST", "/accounts/live-coinm/keys", {"type": "hmac"})
    client = coin_exchange(live.url, key["apiKey"], key["secretKey"])
    markets = [m for m in client.load_markets().values() if m["inverse"] and m["active"]]
    assert {m["id"] for m in markets} >= {"BTCUSD_PERP", "ETHUSD_PERP"}
    assert any(m["expiry"] for m in markets), "no quarterly listed"

    for market in markets:
        book = client.fetch_order_book(market["symbol"], limit=5)
        mark = float(client.dapiPublicGetPremiumIndex({"symbol": market["id"]})[0]["markPrice"])
        bid, ask = book["bids"][0][0], book["asks"][0][0]
        assert mark * 0.99 < bid < ask < mark * 1.01, (market["id"], bid, ask, mark)

    for side in ("buy", "sell"):  # the SELL closes the BUY's position
        info = client.create_order("BTC/USD:BTC", "market", side, 1)["info"]
        assert (info["status"], info["executedQty"]) == ("FILLED", "1")
    mine = client.fetch_my_trades("BTC/USD:BTC")
    assert len(mine) >= 2
    tape = client.fetch_trades("BTC/USD:BTC", limit=50)
    assert {t["id"] for t in mine} <= {t["id"] for t in tape}
    assert len(tape) > len(mine)  # the agents traded too
