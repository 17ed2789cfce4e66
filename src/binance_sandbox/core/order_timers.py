"""Orders that end by time: GTD orders (conditional ones too) at their goodTillDate, and the
countdownCancelAll dead-man switch. Both on exchange time, fired by a journaled
`FireOrderTimers` command stamped at the due time, so replay ends them at the same moment.

`next_due` tells the shell's timer scheduler when to fire next (strictly after a given time).
"""

from binance_sandbox.core import algo_placing, trading
from binance_sandbox.core.commands import CancelAllAlgoOrders, CancelAllOrders, SetCountdown
from binance_sandbox.core.events import Event
from binance_sandbox.core.order_ending import end_order
from binance_sandbox.core.state import ExchangeState

NEVER = 2**62


def next_due(state: ExchangeState, after_ms: int) -> int:
    dues = [
        o.good_till_date
        for o in state.open_orders.values()
        if o.time_in_force == "GTD" and o.good_till_date > after_ms
    ]
    dues += [due for due in state.countdowns.values() if due > after_ms]
    dues += algo_placing.next_due(state, after_ms)
    return min(dues, default=NEVER)


def set_countdown(state: ExchangeState, ts: int, cmd: SetCountdown) -> list[Event]:
    key = f"{cmd.account_id}:{cmd.symbol}"
    if cmd.countdown_ms:
        state.countdowns[key] = ts + cmd.countdown_ms
    else:
        state.countdowns.pop(key, None)
    return []


def fire(state: ExchangeState, ts: int) -> list[Event]:
    events: list[Event] = []
    for order in [o for o in state.open_orders.values() if o.time_in_force == "GTD"]:
        if order.good_till_date <= ts:
            events.append(end_order(state, order, "EXPIRED", ts))
    for key, due in sorted(state.countdowns.items()):
        if due <= ts:
            del state.countdowns[key]
            account, symbol = key.split(":", 1)
            command = CancelAllOrders(account_id=int(account), symbol=symbol)
            events += trading.cancel_all_orders(state, ts, command)
            # the dead-man switch also ends the symbol's conditional orders, as it did before
            # they moved to the Algo Service
            events += algo_placing.cancel_all(
                state, ts, CancelAllAlgoOrders(account_id=int(account), symbol=symbol)
            )
    return events + algo_placing.expire_due(state, ts)
