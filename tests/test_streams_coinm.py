"""COIN-M's market streams, field for field and type for type against the examples of the
COIN-M pages (derivatives-docs/coin-margined-futures/websocket-market-streams/), on the same
`/ws` and `/stream` paths as USDⓈ-M's, under the manual clock (`E` is exchange time).

Choices where the pages are silent or odd, pinned here: a ticker's `w` is the REST row's
weighted average price (USD over coins, at the price's decimals: REST shows "9547.3", the stream
page's "0.00147974" matches no reading); `!markPrice@arr` is USDⓈ-M's (COIN-M documents the
per-pair form instead) and carries no COIN-M contract; the other all-market streams, which both
products document, carry both products' contracts, each in its own shape: one port cannot tell
an fstream client from a dstream one, and since the 2026 CM-UM integration Binance's
`!ticker@arr`, `!miniTicker@arr`, `!bookTicker`, `!forceOrder@arr` and `!contractInfo` push the
merged universe on both hosts (the USDⓈ-M SDK's docstrings; their new `st` field is left out, as
the documented payloads have none).
"""

import asyncio
import json
import tomllib
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from binance_sandbox.config.loader import validate
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.gateway.streams import coinm_payloads
from binance_sandbox.gateway.streams.names import parse_stream
from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer

WAIT_S = 30.0
QUIET_S = 0.5  # no message for this long after an advance: the advance brought no more
CONFIG = "[clock]\nmode = 'manual'\n[streams]\nstrict_routes = true\n" + coinm.CONFIG

KLINE = {
    "t": 1591261500000, "T": 1591261559999, "s": "BTCUSD_200626", "i": "1m", "f": 606400,
    "L": 606430, "o": "9638.9", "c": "9639.8", "h": "9639.8", "l": "9638.6", "v": "156", "n": 31,
    "x": False, "q": "1.61836886", "V": "73", "Q": "0.75731156", "B": "0",
}  # fmt: skip
PRICE_KLINE = {
    "t": 1591267020000, "T": 1591267079999, "s": "0", "i": "1m", "f": 1591267020000,
    "L": 1591267070000, "o": "9542.21900000", "c": "9542.50440000", "h": "9542.71640000",
    "l": "9542.21040000", "v": "0", "n": 51, "x": False, "q": "0", "V": "0", "Q": "0", "B": "0",
}  # fmt: skip
MARK = {
    "e": "markPriceUpdate", "E": 1596095725000, "s": "BTCUSD_201225", "p": "10934.62615417",
    "P": "10962.17178236", "i": "10933.62615417", "r": "", "T": 0,
}  # fmt: skip
TICKER = {
    "e": "24hrTicker", "E": 1591268262453, "s": "BTCUSD_200626", "ps": "BTCUSD", "p": "-43.4",
    "P": "-0.452", "w": "0.00147974", "c": "9548.5", "Q": "2", "o": "9591.9", "h": "10000.0",
    "l": "7000.0", "v": "487850", "q": "32968676323.46222700", "O": 1591181820000,
    "C": 1591268262442, "F": 512014, "L": 615289, "n": 103272,
}  # fmt: skip
MINI_TICKER = {
    "e": "24hrMiniTicker", "E": 1591267704450, "s": "BTCUSD_200626", "ps": "BTCUSD",
    "c": "9561.7", "o": "9580.9", "h": "10000.0", "l": "7000.0", "v": "487476",
    "q": "33264343847.22378500",
}  # fmt: skip
BOOK_TICKER = {
    "e": "bookTicker", "u": 17242169, "s": "BTCUSD_200626", "ps": "BTCUSD", "b": "9548.1",
    "B": "52", "a": "9548.5", "A": "11", "T": 1591268628155, "E": 1591268628166,
}  # fmt: skip
DEPTH = {
    "e": "depthUpdate", "E": 1591270260907, "T": 1591270260891, "s": "BTCUSD_200626",
    "ps": "BTCUSD", "U": 17285681, "u": 17285702, "pu": 17285675, "b": [["9517.6", "10"]],
    "a": [["9518.5", "45"]],
}  # fmt: skip

# stream -> the page's example (a list: the stream sends arrays of such items)
DOC_EXAMPLES: dict[str, Any] = {
    "btcusd_perp@aggTrade": {
        "e": "aggTrade",
        "E": 1591261134288,
        "a": 424951,
        "s": "BTCUSD_200626",
        "p": "9643.5",
        "q": "2",
        "f": 606073,
        "l": 606073,
        "T": 1591261134199,
        "m": False,
    },
    "btcusd_perp@bookTicker": BOOK_TICKER,
    "!bookTicker": BOOK_TICKER,
    "btcusd_perp@depth@100ms": DEPTH,
    "btcusd_perp@depth5": DEPTH,
    "btcusd_perp@ticker": TICKER,
    "!ticker@arr": [TICKER],
    "btcusd_perp@miniTicker": MINI_TICKER,
    "!miniTicker@arr": [MINI_TICKER],
    "btcusd_perp@markPrice": MARK,
    "btcusd_perp@markPrice@1s": MARK,
    "btcusd@markPrice@1s": [MARK],
    "btcusd@indexPrice": {
        "e": "indexPriceUpdate",
        "E": 1591261236000,
        "i": "BTCUSD",
        "p": "9636.57860000",
    },
    "btcusd@indexPrice@1s": {
        "e": "indexPriceUpdate",
        "E": 1591261236000,
        "i": "BTCUSD",
        "p": "9636.57860000",
    },
    "btcusd_perp@kline_1m": {"e": "kline", "E": 1591261542539, "s": "BTCUSD_200626", "k": KLINE},
    "btcusd_perpetual@continuousKline_1m": {
        "e": "continuous_kline",
        "E": 1591261542539,
        "ps": "BTCUSD",
        "ct": "NEXT_QUARTER",
        "k": {key: value for key, value in KLINE.items() if key != "s"},
    },
    "btcusd@indexPriceKline_1m": {
        "e": "indexPrice_kline",
        "E": 1591267070033,
        "ps": "BTCUSD",
        "k": PRICE_KLINE,
    },
    "btcusd_perp@markPriceKline_1m": {
        "e": "markPrice_kline",
        "E": 1591267398004,
        "ps": "BTCUSD",
        "k": {**PRICE_KLINE, "s": "BTCUSD_200626"},
    },
}
# the update speed of the timed streams (their E is on that grid of the exchange clock)
PERIODS = {
    "btcusd_perp@depth@100ms": 100, "btcusd_perp@depth5": 250, "btcusd_perp@ticker": 2000,
    "!ticker@arr": 1000, "btcusd_perp@miniTicker": 2000, "!miniTicker@arr": 1000,
    "btcusd_perp@markPrice": 3000, "btcusd_perp@markPrice@1s": 1000,
    "btcusd@markPrice@1s": 1000, "btcusd@indexPrice": 3000, "btcusd@indexPrice@1s": 1000,
    "btcusd_perp@kline_1m": 250, "btcusd_perpetual@continuousKline_1m": 250,
    "btcusd@indexPriceKline_1m": 250, "btcusd_perp@markPriceKline_1m": 250,
}  # fmt: skip


def shape(value: Any) -> Any:
    """Keys and value types, recursively: what "field for field, type for type" compares."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("streams-coinm")
    running = SandboxServer(root / "data", CONFIG).start()
    yield running
    running.stop()


def advance(server: SandboxServer, by: str) -> int:
    return int(server.call("POST", "/clock/advance", {"by": by})["time"])


async def newest_per_stream(server: SandboxServer, path: str) -> tuple[dict[str, Any], int, int]:
    """One trade on BTCUSD_PERP, an order resting on each side and 6 s of exchange time,
    watched on a combined connection to every stream of DOC_EXAMPLES: the newest message of
    each (the COIN-M items of an array), the exchange time before and after."""
    maker = coinm.coin_trader(server, "maker")
    taker = coinm.coin_trader(server, "taker")
    newest: dict[str, Any] = {}
    url = server.url.replace("http://", "ws://") + path + "/".join(DOC_EXAMPLES)
    async with connect(url, max_queue=None) as ws:
        # the trade and the 6 s after it in one minute, so the newest 1m kline holds the trade
        now = int(server.call("GET", "/clock")["time"])
        await asyncio.to_thread(
            server.call, "POST", "/clock/advance", {"to": str(now - now % 60_000 + 60_000)}
        )
        started = int(server.call("GET", "/clock")["time"])
        await asyncio.to_thread(coinm.cross_once, server, maker, taker)
        for side, price in (("BUY", "76000.0"), ("SELL", "78000.0")):  # a book on both sides
            await asyncio.to_thread(
                coinm.place, server, maker, side=side, type="LIMIT", timeInForce="GTC",
                price=price, quantity=coinm.QTY,
            )  # fmt: skip
        reached = await asyncio.to_thread(advance, server, "6s")
        while True:
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), QUIET_S))
            except TimeoutError:
                break
            data = message["data"]
            if isinstance(data, list):
                data = [item for item in data if item["s"].endswith("_PERP")]
            if data and (isinstance(data, list) or data.get("s", coinm.SYMBOL) == coinm.SYMBOL):
                newest[message["stream"]] = data
    return newest, started, reached


async def test_every_family_field_for_field_as_the_coinm_pages(server: SandboxServer) -> None:
    newest, started, reached = await newest_per_stream(server, "/stream?streams=")
    assert newest.keys() == DOC_EXAMPLES.keys()
    for name, example in DOC_EXAMPLES.items():
        got = newest[name]
        assert shape(got) == shape(example), name
        for event in got if isinstance(got, list) else [got]:
            assert started <= event["E"] <= reached, name
            if name in PERIODS:
                assert event["E"] % PERIODS[name] == 0, name
    # the trade: 1 contract of 100 USD at 77000.0 is 0.00129870 BTC
    assert newest["btcusd_perp@aggTrade"]["q"] == coinm.QTY
    for name in ("btcusd_perp@ticker", "btcusd_perp@miniTicker"):
        assert (newest[name]["v"], newest[name]["q"]) == (coinm.QTY, coinm.COIN_VALUE)
        assert newest[name]["ps"] == coinm.PAIR
    assert newest["btcusd_perp@ticker"]["w"] == coinm.PRICE  # one trade: its price
    for name in ("btcusd_perp@kline_1m", "btcusd_perpetual@continuousKline_1m"):
        k = newest[name]["k"]
        assert (k["v"], k["q"], k["V"], k["Q"]) == (coinm.QTY, coinm.COIN_VALUE) * 2
    index = newest["btcusd@indexPriceKline_1m"]["k"]
    assert index["s"] == "0"
    assert index["f"] == index["t"] <= index["L"] <= index["T"]
    assert newest["btcusd_perp@markPriceKline_1m"]["k"]["s"] == coinm.SYMBOL
    assert newest["btcusd@indexPrice@1s"]["p"] == f"{coinm.INDEX}.00000000"
    # every contract of the pair, the perpetual's row equal to its own stream's at that time
    by_pair = newest["btcusd@markPrice@1s"]
    assert [row["s"] for row in by_pair] == [coinm.SYMBOL]
    assert by_pair[0] == newest["btcusd_perp@markPrice@1s"]
    for name in ("btcusd_perp@bookTicker", "btcusd_perp@depth@100ms", "btcusd_perp@depth5"):
        assert newest[name]["ps"] == coinm.PAIR


async def test_coin_volumes_grow_with_each_trade(server: SandboxServer) -> None:
    """A kline's and the day's coin volume after trades pushed while they are watched: every
    trade of 1 contract at 77000.0 adds 100 / 77000 BTC."""
    maker = coinm.coin_trader(server, "maker-2")
    taker = coinm.coin_trader(server, "taker-2")
    url = server.url.replace("http://", "ws://") + "/ws"
    pushed: list[dict[str, Any]] = []
    async with connect(url, max_queue=None) as ws:
        names = ["btcusd_perp@kline_1m", "btcusd_perp@ticker"]
        await ws.send(json.dumps({"method": "SUBSCRIBE", "id": 1, "params": names}))
        assert json.loads(await asyncio.wait_for(ws.recv(), WAIT_S)) == {"result": None, "id": 1}
        for _ in range(3):
            await asyncio.to_thread(coinm.cross_once, server, maker, taker)
            await asyncio.to_thread(advance, server, "2s")
            while True:
                try:
                    pushed.append(json.loads(await asyncio.wait_for(ws.recv(), QUIET_S)))
                except TimeoutError:
                    break
    klines = [m["k"] for m in pushed if m["e"] == "kline"]
    tickers = [m for m in pushed if m["e"] == "24hrTicker"]
    assert len({k["v"] for k in klines}) >= 3  # pushed after each of the three trades
    for contracts, coins in [(k["v"], k["q"]) for k in klines] + [
        (t["v"], t["q"]) for t in tickers
    ]:
        expected = Decimal(contracts) * 100 / Decimal(coinm.INDEX)
        assert Decimal(coins) == expected.quantize(Decimal("1e-8"), ROUND_HALF_UP)
    assert tickers[-1]["w"] == coinm.PRICE


async def test_all_market_arrays(server: SandboxServer) -> None:
    """`!miniTicker@arr`'s first push: every contract of both products, each in its own shape;
    `!markPrice@arr`: USDⓈ-M's only."""
    url = (
        server.url.replace("http://", "ws://") + "/stream?streams=!markPrice@arr@1s/!miniTicker@arr"
    )
    async with connect(url) as ws:
        await asyncio.to_thread(advance, server, "1s")
        arrays = {}
        while arrays.keys() != {"!markPrice@arr@1s", "!miniTicker@arr"}:
            message = json.loads(await asyncio.wait_for(ws.recv(), WAIT_S))
            arrays[message["stream"]] = message["data"]
    marks = {row["s"] for row in arrays["!markPrice@arr@1s"]}
    assert "BTCUSDT" in marks
    assert not {s for s in marks if s.endswith("_PERP")}
    minis = {row["s"]: row for row in arrays["!miniTicker@arr"]}
    assert "ps" not in minis["BTCUSDT"]
    assert minis[coinm.SYMBOL]["ps"] == coinm.PAIR
    assert shape(minis[coinm.SYMBOL]) == shape(MINI_TICKER)


def test_force_order_gains_the_pair() -> None:
    """USDⓈ-M's forceOrder (its page's example) in COIN-M's shape: `o.ps` after `o.s`."""
    usdm = {
        "e": "forceOrder", "E": 1568014460893,
        "o": {"s": "BTCUSD_PERP", "S": "SELL", "o": "LIMIT", "f": "IOC", "q": "1",
              "p": "9425.5", "ap": "9496.5", "X": "FILLED", "l": "1", "z": "1",
              "T": 1591154240949},
    }  # fmt: skip
    example = {
        "e": "forceOrder", "E": 1591154240950,
        "o": {"s": "BTCUSD_200925", "ps": "BTCUSD", "S": "SELL", "o": "LIMIT", "f": "IOC",
              "q": "1", "p": "9425.5", "ap": "9496.5", "X": "FILLED", "l": "1", "z": "1",
              "T": 1591154240949},
    }  # fmt: skip
    instrument = _btcusd_perp()
    shaped = coinm_payloads.RESHAPES["forceOrder"](instrument, usdm)
    assert shape(shaped) == shape(example)
    assert list(shaped["o"]) == list(example["o"])
    assert shaped["o"]["ps"] == "BTCUSD"


def _btcusd_perp() -> Instrument:
    return validate(tomllib.loads(coinm.CONFIG)).instruments[coinm.SYMBOL]


@pytest.mark.parametrize(
    ("name", "kind", "key", "period"),
    [
        ("btcusd_perp@aggTrade", "aggTrade", "BTCUSD_PERP", 0),
        ("btcusd_261225@depth5@100ms", "partialDepth", "BTCUSD_261225", 100),
        ("btcusdt_261225@kline_1m", "kline", "BTCUSDT_261225", 250),  # USDⓈ-M's quarterly
        ("btcusd@indexPrice", "indexPrice", "BTCUSD", 3000),
        ("btcusd@indexPrice@1s", "indexPrice", "BTCUSD", 1000),
        ("btcusd@markPrice@1s", "markPrice", "BTCUSD", 1000),  # the pair's: by what is listed
        ("btcusd_next_quarter@continuousKline_1m", "continuousKline", "BTCUSD", 250),
    ],
)
def test_coinm_names(name: str, kind: str, key: str, period: int) -> None:
    stream = parse_stream(name)
    assert stream is not None
    assert (stream.kind, stream.key, stream.period_ms) == (kind, key, period)


@pytest.mark.parametrize(
    "name", ["btcusd_perp@indexPrice", "btcusd_perp_perpetual@continuousKline_1m", "a_b_c@trade"]
)
def test_not_coinm_names(name: str) -> None:
    assert parse_stream(name) is None
