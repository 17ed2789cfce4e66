"""binance-sdk-derivatives-trading-usds-futures: ConfigurationRestAPI(base_path=...) only.

The SDK deserialises answers into strict models, so these tests also check field types.
"""

import pytest
from binance_common.configuration import ConfigurationRestAPI
from binance_sdk_derivatives_trading_usds_futures.derivatives_trading_usds_futures import (
    DerivativesTradingUsdsFutures,
)
from binance_sdk_derivatives_trading_usds_futures.rest_api.models import (
    KlineCandlestickDataIntervalEnum,
)

from tests.clients.conftest import Sandbox


@pytest.fixture(scope="module")
def rest(sandbox: Sandbox) -> object:
    config = ConfigurationRestAPI(
        api_key=sandbox.api_key, api_secret=sandbox.secret, base_path=sandbox.url, retries=0
    )
    return DerivativesTradingUsdsFutures(config_rest_api=config).rest_api


def test_server_time(rest: object) -> None:
    assert rest.check_server_time().data().server_time > 1_700_000_000_000  # type: ignore[attr-defined]


def test_exchange_information(rest: object) -> None:
    info = rest.exchange_information().data()  # type: ignore[attr-defined]
    btc = next(s for s in info.symbols if s.symbol == "BTCUSDT")
    assert btc.contract_type == "PERPETUAL"
    assert btc.price_precision == 2


def test_order_book(rest: object) -> None:
    book = rest.order_book(symbol="BTCUSDT", limit=5).data()  # type: ignore[attr-defined]
    assert book.bids == []
    assert book.asks == []


def test_klines(rest: object) -> None:
    response = rest.kline_candlestick_data(  # type: ignore[attr-defined]
        symbol="BTCUSDT", interval=KlineCandlestickDataIntervalEnum["INTERVAL_1m"].value, limit=5
    )
    assert response.data() is not None


def test_mark_price(rest: object) -> None:
    mark = rest.mark_price(symbol="BTCUSDT").data()  # type: ignore[attr-defined]
    assert mark.actual_instance is not None


def test_signed_balance(rest: object) -> None:
    rows = rest.futures_account_balance_v3().data()  # type: ignore[attr-defined]
    usdt = next(row for row in rows if row.asset == "USDT")
    assert usdt.balance == "10000.00000000"
