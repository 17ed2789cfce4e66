"""Reduce-only: an order that may only shrink a position, never open or flip one.

A closing order is one sent with reduceOnly, or in hedge mode a SELL on the LONG side or a BUY
on the SHORT side (their position side makes them reduce-only, FORMULAS §6.6). Two rules keep
closing orders within the position they reduce:

- a new closing order is refused (-2022) when it and the account's other open closing orders
  on the same side would close more than the position holds;
- after every trade, resting closing orders that would now over-close (the position shrank or
  vanished through other orders) are expired, newest first — Binance's expiry reason 4.
"""

from binance_sandbox.core import open_orders, order_totals
from binance_sandbox.core.events import Event
from binance_sandbox.core.order_ending import end_order
from binance_sandbox.core.orders import Order, Side
from binance_sandbox.core.positions import PositionSide
from binance_sandbox.core.state import ExchangeState, position_key

is_closing = order_totals.is_closing
_SIDES: tuple[Side, ...] = ("BUY", "SELL")


def reducible(
    state: ExchangeState, account_id: int, symbol: str, position_side: PositionSide, side: Side
) -> int:
    """How much an order on `side` can close: the position's size in the opposite direction."""
    position = state.positions.get(position_key(account_id, symbol, position_side))
    size = position.qty if position else 0
    return max(size, 0) if side == "SELL" else max(-size, 0)


def pending(
    state: ExchangeState, account_id: int, symbol: str, position_side: PositionSide, side: Side
) -> int:
    """The remaining quantity of the account's open closing orders on that side."""
    orders = order_totals.sides_of(state, account_id).get((symbol, position_side))
    return orders.closing(side) if orders else 0


def over_closes(
    state: ExchangeState,
    account_id: int,
    symbol: str,
    position_side: PositionSide,
    side: Side,
    qty: int,
) -> bool:
    already = pending(state, account_id, symbol, position_side, side)
    return qty + already > reducible(state, account_id, symbol, position_side, side)


def trim(state: ExchangeState, account_ids: set[int], symbol: str, ts: int) -> list[Event]:
    """Expires resting closing orders that would over-close, newest first."""
    events: list[Event] = []
    for account_id in sorted(account_ids):
        for position_side, side in _over_closing(state, account_id, symbol):
            allowed = reducible(state, account_id, symbol, position_side, side)
            orders = _closing_orders(state, account_id, symbol, position_side, side)
            total = sum(o.remaining for o in orders)
            for order in sorted(orders, key=lambda o: -o.order_id):
                if total <= allowed:
                    break
                total -= order.remaining
                events.append(end_order(state, order, "EXPIRED", ts))
    return events


def _over_closing(
    state: ExchangeState, account_id: int, symbol: str
) -> list[tuple[PositionSide, Side]]:
    """The account's sides on the symbol whose closing orders exceed what they can close."""
    found: list[tuple[PositionSide, Side]] = []
    for (name, position_side), orders in order_totals.sides_of(state, account_id).items():
        for side in _SIDES:
            closing = orders.closing(side) if name == symbol else 0
            if closing > reducible(state, account_id, symbol, position_side, side):
                found.append((position_side, side))
    return sorted(found)  # the totals' order differs after a rebuild; events must not


def _closing_orders(
    state: ExchangeState, account_id: int, symbol: str, position_side: PositionSide, side: Side
) -> list[Order]:
    return [
        o
        for o in open_orders.of_account(state, account_id)
        if (o.symbol, o.position_side, o.side) == (symbol, position_side, side)
        and is_closing(o.side, o.position_side, o.reduce_only)
    ]
