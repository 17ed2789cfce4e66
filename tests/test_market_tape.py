"""The public market tape: trades, aggregate trades, trade klines, tickers and open interest.

The projection is fed the core's real events (an `Exchange` applying stamped commands, as in
test_core_trading.py) and read before and after its rows are committed; then two accounts
trade over HTTP and every public endpoint shows it, exactly as Binance prints it. BTCUSDT
prices are in units of 0.01, quantities in steps of 0.001.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from binance_sandbox.config.times import parse_instant_ms
from binance_sandbox.core.commands import Command, PrintTrades, SetIndexPrices, TapePrint
from binance_sandbox.core.events import Event
from binance_sandbox.projections.klines import KlineStore
from binance_sandbox.projections.tape import TapeStore
from binance_sandbox.projections.tape_log import RECENT, AggTrade, PublicTrade
from binance_sandbox.projections.trade_candles import TradeCandle
from tests.conftest import ServerFactory
from tests.support.server import SandboxServer
from tests.test_core_trading import BTC, Sim, px, qty
from tests.test_trade_rules_http import Trader

START = "2026-03-01T00:00:00Z"
T0 = parse_instant_ms(START)  # on the hour, so every interval opens here
MINUTE = 60_000
HOUR = 60 * MINUTE


class Tape:
    """A simulated exchange whose events feed a TapeStore, flushed on demand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sim = Sim(ts=T0)
        self.store = TapeStore(path)
        for stamped in self.sim.log:  # genesis and funding: nothing for the tape
            self.store.on_applied(stamped, [])

    def do(self, command: Command, ts: int | None = None) -> list[Event]:
        events = self.sim.do(command, ts)
        self.store.on_applied(self.sim.log[-1], events)
        return events

    def place(self, account: int, side: str, quantity: str, price: str = "", **fields: Any) -> None:
        events = self.sim.place(account, side, qty(quantity), px(price) if price else 0, **fields)
        self.store.on_applied(self.sim.log[-1], events)

    def commit(self) -> None:
        write = self.store.take_flush()
        if write is not None:
            write()

    def reopened(self) -> TapeStore:
        self.commit()
        self.store.close()
        self.store = TapeStore(self.path)
        return self.store


def flushes(committed: bool) -> Callable[[Tape], None]:
    """Reads answer the same from memory (nothing committed) and from the database."""
    return Tape.commit if committed else lambda tape: None


def candle(
    minute: int, ohlc: tuple[str, str, str, str], fills: str, bought: str, count: int, ids: Any
) -> TradeCandle:
    """`fills` and the taker buys among them (`bought`) as 'qty@price qty@price ...'."""
    o, h, lo, c = (px(p) for p in ohlc)
    volume, quote = volumes(fills)
    bought_volume, bought_quote = volumes(bought)
    first, last = ids
    return TradeCandle(
        minute, o, h, lo, c, volume, quote, count, bought_volume, bought_quote, first, last
    )


def volumes(fills: str) -> tuple[int, int]:
    """'0.010@77000 0.005@77010' -> (steps, price units x steps)."""
    parts = [(qty(q), px(p)) for q, p in (fill.split("@") for fill in fills.split())]
    return sum(q for q, _ in parts), sum(q * p for q, p in parts)


def quiet(minute: int, close: str) -> TradeCandle:
    c = px(close)
    return TradeCandle(minute, c, c, c, c, 0, 0, 0, 0, 0, -1, -1)


# --- the projection, fed by the core --------------------------------------------------------


@pytest.mark.parametrize("committed", [False, True])
def test_fills_of_one_taker_at_one_price_are_one_aggregate_trade(
    tmp_path: Path, committed: bool
) -> None:
    tape = Tape(tmp_path / "tape.db")
    tape.place(1, "SELL", "0.010", "77000")
    tape.place(1, "SELL", "0.020", "77000")
    tape.place(1, "SELL", "0.005", "77010")
    tape.place(2, "BUY", "0.040")  # MARKET: trades 1, 2 at 77000 and 3 at 77010
    tape.place(1, "BUY", "0.004", "76990")
    tape.place(3, "SELL", "0.004", ts=T0 + 1500)  # hits the buyer who made the price
    flushes(committed)(tape)

    assert tape.store.trades(BTC, None, 10) == [
        PublicTrade(1, T0, px("77000"), qty("0.010"), px("77000") * qty("0.010"), 1, False),
        PublicTrade(2, T0, px("77000"), qty("0.020"), px("77000") * qty("0.020"), 1, False),
        PublicTrade(3, T0, px("77010"), qty("0.005"), px("77010") * qty("0.005"), 1, False),
        PublicTrade(4, T0 + 1500, px("76990"), qty("0.004"), px("76990") * qty("0.004"), 1, True),
    ]
    assert [t.id for t in tape.store.trades(BTC, None, 2)] == [3, 4]
    assert [t.id for t in tape.store.trades(BTC, 2, 2)] == [2, 3]
    assert tape.store.agg_trades(BTC, None, None, None, 10) == [
        AggTrade(1, T0, px("77000"), qty("0.030"), 1, 2, False),
        AggTrade(2, T0, px("77010"), qty("0.005"), 3, 3, False),
        AggTrade(3, T0 + 1500, px("76990"), qty("0.004"), 4, 4, True),
    ]
    assert [a.id for a in tape.store.agg_trades(BTC, 2, None, None, 10)] == [2, 3]
    assert [a.id for a in tape.store.agg_trades(BTC, None, T0 + 1, None, 10)] == [3]
    assert [a.id for a in tape.store.agg_trades(BTC, None, None, T0, 1)] == [2]
    assert tape.store.trades("ETHUSDT", None, 10) == []
    assert tape.store.last_trade(BTC) == tape.store.trades(BTC, None, 10)[-1]


@pytest.mark.parametrize("committed", [False, True])
def test_minutes_without_trades_continue_the_previous_close(
    tmp_path: Path, committed: bool
) -> None:
    tape = Tape(tmp_path / "tape.db")
    tape.place(1, "SELL", "0.010", "77000")
    tape.place(1, "SELL", "0.010", "77100")
    tape.place(2, "BUY", "0.015")  # T0: 0.010 @ 77000, 0.005 @ 77100
    tape.place(1, "BUY", "0.002", "76800", ts=T0 + 3 * MINUTE + 5_000)
    tape.place(3, "SELL", "0.002")  # T0 + 3m: hits the bid at 76800
    flushes(committed)(tape)

    fills = "0.010@77000 0.005@77100"
    first = candle(T0, ("77000", "77100", "77000", "77100"), fills, fills, 2, (1, 2))
    third = candle(T0 + 3 * MINUTE, ("76800",) * 4, "0.002@76800", "", 1, (3, 3))
    minutes = [first, quiet(T0 + MINUTE, "77100"), quiet(T0 + 2 * MINUTE, "77100"), third]
    now = T0 + 5 * MINUTE + 1
    current = [quiet(T0 + 4 * MINUTE, "76800"), quiet(T0 + 5 * MINUTE, "76800")]
    assert tape.store.candles(BTC, "1m", 0, now, 1500) == minutes + current
    assert tape.store.candles(BTC, "1m", T0 + MINUTE, T0 + 3 * MINUTE, 2) == minutes[1:3]
    assert tape.store.latest(BTC, "1m", now, 3) == [third, *current]
    assert tape.store.latest(BTC, "1m", T0 + 90_000, 5) == minutes[:2]
    assert tape.store.latest(BTC, "1m", T0 - 1, 5) == []

    ohlc = ("77000", "77100", "76800", "76800")
    whole = candle(T0, ohlc, fills + " 0.002@76800", fills, 3, (1, 3))
    assert tape.store.candles(BTC, "5m", 0, now, 10) == [
        whole,
        quiet(T0 + 5 * MINUTE, "76800"),
    ]
    assert tape.store.latest(BTC, "1h", now, 2) == [whole]
    assert tape.store.summary(BTC, T0 - HOUR, now) == whole


@pytest.mark.parametrize("committed", [False, True])
def test_replayed_prints_take_their_own_time_and_count_their_trades(
    tmp_path: Path, committed: bool
) -> None:
    tape = Tape(tmp_path / "tape.db")
    tape.place(1, "SELL", "0.010", "77000")
    tape.place(2, "BUY", "0.010")  # trade 1 at T0
    prints = (
        TapePrint(time=T0 - 2 * MINUTE + 10, price=px("76950"), qty=qty("0.300"), count=3,
                  buyer_maker=True),
        TapePrint(time=T0 + 20, price=px("77020"), qty=qty("0.100"), count=2, buyer_maker=False),
    )  # fmt: skip
    tape.do(PrintTrades(symbol=BTC, prints=prints), ts=T0 + 30)
    tape.place(1, "SELL", "0.001", "77000", ts=T0 + 40)
    tape.place(2, "BUY", "0.001")  # trade 7: ids 2..6 went to the prints
    flushes(committed)(tape)

    quote = px("76950") * qty("0.300")
    assert tape.store.trades(BTC, 2, 2) == [
        PublicTrade(2, T0 - 2 * MINUTE + 10, px("76950"), qty("0.300"), quote, 3, True),
        PublicTrade(5, T0 + 20, px("77020"), qty("0.100"), px("77020") * qty("0.100"), 2, False),
    ]
    aggregates = tape.store.agg_trades(BTC, None, None, None, 10)
    assert [(a.id, a.first_id, a.last_id, a.time) for a in aggregates] == [
        (1, 1, 1, T0),
        (2, 2, 4, T0 - 2 * MINUTE + 10),
        (3, 5, 6, T0 + 20),
        (4, 7, 7, T0 + 40),
    ]
    early = candle(T0 - 2 * MINUTE, ("76950",) * 4, "0.300@76950", "", 3, (2, 4))
    fills = "0.010@77000 0.100@77020 0.001@77000"  # all taken by buyers
    now = candle(T0, ("77000", "77020", "77000", "77000"), fills, fills, 4, (1, 7))
    assert tape.store.candles(BTC, "1m", 0, T0, 10) == [
        early,
        quiet(T0 - MINUTE, "76950"),
        now,
    ]
    day = tape.store.summary(BTC, T0 - HOUR, T0 + 40)
    assert day is not None
    assert (day.open, day.close, day.count, day.first_id, day.last_id) == (
        px("76950"), px("77000"), 7, 1, 7
    )  # fmt: skip


def test_the_tape_survives_a_reopening_and_continues_its_ids(tmp_path: Path) -> None:
    tape = Tape(tmp_path / "tape.db")
    tape.place(1, "SELL", "0.010", "77000")
    tape.place(2, "BUY", "0.010")
    before = (tape.store.trades(BTC, None, 10), tape.store.candles(BTC, "1m", 0, T0, 10))
    store = tape.reopened()
    assert (store.trades(BTC, None, 10), store.candles(BTC, "1m", 0, T0, 10)) == before
    assert store.seq == tape.sim.seq
    tape.place(1, "SELL", "0.010", "77000", ts=T0 + MINUTE)
    tape.place(2, "BUY", "0.010")
    assert [(a.id, a.first_id) for a in store.agg_trades(BTC, None, None, None, 10)] == [
        (1, 1),
        (2, 2),
    ]
    assert [c.count for c in store.candles(BTC, "1m", 0, T0 + MINUTE, 10)] == [1, 1]
    store.close()


def test_the_streams_reads_from_memory_equal_the_stores_from_any_mark(tmp_path: Path) -> None:
    """`trades_after` / `agg_trades_after` (the streams': the newest RECENT records per symbol
    stay in memory) answer what the store's reads from `mark + 1` answer, written or not, past
    the records memory still holds and across a reopening (memory starts empty)."""
    tape = Tape(tmp_path / "tape.db")
    tape.place(1, "SELL", "0.010", "77000")
    tape.place(2, "BUY", "0.010")  # trade 1
    prints = tuple(
        TapePrint(
            time=T0 + n,
            price=px("77000") + n,
            qty=qty("0.001"),
            count=1 + n % 3,
            buyer_maker=n % 2 == 0,
        )
        for n in range(RECENT + 200)
    )  # fmt: skip: trade ids jump by each print's count
    tape.do(PrintTrades(symbol=BTC, prints=prints), ts=T0 + 30)
    last_trade, last_agg = 1 + sum(p.count for p in prints), RECENT + 201

    def agree(store: TapeStore) -> None:
        for mark in (0, 1, 150, 200, 201, 202, last_agg - 2, last_agg - 1, last_agg):
            assert store.agg_trades_after(BTC, mark, 500) == store.agg_trades(
                BTC, mark + 1, None, None, 500
            ), mark
        for mark in (0, 1, 400, 401, 402, last_trade - 3, last_trade - 1, last_trade):
            assert store.trades_after(BTC, mark, 500) == store.trades(BTC, mark + 1, 500), mark
        assert store.trades_after("ETHUSDT", 0, 10) == []

    agree(tape.store)
    assert [a.id for a in tape.store.agg_trades_after(BTC, last_agg - 2, 10)] == [
        last_agg - 1, last_agg,
    ]  # fmt: skip
    tape.commit()
    agree(tape.store)
    store = tape.reopened()
    agree(store)
    tape.place(1, "SELL", "0.010", "77000", ts=T0 + MINUTE)
    tape.place(2, "BUY", "0.010")
    assert [a.id for a in store.agg_trades_after(BTC, last_agg - 1, 10)] == [
        last_agg, last_agg + 1,
    ]  # fmt: skip
    assert store.last_agg_trade(BTC) == store.agg_trades(BTC, None, None, None, 1)[0]
    assert store.last_trade(BTC) == store.trades(BTC, None, 1)[0]
    store.close()


def test_index_klines_latest_window_ends_with_the_current_candle(tmp_path: Path) -> None:
    """Every minute has an index update: the last two candles are the previous and the current
    one (the window used to stop one short when every interval had a candle)."""
    store = KlineStore(tmp_path / "k.db")
    sim = Sim(ts=T0)
    for minute in range(10):
        events = sim.do(
            SetIndexPrices(prices={BTC: 100 + minute}, source="t"), T0 + minute * MINUTE
        )
        store.on_applied(sim.log[-1], events)
    latest = store.latest(BTC, "1m", T0 + 9 * MINUTE + 5, 2)
    assert [(c.open_time, c.close) for c in latest] == [
        (T0 + 8 * MINUTE, 108),
        (T0 + 9 * MINUTE, 109),
    ]
    store.close()


# --- over HTTP --------------------------------------------------------------------------------

CONFIG = f"""
[clock]
mode = "manual"
start = "{START}"

[prices.pairs.BTCUSDT]
source = "fixed"
price = "77000"
"""


def public(server: SandboxServer, path: str, **params: Any) -> str:
    """The answer as JSON text, so key order and types are compared too."""
    answer = httpx.get(server.url + path, params=params, timeout=30.0)
    assert answer.status_code == 200, answer.text
    return as_json(answer.json())


def as_json(value: Any) -> str:
    return json.dumps(value)


def trade_row(
    trade_id: int, price: str, quantity: str, quote: str, time: int, buyer_maker: bool
) -> dict[str, Any]:
    return {
        "id": trade_id, "price": price, "qty": quantity, "quoteQty": quote, "time": time,
        "isBuyerMaker": buyer_maker, "isRPITrade": False,
    }  # fmt: skip


def test_two_accounts_trade_and_the_market_data_shows_it(make_server: ServerFactory) -> None:
    server = make_server("data", CONFIG).start()
    maker, taker = Trader(server), Trader(server)
    assert maker.limit("SELL", "77000.00", "0.010").status_code == 200
    assert maker.limit("SELL", "77000.00", "0.020").status_code == 200
    bought = taker.ok("POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="MARKET",
                      quantity="0.030")  # fmt: skip
    assert bought["orderId"] > 0
    server.call("POST", "/clock/advance", {"by": "2m"})
    assert maker.limit("BUY", "76900.00", "0.005").status_code == 200
    taker.ok("POST", "/fapi/v1/order", symbol="BTCUSDT", side="SELL", type="MARKET",
             quantity="0.005")  # fmt: skip
    server.call("POST", "/clock/advance", {"by": "30s"})
    now = T0 + 2 * MINUTE + 30_000

    trades = [
        trade_row(1, "77000.00", "0.010", "770.00", T0, False),
        trade_row(2, "77000.00", "0.020", "1540.00", T0, False),
        trade_row(3, "76900.00", "0.005", "384.50", T0 + 2 * MINUTE, True),
    ]
    assert public(server, "/fapi/v1/trades", symbol="BTCUSDT") == as_json(trades)
    assert public(server, "/fapi/v1/trades", symbol="BTCUSDT", limit=1) == as_json(trades[2:])
    assert public(server, "/fapi/v1/trades", symbol="ETHUSDT") == "[]"
    old = httpx.get(
        server.url + "/fapi/v1/historicalTrades", headers=taker.credentials.headers,
        params={"symbol": "BTCUSDT", "fromId": 2, "limit": 1},
    )  # fmt: skip
    assert (old.status_code, as_json(old.json())) == (200, as_json(trades[1:2]))

    aggregates = [
        {"a": 1, "p": "77000.00", "q": "0.030", "nq": "0.030", "f": 1, "l": 2, "T": T0,
         "m": False},
        {"a": 2, "p": "76900.00", "q": "0.005", "nq": "0.005", "f": 3, "l": 3,
         "T": T0 + 2 * MINUTE, "m": True},
    ]  # fmt: skip
    btc_aggregates = {"path": "/fapi/v1/aggTrades", "symbol": "BTCUSDT"}
    assert public(server, **btc_aggregates) == as_json(aggregates)
    assert public(server, **btc_aggregates, fromId=2) == as_json(aggregates[1:])
    window = {"startTime": T0 + MINUTE, "endTime": T0 + 2 * MINUTE}
    assert public(server, **btc_aggregates, **window) == as_json(aggregates[1:])

    minutes = [
        [T0, "77000.00", "77000.00", "77000.00", "77000.00", "0.030", T0 + MINUTE - 1,
         "2310.00000", 2, "0.030", "2310.00000", "0"],
        [T0 + MINUTE, "77000.00", "77000.00", "77000.00", "77000.00", "0.000",
         T0 + 2 * MINUTE - 1, "0.00000", 0, "0.000", "0.00000", "0"],
        [T0 + 2 * MINUTE, "76900.00", "76900.00", "76900.00", "76900.00", "0.005",
         T0 + 3 * MINUTE - 1, "384.50000", 1, "0.000", "0.00000", "0"],
    ]  # fmt: skip
    klines = public(server, "/fapi/v1/klines", symbol="BTCUSDT", interval="1m")
    assert klines == as_json(minutes)
    hour = public(server, "/fapi/v1/klines", symbol="BTCUSDT", interval="1h")
    assert hour == as_json([
        [T0, "77000.00", "77000.00", "76900.00", "76900.00", "0.035", T0 + HOUR - 1,
         "2694.50000", 3, "0.030", "2310.00000", "0"],
    ])  # fmt: skip
    last_minute = public(server, "/fapi/v1/klines", symbol="BTCUSDT", interval="1m", limit=1)
    assert last_minute == as_json(minutes[-1:])
    perpetual = {"pair": "BTCUSDT", "contractType": "PERPETUAL", "interval": "1m"}
    assert public(server, "/fapi/v1/continuousKlines", **perpetual) == as_json(minutes)
    quarter = {**perpetual, "contractType": "CURRENT_QUARTER"}
    assert public(server, "/fapi/v1/continuousKlines", **quarter) == "[]"

    day = public(server, "/fapi/v1/ticker/24hr", symbol="BTCUSDT")
    assert day == as_json({
        "symbol": "BTCUSDT", "priceChange": "-100.00", "priceChangePercent": "-0.130",
        "weightedAvgPrice": "76985.71", "lastPrice": "76900.00", "lastQty": "0.005",
        "openPrice": "77000.00", "highPrice": "77000.00", "lowPrice": "76900.00",
        "volume": "0.035", "quoteVolume": "2694.50", "openTime": T0 - 24 * HOUR + 2 * MINUTE,
        "closeTime": now, "firstId": 1, "lastId": 3, "count": 3,
    })  # fmt: skip
    for path in ("/fapi/v1/ticker/price", "/fapi/v2/ticker/price"):
        price = {"symbol": "BTCUSDT", "price": "76900.00", "time": T0 + 2 * MINUTE}
        assert public(server, path, symbol="BTCUSDT") == as_json(price)
        eth = {"symbol": "ETHUSDT", "price": "0.00", "time": now}  # no trade yet
        assert json.loads(public(server, path))[:2] == [price, eth]
    interest = {"openInterest": "0.025", "symbol": "BTCUSDT", "time": now}
    assert public(server, "/fapi/v1/openInterest", symbol="BTCUSDT") == as_json(interest)

    server.stop()
    server.start()
    assert public(server, "/fapi/v1/trades", symbol="BTCUSDT") == as_json(trades)
    assert public(server, "/fapi/v1/aggTrades", symbol="BTCUSDT") == as_json(aggregates)
    assert public(server, "/fapi/v1/klines", symbol="BTCUSDT", interval="1m") == as_json(minutes)
