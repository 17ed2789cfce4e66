"""Real clients receive the user-data stream of one scenario (user_data_support.py) over real
sockets, each on the path it builds itself: python-binance (`/private/ws?listenKey=`), the
futures connector (SUBSCRIBE of the key on `/ws`), the official SDK (the key as a stream on
`/private/stream`) and ccxt pro (watch_orders, watch_my_trades, watch_balance, watch_positions).
Each client is pointed at the sandbox by its base URLs only.
"""

import asyncio
import json
import queue
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import ccxt.pro as ccxtpro
import pytest
from binance import AsyncClient, BinanceSocketManager
from binance.um_futures import UMFutures
from binance.websocket.um_futures.websocket_client import UMFuturesWebsocketClient
from binance_common.configuration import ConfigurationWebSocketStreams
from binance_sdk_derivatives_trading_usds_futures import DerivativesTradingUsdsFutures

from tests.clients import user_data_support as uds
from tests.clients.test_streams_clients import rebase, ws_base
from tests.support.server import SandboxServer
from tests.support.trader import Trader

WAIT_S = 60.0
CCXT_SYMBOL = "BTC/USDT:USDT"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("user-data-clients")
    running = SandboxServer(root / "data", uds.CONFIG).start()
    yield running
    running.stop()


async def scenario(server: SandboxServer, user: Trader) -> uds.Outcome:
    """Runs the scenario off the event loop (its HTTP calls block)."""
    return await asyncio.to_thread(uds.run_scenario, server, user, Trader(server))


# --- python-binance ---------------------------------------------------------------------------


async def test_python_binance_futures_user_socket(server: SandboxServer) -> None:
    user = Trader(server)
    client = AsyncClient(user.credentials.api_key, user.credentials.secret)
    client.FUTURES_URL = server.url + "/fapi"
    manager = BinanceSocketManager(client)
    manager.FSTREAM_URL = ws_base(server) + "/"
    messages: list[dict[str, Any]] = []
    try:
        async with manager.futures_user_socket() as socket:
            outcome = await scenario(server, user)
            while len(messages) < len(uds.EXPECTED):
                messages.append(await asyncio.wait_for(socket.recv(), WAIT_S))
    finally:
        await client.close_connection()
    uds.check_scenario(messages, outcome)


# --- binance-futures-connector ----------------------------------------------------------------


def test_futures_connector_user_data_stream(server: SandboxServer) -> None:
    user = Trader(server)
    rest = UMFutures(key=user.credentials.api_key, base_url=server.url)
    listen_key = rest.new_listen_key()["listenKey"]
    received: queue.Queue[dict[str, Any]] = queue.Queue()
    client = UMFuturesWebsocketClient(
        stream_url=ws_base(server), on_message=lambda _ws, raw: received.put(json.loads(raw))
    )
    try:
        client.user_data(listen_key=listen_key, id=1)
        assert received.get(timeout=WAIT_S) == {"result": None, "id": 1}  # subscribed
        outcome = uds.run_scenario(server, user, Trader(server))
        messages = [received.get(timeout=WAIT_S) for _ in uds.EXPECTED]
    finally:
        client.stop()
    assert rest.renew_listen_key(listen_key) == {"listenKey": listen_key}
    uds.check_scenario(messages, outcome)


# --- the official SDK -------------------------------------------------------------------------

SDK_EVENTS = {
    "OrderTradeUpdate": "ORDER_TRADE_UPDATE",
    "TradeLite": "TRADE_LITE",
    "AccountUpdate": "ACCOUNT_UPDATE",
    "AccountConfigUpdate": "ACCOUNT_CONFIG_UPDATE",
}


async def test_official_sdk_user_data_stream(server: SandboxServer) -> None:
    user = Trader(server)
    listen_key = UMFutures(key=user.credentials.api_key, base_url=server.url).new_listen_key()
    client = DerivativesTradingUsdsFutures(
        config_ws_streams=ConfigurationWebSocketStreams(stream_url=ws_base(server))
    )
    connection = await client.websocket_streams.create_connection()
    received: asyncio.Queue[Any] = asyncio.Queue()
    try:
        stream = await connection.user_data(listen_key["listenKey"])
        stream.on("message", received.put_nowait)
        outcome = await scenario(server, user)
        events = [await asyncio.wait_for(received.get(), WAIT_S) for _ in uds.EXPECTED]
    finally:
        await connection.close_connection(close_session=True)
    # the SDK's own models (a oneOf of the user-data events, chosen by `e`), parsed from our
    # payloads; the models leave `e` out, their class says it
    messages = [
        {"e": SDK_EVENTS[type(event.actual_instance).__name__], **event.actual_instance.to_dict()}
        for event in events
    ]
    assert [uds.kind(message) for message in messages] == uds.EXPECTED
    filled = messages[7]["o"]
    assert (filled["X"], filled["z"], filled["i"]) == ("FILLED", "0.030", outcome.filled_id)
    assert messages[11]["a"]["B"][0]["wb"] == outcome.wallet


# --- ccxt pro ---------------------------------------------------------------------------------


async def watch_until(watch: Callable[[], Awaitable[Any]], done: Callable[[Any], bool]) -> Any:
    while True:
        got = await watch()
        if done(got):
            return got


async def test_ccxt_pro_watches(server: SandboxServer) -> None:
    user = Trader(server)
    # newUpdates off: each watch returns everything cached so far, not only what is new
    exchange = ccxtpro.binanceusdm(
        {"apiKey": user.credentials.api_key, "secret": user.credentials.secret,
         "newUpdates": False, "options": {"fetchCurrencies": False}}
    )  # fmt: skip
    exchange.urls["api"] = rebase(exchange.urls["api"], server.url, ws_base(server))

    def ended(orders: list[dict[str, Any]]) -> bool:
        return sorted(order["status"] for order in orders) == ["canceled", "closed"]

    def filled(positions: list[dict[str, Any]]) -> bool:
        return any(position["contracts"] == 0.03 for position in positions)

    try:
        await exchange.load_markets()
        watches = asyncio.gather(
            watch_until(lambda: exchange.watch_orders(CCXT_SYMBOL), ended),
            watch_until(lambda: exchange.watch_my_trades(CCXT_SYMBOL), lambda t: len(t) == 2),
            watch_until(exchange.watch_balance, lambda b: b["info"]["a"]["m"] == "DEPOSIT"),
            watch_until(exchange.watch_positions, filled),
        )
        await wait_connected(exchange)
        outcome = await scenario(server, user)
        orders, trades, balance, positions = await asyncio.wait_for(watches, WAIT_S)
    finally:
        await exchange.close()
    by_id = {order["id"]: order for order in orders}
    assert by_id[str(outcome.canceled_id)]["status"] == "canceled"
    filled_order = by_id[str(outcome.filled_id)]
    assert (filled_order["status"], filled_order["filled"]) == ("closed", 0.03)
    assert (filled_order["price"], filled_order["average"]) == (74600.0, 74600.0)
    assert [trade["amount"] for trade in trades] == [0.01, 0.02]
    assert {trade["takerOrMaker"] for trade in trades} == {"maker"}
    assert all(trade["fee"]["currency"] == "USDT" and trade["fee"]["cost"] > 0 for trade in trades)
    assert balance["USDT"]["total"] == float(outcome.wallet)
    held = [p for p in positions if p["contracts"]]
    assert [(p["symbol"], p["side"], p["contracts"], p["entryPrice"]) for p in held] == [
        (CCXT_SYMBOL, "long", 0.03, 74600.0)
    ]


async def wait_connected(exchange: Any) -> None:
    """Until ccxt has its user-data connection open (it starts one listenKey and connects)."""

    async def opened() -> None:
        while not any("listenKey" in url and client.connected.done()
                      for url, client in exchange.clients.items()):  # fmt: skip
            await asyncio.sleep(0.01)

    await asyncio.wait_for(opened(), WAIT_S)
