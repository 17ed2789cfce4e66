"""The untriggered conditional orders: by account (oldest first) and in their symbol's trigger
index, always both or neither. Change them only through `add` and `remove`."""

from binance_sandbox.core import algo_index
from binance_sandbox.core.algo_index import TriggerIndex, index_key
from binance_sandbox.core.algo_orders import AlgoOrder
from binance_sandbox.core.state import ExchangeState


def add(state: ExchangeState, order: AlgoOrder) -> None:
    state.algo_orders[order.algo_id] = order
    state.open_algo_ids.setdefault(order.account_id, {})[order.algo_id] = None
    key = index_key(order.symbol, order.working_type)
    index = state.algo_triggers.setdefault(key, TriggerIndex())
    algo_index.add(index, order, state.instruments[order.symbol].price_decimals)


def remove(state: ExchangeState, order: AlgoOrder) -> None:
    ids = state.open_algo_ids[order.account_id]
    del ids[order.algo_id]
    if not ids:
        del state.open_algo_ids[order.account_id]
    index = state.algo_triggers[index_key(order.symbol, order.working_type)]
    algo_index.remove(index, order, state.instruments[order.symbol].price_decimals)


def reactivate(state: ExchangeState, order: AlgoOrder) -> None:
    """A trailing stop whose activation price was reached moves to the tracked ones."""
    index = state.algo_triggers[index_key(order.symbol, order.working_type)]
    algo_index.remove(index, order, state.instruments[order.symbol].price_decimals)
    order.activated = True
    algo_index.add(index, order, state.instruments[order.symbol].price_decimals)


def of_account(state: ExchangeState, account_id: int) -> list[AlgoOrder]:
    orders = state.algo_orders
    return [orders[algo_id] for algo_id in state.open_algo_ids.get(account_id, ())]


def has_any(state: ExchangeState, account_id: int, symbol: str | None = None) -> bool:
    return any(symbol is None or o.symbol == symbol for o in of_account(state, account_id))
