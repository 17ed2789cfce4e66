"""COIN-M's user-data messages: which product's listenKey gets a message (`product_routing`)
and COIN-M's shapes (`coinm_user_payloads`), against the COIN-M pages' examples
(derivatives-docs/coin-margined-futures/user-data-streams/), on messages as the user feed builds
them for USDⓈ-M."""

import asyncio
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from binance_sandbox.config.loader import load_config, validate
from binance_sandbox.core.instruments import Product
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.gateway.handlers.account import account_alias
from binance_sandbox.gateway.user_streams.product_routing import for_product
from tests.support import coinm_market as coinm
from tests.support.server import SandboxServer
from tests.support.signing import Credentials

ACCOUNT = 7
WAIT_S = 30.0
QUIET_S = 0.5
TS = 1_796_000_000_000

# the page's ORDER_TRADE_UPDATE `o` keys, but for a trailing stop's AP and cr
COINM_ORDER_KEYS = [
    "s", "c", "S", "o", "f", "q", "p", "ap", "sp", "x", "X", "i", "l", "z", "L", "ma", "N", "n",
    "T", "t", "b", "a", "m", "R", "wt", "ot", "ps", "cp", "pP", "rp", "V", "pm", "er",
]  # fmt: skip


@pytest.fixture(scope="module")
def state() -> ExchangeState:
    exchange = ExchangeState()
    exchange.instruments = {
        **load_config(environ={}).instruments,
        **validate(tomllib.loads(coinm.CONFIG)).instruments,
    }
    return exchange


def order_update(symbol: str) -> dict[str, Any]:
    """An ORDER_TRADE_UPDATE of a fill as `order_updates` builds it (USDⓈ-M's keys)."""
    return {
        "e": "ORDER_TRADE_UPDATE", "E": TS, "T": TS,
        "o": {
            "s": symbol, "c": "x", "S": "BUY", "o": "LIMIT", "f": "GTC", "q": "1", "p": "77000.0",
            "ap": "77000.0", "sp": "0", "x": "TRADE", "X": "FILLED", "i": 1, "l": "1", "z": "1",
            "L": "77000.0", "N": "BTC", "n": "0.00000065", "T": TS, "t": 1, "b": "0", "a": "0",
            "m": False, "R": False, "wt": "CONTRACT_PRICE", "ot": "LIMIT", "ps": "BOTH",
            "cp": False, "pP": False, "si": 0, "ss": 0, "rp": "0", "V": "EXPIRE_MAKER",
            "pm": "NONE", "gtd": 0, "er": "0",
        },
    }  # fmt: skip


def account_update(balances: list[str], positions: list[str]) -> dict[str, Any]:
    return {
        "e": "ACCOUNT_UPDATE", "E": TS, "T": TS,
        "a": {
            "m": "ORDER",
            "B": [{"a": asset, "wb": "1", "cw": "1", "bc": "0"} for asset in balances],
            "P": [{"s": symbol, "pa": "1", "ep": "1", "bep": "1", "cr": "0", "up": "0",
                   "mt": "cross", "iw": "0", "ps": "BOTH"} for symbol in positions],
        },
    }  # fmt: skip


def test_order_update_in_coinm_shape(state: ExchangeState) -> None:
    shaped = for_product(state, ACCOUNT, order_update(coinm.SYMBOL), "coinm")
    assert shaped is not None
    assert list(shaped) == ["e", "E", "T", "i", "o"]
    assert shaped["i"] == account_alias(ACCOUNT)
    assert list(shaped["o"]) == COINM_ORDER_KEYS
    assert shaped["o"]["ma"] == "BTC"
    assert for_product(state, ACCOUNT, order_update(coinm.SYMBOL), "usdm") is None


def test_usdm_messages_unchanged_and_not_for_coinm(state: ExchangeState) -> None:
    usdm = order_update("BTCUSDT")
    assert for_product(state, ACCOUNT, usdm, "usdm") is usdm
    assert for_product(state, ACCOUNT, usdm, "coinm") is None
    for only_usdm in (
        {"e": "TRADE_LITE", "E": TS, "T": TS, "s": coinm.SYMBOL},  # COIN-M has none
        {"e": "ACCOUNT_CONFIG_UPDATE", "E": TS, "T": TS, "ai": {"j": True}},  # Multi-Assets
    ):
        assert for_product(state, ACCOUNT, only_usdm, "coinm") is None
    leverage = {"e": "ACCOUNT_CONFIG_UPDATE", "E": TS, "T": TS, "ac": {"s": coinm.SYMBOL, "l": 5}}
    assert for_product(state, ACCOUNT, leverage, "coinm") == leverage  # the page's shape
    assert for_product(state, ACCOUNT, leverage, "usdm") is None


@pytest.mark.parametrize(
    ("balances", "positions", "usdm", "coinm_rows"),
    [
        # a COIN-M fill: COIN-M's alone
        (["BTC"], [coinm.SYMBOL], None, (["BTC"], [coinm.SYMBOL])),
        # a USDⓈ-M fill: USDⓈ-M's alone, whole
        (["USDT"], ["BTCUSDT"], (["USDT"], ["BTCUSDT"]), None),
        # funding of both products in one command: each its positions and margin assets
        (["USDT", "BTC"], ["BTCUSDT", coinm.SYMBOL], (["USDT"], ["BTCUSDT"]),
         (["BTC"], [coinm.SYMBOL])),
        # deposits: USDⓈ-M's whole, as before COIN-M; COIN-M's its margin assets' rows
        (["USDT", "BTC"], [], (["USDT", "BTC"], []), (["BTC"], [])),
        (["USDT"], [], (["USDT"], []), None),
    ],
)  # fmt: skip
def test_account_update_split_by_product(
    state: ExchangeState,
    balances: list[str],
    positions: list[str],
    usdm: tuple[list[str], list[str]] | None,
    coinm_rows: tuple[list[str], list[str]] | None,
) -> None:
    update = account_update(balances, positions)
    cases: list[tuple[Product, tuple[list[str], list[str]] | None]] = [
        ("usdm", usdm), ("coinm", coinm_rows),
    ]  # fmt: skip
    for product, expected in cases:
        got = for_product(state, ACCOUNT, update, product)
        if expected is None:
            assert got is None, product
            continue
        assert got is not None, product
        rows = ([b["a"] for b in got["a"]["B"]], [p["s"] for p in got["a"]["P"]])
        assert rows == expected, product
        top = ["e", "E", "T", "a"] if product == "usdm" else ["e", "E", "T", "i", "a"]
        assert list(got) == top


# --- over a real socket ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("user-streams-coinm")
    running = SandboxServer(root / "data", coinm.CONFIG).start()
    yield running
    running.stop()


def listen_key(server: SandboxServer, who: Credentials, api: str) -> str:
    started = httpx.post(f"{server.url}{api}/listenKey", headers=who.headers)
    assert started.status_code == 200, started.text
    key: str = started.json()["listenKey"]
    return key


async def test_a_coinm_fill_on_the_dapi_key_only(server: SandboxServer) -> None:
    """A COIN-M trade: the taker's /dapi listenKey gets its ORDER_TRADE_UPDATEs and the
    ACCOUNT_UPDATE in COIN-M's shape; its /fapi key (another key) gets nothing of it."""
    maker, taker = coinm.coin_trader(server, "maker"), coinm.coin_trader(server, "taker")
    dapi_key, fapi_key = (
        listen_key(server, taker, "/dapi/v1"),
        listen_key(server, taker, "/fapi/v1"),
    )
    assert dapi_key != fapi_key
    base = server.url.replace("http://", "ws://")
    async with (
        connect(f"{base}/ws/{dapi_key}") as coin_ws,
        connect(f"{base}/ws/{fapi_key}") as usd_ws,
    ):
        await asyncio.to_thread(coinm.cross_once, server, maker, taker)
        received = []
        while not any(m["e"] == "ACCOUNT_UPDATE" for m in received):
            received.append(json.loads(await asyncio.wait_for(coin_ws.recv(), WAIT_S)))
        with pytest.raises(TimeoutError):  # nothing on the USDⓈ-M key
            await asyncio.wait_for(usd_ws.recv(), QUIET_S)
    orders = [m for m in received if m["e"] == "ORDER_TRADE_UPDATE"]
    assert [o["o"]["x"] for o in orders] == ["NEW", "TRADE"]  # a MARKET order: placed, filled
    fill = orders[-1]
    assert list(fill) == ["e", "E", "T", "i", "o"]
    assert list(fill["o"]) == COINM_ORDER_KEYS
    assert (fill["o"]["s"], fill["o"]["ma"], fill["o"]["N"]) == (coinm.SYMBOL, "BTC", "BTC")
    assert (fill["o"]["l"], fill["o"]["L"]) == (coinm.QTY, coinm.PRICE)
    update = received[-1]
    assert list(update) == ["e", "E", "T", "i", "a"]
    assert update["i"] == fill["i"]
    assert [row["a"] for row in update["a"]["B"]] == ["BTC"]
    [position] = update["a"]["P"]
    assert (position["s"], position["pa"], position["ps"]) == (coinm.SYMBOL, coinm.QTY, "BOTH")
