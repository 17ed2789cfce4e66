"""Real clients receive the live market over WebSocket, each on the paths it builds itself.

One live-market server for the module (makers on every symbol, a noise taker trading every
second of exchange time so trades and candles move quickly). Each client is pointed at the
sandbox only by its base URLs; the test then checks what the client parsed (its own types) and
the raw fields Binance sends.
"""

import asyncio
import json
import queue
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ccxt.pro as ccxtpro
import pytest
from binance import AsyncClient, BinanceSocketManager
from binance.websocket.um_futures.websocket_client import UMFuturesWebsocketClient
from binance_common.configuration import ConfigurationWebSocketStreams
from binance_sdk_derivatives_trading_usds_futures import DerivativesTradingUsdsFutures

from tests.support.server import SandboxServer

WAIT_S = 60.0  # generous: a busy 2-core machine
FAST_TAKER = "[agents.taker]\nslot_ms = 1000\n"
SYMBOL, CCXT_SYMBOL = "BTCUSDT", "BTC/USDT:USDT"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("stream-clients")
    server = SandboxServer(root / "data", FAST_TAKER, live_market=True).start()
    yield server
    server.stop()


def ws_base(server: SandboxServer) -> str:
    return server.url.replace("http://", "ws://")


def rebase(urls: Any, http: str, ws: str) -> Any:
    """Every Binance URL of ccxt's table moved to the sandbox (paths kept), WebSocket ones too."""
    if isinstance(urls, dict):
        return {name: rebase(url, http, ws) for name, url in urls.items()}
    if isinstance(urls, str) and "binance" in urls and urls.startswith(("https://", "wss://")):
        base = http if urls.startswith("https://") else ws
        return base + "/" + urls.split("/", 3)[3] if urls.count("/") >= 3 else base
    return urls


def is_decimal(text: Any) -> bool:
    return isinstance(text, str) and text.replace(".", "", 1).isdigit()


# --- ccxt pro ---------------------------------------------------------------------------------


async def ccxt_watch(
    server: SandboxServer, watch: Callable[[Any], Any], kind: Any = ccxtpro.binanceusdm
) -> Any:
    """What `watch` returns from a ccxt pro exchange of `kind` (binanceusdm, binancecoinm)."""
    exchange = kind({"options": {"fetchCurrencies": False}})
    exchange.urls["api"] = rebase(exchange.urls["api"], server.url, ws_base(server))
    try:
        await exchange.load_markets()
        return await asyncio.wait_for(watch(exchange), WAIT_S)
    finally:
        await exchange.close()


async def test_ccxt_watch_order_book_matches_rest_depth(live: SandboxServer) -> None:
    async def watch(exchange: Any) -> Any:
        await exchange.watch_order_book(CCXT_SYMBOL)
        book = await exchange.watch_order_book(CCXT_SYMBOL)  # a diff applied on the snapshot
        return book, await exchange.fetch_order_book(CCXT_SYMBOL, 1000)

    book, rest = await ccxt_watch(live, watch)
    assert book["bids"]
    assert book["asks"]
    assert book["bids"][0][0] < book["asks"][0][0]
    assert isinstance(book["nonce"], int)
    assert book["nonce"] <= rest["nonce"]
    # the ladder moves, but its far levels (25 levels a side) mostly stay put
    assert {p for p, _ in book["bids"]} & {p for p, _ in rest["bids"]}


async def test_ccxt_watch_trades(live: SandboxServer) -> None:
    trades = await ccxt_watch(live, lambda exchange: exchange.watch_trades(CCXT_SYMBOL))
    trade = trades[-1]
    assert trade["symbol"] == CCXT_SYMBOL
    assert trade["price"] > 0
    assert trade["amount"] > 0
    assert trade["side"] in ("buy", "sell")
    assert trade["info"]["e"] == "trade"
    assert isinstance(trade["info"]["t"], int)


async def test_ccxt_watch_ohlcv(live: SandboxServer) -> None:
    candles = await ccxt_watch(live, lambda exchange: exchange.watch_ohlcv(CCXT_SYMBOL, "1m"))
    opened, o, h, low, c, volume = candles[-1]
    assert opened % 60_000 == 0
    assert low <= min(o, c) <= max(o, c) <= h
    assert volume >= 0  # a candle pushed just after its minute opened has no trade yet


async def test_ccxt_watch_ticker(live: SandboxServer) -> None:
    ticker = await ccxt_watch(live, lambda exchange: exchange.watch_ticker(CCXT_SYMBOL))
    assert ticker["symbol"] == CCXT_SYMBOL
    assert ticker["last"] > 0
    assert ticker["baseVolume"] > 0


async def test_ccxt_watch_mark_price(live: SandboxServer) -> None:
    mark = await ccxt_watch(live, lambda exchange: exchange.watch_mark_price(CCXT_SYMBOL))
    assert mark["symbol"] == CCXT_SYMBOL
    assert mark["markPrice"] > 0
    # the mark is Binance's median (index + basis, last trade): near the index, not equal
    assert abs(mark["markPrice"] - mark["indexPrice"]) < mark["indexPrice"] * 0.05
    info = mark["info"]
    assert info["e"] == "markPriceUpdate"
    assert is_decimal(info["p"])
    assert isinstance(info["T"], int)


# --- python-binance ---------------------------------------------------------------------------


async def python_binance_messages(server: SandboxServer, open_socket: Callable[[Any], Any],
                                  count: int) -> list[dict[str, Any]]:  # fmt: skip
    client = AsyncClient()  # not create(): that pings spot first
    manager = BinanceSocketManager(client)
    manager.FSTREAM_URL = ws_base(server) + "/"
    received = []
    try:
        async with open_socket(manager) as socket:
            while len(received) < count:
                received.append(await asyncio.wait_for(socket.recv(), WAIT_S))
    finally:
        await client.close_connection()
    return received


async def test_python_binance_futures_sockets(live: SandboxServer) -> None:
    aggs = await python_binance_messages(live, lambda m: m.aggtrade_futures_socket(SYMBOL), count=1)
    data = aggs[0]["data"]  # the market route, combined: {"stream", "data"}
    assert aggs[0]["stream"] == "btcusdt@aggTrade"
    assert data["e"] == "aggTrade"
    assert data["s"] == SYMBOL
    assert is_decimal(data["p"])
    assert is_decimal(data["q"])
    assert isinstance(data["m"], bool)
    assert data["f"] <= data["l"]

    depth = await python_binance_messages(live, lambda m: m.futures_depth_socket(SYMBOL), 2)
    for message in depth:
        update = message["data"]
        assert message["stream"] == "btcusdt@depth10"
        assert update["e"] == "depthUpdate"
        assert len(update["b"]) == 10 == len(update["a"])
        assert float(update["b"][0][0]) < float(update["a"][0][0])

    klines = await python_binance_messages(
        live, lambda m: m.kline_futures_socket(SYMBOL, "1m"), count=1
    )
    kline = klines[0]  # /market/ws/<pair>_perpetual@continuousKline_1m: raw, unwrapped
    assert kline["e"] == "continuous_kline"
    assert kline["ps"] == SYMBOL
    assert kline["ct"] == "PERPETUAL"
    assert kline["k"]["i"] == "1m"
    assert isinstance(kline["k"]["x"], bool)


# --- binance-futures-connector ----------------------------------------------------------------


def test_futures_connector_websocket_client(live: SandboxServer) -> None:
    messages: queue.Queue[dict[str, Any]] = queue.Queue()
    client = UMFuturesWebsocketClient(
        stream_url=ws_base(live), on_message=lambda _ws, raw: messages.put(json.loads(raw))
    )
    try:
        client.agg_trade(symbol="btcusdt")
        client.book_ticker(symbol="btcusdt")
        client.mark_price(symbol="btcusdt", speed=1)
        seen: dict[str, dict[str, Any]] = {}
        while {"aggTrade", "bookTicker", "markPriceUpdate"} - seen.keys():
            message = messages.get(timeout=WAIT_S)
            seen[message.get("e", "reply")] = message
    finally:
        client.stop()
    assert seen["reply"] == {"result": None, "id": seen["reply"]["id"]}
    top = seen["bookTicker"]
    assert top["s"] == SYMBOL
    assert float(top["b"]) < float(top["a"])
    assert isinstance(top["u"], int)
    assert seen["markPriceUpdate"]["r"] == "0.00010000"
    assert seen["aggTrade"]["s"] == SYMBOL


# --- the official SDK (it opens /market/stream, /public/stream and /private/stream) -----------


async def test_official_sdk_stream_client(live: SandboxServer) -> None:
    client = DerivativesTradingUsdsFutures(
        config_ws_streams=ConfigurationWebSocketStreams(stream_url=ws_base(live))
    )
    connection = await client.websocket_streams.create_connection()
    got: dict[str, asyncio.Queue[Any]] = {"agg": asyncio.Queue(), "depth": asyncio.Queue()}
    try:
        aggs = await connection.aggregate_trade_streams(symbol="btcusdt")
        aggs.on("message", got["agg"].put_nowait)
        depth = await connection.diff_book_depth_streams(symbol="btcusdt", update_speed="100ms")
        depth.on("message", got["depth"].put_nowait)
        agg = await asyncio.wait_for(got["agg"].get(), WAIT_S)
        update = await asyncio.wait_for(got["depth"].get(), WAIT_S)
    finally:
        await connection.close_connection(close_session=True)
    # the SDK's own models, parsed from our payloads (it drops what does not fit its types)
    assert agg.s == SYMBOL
    assert float(agg.p) > 0
    assert agg.f <= agg.l
    assert update.s == SYMBOL
    assert update.pu < update.U <= update.u
