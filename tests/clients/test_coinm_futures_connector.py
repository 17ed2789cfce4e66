"""binance-futures-connector's CMFutures on /dapi (`base_url` only; signed parameters in the
query string), the COIN-M scenario of coinm_support."""

from typing import Any

from binance.cm_futures import CMFutures

from tests.clients import coinm_support as cs
from tests.clients.conftest import Sandbox


class Calls:
    def __init__(self, client: CMFutures, maker: CMFutures) -> None:
        self.client, self.maker = client, maker

    def exchange_info(self) -> Any:
        return self.client.exchange_info()

    def depth(self) -> Any:
        return self.client.depth(cs.SYMBOL, limit=5)

    def klines(self) -> Any:
        return self.client.klines(cs.SYMBOL, "1m", limit=5)

    def premium_index(self) -> Any:
        return self.client.mark_price(cs.SYMBOL)

    def balances(self) -> Any:
        return self.client.balance()

    def set_leverage(self) -> Any:
        return self.client.change_leverage(cs.SYMBOL, cs.LEVERAGE)

    def set_isolated(self) -> Any:
        return self.client.change_margin_type(cs.ISOLATED_SYMBOL, "ISOLATED")

    def limit_buy(self) -> Any:
        return self.client.new_order(
            symbol=cs.SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC", quantity=cs.QTY,
            price=cs.AWAY,
        )  # fmt: skip

    def stop_refused(self) -> str:
        return cs.refusal(lambda: self.client.new_order(
            symbol=cs.SYMBOL, side="SELL", type="STOP_MARKET", quantity=cs.QTY,
            stopPrice=cs.STOP, workingType="MARK_PRICE",
        ))  # fmt: skip

    # CMFutures has no algo calls: its own signed request
    def stop_sell(self) -> Any:
        return self.client.sign_request("POST", "/dapi/v1/algoOrder", {
            "algoType": "CONDITIONAL", "symbol": cs.SYMBOL, "side": "SELL",
            "type": "STOP_MARKET", "quantity": cs.QTY, "triggerPrice": cs.STOP,
            "workingType": "MARK_PRICE",
        })  # fmt: skip

    def open_stops(self) -> Any:
        return self.client.sign_request("GET", "/dapi/v1/openAlgoOrders", {"symbol": cs.SYMBOL})

    def cancel_stop(self, algo_id: int) -> Any:
        return self.client.sign_request(
            "DELETE", "/dapi/v1/algoOrder", {"symbol": cs.SYMBOL, "algoId": algo_id}
        )

    def open_orders(self) -> Any:
        return self.client.get_orders(symbol=cs.SYMBOL)

    def cancel(self, order_id: int) -> Any:
        return self.client.cancel_order(cs.SYMBOL, orderId=order_id)

    def maker_sell(self) -> Any:
        return self.maker.new_order(
            symbol=cs.SYMBOL, side="SELL", type="LIMIT", timeInForce="GTC", quantity=cs.QTY,
            price=cs.MAKER_PRICE,
        )  # fmt: skip

    def market_buy(self) -> Any:
        return self.client.new_order(
            symbol=cs.SYMBOL, side="BUY", type="MARKET", quantity=cs.QTY, newOrderRespType="RESULT"
        )

    def position_risk(self, maker: bool = False) -> Any:
        return (self.maker if maker else self.client).get_position_risk()

    def user_trades(self, maker: bool = False) -> Any:
        return (self.maker if maker else self.client).get_account_trades(pair=cs.PAIR)


def test_coinm_scenario(sandbox: Sandbox) -> None:
    maker = cs.fund(sandbox)
    calls = Calls(
        CMFutures(key=sandbox.api_key, secret=sandbox.secret, base_url=sandbox.url),
        CMFutures(key=maker.api_key, secret=maker.secret, base_url=sandbox.url),
    )
    cs.run_scenario(sandbox.server, calls)
