"""Modifying an open LIMIT order (Binance's PUT /fapi/v1/order), FORMULAS.md §6.4.

Binance: "modified orders will be reordered in the match queue" — an accepted amendment always
loses time priority (it re-enters its new price level last), and if the new price crosses the
book it trades at once as a taker. An amendment that changes nothing is refused (-5027) and
so keeps the order's place. New price and quantity must pass LOT_SIZE, PRICE_FILTER,
PERCENT_PRICE and MIN_NOTIONAL (-5029), or the order stays as it was. The order is cancelled
instead when it is partially filled and the new quantity is not above the executed one, or
when it is GTX and the new price would take. At most maxMoveOrderLimit amendments (-5026).
The self-trade prevention mode is kept (Binance's 2024-01-08 change-log; an older FAQ says it
resets to NONE).
"""

from binance_sandbox.core import open_orders, order_checks, rejects, trading
from binance_sandbox.core.commands import AmendOrder, PlaceOrder
from binance_sandbox.core.events import Amendment, Event, OrderUpdated, Rejected
from binance_sandbox.core.matching import execute
from binance_sandbox.core.order_ending import copy, end_order
from binance_sandbox.core.orders import Order
from binance_sandbox.core.price_match import SUSPENDED, price_for
from binance_sandbox.core.state import ExchangeState


def amend_order(state: ExchangeState, ts: int, cmd: AmendOrder) -> list[Event]:
    order = trading.find_open(state, cmd.account_id, cmd.symbol, cmd.order_id, cmd.client_order_id)
    if order is None:
        return [rejects.NO_SUCH_ORDER]
    refusal = _refusal(state, order, cmd)
    if refusal is not None:
        return [refusal]
    price = _new_price(state, order, cmd)
    if price is None:
        return [rejects.NO_DEPTH_FOR_PRICE_MATCH]
    if (price, cmd.quantity) == (order.price, order.orig_qty):
        return [rejects.SAME_ORDER]
    instrument = state.instruments[order.symbol]
    account = state.accounts[order.account_id - 1]
    probe = _as_placement(order, cmd, price)
    filtered = order_checks.check_amendment(state, account, instrument, probe, ts)
    if filtered is not None:
        return [filtered]
    if cmd.quantity <= order.executed_qty or _gtx_would_take(state, order, price):
        return [end_order(state, order, "CANCELED", ts)]
    return _requeue(state, order, cmd, price, ts)


def _refusal(state: ExchangeState, order: Order, cmd: AmendOrder) -> Rejected | None:
    if order.order_type != "LIMIT":
        return rejects.LIMIT_ORDER_ONLY
    if cmd.side != order.side:
        return rejects.SIDE_MISMATCH
    if cmd.price_match != "NONE" and (cmd.price or cmd.price_match in SUSPENDED):
        return rejects.INVALID_PRICE_MATCH
    if order.amendments >= state.instruments[order.symbol].max_move_order_limit:
        return rejects.TOO_MANY_AMENDMENTS
    return None


def _new_price(state: ExchangeState, order: Order, cmd: AmendOrder) -> int | None:
    """The price sent, or the priceMatch level of the book as it stands (the order included)."""
    if cmd.price_match == "NONE":
        return cmd.price
    return price_for(state.books[order.symbol], order.is_buy, cmd.price_match)


def _requeue(
    state: ExchangeState, order: Order, cmd: AmendOrder, price: int, ts: int
) -> list[Event]:
    book = state.books[order.symbol]
    qty = cmd.quantity
    book.own_side(order.is_buy).remove(order.order_id, order.price)
    amendment = Amendment(
        price_before=order.price,
        price_after=price,
        qty_before=order.orig_qty,
        qty_after=qty,
        count=order.amendments + 1,
    )
    order.price, order.orig_qty, order.update_time = price, qty, ts
    order.price_match = cmd.price_match  # the answer echoes how it was priced, as Binance's
    order.amendments += 1
    open_orders.update(state, order)
    events: list[Event] = [
        OrderUpdated(order=copy(order), execution="AMENDMENT", amendment=amendment)
    ]
    group = state.accounts[order.account_id - 1].stp_group
    # an open order is GTC, GTD or a GTX that does not cross: the amended one rests like GTC
    outcome = execute(book, trading.taker_for(order, "GTC", group))
    events += trading.take_liquidity(state, state.instruments[order.symbol], order, outcome, ts)
    return events + trading.settle_taker(state, order, outcome, ts)


def _gtx_would_take(state: ExchangeState, order: Order, price: int) -> bool:
    if order.time_in_force != "GTX":
        return False
    opposite = state.books[order.symbol].opposite_side(order.is_buy)
    best = opposite.best()
    return best is not None and opposite.crosses(best.price, price)


def _as_placement(order: Order, cmd: AmendOrder, price: int) -> PlaceOrder:
    return PlaceOrder(
        account_id=order.account_id,
        symbol=order.symbol,
        side=order.side,
        order_type="LIMIT",
        quantity=cmd.quantity,
        price=price,
        reduce_only=order.reduce_only,
    )
