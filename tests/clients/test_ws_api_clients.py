"""Real clients trade over the WebSocket API (`/ws-fapi/v1`), each signing and framing requests
its own way, and the orders they place are the REST orders.

- ccxt pro: `create_order_ws`, `fetch_order_ws`, `edit_order_ws`, `cancel_order_ws`,
  `fetch_balance_ws`, `fetch_positions_ws` (HMAC; parameters sorted, `returnRateLimits` signed).
- python-binance's AsyncClient: `ws_futures_*` (its `WS_FUTURES_URL`, which the constructor
  reads, set on a subclass; it signs `str()` of each value).
- the official SDK's WebSocket API client with an Ed25519 key, logged on with `session.logon`
  through its own `send_signed_message(..., session_logon=True)` (the USDⓈ-M client has no
  logon method of its own); after that it sends requests without `apiKey` and `signature`.
"""

import asyncio
from typing import Any

import ccxt
import ccxt.pro as ccxtpro
import pytest
from binance import AsyncClient
from binance_common.configuration import ConfigurationWebSocketAPI
from binance_sdk_derivatives_trading_usds_futures import DerivativesTradingUsdsFutures
from binance_sdk_derivatives_trading_usds_futures.websocket_api.models import (
    NewOrderSideEnum,
    NewOrderTimeInForceEnum,
    NewOrderTypeEnum,
)

from tests.clients import trading_support as ts
from tests.clients.conftest import Sandbox
from tests.clients.test_streams_clients import rebase
from tests.support.signing import Credentials, signed_request

WAIT_S = 60.0
CCXT_SYMBOL = "BTC/USDT:USDT"


def ws_api_url(sandbox: Sandbox) -> str:
    return sandbox.url.replace("http://", "ws://") + "/ws-fapi/v1"


def rest_order(sandbox: Sandbox, credentials: Credentials, order_id: int) -> dict[str, Any]:
    answer = signed_request(
        sandbox.url, credentials, "GET", "/fapi/v1/order", symbol=ts.SYMBOL, orderId=order_id
    )
    assert answer.status_code == 200, answer.text
    order: dict[str, Any] = answer.json()
    return order


# --- ccxt pro ---------------------------------------------------------------------------------


def ccxt_client(sandbox: Sandbox) -> Any:
    exchange = ccxtpro.binanceusdm(
        {"apiKey": sandbox.api_key, "secret": sandbox.secret, "options": {"fetchCurrencies": False}}
    )
    exchange.urls["api"] = rebase(
        exchange.urls["api"], sandbox.url, sandbox.url.replace("http://", "ws://")
    )
    return exchange


async def test_ccxt_order_lifecycle_over_the_ws_api(sandbox: Sandbox) -> None:
    ts.pin_price(sandbox.server)
    exchange = ccxt_client(sandbox)
    credentials = Credentials(sandbox.api_key, sandbox.secret)
    try:
        await exchange.load_markets()
        placed = await asyncio.wait_for(
            exchange.create_order_ws(CCXT_SYMBOL, "limit", "buy", float(ts.QTY), float(ts.AWAY)),
            WAIT_S,
        )
        assert placed["status"] == "open"
        rest = rest_order(sandbox, credentials, int(placed["id"]))
        assert (rest["clientOrderId"], rest["status"]) == (placed["clientOrderId"], "NEW")
        assert (rest["price"], rest["origQty"]) == (ts.AWAY, ts.QTY)

        fetched = await exchange.fetch_order_ws(placed["id"], CCXT_SYMBOL)
        assert (fetched["id"], fetched["status"]) == (placed["id"], "open")
        edited = await exchange.edit_order_ws(
            placed["id"], CCXT_SYMBOL, "limit", "buy", float(ts.AMENDED_QTY), float(ts.AWAY)
        )
        assert (edited["id"], edited["amount"]) == (placed["id"], float(ts.AMENDED_QTY))
        canceled = await exchange.cancel_order_ws(placed["id"], CCXT_SYMBOL)
        assert (canceled["id"], canceled["status"]) == (placed["id"], "canceled")
        assert rest_order(sandbox, credentials, int(placed["id"]))["status"] == "CANCELED"

        balance = await exchange.fetch_balance_ws()
        rest_balance = signed_request(sandbox.url, credentials, "GET", "/fapi/v2/balance").json()
        usdt = next(row for row in rest_balance if row["asset"] == "USDT")
        assert balance["USDT"]["total"] == float(usdt["balance"])
        assert await exchange.fetch_positions_ws() == []  # no position was opened
    finally:
        await exchange.close()


async def test_ccxt_market_order_fills_over_the_ws_api(sandbox: Sandbox) -> None:
    maker = ts.maker_key(sandbox.server)
    maker_credentials = Credentials(maker["apiKey"], maker["secretKey"])
    ts.pin_price(sandbox.server)
    resting = signed_request(
        sandbox.url, maker_credentials, "POST", "/fapi/v1/order", symbol=ts.SYMBOL, side="SELL",
        type="LIMIT", timeInForce="GTC", quantity=ts.QTY, price=ts.MAKER_PRICE,
    )  # fmt: skip
    assert resting.status_code == 200, resting.text
    exchange = ccxt_client(sandbox)
    try:
        await exchange.load_markets()
        taken = await exchange.create_order_ws(CCXT_SYMBOL, "market", "buy", float(ts.QTY))
        positions = await exchange.fetch_positions_ws()
    finally:
        await exchange.close()
    assert (taken["status"], taken["filled"], taken["average"]) == (
        "closed", float(ts.QTY), float(ts.MAKER_PRICE),
    )  # fmt: skip
    assert [(p["symbol"], p["side"], p["contracts"]) for p in positions] == [
        (CCXT_SYMBOL, "long", float(ts.QTY))
    ]
    rest = ccxt.binanceusdm({"apiKey": sandbox.api_key, "secret": sandbox.secret})
    rest.urls["api"] = rebase(rest.urls["api"], sandbox.url, "")
    rest.options["fetchCurrencies"] = False
    trades = rest.fetch_my_trades(CCXT_SYMBOL)
    assert taken["id"] in {trade["order"] for trade in trades}


# --- python-binance ---------------------------------------------------------------------------


def python_binance_client(sandbox: Sandbox) -> AsyncClient:
    class Pointed(AsyncClient):  # type: ignore[misc]
        WS_FUTURES_URL = ws_api_url(sandbox)
        FUTURES_URL = sandbox.url + "/fapi"

    return Pointed(sandbox.api_key, sandbox.secret)


async def test_python_binance_ws_futures_orders(sandbox: Sandbox) -> None:
    ts.pin_price(sandbox.server)
    client = python_binance_client(sandbox)
    credentials = Credentials(sandbox.api_key, sandbox.secret)
    try:
        placed = await client.ws_futures_create_order(
            symbol=ts.SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC",
            quantity=ts.QTY, price=ts.AWAY,
        )  # fmt: skip
        assert placed["clientOrderId"].startswith("x-")  # python-binance's own id
        rest = rest_order(sandbox, credentials, placed["orderId"])
        assert (rest["clientOrderId"], rest["status"]) == (placed["clientOrderId"], "NEW")

        queried = await client.ws_futures_get_order(symbol=ts.SYMBOL, orderId=placed["orderId"])
        assert queried["status"] == "NEW"
        edited = await client.ws_futures_edit_order(
            symbol=ts.SYMBOL, side="BUY", orderId=placed["orderId"],
            quantity=ts.AMENDED_QTY, price=ts.AMENDED_PRICE,
        )  # fmt: skip
        assert (edited["price"], edited["origQty"]) == (ts.AMENDED_PRICE, ts.AMENDED_QTY)
        canceled = await client.ws_futures_cancel_order(symbol=ts.SYMBOL, orderId=placed["orderId"])
        assert canceled["status"] == "CANCELED"

        balances = await client.ws_futures_account_balance()
        assert "USDT" in {row["asset"] for row in balances}
        account = await client.ws_futures_v2_account_status()
        assert "totalWalletBalance" in account
        positions = await client.ws_futures_v2_account_position(symbol=ts.SYMBOL)
        assert isinstance(positions, list)
        book = await client.ws_futures_get_order_book(symbol=ts.SYMBOL, limit=5)
        assert {"bids", "asks", "lastUpdateId"} <= set(book)
    finally:
        await client.close_connection()
        await client.ws_future.close()


# --- the official SDK, Ed25519 and session.logon -------------------------------------------------


@pytest.fixture(scope="module")
def ed25519_key(sandbox: Sandbox) -> dict[str, Any]:
    created: dict[str, Any] = sandbox.server.call(
        "POST", "/accounts/demo/keys", {"type": "ed25519"}
    )
    return created


async def test_official_sdk_session_logon_and_orders(
    sandbox: Sandbox, ed25519_key: dict[str, Any]
) -> None:
    ts.pin_price(sandbox.server)
    client = DerivativesTradingUsdsFutures(
        config_ws_api=ConfigurationWebSocketAPI(
            api_key=ed25519_key["apiKey"],
            private_key=ed25519_key["privateKey"],
            stream_url=ws_api_url(sandbox),
        )
    )
    connection = await client.websocket_api.create_connection()
    try:
        logon = await connection.send_signed_message(
            {"method": "session.logon", "params": {}},
            signer=connection.signer,
            session_logon=True,
        )
        assert logon.data()["result"]["apiKey"] == ed25519_key["apiKey"]
        assert connection.connections[0].is_session_log_on

        placed = await connection.new_order(
            symbol=ts.SYMBOL, side=NewOrderSideEnum["BUY"].value,
            type=NewOrderTypeEnum["LIMIT"].value,
            time_in_force=NewOrderTimeInForceEnum["GTC"].value,
            quantity=float(ts.QTY), price=float(ts.AWAY),
        )  # fmt: skip
        order = placed.data().result  # the SDK's strict model
        assert (order.status, order.price, order.orig_qty) == ("NEW", ts.AWAY, ts.QTY)
        assert [limit.rateLimitType for limit in placed.rate_limits][:1] == ["REQUEST_WEIGHT"]

        queried = (await connection.query_order(symbol=ts.SYMBOL, order_id=order.order_id)).data()
        assert queried.result.client_order_id == order.client_order_id
        balance = (await connection.futures_account_balance_v2()).data()
        assert "USDT" in {row.asset for row in balance.result}
        canceled = (await connection.cancel_order(symbol=ts.SYMBOL, order_id=order.order_id)).data()
        assert canceled.result.status == "CANCELED"
        ticker = (await connection.symbol_price_ticker(symbol=ts.SYMBOL)).data()
        assert ticker.actual_instance.result.symbol == ts.SYMBOL
    finally:
        await connection.close_connection(close_session=True)
    credentials = Credentials(sandbox.api_key, sandbox.secret)  # another key of the same account
    rest = rest_order(sandbox, credentials, order.order_id)
    assert (rest["clientOrderId"], rest["status"]) == (order.client_order_id, "CANCELED")
