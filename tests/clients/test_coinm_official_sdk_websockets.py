"""The official COIN-M SDK's two WebSocket clients against the sandbox, pointed at it by their
stream URLs only: the market-stream client (`/stream` of the dstream base: aggTrade and the
pair's index price) and the WebSocket API client (`/ws-dapi/v1`, HMAC-signed requests: a
LIMIT placed, queried and cancelled, and the COIN-M balances). Each answer goes through the
SDK's own strict models."""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from binance_common.configuration import (
    ConfigurationWebSocketAPI,
    ConfigurationWebSocketStreams,
)
from binance_sdk_derivatives_trading_coin_futures.derivatives_trading_coin_futures import (
    DerivativesTradingCoinFutures,
)
from binance_sdk_derivatives_trading_coin_futures.websocket_api.models import (
    NewOrderSideEnum,
    NewOrderTimeInForceEnum,
    NewOrderTypeEnum,
)

from tests.clients.test_streams_clients import ws_base
from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer

WAIT_S = 60.0  # generous: a busy 2-core machine
AWAY = "74690.0"  # 3 % under the index: a BUY there rests


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
    got: dict[str, asyncio.Queue[Any]] = {"agg": asyncio.Queue(), "index": asyncio.Queue()}
    maker = await asyncio.to_thread(coinm.coin_trader, server, "sdk-maker")
    taker = await asyncio.to_thread(coinm.coin_trader, server, "sdk-taker")
    try:
        aggs = await connection.aggregate_trade_streams(symbol=coinm.SYMBOL.lower())
        aggs.on("message", got["agg"].put_nowait)
        index = await connection.index_price_stream(pair=coinm.PAIR.lower())
        index.on("message", got["index"].put_nowait)
        await asyncio.to_thread(coinm.cross_once, server, maker, taker)
        agg = await asyncio.wait_for(got["agg"].get(), WAIT_S)
        price = await asyncio.wait_for(got["index"].get(), WAIT_S)
    finally:
        await connection.close_connection(close_session=True)
    # the SDK's own models, parsed from our payloads
    assert (agg.s, agg.p, agg.q) == (coinm.SYMBOL, coinm.PRICE, coinm.QTY)
    assert agg.f <= agg.l
    assert (price.i, price.p) == (coinm.PAIR, f"{coinm.INDEX}.00000000")


async def test_the_websocket_api_client(server: SandboxServer) -> None:
    user = await asyncio.to_thread(coinm.coin_trader, server, "sdk-ws-api")
    client = DerivativesTradingCoinFutures(
        config_ws_api=ConfigurationWebSocketAPI(
            api_key=user.api_key, api_secret=user.secret,
            stream_url=server.url.replace("http://", "ws://") + "/ws-dapi/v1",
        )
    )  # fmt: skip
    connection = await client.websocket_api.create_connection()
    try:
        placed = await connection.new_order(
            symbol=coinm.SYMBOL, side=NewOrderSideEnum["BUY"].value,
            type=NewOrderTypeEnum["LIMIT"].value,
            time_in_force=NewOrderTimeInForceEnum["GTC"].value,
            quantity=float(coinm.QTY), price=float(AWAY),
        )  # fmt: skip
        order = placed.data().result  # the SDK's strict model
        assert (order.status, order.price, order.orig_qty, order.pair) == (
            "NEW", AWAY, coinm.QTY, coinm.PAIR
        )  # fmt: skip
        queried = await connection.query_order(symbol=coinm.SYMBOL, order_id=order.order_id)
        assert queried.data().result.client_order_id == order.client_order_id
        balance = (await connection.futures_account_balance()).data()
        assert {row.asset for row in balance.result} >= {"BTC", "ETH"}
        canceled = await connection.cancel_order(symbol=coinm.SYMBOL, order_id=order.order_id)
        assert canceled.data().result.status == "CANCELED"
    finally:
        await connection.close_connection(close_session=True)
