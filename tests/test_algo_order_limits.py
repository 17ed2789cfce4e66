"""MAX_NUM_ORDERS counts an account's untriggered conditional orders with its open orders on
the symbol (Binance's filter definition: "both algo orders and normal orders are counted"), for
a new order and a new conditional order alike (-2025); other symbols and other accounts are
apart, and a conditional order that triggers leaves the count as its order enters it."""

import msgspec

from binance_sandbox.core.algo_orders import AlgoOrder
from binance_sandbox.core.events import Rejected
from tests.algo_support import AlgoSim
from tests.test_core_trading import BTC, INSTRUMENTS, px, qty

LIMIT = 3
MAX_OPEN = (-2025, "Reach max open order limit.")


def small_limit_sim() -> AlgoSim:
    btc = next(i for i in INSTRUMENTS if i.symbol == BTC)
    others = tuple(i for i in INSTRUMENTS if i.symbol != BTC)
    return AlgoSim(instruments=(msgspec.structs.replace(btc, max_num_orders=LIMIT), *others))


def code(result: object) -> tuple[int, str] | None:
    return (result.code, result.msg) if isinstance(result, Rejected) else None


def stop(sim: AlgoSim, account: int = 1, trigger: str = "76000") -> AlgoOrder | Rejected:
    return sim.algo(account, side="SELL", order_type="STOP_MARKET",
                    trigger_price=px(trigger), working_type="MARK_PRICE")  # fmt: skip


def test_conditional_orders_count_toward_max_num_orders() -> None:
    sim = small_limit_sim()
    sim.place(1, "BUY", qty("0.01"), px("70000"))
    assert code(stop(sim)) is None
    assert code(stop(sim, trigger="75000")) is None  # 1 open + 2 conditional = the limit
    assert code(sim.place(1, "BUY", qty("0.01"), px("70000"))[0]) == MAX_OPEN
    assert code(stop(sim, trigger="74000")) == MAX_OPEN
    assert code(stop(sim, account=2)) is None  # another account counts apart


def test_a_triggering_order_takes_its_conditional_orders_place() -> None:
    sim = small_limit_sim()
    sim.rest(2, "BUY", "75500")
    sim.place(1, "BUY", qty("0.01"), px("70000"))
    sim.place(1, "BUY", qty("0.01"), px("70100"))
    fired = stop(sim)
    assert isinstance(fired, AlgoOrder)
    sim.price("75900")  # the stop fires at the limit: its order is not refused
    assert sim.status(fired.algo_id) == "FINISHED"
