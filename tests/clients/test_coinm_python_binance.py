"""python-binance's `futures_coin_*` calls on /dapi: FUTURES_COIN_URL and FUTURES_COIN_DATA_URL
pointed at the sandbox, the COIN-M scenario of coinm_support."""

from typing import Any

from binance.client import Client

from tests.clients import coinm_support as cs
from tests.clients.conftest import Sandbox


def coin_client(url: str, api_key: str, secret: str) -> Client:
    client = Client(api_key, secret, ping=False)
    client.FUTURES_COIN_URL = url + "/dapi"
    client.FUTURES_COIN_DATA_URL = url + "/futures/data"
    return client


class Calls:
    def __init__(self, client: Client, maker: Client) -> None:
        self.client, self.maker = client, maker

    def exchange_info(self) -> Any:
        return self.client.futures_coin_exchange_info()

    def depth(self) -> Any:
        return self.client.futures_coin_order_book(symbol=cs.SYMBOL, limit=5)

    def klines(self) -> Any:
        return self.client.futures_coin_klines(symbol=cs.SYMBOL, interval="1m", limit=5)

    def premium_index(self) -> Any:
        return self.client.futures_coin_mark_price(symbol=cs.SYMBOL)

    def balances(self) -> Any:
        return self.client.futures_coin_account_balance()

    def set_leverage(self) -> Any:
        return self.client.futures_coin_change_leverage(symbol=cs.SYMBOL, leverage=cs.LEVERAGE)

    def set_isolated(self) -> Any:
        return self.client.futures_coin_change_margin_type(
            symbol=cs.ISOLATED_SYMBOL, marginType="ISOLATED"
        )

    def limit_buy(self) -> Any:
        return self.client.futures_coin_create_order(
            symbol=cs.SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC", quantity=cs.QTY,
            price=cs.AWAY,
        )  # fmt: skip

    def stop_refused(self) -> str:
        return cs.refusal(lambda: self.client.futures_coin_create_order(
            symbol=cs.SYMBOL, side="SELL", type="STOP_MARKET", quantity=cs.QTY,
            stopPrice=cs.STOP, workingType="MARK_PRICE",
        ))  # fmt: skip

    # python-binance has no COIN-M algo calls: its own signed /dapi request
    def stop_sell(self) -> Any:
        return self.client._request_futures_coin_api("post", "algoOrder", True, data={
            "algoType": "CONDITIONAL", "symbol": cs.SYMBOL, "side": "SELL",
            "type": "STOP_MARKET", "quantity": cs.QTY, "triggerPrice": cs.STOP,
            "workingType": "MARK_PRICE",
        })  # fmt: skip

    def open_stops(self) -> Any:
        return self.client._request_futures_coin_api(
            "get", "openAlgoOrders", True, data={"symbol": cs.SYMBOL}
        )

    def cancel_stop(self, algo_id: int) -> Any:
        return self.client._request_futures_coin_api(
            "delete", "algoOrder", True, data={"symbol": cs.SYMBOL, "algoId": algo_id}
        )

    def open_orders(self) -> Any:
        return self.client.futures_coin_get_open_orders(pair=cs.PAIR)

    def cancel(self, order_id: int) -> Any:
        return self.client.futures_coin_cancel_order(symbol=cs.SYMBOL, orderId=order_id)

    def maker_sell(self) -> Any:
        return self.maker.futures_coin_create_order(
            symbol=cs.SYMBOL, side="SELL", type="LIMIT", timeInForce="GTC", quantity=cs.QTY,
            price=cs.MAKER_PRICE,
        )  # fmt: skip

    def market_buy(self) -> Any:
        return self.client.futures_coin_create_order(
            symbol=cs.SYMBOL, side="BUY", type="MARKET", quantity=cs.QTY, newOrderRespType="RESULT"
        )

    def position_risk(self, maker: bool = False) -> Any:
        return (self.maker if maker else self.client).futures_coin_position_information()

    def user_trades(self, maker: bool = False) -> Any:
        who = self.maker if maker else self.client
        return who.futures_coin_account_trades(symbol=cs.SYMBOL)


def test_coinm_scenario(sandbox: Sandbox) -> None:
    maker = cs.fund(sandbox)
    calls = Calls(
        coin_client(sandbox.url, sandbox.api_key, sandbox.secret),
        coin_client(sandbox.url, maker.api_key, maker.secret),
    )
    cs.run_scenario(sandbox.server, calls)


def test_each_product_shows_its_own_wallet(sandbox: Sandbox) -> None:
    """futures_coin_account_balance reads the COIN-M wallet, futures_account_balance (the same
    key) the USDⓈ-M one: BTC deposited into one never shows in the other."""
    server = sandbox.server
    server.call("POST", "/accounts", {"name": "pb-wallets"})
    for amount, product in (("2", "coinm"), ("0.25", "usdm")):
        body = {"asset": "BTC", "amount": amount, "product": product}
        server.call("POST", "/accounts/pb-wallets/deposits", body)
    key = server.call("POST", "/accounts/pb-wallets/keys", {"type": "hmac"})
    client = coin_client(sandbox.url, key["apiKey"], key["secretKey"])
    client.FUTURES_URL = sandbox.url + "/fapi"
    dapi = {row["asset"]: row["balance"] for row in client.futures_coin_account_balance()}
    fapi = {row["asset"]: row["balance"] for row in client.futures_account_balance()}
    assert (dapi["BTC"], fapi["BTC"]) == ("2.00000000", "0.25000000")
