"""The history projection answers the same before and after its rows are committed, and a
restore forgets what came after the saved state at once, not when its delete is committed."""

import sqlite3
from pathlib import Path

import msgspec

from binance_sandbox.core.commands import SetOverload, Stamped
from binance_sandbox.core.events import Amendment, OrderUpdated, StateReplaced, Trade
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


def filled(seq: int, order_id: int, trade_id: int) -> tuple[Stamped, list[OrderUpdated]]:
    trade = Trade(trade_id=trade_id, price=100, qty=1, quote=100, commission=1,
                  commission_asset="USDT", realized_pnl=0, is_maker=False)  # fmt: skip
    event = OrderUpdated(order=order(order_id), execution="TRADE", trade=trade)
    return Stamped(seq, 10 + seq, SetOverload(on=False)), [event]


def test_a_restore_hides_committed_rows_after_the_saved_state_before_its_delete(
    tmp_path: Path,
) -> None:
    """Orders 7 and 8 traded and were committed; a restore to the state after order 7 (seq 1,
    time 11, next order id 8) forgets order 8 and its trade at once, though the delete waits
    for the next flush; the new timeline's order 8 then shows, before and after its commit."""
    store = HistoryStore(tmp_path / "h.db")
    store.on_applied(*filled(1, 7, trade_id=1))
    store.on_applied(*filled(2, 8, trade_id=2))
    flush = store.take_flush()
    assert flush is not None
    flush()
    replaced = StateReplaced(source="restore", saved_seq=1, saved_ts=11, next_order_id=8,
                             open_orders=())  # fmt: skip
    store.on_applied(Stamped(3, 13, SetOverload(on=False)), [replaced])

    def seen() -> tuple[list[int], list[int], bool]:
        orders = [o.order_id for o in store.orders(1, "BTCUSDT", 0, 0, 100)]
        trades = [t.trade.trade_id for t in store.trades(1, "BTCUSDT", 0, 0, 100)]
        return orders, trades, store.order(1, "BTCUSDT", 8, None) is not None

    assert seen() == ([7], [1], False)
    for _ in range(2):  # the delete in flight, then committed
        flush = store.take_flush()
        if flush is not None:
            flush()
        assert seen() == ([7], [1], False)
    store.on_applied(*filled(4, 8, trade_id=2))
    assert seen() == ([7, 8], [1, 2], True)
    for _ in range(2):
        flush = store.take_flush()
        if flush is not None:
            flush()
        assert seen() == ([7, 8], [1, 2], True)
    store.close()
