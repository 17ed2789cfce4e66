"""Binance's official COIN-M SDK (binance-sdk-derivatives-trading-coin-futures) on /dapi:
ConfigurationRestAPI(base_path=...) only, the COIN-M scenario of coinm_support.

The SDK deserialises every answer into its strict models (so the scenario also checks that
they parse); the checks read the models back as Binance's JSON (`as_json`)."""

from typing import Any

from binance_common.configuration import ConfigurationRestAPI
from binance_common.utils import send_request
from binance_sdk_derivatives_trading_coin_futures.derivatives_trading_coin_futures import (
    DerivativesTradingCoinFutures,
)
from binance_sdk_derivatives_trading_coin_futures.rest_api.models import (
    ChangeMarginTypeMarginTypeEnum,
    KlineCandlestickDataIntervalEnum,
    NewOrderNewOrderRespTypeEnum,
    NewOrderSideEnum,
    NewOrderTimeInForceEnum,
    NewOrderTypeEnum,
    NewOrderWorkingTypeEnum,
)
from pydantic import BaseModel, RootModel

from tests.clients import coinm_support as cs
from tests.clients.conftest import Sandbox

BUY, SELL = NewOrderSideEnum.BUY, NewOrderSideEnum.SELL
LIMIT, MARKET = NewOrderTypeEnum.LIMIT, NewOrderTypeEnum.MARKET
GTC = NewOrderTimeInForceEnum.GTC


def rest_api(url: str, api_key: str, secret: str) -> Any:
    config = ConfigurationRestAPI(api_key=api_key, api_secret=secret, base_path=url, retries=0)
    return DerivativesTradingCoinFutures(config_rest_api=config).rest_api


def signed(rest: Any, method: str, path: str, **payload: Any) -> Any:
    """A signed request through the SDK's own session, configuration and signer: the SDK
    (14.1.0) names /dapi/v1/algoOrder in its docs but has no method for it, and its generic
    `send_signed_request` fails (`send_request[T]` on a function)."""
    sent = send_request(rest._session, rest.configuration, method, path, payload,
                        is_signed=True, signer=rest._signer)  # fmt: skip
    return sent.data()


def as_json(value: Any) -> Any:
    """A model as the JSON it was read from (aliases; unknown fields kept by the models)."""
    if isinstance(value, RootModel):
        return as_json(value.root)
    if isinstance(value, BaseModel):
        plain = value.to_dict() if hasattr(value, "to_dict") else value.model_dump(by_alias=True)
        return as_json(plain)
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    return value


class Calls:
    def __init__(self, rest: Any, maker: Any) -> None:
        self.rest, self.maker = rest, maker

    def exchange_info(self) -> Any:
        return as_json(self.rest.exchange_information().data())

    def depth(self) -> Any:
        return as_json(self.rest.order_book(symbol=cs.SYMBOL, limit=5).data())

    def klines(self) -> Any:
        one_minute = KlineCandlestickDataIntervalEnum.INTERVAL_1m
        return as_json(
            self.rest.kline_candlestick_data(symbol=cs.SYMBOL, interval=one_minute, limit=5).data()
        )

    def premium_index(self) -> Any:
        return as_json(self.rest.index_price_and_mark_price(symbol=cs.SYMBOL).data())

    def balances(self) -> Any:
        return as_json(self.rest.futures_account_balance().data())

    def set_leverage(self) -> Any:
        return as_json(
            self.rest.change_initial_leverage(symbol=cs.SYMBOL, leverage=cs.LEVERAGE).data()
        )

    def set_isolated(self) -> Any:
        isolated = ChangeMarginTypeMarginTypeEnum.ISOLATED
        return as_json(
            self.rest.change_margin_type(symbol=cs.ISOLATED_SYMBOL, margin_type=isolated).data()
        )

    def limit_buy(self) -> Any:
        return as_json(self.rest.new_order(
            symbol=cs.SYMBOL, side=BUY, type=LIMIT, time_in_force=GTC, quantity=float(cs.QTY),
            price=float(cs.AWAY),
        ).data())  # fmt: skip

    def stop_refused(self) -> str:
        return cs.refusal(lambda: self.rest.new_order(
            symbol=cs.SYMBOL, side=SELL, type=NewOrderTypeEnum.STOP_MARKET,
            quantity=float(cs.QTY), stop_price=float(cs.STOP),
            working_type=NewOrderWorkingTypeEnum.MARK_PRICE,
        ))  # fmt: skip

    def stop_sell(self) -> Any:
        return signed(self.rest, "POST", "/dapi/v1/algoOrder", algoType="CONDITIONAL",
                      symbol=cs.SYMBOL, side="SELL", type="STOP_MARKET", quantity=cs.QTY,
                      triggerPrice=cs.STOP, workingType="MARK_PRICE")  # fmt: skip

    def open_stops(self) -> Any:
        return signed(self.rest, "GET", "/dapi/v1/openAlgoOrders", symbol=cs.SYMBOL)

    def cancel_stop(self, algo_id: int) -> Any:
        return signed(self.rest, "DELETE", "/dapi/v1/algoOrder", symbol=cs.SYMBOL, algoId=algo_id)

    def open_orders(self) -> Any:
        return as_json(self.rest.current_all_open_orders(symbol=cs.SYMBOL).data())

    def cancel(self, order_id: int) -> Any:
        return as_json(self.rest.cancel_order(symbol=cs.SYMBOL, order_id=order_id).data())

    def maker_sell(self) -> Any:
        return as_json(self.maker.new_order(
            symbol=cs.SYMBOL, side=SELL, type=LIMIT, time_in_force=GTC, quantity=float(cs.QTY),
            price=float(cs.MAKER_PRICE),
        ).data())  # fmt: skip

    def market_buy(self) -> Any:
        return as_json(self.rest.new_order(
            symbol=cs.SYMBOL, side=BUY, type=MARKET, quantity=float(cs.QTY),
            new_order_resp_type=NewOrderNewOrderRespTypeEnum.RESULT,
        ).data())  # fmt: skip

    def position_risk(self, maker: bool = False) -> Any:
        return as_json((self.maker if maker else self.rest).position_information().data())

    def user_trades(self, maker: bool = False) -> Any:
        who = self.maker if maker else self.rest
        return as_json(who.account_trade_list(symbol=cs.SYMBOL).data())


def test_coinm_scenario(sandbox: Sandbox) -> None:
    maker = cs.fund(sandbox)
    calls = Calls(
        rest_api(sandbox.url, sandbox.api_key, sandbox.secret),
        rest_api(sandbox.url, maker.api_key, maker.secret),
    )
    cs.run_scenario(sandbox.server, calls)
