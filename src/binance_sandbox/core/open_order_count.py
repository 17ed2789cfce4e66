"""MAX_NUM_ORDERS as Binance counts it: "both algo orders and normal orders are counted" (the
filter's definition), so an account's open orders plus its untriggered conditional orders on
the symbol. A triggering conditional order leaves the count before its order enters it."""

from binance_sandbox.core import open_algos, order_totals
from binance_sandbox.core.state import ExchangeState


def on_symbol(state: ExchangeState, account_id: int, symbol: str) -> int:
    plain = order_totals.count_on(state, account_id, symbol)
    if account_id not in state.open_algo_ids:  # the common case: no walk
        return plain
    return plain + sum(o.symbol == symbol for o in open_algos.of_account(state, account_id))
