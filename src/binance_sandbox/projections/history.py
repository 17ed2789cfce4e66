"""Order and trade history: the query side of allOrders, userTrades and queries of closed
orders, projected from `OrderUpdated` events (the core keeps only open orders).

An order's row is its latest state; a trade has one row per side, both with the trade's id:
keyed by (account, symbol, trade id — ids run per symbol —, maker or taker), so a self-trade
(STP NONE) keeps both sides.
Rows not yet committed are served from memory — the pending ones and those of the flush in
progress (kept until the next flush, by when the sequencer has awaited the write) — so a read
right after an answer sees what the answer said.

Amendments are kept for `amendment_retention_ms` of exchange time (0: for ever): the market
makers amend all day, about 6 MB an hour, so without a bound the file would only grow.
Binance keeps three months; the sandbox's default is a day (`journal.amendment_history_hours`).
"""

from pathlib import Path

import msgspec

from binance_sandbox.core.commands import Stamped
from binance_sandbox.core.events import Amendment, Event, OrderUpdated, StateReplaced, Trade
from binance_sandbox.core.orders import Order, Side
from binance_sandbox.core.positions import PositionSide
from binance_sandbox.projections.sqlite_projection import SqliteProjection, Write, merged

_SCHEMA = """
CREATE TABLE IF NOT EXISTS order_history (
    order_id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    time INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS order_history_by_account
    ON order_history (account_id, symbol, order_id);
CREATE TABLE IF NOT EXISTS amendment_history (
    amendment_id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    order_id INTEGER NOT NULL,
    time INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS amendment_history_by_time ON amendment_history (time);
CREATE TABLE IF NOT EXISTS trade_history (
    trade_id INTEGER NOT NULL,
    account_id INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    order_id INTEGER NOT NULL,
    time INTEGER NOT NULL,
    body BLOB NOT NULL,
    is_maker INTEGER NOT NULL,
    PRIMARY KEY (account_id, symbol, trade_id, is_maker)
);
"""
# Data directories made before `symbol` and `is_maker` joined the key: rebuild the table.
_UPGRADE = """
ALTER TABLE trade_history RENAME TO trade_history_old;
{schema}
INSERT INTO trade_history SELECT *, json_extract(CAST(body AS TEXT), '$.trade.is_maker')
    FROM trade_history_old;
DROP TABLE trade_history_old;
"""


class TradeRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One side of a trade as userTrades shows it."""

    account_id: int
    symbol: str
    order_id: int
    side: Side
    position_side: PositionSide
    time: int
    trade: Trade


class AmendmentRecord(msgspec.Struct, frozen=True, kw_only=True):
    amendment_id: int  # the sequence number of the amending command
    account_id: int
    symbol: str
    order_id: int
    client_order_id: str
    time: int
    amendment: Amendment


_order_json = msgspec.json.Encoder()
_order_decoder = msgspec.json.Decoder(Order)
_trade_decoder = msgspec.json.Decoder(TradeRecord)
_amendment_decoder = msgspec.json.Decoder(AmendmentRecord)


class HistoryStore(SqliteProjection):
    name = "history"
    schema = _SCHEMA

    def __init__(self, path: Path, amendment_retention_ms: int = 0) -> None:
        super().__init__(path)
        self._retention = amendment_retention_ms
        self._newest_ts = 0
        columns = [row[1] for row in self.reader.execute("PRAGMA table_info(trade_history)")]
        if "is_maker" not in columns:
            self.migrate(_UPGRADE.format(schema=_SCHEMA))
        self._orders: dict[int, Order] = {}
        self._trades: list[TradeRecord] = []
        self._flushing_orders: dict[int, Order] = {}
        self._flushing_trades: list[TradeRecord] = []
        self._amendments: list[AmendmentRecord] = []
        self._flushing_amendments: list[AmendmentRecord] = []
        self._forget: list[StateReplaced] = []  # deletes to run before the next rows
        self._flushing_forget: list[StateReplaced] = []  # the deletes of the flush in progress

    def project(self, stamped: Stamped, events: list[Event]) -> bool:
        changed = False
        self._newest_ts = stamped.ts
        for event in events:
            if isinstance(event, StateReplaced):
                changed = True
                self._rewind(event)
            elif isinstance(event, OrderUpdated):
                changed = True
                order = event.order
                self._orders[order.order_id] = order
                if event.trade is not None:
                    self._trades.append(_record(order, event.trade, stamped.ts))
                if event.amendment is not None:
                    self._amendments.append(_amended(order, event.amendment, stamped))
        return changed

    def _rewind(self, replaced: StateReplaced) -> None:
        """After a reset, restore or import: what came after the saved state is forgotten, and
        its open orders are as it holds them."""
        self._forget.append(replaced)
        for orders in (self._orders, self._flushing_orders):
            for order_id in [i for i in orders if not _kept(replaced, i)]:
                del orders[order_id]
        for trades in (self._trades, self._flushing_trades):
            trades[:] = [t for t in trades if _kept(replaced, t.order_id, t.time)]
        for amendments in (self._amendments, self._flushing_amendments):
            amendments[:] = [
                a for a in amendments if _kept(replaced, a.order_id, 0, a.amendment_id)
            ]
        for order in replaced.open_orders:
            self._orders[order.order_id] = order

    def _forgetting(self) -> list[Write]:
        self._flushing_forget, self._forget = self._forget, []
        writes: list[Write] = []
        for replaced in self._flushing_forget:
            orders, trades = (replaced.next_order_id,), (replaced.next_order_id, replaced.saved_ts)
            amendments = (replaced.next_order_id, replaced.saved_seq)
            writes += [
                ("DELETE FROM order_history WHERE order_id >= ?", [orders]),
                ("DELETE FROM trade_history WHERE order_id >= ? OR time > ?", [trades]),
                (
                    "DELETE FROM amendment_history WHERE order_id >= ? OR amendment_id > ?",
                    [amendments],
                ),
            ]
        return writes

    def _committed(self, order_id: int, time: int = 0, amendment_id: int = 0) -> bool:
        """Whether a committed row is still true: a restore's delete may not be committed yet."""
        return all(
            _kept(replaced, order_id, time, amendment_id)
            for replaced in (*self._flushing_forget, *self._forget)
        )

    def take_writes(self) -> list[Write]:
        forget = self._forgetting()
        orders = [
            (o.order_id, o.account_id, o.symbol, o.client_order_id, o.time, _order_json.encode(o))
            for o in self._orders.values()
        ]
        trades = [
            (
                t.trade.trade_id,
                t.account_id,
                t.symbol,
                t.order_id,
                t.time,
                _order_json.encode(t),
                t.trade.is_maker,
            )
            for t in self._trades
        ]
        amendments = [
            (a.amendment_id, a.account_id, a.symbol, a.order_id, a.time, _order_json.encode(a))
            for a in self._amendments
        ]
        self._flushing_orders, self._flushing_trades = self._orders, self._trades
        self._flushing_amendments = self._amendments
        self._orders, self._trades, self._amendments = {}, [], []
        expired = [(self._newest_ts - self._retention,)] if self._retention else []
        return [
            *forget,
            ("DELETE FROM amendment_history WHERE time < ?", expired),
            ("INSERT OR REPLACE INTO amendment_history VALUES (?, ?, ?, ?, ?, ?)", amendments),
            ("INSERT OR REPLACE INTO order_history VALUES (?, ?, ?, ?, ?, ?)", orders),
            ("INSERT OR REPLACE INTO trade_history VALUES (?, ?, ?, ?, ?, ?, ?)", trades),
        ]

    def order(
        self, account_id: int, symbol: str, order_id: int | None, client_order_id: str | None
    ) -> Order | None:
        """An order of the account by id, or the newest one with that client order id."""
        found = [
            o
            for o in self._unwritten_orders()
            if (o.account_id, o.symbol) == (account_id, symbol)
            and (o.order_id == order_id if order_id else o.client_order_id == client_order_id)
        ]
        if found:
            return max(found, key=lambda o: o.order_id)
        column, value = ("order_id", order_id) if order_id else ("client_order_id", client_order_id)
        row = self.reader.execute(
            f"SELECT body FROM order_history WHERE account_id = ? AND symbol = ? AND {column} = ? "
            "ORDER BY order_id DESC LIMIT 1",
            (account_id, symbol, value),
        ).fetchone()
        stored = _order_decoder.decode(row[0]) if row else None
        return stored if stored and self._committed(stored.order_id) else None

    def orders(
        self, account_id: int, symbol: str, first_id: int, start: int, end: int
    ) -> list[Order]:
        """Orders with id >= first_id created in [start, end], oldest first."""
        rows = self.reader.execute(
            "SELECT body FROM order_history WHERE account_id = ? AND symbol = ? AND order_id >= ? "
            "AND time BETWEEN ? AND ?",
            (account_id, symbol, first_id, start, end),
        ).fetchall()
        stored = (_order_decoder.decode(r[0]) for r in rows)
        return merged(
            (o for o in stored if self._committed(o.order_id)),
            self._unwritten_orders(),
            key=lambda o: o.order_id,
            keep=lambda o: (
                (o.account_id, o.symbol) == (account_id, symbol)
                and o.order_id >= first_id
                and start <= o.time <= end
            ),
        )

    def trades(
        self, account_id: int, symbol: str, first_id: int, start: int, end: int
    ) -> list[TradeRecord]:
        """The account's trades with id >= first_id in [start, end], oldest first."""
        rows = self.reader.execute(
            "SELECT body FROM trade_history WHERE account_id = ? AND symbol = ? AND trade_id >= ? "
            "AND time BETWEEN ? AND ?",
            (account_id, symbol, first_id, start, end),
        ).fetchall()
        stored_trades = (_trade_decoder.decode(r[0]) for r in rows)
        return merged(
            (t for t in stored_trades if self._committed(t.order_id, t.time)),
            [*self._flushing_trades, *self._trades],
            key=lambda t: (t.trade.trade_id, t.trade.is_maker),
            keep=lambda t: (
                (t.account_id, t.symbol) == (account_id, symbol)
                and t.trade.trade_id >= first_id
                and start <= t.time <= end
            ),
        )

    def amendments(
        self, account_id: int, symbol: str, order_id: int | None, start: int, end: int
    ) -> list[AmendmentRecord]:
        """The account's amendments on the symbol (of one order if given), oldest first."""
        rows = self.reader.execute(
            "SELECT body FROM amendment_history WHERE account_id = ? AND symbol = ? "
            "AND time BETWEEN ? AND ? AND (? IS NULL OR order_id = ?)",
            (account_id, symbol, start, end, order_id, order_id),
        ).fetchall()
        stored_amendments = (_amendment_decoder.decode(r[0]) for r in rows)
        return merged(
            (a for a in stored_amendments if self._committed(a.order_id, 0, a.amendment_id)),
            [*self._flushing_amendments, *self._amendments],
            key=lambda a: a.amendment_id,
            keep=lambda a: (
                (a.account_id, a.symbol) == (account_id, symbol)
                and start <= a.time <= end
                and (order_id is None or a.order_id == order_id)
            ),
        )

    def _unwritten_orders(self) -> list[Order]:
        """Orders not yet committed, the newest state of each last."""
        return [*self._flushing_orders.values(), *self._orders.values()]


def _kept(replaced: StateReplaced, order_id: int, time: int = 0, amendment_id: int = 0) -> bool:
    """Whether a row of this order, time and amendment outlives the state's replacement."""
    return (
        order_id < replaced.next_order_id
        and time <= replaced.saved_ts
        and amendment_id <= replaced.saved_seq
    )


def _amended(order: Order, amendment: Amendment, stamped: Stamped) -> AmendmentRecord:
    return AmendmentRecord(
        amendment_id=stamped.seq,
        account_id=order.account_id,
        symbol=order.symbol,
        order_id=order.order_id,
        client_order_id=order.client_order_id,
        time=stamped.ts,
        amendment=amendment,
    )


def _record(order: Order, trade: Trade, ts: int) -> TradeRecord:
    return TradeRecord(
        account_id=order.account_id,
        symbol=order.symbol,
        order_id=order.order_id,
        side=order.side,
        position_side=order.position_side,
        time=ts,
        trade=trade,
    )
