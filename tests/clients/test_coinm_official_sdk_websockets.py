"""The official COIN-M SDK's two WebSocket clients against the sandbox, pointed at it by their
stream URLs only: the market-stream client (`/stream` of the dstream base: aggTrade, the
pair's index price and the contract's mark price) and the WebSocket API client (`/ws-dapi/v1`,
HMAC-signed requests: a LIMIT placed, modified, queried and cancelled, the COIN-M balances; a
MARKET taking another account's order, then the position and the account in BTC; a listenKey
started, followed by the SDK's user_data stream, kept alive and stopped). Each answer goes
through the SDK's own strict models."""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from binance.cm_futures import CMFutures
from binance.error import ClientError
from binance_common.configuration import (
    ConfigurationWebSocketAPI,
    ConfigurationWebSocketStreams,
)
from binance_sdk_derivatives_trading_coin_futures.derivatives_trading_coin_futures import (
    DerivativesTradingCoinFutures,
)
from binance_sdk_derivatives_trading_coin_futures.websocket_api.models import (
    ModifyOrderSideEnum,
    NewOrderSideEnum,
    NewOrderTimeInForceEnum,
    NewOrderTypeEnum,
)

from tests.clients.test_streams_clients import ws_base
from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer
from tests.support.signing import Credentials

WAIT_S = 60.0  # generous: a busy 2-core machine
AWAY = "74690.0"  # 3 % under the index: a BUY there rests
AMENDED = "74680.0"  # order.modify moves it one step further
TAKER_WALLET = "999999.99999935"  # 1000000 BTC less the taker's fee, coinm_support.TAKER_FEE


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("coinm-sdk-websockets")
    running = SandboxServer(root / "data", coinm.CONFIG).start()
    yield running
    running.stop()


async def test_the_market_stream_client(server: SandboxServer) -> None:
    client = DerivativesTradingCoinFutures(
        config_ws_streams=ConfigurationWebSocketStreams(stream_url=ws_base(server))
    )
    connection = await client.websocket_streams.create_connection()
    got: dict[str, asyncio.Queue[Any]] = {
        "agg": asyncio.Queue(), "index": asyncio.Queue(), "mark": asyncio.Queue()
    }  # fmt: skip
    maker = await asyncio.to_thread(coinm.coin_trader, server, "sdk-maker")
    taker = await asyncio.to_thread(coinm.coin_trader, server, "sdk-taker")
    try:
        aggs = await connection.aggregate_trade_streams(symbol=coinm.SYMBOL.lower())
        aggs.on("message", got["agg"].put_nowait)
        index = await connection.index_price_stream(pair=coinm.PAIR.lower())
        index.on("message", got["index"].put_nowait)
        marks = await connection.mark_price_stream(symbol=coinm.SYMBOL.lower())
        marks.on("message", got["mark"].put_nowait)
        await asyncio.to_thread(coinm.cross_once, server, maker, taker)
        agg = await asyncio.wait_for(got["agg"].get(), WAIT_S)
        price = await asyncio.wait_for(got["index"].get(), WAIT_S)
        mark = await asyncio.wait_for(got["mark"].get(), WAIT_S)
    finally:
        await connection.close_connection(close_session=True)
    # the SDK's own models, parsed from our payloads
    assert (agg.s, agg.p, agg.q) == (coinm.SYMBOL, coinm.PRICE, coinm.QTY)
    assert agg.f <= agg.l
    assert (price.i, price.p) == (coinm.PAIR, f"{coinm.INDEX}.00000000")
    assert (mark.e, mark.s, mark.i) == ("markPriceUpdate", coinm.SYMBOL, f"{coinm.INDEX}.00000000")
    assert None not in (mark.p, mark.P, mark.r, mark.T, mark.E)  # the SDK model's fields, set
    assert mark.T > mark.E  # the next funding time is ahead
    assert mark.additional_properties == {}  # no field outside the SDK's model


def ws_api_client(server: SandboxServer, user: Credentials) -> DerivativesTradingCoinFutures:
    return DerivativesTradingCoinFutures(
        config_ws_api=ConfigurationWebSocketAPI(
            api_key=user.api_key, api_secret=user.secret,
            stream_url=server.url.replace("http://", "ws://") + "/ws-dapi/v1",
        ),
        config_ws_streams=ConfigurationWebSocketStreams(stream_url=ws_base(server)),
    )  # fmt: skip


async def buy_away(connection: Any) -> Any:
    """order.place of a BUY LIMIT of QTY at AWAY, which rests."""
    return await connection.new_order(
        symbol=coinm.SYMBOL, side=NewOrderSideEnum["BUY"].value,
        type=NewOrderTypeEnum["LIMIT"].value, time_in_force=NewOrderTimeInForceEnum["GTC"].value,
        quantity=float(coinm.QTY), price=float(AWAY),
    )  # fmt: skip


async def test_the_websocket_api_client(server: SandboxServer) -> None:
    user = await asyncio.to_thread(coinm.coin_trader, server, "sdk-ws-api")
    connection = await ws_api_client(server, user).websocket_api.create_connection()
    try:
        placed = await buy_away(connection)
        order = placed.data().result  # the SDK's strict model
        assert (order.status, order.price, order.orig_qty, order.pair) == (
            "NEW", AWAY, coinm.QTY, coinm.PAIR
        )  # fmt: skip
        modified = await connection.modify_order(
            symbol=coinm.SYMBOL, side=ModifyOrderSideEnum["BUY"].value,
            quantity=float(coinm.QTY), price=float(AMENDED), order_id=order.order_id,
        )  # fmt: skip
        assert (modified.data().result.price, modified.data().result.status) == (AMENDED, "NEW")
        queried = await connection.query_order(symbol=coinm.SYMBOL, order_id=order.order_id)
        assert queried.data().result.client_order_id == order.client_order_id
        assert queried.data().result.price == AMENDED
        balance = (await connection.futures_account_balance()).data()
        assert {row.asset for row in balance.result} >= {"BTC", "ETH"}
        canceled = await connection.cancel_order(symbol=coinm.SYMBOL, order_id=order.order_id)
        assert canceled.data().result.status == "CANCELED"
    finally:
        await connection.close_connection(close_session=True)


async def test_the_websocket_api_client_takes_and_reads_its_position(server: SandboxServer) -> None:
    """A MARKET BUY through order.place takes another account's SELL; account.position and
    account.status then show the long of 1 and the BTC wallet less the taker's fee."""
    maker = await asyncio.to_thread(coinm.coin_trader, server, "sdk-ws-api-maker")
    user = await asyncio.to_thread(coinm.coin_trader, server, "sdk-ws-api-taker")
    await asyncio.to_thread(coinm.place, server, maker, side="SELL", type="LIMIT",
                            timeInForce="GTC", price=coinm.PRICE, quantity=coinm.QTY)  # fmt: skip
    connection = await ws_api_client(server, user).websocket_api.create_connection()
    try:
        taken = await connection.new_order(
            symbol=coinm.SYMBOL, side=NewOrderSideEnum["BUY"].value,
            type=NewOrderTypeEnum["MARKET"].value, quantity=float(coinm.QTY),
        )  # fmt: skip
        positions = (await connection.position_information(pair=coinm.PAIR)).data().result
        account = (await connection.account_information()).data().result
    finally:
        await connection.close_connection(close_session=True)
    assert taken.data().result.symbol == coinm.SYMBOL
    [long] = [
        row for row in positions if row.symbol == coinm.SYMBOL and row.position_side == "BOTH"
    ]
    assert (long.position_amt, long.entry_price, long.margin_type) == (
        coinm.QTY, coinm.PRICE, "cross"
    )  # fmt: skip
    assert long.additional_properties == {}  # no field outside the SDK's model of the row
    [btc] = [row for row in account.assets if row.asset == "BTC"]
    assert btc.wallet_balance == TAKER_WALLET


async def test_the_websocket_api_client_runs_a_listen_key(server: SandboxServer) -> None:
    """userDataStream.start gives a key the SDK's user_data stream follows (the NEW of a LIMIT
    placed over ws-dapi arrives on it, in the SDK's model); ping keeps the same key; stop ends
    it."""
    user = await asyncio.to_thread(coinm.coin_trader, server, "sdk-ws-api-key")
    client = ws_api_client(server, user)
    api = await client.websocket_api.create_connection()
    streams = await client.websocket_streams.create_connection()
    received: asyncio.Queue[Any] = asyncio.Queue()
    try:
        listen_key = (await api.start_user_data_stream()).data().result.listen_key
        (await streams.user_data(listen_key)).on("message", received.put_nowait)
        placed = await buy_away(api)
        update = (await asyncio.wait_for(received.get(), WAIT_S)).actual_instance
        kept = (await api.keepalive_user_data_stream()).data().result.listen_key
        stopped = (await api.close_user_data_stream()).data()
    finally:
        await streams.close_connection(close_session=True)
        await api.close_connection(close_session=True)
    assert type(update).__name__ == "OrderTradeUpdate"
    assert (update.o.i, update.o.x, update.o.ma) == (placed.data().result.order_id, "NEW", "BTC")
    assert kept == listen_key
    assert (stopped.status, stopped.result) == (200, {})
    # the key is gone: the futures connector's keepalive of it gets Binance's -1125
    rest = CMFutures(key=user.api_key, base_url=server.url)
    with pytest.raises(ClientError) as ended:
        await asyncio.to_thread(rest.renew_listen_key, listen_key)
    assert (ended.value.error_code, ended.value.error_message) == (
        -1125, "This listenKey does not exist."
    )  # fmt: skip
