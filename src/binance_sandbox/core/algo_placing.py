"""Placing and ending conditional orders: POST/DELETE /fapi/v1/algoOrder, DELETE
algoOpenOrders, GTD expiry and the expiry of an account's orders (liquidation).

An accepted order gets the next id of the order id sequence (so an algo id never equals an
order id; Binance's run apart, which no client can tell) and a clientAlgoId made from
the seed when none was sent. A trailing stop sent without activatePrice activates at once at
the latest price of its working type. Ended orders stay queryable; records older than Binance's
90 days are dropped when a new order arrives (oldest first).
"""

import msgspec

from binance_sandbox.core import algo_checks, open_algos, rejects
from binance_sandbox.core.algo_orders import ENDED, AlgoOrder, AlgoStatus
from binance_sandbox.core.algo_prices import observed
from binance_sandbox.core.commands import CancelAlgoOrder, CancelAllAlgoOrders, PlaceAlgoOrder
from binance_sandbox.core.events import AlgoUpdated, Event, Rejected
from binance_sandbox.core.key_derivation import derive_token
from binance_sandbox.core.state import ExchangeState

RETENTION_MS = 90 * 24 * 3_600_000
CLIENT_ALGO_ID_LENGTH = 22


def place(state: ExchangeState, seq: int, ts: int, cmd: PlaceAlgoOrder) -> list[Event]:
    refused = refusal(state, ts, cmd)
    if refused is not None:
        return [refused]
    order = _new_algo(state, seq, ts, cmd)
    if order.order_type == "TRAILING_STOP_MARKET" and not order.activate_price:
        instrument = state.instruments[cmd.symbol]
        latest = observed(state, instrument, cmd.working_type)
        order.activated = True
        if latest is not None:
            order.extreme = latest
            order.activate_price = latest // 10 ** (8 - instrument.price_decimals)
    _forget_old(state, ts)
    state.next_order_id += 1
    open_algos.add(state, order)
    return [AlgoUpdated(algo=copy(order), time=ts)]


def refusal(state: ExchangeState, ts: int, cmd: PlaceAlgoOrder) -> Rejected | None:
    """Why `place` would refuse the order, or None; the state unchanged (order/test)."""
    instrument = state.instruments.get(cmd.symbol)
    if instrument is None:
        return rejects.BAD_SYMBOL
    account = state.account(cmd.account_id)
    if account is None:
        return rejects.unknown_account(cmd.account_id)
    refused = algo_checks.check(state, account, instrument, cmd, ts)
    if refused is not None:
        return refused
    latest = observed(state, instrument, cmd.working_type)
    if algo_checks.would_trigger(_new_algo(state, 0, ts, cmd), instrument.price_decimals, latest):
        return algo_checks.WOULD_TRIGGER
    return None


def cancel(state: ExchangeState, ts: int, cmd: CancelAlgoOrder) -> list[Event]:
    order = find_open(state, cmd.account_id, cmd.algo_id, cmd.client_algo_id)
    if order is None:
        return [rejects.UNKNOWN_ORDER]
    return [end(state, order, "CANCELED", ts)]


def cancel_all(state: ExchangeState, ts: int, cmd: CancelAllAlgoOrders) -> list[Event]:
    mine = [o for o in open_algos.of_account(state, cmd.account_id) if o.symbol == cmd.symbol]
    return [end(state, order, "CANCELED", ts) for order in mine]


def expire_account(state: ExchangeState, account_id: int, ts: int, reason: str) -> list[Event]:
    """Ends every untriggered conditional order of the account as EXPIRED (the system's
    cancellation), e.g. when the account is liquidated."""
    return [
        end(state, order, "EXPIRED", ts, reason)
        for order in open_algos.of_account(state, account_id)
    ]


def expire_symbol(state: ExchangeState, symbol: str, ts: int, reason: str) -> list[Event]:
    """Ends every untriggered conditional order on the symbol as EXPIRED (a delivery)."""
    waiting = [
        state.algo_orders[algo_id]
        for ids in state.open_algo_ids.values()
        for algo_id in ids
        if state.algo_orders[algo_id].symbol == symbol
    ]
    return [
        end(state, order, "EXPIRED", ts, reason)
        for order in sorted(waiting, key=lambda o: o.algo_id)
    ]


def expire_due(state: ExchangeState, ts: int) -> list[Event]:
    """GTD conditional orders whose goodTillDate has come."""
    due = [
        order
        for ids in state.open_algo_ids.values()
        for order in (state.algo_orders[algo_id] for algo_id in ids)
        if order.time_in_force == "GTD" and order.good_till_date <= ts
    ]
    return [end(state, order, "EXPIRED", ts) for order in sorted(due, key=lambda o: o.algo_id)]


def next_due(state: ExchangeState, after_ms: int) -> list[int]:
    return [
        order.good_till_date
        for ids in state.open_algo_ids.values()
        for order in (state.algo_orders[algo_id] for algo_id in ids)
        if order.time_in_force == "GTD" and order.good_till_date > after_ms
    ]


def end(
    state: ExchangeState, order: AlgoOrder, status: AlgoStatus, ts: int, reason: str = ""
) -> AlgoUpdated:
    open_algos.remove(state, order)
    order.status, order.update_time, order.reason = status, ts, reason
    return AlgoUpdated(algo=copy(order), time=ts)


def find_open(
    state: ExchangeState, account_id: int, algo_id: int, client_algo_id: str
) -> AlgoOrder | None:
    """An untriggered order of the account, by algo id or else by clientAlgoId."""
    mine = open_algos.of_account(state, account_id)
    if algo_id:
        return next((o for o in mine if o.algo_id == algo_id), None)
    return next((o for o in mine if o.client_algo_id == client_algo_id), None)


def copy(order: AlgoOrder) -> AlgoOrder:
    return msgspec.structs.replace(order)


def _new_algo(state: ExchangeState, seq: int, ts: int, cmd: PlaceAlgoOrder) -> AlgoOrder:
    made_up = derive_token(state.seed, seq, f"client-algo-id:{state.created_at}")
    return AlgoOrder(
        algo_id=state.next_order_id,
        client_algo_id=cmd.client_algo_id or made_up[:CLIENT_ALGO_ID_LENGTH],
        account_id=cmd.account_id,
        symbol=cmd.symbol,
        side=cmd.side,
        position_side=cmd.position_side,
        order_type=cmd.order_type,
        time_in_force=cmd.time_in_force,
        quantity=cmd.quantity,
        price=cmd.price,
        trigger_price=cmd.trigger_price,
        working_type=cmd.working_type,
        price_match=cmd.price_match,
        close_position=cmd.close_position,
        price_protect=cmd.price_protect,
        reduce_only=cmd.reduce_only,
        activate_price=cmd.activate_price,
        callback_rate=cmd.callback_rate,
        stp_mode=cmd.stp_mode,
        good_till_date=cmd.good_till_date // 1000 * 1000 if cmd.time_in_force == "GTD" else 0,
        time=ts,
        update_time=ts,
        as_order=cmd.as_order,
    )


def _forget_old(state: ExchangeState, ts: int) -> None:
    """Drops ended records past the retention from the oldest on (algo ids grow with time), up
    to the first one kept: a few dict operations per new order, whatever the history's size."""
    records = state.algo_orders
    while records:
        algo_id, oldest = next(iter(records.items()))
        if oldest.time + RETENTION_MS >= ts or oldest.status not in ENDED:
            return
        del records[algo_id]
