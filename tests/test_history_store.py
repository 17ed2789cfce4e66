"""The history projection answers the same before and after its rows are committed."""

import sqlite3
from pathlib import Path

import msgspec

from binance_sandbox.core.commands import SetOverload, Stamped
from binance_sandbox.core.events import Amendment, OrderUpdated, Trade
from binance_sandbox.core.orders import Order
from binance_sandbox.projections.history import HistoryStore, TradeRecord


def order(order_id: int) -> Order:
    return Order(
        order_id=order_id, client_order_id=f"c{order_id}", account_id=1, symbol="BTCUSDT",
        side="BUY", position_side="BOTH", order_type="LIMIT", time_in_force="GTC",
        price=100, orig_qty=1, time=10, update_time=10,
    )  # fmt: skip


def amended(seq: int, order_id: int) -> tuple[Stamped, list[OrderUpdated]]:
    change = Amendment(price_before=100, price_after=90, qty_before=1, qty_after=1, count=1)
    event = OrderUpdated(order=order(order_id), execution="AMENDMENT", amendment=change)
    return Stamped(seq, 10 + seq, SetOverload(on=False)), [event]


def test_amendments_of_one_order_before_and_after_commit(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.db")
    for seq, order_id in ((1, 7), (2, 8), (3, 7)):
        store.on_applied(*amended(seq, order_id))
    pending = [a.amendment_id for a in store.amendments(1, "BTCUSDT", 7, 0, 100)]
    for _ in range(2):  # the second flush drops the first one's rows from memory
        write = store.take_flush()
        if write is not None:
            write()
        store.on_applied(*amended(10 + _, 99))
    committed = [a.amendment_id for a in store.amendments(1, "BTCUSDT", 7, 0, 100)]
    assert pending == committed == [1, 3]
    assert [a.amendment_id for a in store.amendments(1, "BTCUSDT", None, 0, 100)][:3] == [1, 2, 3]
    assert [o.order_id for o in store.orders(1, "BTCUSDT", 8, 0, 100)] == [8, 99]
    store.close()


def test_a_data_directory_from_before_the_maker_key_keeps_its_trades(tmp_path: Path) -> None:
    """trade_history was keyed (account, trade id), which lost one side of a self-trade; an
    older data directory's table is rebuilt around the maker flag, rows kept."""
    path = tmp_path / "h.db"
    record = TradeRecord(
        account_id=1, symbol="BTCUSDT", order_id=7, side="BUY", position_side="BOTH", time=10,
        trade=Trade(trade_id=5, price=100, qty=1, quote=100, commission=1,
                    commission_asset="USDT", realized_pnl=0, is_maker=True),
    )  # fmt: skip
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE trade_history (trade_id INTEGER NOT NULL, account_id INTEGER NOT NULL,"
            " symbol TEXT NOT NULL, order_id INTEGER NOT NULL, time INTEGER NOT NULL,"
            " body BLOB NOT NULL, PRIMARY KEY (account_id, trade_id))"
        )
        db.execute(
            "INSERT INTO trade_history VALUES (5, 1, 'BTCUSDT', 7, 10, ?)",
            (msgspec.json.encode(record),),
        )
    store = HistoryStore(path)
    assert store.trades(1, "BTCUSDT", 0, 0, 100) == [record]
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT is_maker FROM trade_history").fetchall() == [(1,)]


def test_amendments_older_than_the_retention_on_exchange_time_are_dropped(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.db", amendment_retention_ms=1000)
    for seq in (1, 2):
        store.on_applied(*amended(seq, 7))  # at exchange times 11 and 12
    for _ in range(2):
        write = store.take_flush()
        assert write is not None
        write()
        store.on_applied(*amended(3000, 7))  # exchange time 3010: 11 and 12 are past 1 s
    assert [a.amendment_id for a in store.amendments(1, "BTCUSDT", 7, 0, 10_000)] == [3000]
    store.close()
