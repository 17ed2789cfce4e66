"""ccxt's binancecoinm on /dapi, pointed at the sandbox by URL only (`urls['api']`: dapiPublic,
dapiPrivate, dapiPrivateV2, dapiData ...), the COIN-M scenario of coinm_support. The unified
methods run where ccxt has one (markets, balance, leverage, margin mode, orders, trades); the
checks read the raw answers they carry (`info`) or ccxt's implicit /dapi methods."""

from typing import Any

import ccxt
import pytest

from binance_sandbox.testing.clients import rebase
from tests.clients import coinm_support as cs
from tests.clients.conftest import Sandbox

MARKET = "BTC/USD:BTC"


def coin_exchange(url: str, api_key: str, secret: str) -> ccxt.binancecoinm:
    client = ccxt.binancecoinm({"apiKey": api_key, "secret": secret})
    client.urls["api"] = rebase(client.urls["api"], url)
    return client


class Calls:
    def __init__(self, client: ccxt.binancecoinm, maker: ccxt.binancecoinm) -> None:
        self.client, self.maker = client, maker

    def exchange_info(self) -> Any:
        markets = self.client.load_markets()
        perp = markets[MARKET]
        assert (perp["id"], perp["inverse"], perp["contractSize"]) == (cs.SYMBOL, True, 100)
        assert perp["settle"] == "BTC"
        self.maker.load_markets()
        return self.client.dapiPublicGetExchangeInfo()

    def depth(self) -> Any:
        book = self.client.fetch_order_book(MARKET, limit=5)
        assert book["bids"][0] == [float(cs.AWAY), float(cs.QTY)]
        return self.client.dapiPublicGetDepth({"symbol": cs.SYMBOL, "limit": 5})

    def klines(self) -> Any:
        candles = self.client.fetch_ohlcv(MARKET, "1m", limit=5)
        assert candles[-1][4] == pytest.approx(float(cs.MAKER_PRICE))
        return self.client.dapiPublicGetKlines({"symbol": cs.SYMBOL, "interval": "1m", "limit": 5})

    def premium_index(self) -> Any:
        funding = self.client.fetch_funding_rate(MARKET)
        assert funding["indexPrice"] == pytest.approx(float(cs.INDEX), rel=0.01)
        return self.client.dapiPublicGetPremiumIndex({"symbol": cs.SYMBOL})

    def balances(self) -> Any:
        balance = self.client.fetch_balance()
        assert balance["BTC"]["total"] == pytest.approx(float(cs.COINS))
        return self.client.dapiPrivateGetBalance()

    def set_leverage(self) -> Any:
        return self.client.set_leverage(cs.LEVERAGE, MARKET)

    def set_isolated(self) -> Any:
        return self.client.set_margin_mode("isolated", "ETH/USD:ETH")

    def limit_buy(self) -> Any:
        order = self.client.create_order(
            MARKET, "limit", "buy", float(cs.QTY), float(cs.AWAY), {"timeInForce": "GTC"}
        )
        assert order["status"] == "open"
        return order["info"]

    def stop_refused(self) -> str:
        return cs.refusal(lambda: self.client.dapiPrivatePostOrder({
            "symbol": cs.SYMBOL, "side": "SELL", "type": "STOP_MARKET", "quantity": cs.QTY,
            "stopPrice": cs.STOP, "workingType": "MARK_PRICE",
        }))  # fmt: skip

    def stop_sell(self) -> Any:
        """ccxt's unified trigger order (a market order with `triggerPrice`) goes to
        /dapi/v1/algoOrder; read back by its id (`trigger`: the algo endpoints)."""
        placed = self.client.create_order(MARKET, "market", "sell", float(cs.QTY), None,
                                          {"triggerPrice": float(cs.STOP),
                                           "workingType": "MARK_PRICE"})  # fmt: skip
        assert (placed["status"], placed["triggerPrice"]) == ("open", float(cs.STOP))
        shown = self.client.fetch_order(placed["id"], MARKET, {"trigger": True})
        assert (shown["id"], shown["status"], shown["triggerPrice"]) == (
            placed["id"], "open", float(cs.STOP)
        )  # fmt: skip
        return placed["info"]

    def open_stops(self) -> Any:
        return [o["info"] for o in self.client.fetch_open_orders(MARKET, None, None,
                                                                 {"trigger": True})]  # fmt: skip

    def cancel_stop(self, algo_id: int) -> Any:
        return self.client.cancel_order(str(algo_id), MARKET, {"trigger": True})["info"]

    def open_orders(self) -> Any:
        return [order["info"] for order in self.client.fetch_open_orders(MARKET)]

    def cancel(self, order_id: int) -> Any:
        return self.client.cancel_order(str(order_id), MARKET)["info"]

    def maker_sell(self) -> Any:
        return self.maker.create_order(
            MARKET, "limit", "sell", float(cs.QTY), float(cs.MAKER_PRICE)
        )["info"]

    def market_buy(self) -> Any:
        order = self.client.create_order(MARKET, "market", "buy", float(cs.QTY))
        assert (order["status"], order["filled"]) == ("closed", float(cs.QTY))
        return order["info"]

    def position_risk(self, maker: bool = False) -> Any:
        who = self.maker if maker else self.client
        [position] = who.fetch_positions([MARKET])
        assert position["contracts"] == float(cs.QTY)
        assert position["side"] == ("short" if maker else "long")
        return who.dapiPrivateGetPositionRisk()

    def user_trades(self, maker: bool = False) -> Any:
        who = self.maker if maker else self.client
        return [trade["info"] for trade in who.fetch_my_trades(MARKET)]


def test_coinm_scenario(sandbox: Sandbox) -> None:
    maker = cs.fund(sandbox)
    calls = Calls(
        coin_exchange(sandbox.url, sandbox.api_key, sandbox.secret),
        coin_exchange(sandbox.url, maker.api_key, maker.secret),
    )
    cs.run_scenario(sandbox.server, calls)


def test_each_product_shows_its_own_wallet(sandbox: Sandbox) -> None:
    """BTC deposited into the COIN-M wallet shows on /dapi (binancecoinm) and not on /fapi
    (binanceusdm, the same key), whose wallet keeps only what went into it."""
    server = sandbox.server
    server.call("POST", "/accounts", {"name": "two-wallets"})
    deposits = [("BTC", "3", "coinm"), ("BTC", "0.5", "usdm"), ("USDT", "200", "usdm")]
    for asset, amount, product in deposits:
        body = {"asset": asset, "amount": amount, "product": product}
        server.call("POST", "/accounts/two-wallets/deposits", body)
    key = server.call("POST", "/accounts/two-wallets/keys", {"type": "hmac"})
    coin = coin_exchange(sandbox.url, key["apiKey"], key["secretKey"])
    usdm = ccxt.binanceusdm({"apiKey": key["apiKey"], "secret": key["secretKey"]})
    usdm.urls["api"] = rebase(usdm.urls["api"], sandbox.url)
    dapi = {row["asset"]: row["balance"] for row in coin.dapiPrivateGetBalance()}
    fapi = {row["asset"]: row["balance"] for row in usdm.fapiPrivateV2GetBalance()}
    assert (dapi["BTC"], dapi["ETH"]) == ("3.00000000", "0.00000000")
    assert (fapi["BTC"], fapi["USDT"]) == ("0.50000000", "200.00000000")
    assert coin.fetch_balance()["BTC"]["total"] == pytest.approx(3.0)
