"""Property: for random mark-price paths and random conditional orders, every order triggers at
the first price update its condition holds and never before, and a replay of the journal ends
in the same state. The reference is a direct reading of FORMULAS.md §6.7, step by step.

The book stays empty, so the mark equals the index at every step and a triggered MARKET order
finds no liquidity (it expires, the algo order is FINISHED): prices move only along the path.
"""

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from binance_sandbox.core.algo_orders import AlgoOrder
from binance_sandbox.core.events import Rejected
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.state_hash import state_hash
from tests.algo_support import AlgoSim

TICK = 10  # BTCUSDT price units (0.10)
GRID = 10_000  # path prices on a 100 USDT grid, so prices often equal a trigger exactly
LOW, HIGH = 7_500_000, 8_000_000  # 75000.00 .. 80000.00 in units of 0.01


@dataclass(frozen=True)
class Spec:
    placed_at: int  # the path step after which it is placed
    order_type: str
    side: str
    level: int  # trigger price, or activation price (0: none) of a trailing stop
    callback: int  # tenths of a percent


prices = st.integers(LOW // GRID, HIGH // GRID).map(lambda n: n * GRID)
specs = st.builds(
    Spec,
    placed_at=st.integers(0, 5),
    order_type=st.sampled_from(["STOP_MARKET", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"]),
    side=st.sampled_from(["BUY", "SELL"]),
    level=st.one_of(st.just(0), prices),
    callback=st.sampled_from([1, 5, 10, 20, 25, 50]),
)


def _holds(spec: Spec, level_8: int, price_8: int) -> bool:
    stop = spec.order_type == "STOP_MARKET"
    trailing = spec.order_type == "TRAILING_STOP_MARKET"
    rising = (spec.side == "SELL") if trailing else ((spec.side == "BUY") == stop)
    return price_8 >= level_8 if rising else price_8 <= level_8


def expected_trigger_step(spec: Spec, path_8: list[int]) -> int | str | None:
    """The step the order fires at (None: never; "refused": -2021 at placement)."""
    start = path_8[spec.placed_at]
    level_8 = spec.level * 10**6
    if spec.order_type != "TRAILING_STOP_MARKET":
        level_8 = level_8 or start + TICK * 10**6  # a level of 0 is not sent: one tick away
        if _holds(spec, level_8, start):
            return "refused"
        return next(
            (i for i in range(spec.placed_at + 1, len(path_8)) if _holds(spec, level_8, path_8[i])),
            None,
        )
    if level_8 and _holds(spec, level_8, start):
        return "refused"
    extreme = None if level_8 else start
    for i in range(spec.placed_at + 1, len(path_8)):
        price = path_8[i]
        if extreme is None:
            if _holds(spec, level_8, price):
                extreme = price
            continue
        if spec.side == "SELL":
            extreme = max(extreme, price)
            if price * 1000 <= extreme * (1000 - spec.callback):
                return i
        else:
            extreme = min(extreme, price)
            if price * 1000 >= extreme * (1000 + spec.callback):
                return i
    return None


def _fields(spec: Spec, start_8: int) -> dict[str, object]:
    if spec.order_type == "TRAILING_STOP_MARKET":
        return {"activate_price": spec.level, "callback_rate": spec.callback}
    return {"trigger_price": spec.level or start_8 // 10**6 + TICK}


@settings(max_examples=60, deadline=None)
@given(path=st.lists(prices, min_size=7, max_size=14), orders=st.lists(specs, max_size=8))
def test_orders_trigger_at_the_first_step_their_condition_holds(
    path: list[int], orders: list[Spec]
) -> None:
    sim = AlgoSim(accounts=1)
    path_8 = [price * 10**6 for price in path]
    step_times: list[int] = []
    placed: dict[int, AlgoOrder | Rejected] = {}
    for step, price in enumerate(path):
        sim.price(f"{price / 100:.2f}")
        step_times.append(sim.ts)
        for number, spec in enumerate(orders):
            if spec.placed_at == step:
                placed[number] = sim.algo(
                    side=spec.side,
                    order_type=spec.order_type,
                    working_type="MARK_PRICE",
                    **_fields(spec, path_8[step]),
                )
    for number, spec in enumerate(orders):
        if spec.placed_at >= len(path):
            continue
        want = expected_trigger_step(spec, path_8)
        got = placed[number]
        if want == "refused":
            assert isinstance(got, Rejected)
            assert got.code == -2021
            continue
        assert isinstance(got, AlgoOrder), got
        record = sim.record(got.algo_id)
        if want is None:
            assert (record.status, record.trigger_time) == ("NEW", 0)
        else:
            assert isinstance(want, int)
            assert record.trigger_time == step_times[want]
            assert record.status == "FINISHED"
    again = Exchange()
    for stamped in sim.log:
        again.apply(stamped)
    assert state_hash(again.state) == state_hash(sim.state)
