"""Auto-deleveraging (FORMULAS.md §4.6): what a liquidation order leaves that the insurance fund
cannot take closes against the opposite positions of the symbol, highest ADL rank first
(`liquidation.position_rank`, the ranking `adlQuantile` buckets), at the liquidation order's
(bankruptcy) price, with no fee. Each deleveraged trader's open orders on the symbol are
cancelled and the close is their `adl_autoclose` order.
"""

from binance_sandbox.core import open_orders, trading
from binance_sandbox.core.events import Event, ForceOrder, OrderUpdated
from binance_sandbox.core.forced_orders import closing_order
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.liquidation import position_rank
from binance_sandbox.core.matching import Fill
from binance_sandbox.core.order_ending import copy, end_order
from binance_sandbox.core.orders import Order
from binance_sandbox.core.positions import Position, price_8
from binance_sandbox.core.state import ExchangeState


def ranked(state: ExchangeState, instrument: Instrument, order: Order) -> list[Position]:
    """The positions that can take the other side of `order`, highest rank first (by key on a
    tie): longs for a buy, shorts for a sell, never the liquidated trader's own."""
    candidates = [
        p
        for p in state.positions.values()
        if p.symbol == instrument.symbol
        and p.qty
        and (p.qty > 0) == order.is_buy
        and p.account_id != order.account_id
    ]
    scored = [(position_rank(state, instrument, p), p) for p in candidates]
    scored.sort(key=lambda pair: (-pair[0], pair[1].account_id, pair[1].side))
    return [position for _, position in scored]


def deleverage(state: ExchangeState, instrument: Instrument, order: Order, ts: int) -> list[Event]:
    """Fills `order`'s rest against ranked opposite positions as far as they go."""
    events: list[Event] = []
    for position in ranked(state, instrument, order):
        if not order.remaining:
            break
        qty = min(order.remaining, abs(position.qty))
        events += _cancel_orders(state, position, ts)
        counter = closing_order(state, position, qty, order.price, ts, adl=True)
        events.append(OrderUpdated(order=copy(counter), execution="NEW"))
        fill = Fill(
            maker_order_id=counter.order_id,
            maker_account_id=counter.account_id,
            price=order.price,
            qty=qty,
            maker_remaining=0,
        )
        trade_id = state.take_trade_ids(instrument.symbol, 1)
        events += trading.book_off_book_fill(state, instrument, counter, fill, trade_id, ts)
        events += trading.book_off_book_fill(state, instrument, order, fill, trade_id, ts)
        events.append(
            ForceOrder(
                auto_close_type="ADL",
                order=copy(counter),
                bankruptcy_price=price_8(order.price, instrument.price_decimals),
            )
        )
    return events


def _cancel_orders(state: ExchangeState, position: Position, ts: int) -> list[Event]:
    mine = [
        o for o in open_orders.of_account(state, position.account_id) if o.symbol == position.symbol
    ]
    return [end_order(state, o, "CANCELED", ts) for o in mine]
