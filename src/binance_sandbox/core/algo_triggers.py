"""Conditional orders triggering, after every command that moved a price.

A mark price moves at each index tick; the contract price (the last trade) at each fill and
replayed print. After such a command, each symbol whose price moved (in name order) is
evaluated: its waiting orders whose condition the new price meets (`algo_index`), activated
trailing stops that turned (`algo_rules.track`), priceProtect (`algo_prices.protected`). The
due ones fire in algo id order: each becomes an ordinary order through the same path as a new
order (checks, margin at this moment, matching), with the clientAlgoId as its client order id.
A refusal ends the algo order REJECTED with the reason; a closePosition order takes the
position's size at this moment. Fills of triggered orders move the contract price again, so
evaluation repeats until nothing more fires (each order fires once, so this ends).

A triggered order is TRIGGERED while its order rests and FINISHED when that order ends.
An order placed through the order API (`as_order`, the pre-migration emulation) is an order
throughout: the order its trigger places keeps its id (the algo id, drawn from the order ids).
An algo order's gets an id of its own.
"""

from binance_sandbox.core import open_algos, trading
from binance_sandbox.core.algo_index import index_key
from binance_sandbox.core.algo_orders import AlgoOrder, AlgoStatus, trigger_origin
from binance_sandbox.core.algo_placing import copy
from binance_sandbox.core.algo_prices import observed, protected
from binance_sandbox.core.algo_rules import track
from binance_sandbox.core.commands import PlaceOrder
from binance_sandbox.core.events import (
    AlgoUpdated,
    Event,
    IndexPricesChanged,
    MarkPriceSet,
    OrderUpdated,
    Rejected,
    TradesPrinted,
)
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.reduce_only import reducible
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.core.trigger_origin import WorkingType

WORKING_TYPES: tuple[WorkingType, ...] = ("MARK_PRICE", "CONTRACT_PRICE")
NO_POSITION = "No position to close"


def follow(state: ExchangeState, seq: int, ts: int, events: list[Event]) -> list[Event]:
    """`events` of a command, then what they set off among conditional orders."""
    if not state.open_algo_ids and not state.algo_by_order:
        return events
    result = events + _finish(state, events, ts)
    moved = _moved(events)
    while moved:
        fired: list[Event] = []
        for symbol in sorted(moved):
            fired += _evaluate(state, seq, ts, state.instruments[symbol])
        result += fired
        moved = _moved(fired)
    return result


def _moved(events: list[Event]) -> set[str]:
    """Symbols whose mark or last trade price these events changed."""
    moved: set[str] = set()
    for event in events:
        if isinstance(event, IndexPricesChanged):
            moved.update(event.marks)
        elif isinstance(event, MarkPriceSet):  # the admin lever
            moved.add(event.symbol)
        elif isinstance(event, OrderUpdated) and event.trade is not None:
            moved.add(event.order.symbol)
        elif isinstance(event, TradesPrinted) and event.prints:
            moved.add(event.symbol)
    return moved


def _evaluate(state: ExchangeState, seq: int, ts: int, instrument: Instrument) -> list[Event]:
    due: list[AlgoOrder] = []
    for working_type in WORKING_TYPES:
        index = state.algo_triggers.get(index_key(instrument.symbol, working_type))
        price = observed(state, instrument, working_type)
        if index is None or price is None:
            continue
        for algo_id in index.due(price):
            order = state.algo_orders[algo_id]
            if order.order_type == "TRAILING_STOP_MARKET":
                open_algos.reactivate(state, order)  # fires later, when the price turns
                order.extreme = price
            else:
                due.append(order)
        due += [
            state.algo_orders[algo_id]
            for algo_id in list(index.trailing)
            if track(state.algo_orders[algo_id], price)
        ]
    events: list[Event] = []
    for order in sorted(due, key=lambda o: o.algo_id):
        if order.status == "NEW" and (not order.price_protect or protected(state, instrument)):
            events += _fire(state, seq, ts, order)
    return events


def _fire(state: ExchangeState, seq: int, ts: int, order: AlgoOrder) -> list[Event]:
    open_algos.remove(state, order)
    order.status, order.trigger_time, order.update_time = "TRIGGERING", ts, ts
    events: list[Event] = [AlgoUpdated(algo=copy(order), time=ts)]
    quantity = _closable(state, order) if order.close_position else order.quantity
    if not quantity:
        return [*events, _ended(order, "EXPIRED", ts, NO_POSITION)]
    command = _order_command(order, quantity)
    placed = trading.place_order(state, seq, ts, command, throttled=False)
    refusal = next((e for e in placed if isinstance(e, Rejected)), None)
    if refusal is not None:
        return [*events, _ended(order, "REJECTED", ts, refusal.msg)]
    new = next(e.order for e in placed if isinstance(e, OrderUpdated))
    order.status, order.actual_order_id, order.actual_type = (
        "TRIGGERED",
        new.order_id,
        new.order_type,
    )
    state.algo_by_order[new.order_id] = order.algo_id
    events.append(AlgoUpdated(algo=copy(order), time=ts))
    return events + placed + _finish(state, placed, ts)


def _finish(state: ExchangeState, events: list[Event], ts: int) -> list[Event]:
    """Triggered orders follow their order: its fills, and FINISHED when it ends."""
    finished: list[Event] = []
    for event in events:
        if not isinstance(event, OrderUpdated):
            continue
        algo_id = state.algo_by_order.get(event.order.order_id)
        if algo_id is None:
            continue
        order = state.algo_orders[algo_id]
        order.executed_qty, order.cum_quote = event.order.executed_qty, event.order.cum_quote
        if not event.order.is_open:
            del state.algo_by_order[event.order.order_id]
            finished.append(_ended(order, "FINISHED", ts))
    return finished


def _ended(order: AlgoOrder, status: AlgoStatus, ts: int, reason: str = "") -> AlgoUpdated:
    order.status, order.update_time, order.reason = status, ts, reason
    return AlgoUpdated(algo=copy(order), time=ts)


def _closable(state: ExchangeState, order: AlgoOrder) -> int:
    """closePosition: the whole position the order's side closes, as it stands now."""
    return reducible(state, order.account_id, order.symbol, order.position_side, order.side)


def _order_command(order: AlgoOrder, quantity: int) -> PlaceOrder:
    return PlaceOrder(
        account_id=order.account_id,
        symbol=order.symbol,
        side=order.side,
        order_type="MARKET" if order.is_market else "LIMIT",
        quantity=quantity,
        price=0 if order.is_market else order.price,
        time_in_force=order.time_in_force,
        position_side=order.position_side,
        reduce_only=order.reduce_only or order.close_position,
        client_order_id=order.client_algo_id,
        price_match=order.price_match,
        stp_mode=order.stp_mode,
        good_till_date=order.good_till_date,
        origin=trigger_origin(order),
        order_id=order.algo_id if order.as_order else 0,
    )
