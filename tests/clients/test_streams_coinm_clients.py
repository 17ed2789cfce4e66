"""Real clients receive COIN-M market streams on the sandbox's `/ws`, pointed at it only by
their dstream base URL: binance-futures-connector's CMFuturesWebsocketClient (it connects to
`/ws` and sends SUBSCRIBE with the names it builds)."""

import json
import queue
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from binance.websocket.cm_futures.websocket_client import CMFuturesWebsocketClient

from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer

WAIT_S = 60.0  # generous: a busy 2-core machine


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
