"""Real clients receive COIN-M market streams on the sandbox's `/ws`, pointed at it only by
their dstream (and dapi) base URLs: ccxt pro's binancecoinm (`/ws/<name>` per stream, REST depth
from /dapi), binance-futures-connector's CMFuturesWebsocketClient (it connects to `/ws` and
sends SUBSCRIBE with the names it builds) and python-binance's socket manager (`/stream` of its
DSTREAM_URL, combined). The official SDK's stream client is
tests/clients/test_coinm_official_sdk_websockets.py's."""

import asyncio
import json
import queue
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ccxt.pro as ccxtpro
import pytest
from binance import AsyncClient, BinanceSocketManager
from binance.enums import FuturesType
from binance.websocket.cm_futures.websocket_client import CMFuturesWebsocketClient

from tests.clients.test_streams_clients import ccxt_watch, ws_base
from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer

WAIT_S = 60.0  # generous: a busy 2-core machine
CCXT_SYMBOL = "BTC/USD:BTC"


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("coinm-stream-clients")
    server = SandboxServer(root / "data", coinm.CONFIG).start()
    yield server
    server.stop()


def test_futures_connector_cm_websocket_client(market: SandboxServer) -> None:
    messages: queue.Queue[Any] = queue.Queue()
    ws_url = market.url.replace("http://", "ws://")
    client = CMFuturesWebsocketClient(
        stream_url=ws_url, on_message=lambda _ws, raw: messages.put(json.loads(raw))
    )
    seen: dict[str, Any] = {}
    try:
        client.agg_trade(symbol=coinm.SYMBOL)
        client.book_ticker(symbol=coinm.SYMBOL)
        client.pair_mark_price(pair=coinm.PAIR, speed=1)
        client.index_price(pair=coinm.PAIR, speed=1)
        replies: list[dict[str, Any]] = []
        wanted = {"aggTrade", "bookTicker", "markPriceUpdate", "indexPriceUpdate"}
        while wanted - seen.keys():
            message = messages.get(timeout=WAIT_S)
            if isinstance(message, list):  # the pair's mark prices
                seen.update({row["e"]: row for row in message})
            elif "result" in message:
                replies.append(message)
                if len(replies) == 4:  # subscribed to all: one trade
                    maker = coinm.coin_trader(market, "maker")
                    coinm.cross_once(market, maker, coinm.coin_trader(market, "taker"))
            else:
                seen[message["e"]] = message
    finally:
        client.stop()
    assert all(reply == {"result": None, "id": reply["id"]} for reply in replies)
    assert len(replies) == 4
    agg = seen["aggTrade"]
    assert (agg["s"], agg["p"], agg["q"]) == (coinm.SYMBOL, coinm.PRICE, coinm.QTY)
    assert "nq" not in agg
    top = seen["bookTicker"]
    assert (top["s"], top["ps"]) == (coinm.SYMBOL, coinm.PAIR)
    assert isinstance(top["u"], int)
    assert seen["markPriceUpdate"]["s"] == coinm.SYMBOL
    assert seen["indexPriceUpdate"]["i"] == coinm.PAIR
    assert seen["indexPriceUpdate"]["p"] == f"{coinm.INDEX}.00000000"


async def test_ccxt_watch_order_book_and_trades(market: SandboxServer) -> None:
    maker = coinm.coin_trader(market, "ccxt-maker")
    taker = coinm.coin_trader(market, "ccxt-taker")
    for side, price in (("BUY", "76000.0"), ("SELL", "78000.0")):  # a book on both sides
        coinm.place(market, maker, side=side, type="LIMIT", timeInForce="GTC", price=price,
                    quantity=coinm.QTY)  # fmt: skip

    async def watch(exchange: Any) -> Any:
        await exchange.watch_order_book(CCXT_SYMBOL)
        trading = asyncio.create_task(exchange.watch_trades(CCXT_SYMBOL))
        await asyncio.sleep(0)  # subscribed before the trade
        while not trading.done():
            await asyncio.to_thread(coinm.cross_once, market, maker, taker)
            await asyncio.wait([trading], timeout=1.0)
        book = await exchange.watch_order_book(CCXT_SYMBOL)  # diffs applied on the snapshot
        return book, trading.result(), await exchange.fetch_order_book(CCXT_SYMBOL, 1000)

    book, trades, rest = await ccxt_watch(market, watch, ccxtpro.binancecoinm)
    assert (book["bids"][0], book["asks"][0]) == (rest["bids"][0], rest["asks"][0])
    assert book["bids"][0][0] < book["asks"][0][0]
    assert isinstance(book["nonce"], int)
    trade = trades[-1]
    assert trade["symbol"] == CCXT_SYMBOL
    assert (trade["price"], trade["amount"], trade["side"]) == (77000.0, 1.0, "buy")
    assert trade["info"]["s"] == coinm.SYMBOL


async def test_python_binance_coin_futures_aggtrade_socket(market: SandboxServer) -> None:
    maker = await asyncio.to_thread(coinm.coin_trader, market, "python-binance-maker")
    taker = await asyncio.to_thread(coinm.coin_trader, market, "python-binance-taker")
    client = AsyncClient()  # not create(): that pings spot first
    manager = BinanceSocketManager(client)
    manager.DSTREAM_URL = ws_base(market) + "/"
    try:
        socket = manager.aggtrade_futures_socket(coinm.SYMBOL, futures_type=FuturesType.COIN_M)
        async with socket:
            receiving = asyncio.ensure_future(socket.recv())
            while not receiving.done():  # a trade after the connection opened
                await asyncio.to_thread(coinm.cross_once, market, maker, taker)
                await asyncio.wait([receiving], timeout=1.0)
            message = receiving.result()
    finally:
        await client.close_connection()
    assert message["stream"] == "btcusd_perp@aggTrade"
    data = message["data"]
    assert (data["e"], data["s"], data["p"], data["q"]) == (
        "aggTrade", coinm.SYMBOL, coinm.PRICE, coinm.QTY
    )  # fmt: skip
    assert "nq" not in data  # USDⓈ-M's only
