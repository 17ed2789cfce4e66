"""Real clients receive the COIN-M user-data stream over real sockets, each listenKey from
/dapi/v1/listenKey and each on the dstream path it builds itself, pointed at the sandbox by its
base URLs only: python-binance (`coin_futures_user_socket`), the futures connector
(`CMFuturesWebsocketClient.user_data`: SUBSCRIBE of the key on `/ws`), the official COIN-M SDK
(its `user_data` stream) and ccxt pro `binancecoinm` (watch_orders, watch_my_trades,
watch_balance, watch_positions).

The scenario: the watched account rests a BUY of 1 BTCUSD_PERP contract at 77000.0 and another
account sells 1 at market into it. The watched key gets, in COIN-M's shapes: ORDER_TRADE_UPDATE
NEW, ORDER_TRADE_UPDATE TRADE (FILLED, `ma` BTC, the account alias `i`), and ACCOUNT_UPDATE
(reason ORDER, the BTC balance, the long of 1). Money is in the coin: the maker's fee
1 x 100 / 77000 x 0.02 % = 0.00000026 BTC, and the wallet 1000000 BTC less it.
"""

import asyncio
import json
import queue
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ccxt.pro as ccxtpro
import pytest
from binance import AsyncClient, BinanceSocketManager
from binance.cm_futures import CMFutures
from binance.websocket.cm_futures.websocket_client import CMFuturesWebsocketClient
from binance_common.configuration import ConfigurationWebSocketStreams
from binance_sdk_derivatives_trading_coin_futures.derivatives_trading_coin_futures import (
    DerivativesTradingCoinFutures,
)

from tests.clients.coinm_support import MAKER_FEE
from tests.clients.test_streams_clients import rebase, ws_base
from tests.clients.test_user_data_clients import watch_until
from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer
from tests.support.signing import Credentials

WAIT_S = 60.0  # generous: a busy 2-core machine
CCXT_SYMBOL = "BTC/USD:BTC"
WALLET = "999999.99999974"  # the 1000000 BTC deposited less the maker's fee, MAKER_FEE
EXPECTED = [("ORDER_TRADE_UPDATE", "NEW"), ("ORDER_TRADE_UPDATE", "TRADE"),
            ("ACCOUNT_UPDATE", "ORDER")]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("coinm-user-data-clients")
    running = SandboxServer(root / "data", coinm.CONFIG).start()
    yield running
    running.stop()


def scenario(server: SandboxServer, user: Credentials) -> int:
    """The watched account's BUY rests, another account's MARKET SELL fills it; its id."""
    seller = coinm.coin_trader(server, f"seller-{user.api_key[:8]}")
    resting = coinm.place(server, user, side="BUY", type="LIMIT", timeInForce="GTC",
                          price=coinm.PRICE, quantity=coinm.QTY)  # fmt: skip
    coinm.place(server, seller, side="SELL", type="MARKET", quantity=coinm.QTY)
    order_id: int = resting["orderId"]
    return order_id


def kind(message: dict[str, Any]) -> tuple[str, str]:
    if message["e"] == "ORDER_TRADE_UPDATE":
        return message["e"], message["o"]["x"]
    return message["e"], message["a"]["m"]


def check(messages: list[dict[str, Any]], order_id: int) -> None:
    assert [kind(m) for m in messages] == EXPECTED
    new, filled, account = messages
    for update in (new, filled):
        assert "i" in update  # the account alias, COIN-M's
        order = update["o"]
        assert (order["s"], order["i"], order["ma"], order["q"]) == (
            coinm.SYMBOL, order_id, "BTC", coinm.QTY
        )  # fmt: skip
        assert "si" not in order  # USDⓈ-M's only
    assert (filled["o"]["X"], filled["o"]["z"], filled["o"]["L"]) == (
        "FILLED", coinm.QTY, coinm.PRICE
    )  # fmt: skip
    assert (filled["o"]["n"], filled["o"]["N"], filled["o"]["m"]) == (MAKER_FEE, "BTC", True)
    [balance] = account["a"]["B"]
    assert (balance["a"], balance["wb"]) == ("BTC", WALLET)
    [position] = account["a"]["P"]
    assert (position["s"], position["pa"], position["ep"]) == (coinm.SYMBOL, coinm.QTY, "77000.0")


def new_listen_key(server: SandboxServer, user: Credentials) -> str:
    key: str = CMFutures(key=user.api_key, base_url=server.url).new_listen_key()["listenKey"]
    return key


async def test_python_binance_coin_futures_user_socket(server: SandboxServer) -> None:
    user = coinm.coin_trader(server, "python-binance")
    client = AsyncClient(user.api_key, user.secret)
    client.FUTURES_COIN_URL = server.url + "/dapi"
    manager = BinanceSocketManager(client)
    manager.DSTREAM_URL = ws_base(server) + "/"
    messages: list[dict[str, Any]] = []
    try:
        async with manager.coin_futures_user_socket() as socket:
            order_id = await asyncio.to_thread(scenario, server, user)
            while len(messages) < len(EXPECTED):
                messages.append(await asyncio.wait_for(socket.recv(), WAIT_S))
    finally:
        await client.close_connection()
    check(messages, order_id)


def test_futures_connector_cm_user_data(server: SandboxServer) -> None:
    user = coinm.coin_trader(server, "futures-connector")
    listen_key = new_listen_key(server, user)
    received: queue.Queue[dict[str, Any]] = queue.Queue()
    client = CMFuturesWebsocketClient(
        stream_url=ws_base(server), on_message=lambda _ws, raw: received.put(json.loads(raw))
    )
    try:
        client.user_data(listen_key=listen_key, id=1)
        assert received.get(timeout=WAIT_S) == {"result": None, "id": 1}  # subscribed
        order_id = scenario(server, user)
        messages = [received.get(timeout=WAIT_S) for _ in EXPECTED]
    finally:
        client.stop()
    check(messages, order_id)


SDK_EVENTS = {"OrderTradeUpdate": "ORDER_TRADE_UPDATE", "AccountUpdate": "ACCOUNT_UPDATE"}


async def test_official_coinm_sdk_user_data_stream(server: SandboxServer) -> None:
    user = coinm.coin_trader(server, "official-sdk")
    listen_key = await asyncio.to_thread(new_listen_key, server, user)
    client = DerivativesTradingCoinFutures(
        config_ws_streams=ConfigurationWebSocketStreams(stream_url=ws_base(server))
    )
    connection = await client.websocket_streams.create_connection()
    received: asyncio.Queue[Any] = asyncio.Queue()
    try:
        stream = await connection.user_data(listen_key)
        stream.on("message", received.put_nowait)
        order_id = await asyncio.to_thread(scenario, server, user)
        events = [await asyncio.wait_for(received.get(), WAIT_S) for _ in EXPECTED]
    finally:
        await connection.close_connection(close_session=True)
    # the SDK's own models (a oneOf of the user-data events, chosen by `e`), parsed from our
    # payloads; the models leave `e` out, their class says it
    messages = [
        {"e": SDK_EVENTS[type(event.actual_instance).__name__], **event.actual_instance.to_dict()}
        for event in events
    ]
    check(messages, order_id)


async def test_ccxt_pro_binancecoinm_watches(server: SandboxServer) -> None:
    user = coinm.coin_trader(server, "ccxt-pro")
    # newUpdates off: each watch returns everything cached so far, not only what is new
    exchange = ccxtpro.binancecoinm(
        {"apiKey": user.api_key, "secret": user.secret, "newUpdates": False,
         "options": {"fetchCurrencies": False}}
    )  # fmt: skip
    exchange.urls["api"] = rebase(exchange.urls["api"], server.url, ws_base(server))

    def closed(orders: list[dict[str, Any]]) -> bool:
        return any(order["status"] == "closed" for order in orders)

    def held(positions: list[dict[str, Any]]) -> bool:
        return any(position["contracts"] for position in positions)

    try:
        await exchange.load_markets()
        watches = asyncio.gather(
            watch_until(lambda: exchange.watch_orders(CCXT_SYMBOL), closed),
            watch_until(lambda: exchange.watch_my_trades(CCXT_SYMBOL), bool),
            # the balance snapshot comes from /dapi/v1/balance; the fill's ACCOUNT_UPDATE
            # (reason ORDER) then moves it
            watch_until(exchange.watch_balance, lambda b: "a" in b["info"]),
            watch_until(exchange.watch_positions, held),
        )
        await user_socket_open(exchange)
        order_id = await asyncio.to_thread(scenario, server, user)
        orders, trades, balance, positions = await asyncio.wait_for(watches, WAIT_S)
    finally:
        await exchange.close()
    [order] = orders
    assert (order["id"], order["symbol"], order["status"]) == (str(order_id), CCXT_SYMBOL, "closed")
    assert (order["filled"], order["average"], order["side"]) == (1.0, 77000.0, "buy")
    assert order["info"]["ma"] == "BTC"
    [trade] = trades
    assert (trade["order"], trade["amount"], trade["takerOrMaker"]) == (str(order_id), 1.0, "maker")
    assert trade["fee"] == {"currency": "BTC", "cost": float(MAKER_FEE)}
    assert balance["info"]["a"]["m"] == "ORDER"
    assert balance["BTC"]["total"] == float(WALLET)
    [long] = [p for p in positions if p["contracts"]]
    assert (long["symbol"], long["side"], long["contracts"], long["entryPrice"]) == (
        CCXT_SYMBOL, "long", 1.0, 77000.0
    )  # fmt: skip


async def user_socket_open(exchange: Any) -> None:
    """Until ccxt has its user-data connection open (on COIN-M: `/ws/<listenKey>`)."""

    async def opened() -> None:
        while not any(url.startswith("ws") and client.connected.done()
                      for url, client in exchange.clients.items()):  # fmt: skip
            await asyncio.sleep(0.01)

    await asyncio.wait_for(opened(), WAIT_S)
