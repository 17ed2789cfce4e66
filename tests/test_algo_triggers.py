"""Conditional orders in the core: each trigger rule of FORMULAS.md §6.7 on a scripted price
path under a manual clock (each step one second), both sides, both working types.

The mark equals the index here (no trade has printed and the book has bids only), so
`price()` moves the MARK_PRICE and `print_trade()` the CONTRACT_PRICE. Account 2 rests the
liquidity a triggered MARKET order takes.
"""

from typing import Any, Literal

import pytest

from binance_sandbox.core.algo_orders import AlgoOrder
from binance_sandbox.core.commands import CancelAlgoOrder, PlaceOrder, SetPositionMode
from binance_sandbox.core.events import OrderUpdated, Rejected
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.state_hash import state_hash
from tests.algo_support import AlgoSim, updates
from tests.test_core_trading import px, qty


def placed(result: AlgoOrder | Rejected) -> AlgoOrder:
    assert isinstance(result, AlgoOrder), result
    return result


def mark_stop(sim: AlgoSim, **fields: Any) -> AlgoOrder:
    """Account 1's SELL STOP_MARKET at 76000 on the MARK_PRICE, with `fields` over these, placed."""
    stop = {"side": "SELL", "order_type": "STOP_MARKET", "trigger_price": px("76000")}
    return placed(sim.algo(**{**stop, "working_type": "MARK_PRICE", **fields}))


def market_order(account: int, side: Literal["BUY", "SELL"], amount: str) -> PlaceOrder:
    return PlaceOrder(
        account_id=account, symbol="BTCUSDT", side=side, order_type="MARKET", quantity=qty(amount)
    )


def code(result: AlgoOrder | Rejected) -> int:
    assert isinstance(result, Rejected), result
    return result.code


def fires_along(
    working_type: Literal["MARK_PRICE", "CONTRACT_PRICE"],
    order_type: str,
    side: str,
    trigger: str,
    path: list[str],
    fires_at: int,
) -> tuple[AlgoSim, AlgoOrder]:
    """Account 1's algo order of `working_type` against account 2's resting counter-order, its
    price moved along `path` one second a step: NEW before step `fires_at`, triggered at it and
    filled at once (TRIGGERING, TRIGGERED, FINISHED)."""
    sim = AlgoSim()
    sim.rest(2, "BUY" if side == "SELL" else "SELL", "75000" if side == "SELL" else "79000")
    if working_type == "MARK_PRICE":
        algo = placed(
            sim.algo(
                side=side,
                order_type=order_type,
                trigger_price=px(trigger),
                working_type=working_type,
            )
        )
        move = sim.price
    else:
        sim.print_trade("77000")  # before the first trade the contract price is the mark
        algo = placed(sim.algo(side=side, order_type=order_type, trigger_price=px(trigger)))
        assert algo.working_type == "CONTRACT_PRICE"  # Binance's default
        sim.price(trigger)  # the mark at the trigger does not fire a CONTRACT_PRICE order
        assert sim.status(algo.algo_id) == "NEW"
        move = sim.print_trade
    for step, price in enumerate(path):
        events = move(price)
        if step < fires_at:
            assert sim.status(algo.algo_id) == "NEW"
        else:
            assert updates(events) == [
                (algo.algo_id, s) for s in ("TRIGGERING", "TRIGGERED", "FINISHED")
            ]
    return sim, algo


@pytest.mark.parametrize(
    ("order_type", "side", "trigger", "path", "fires_at"),
    [
        ("STOP_MARKET", "SELL", "76000", ["76500", "76010", "76000"], 2),
        ("STOP_MARKET", "BUY", "78000", ["77500", "77990", "78000"], 2),
        ("TAKE_PROFIT_MARKET", "SELL", "78000", ["77500", "78000"], 1),
        ("TAKE_PROFIT_MARKET", "BUY", "76000", ["76500", "75900"], 1),
    ],
)
def test_mark_price_triggers_at_the_first_price_that_meets_the_condition(
    order_type: str, side: str, trigger: str, path: list[str], fires_at: int
) -> None:
    sim, algo = fires_along("MARK_PRICE", order_type, side, trigger, path, fires_at)
    record = sim.record(algo.algo_id)
    assert record.trigger_time == sim.ts
    assert record.actual_order_id
    assert record.executed_qty == qty("0.01")
    assert record.actual_type == "MARKET"


@pytest.mark.parametrize(
    ("order_type", "side", "trigger", "path", "fires_at"),
    [
        ("STOP_MARKET", "SELL", "76000", ["76500", "76000"], 1),
        ("STOP_MARKET", "BUY", "78000", ["77900", "78100"], 1),
        ("TAKE_PROFIT_MARKET", "SELL", "78000", ["77000", "78000"], 1),
        ("TAKE_PROFIT_MARKET", "BUY", "76000", ["76001", "76000"], 1),
    ],
)
def test_contract_price_triggers_on_trades_and_ignores_the_mark(
    order_type: str, side: str, trigger: str, path: list[str], fires_at: int
) -> None:
    fires_along("CONTRACT_PRICE", order_type, side, trigger, path, fires_at)


def test_trailing_sell_with_activation_price_tracks_the_high_since_activation() -> None:
    sim = AlgoSim()
    sim.rest(2, "BUY", "75000")
    algo = placed(
        sim.algo(
            side="SELL",
            order_type="TRAILING_STOP_MARKET",
            working_type="MARK_PRICE",
            activate_price=px("78000"),
            callback_rate=10,
        )
    )
    sim.price("77000")
    sim.price("77900")
    sim.price("76000")  # 1 % under a high that came before activation: nothing
    assert not sim.record(algo.algo_id).activated
    sim.price("78000")  # activates
    assert sim.record(algo.algo_id).activated
    sim.price("79000")  # the new high; 1 % back is 78210
    sim.price("78220")
    assert sim.status(algo.algo_id) == "NEW"
    sim.price("78210")
    assert sim.status(algo.algo_id) == "FINISHED"


def test_trailing_buy_without_activation_price_activates_at_the_latest_price() -> None:
    sim = AlgoSim()
    sim.rest(2, "SELL", "79000")
    algo = placed(
        sim.algo(
            side="BUY",
            order_type="TRAILING_STOP_MARKET",
            working_type="MARK_PRICE",
            callback_rate=20,
        )
    )
    assert algo.activated
    assert algo.activate_price == px("77000")
    sim.price("76000")  # the low; 2 % up is 77520
    sim.price("77510")
    assert sim.status(algo.algo_id) == "NEW"
    sim.price("77520")
    assert sim.status(algo.algo_id) == "FINISHED"


def test_price_protect_blocks_while_mark_and_last_diverge_then_passes() -> None:
    sim = AlgoSim()
    sim.rest(2, "BUY", "74000")  # within marketTakeBound of both marks
    guarded = placed(
        sim.algo(
            side="SELL", order_type="STOP_MARKET", trigger_price=px("76000"), price_protect=True
        )
    )
    sim.print_trade("72000")  # last 6.5 % under the mark (77000): beyond triggerProtect 5 %
    assert sim.status(guarded.algo_id) == "NEW"
    sim.price("75000")  # last 4 % under the mark now: the held trigger passes
    assert sim.status(guarded.algo_id) == "FINISHED"


def test_price_protect_lets_a_trigger_through_when_mark_and_last_agree() -> None:
    sim = AlgoSim()
    sim.rest(2, "BUY", "74000")
    guarded = placed(
        sim.algo(
            side="SELL", order_type="STOP_MARKET", trigger_price=px("76000"), price_protect=True
        )
    )
    sim.print_trade("75900")
    assert sim.status(guarded.algo_id) == "FINISHED"


@pytest.mark.parametrize(
    "fields",
    [
        {"side": "SELL", "order_type": "STOP_MARKET", "trigger_price": px("77000")},
        {"side": "BUY", "order_type": "STOP_MARKET", "trigger_price": px("76990")},
        {"side": "SELL", "order_type": "TAKE_PROFIT_MARKET", "trigger_price": px("76000")},
        {"side": "BUY", "order_type": "TAKE_PROFIT_MARKET", "trigger_price": px("77010")},
        {
            "side": "SELL",
            "order_type": "TRAILING_STOP_MARKET",
            "activate_price": px("76000"),
            "callback_rate": 10,
        },
        {
            "side": "BUY",
            "order_type": "TRAILING_STOP_MARKET",
            "activate_price": px("77000"),
            "callback_rate": 10,
        },
    ],
)
def test_an_order_that_would_trigger_at_once_is_refused_2021(fields: dict[str, object]) -> None:
    sim = AlgoSim()
    result = sim.algo(working_type="MARK_PRICE", **fields)
    assert isinstance(result, Rejected)
    assert (result.code, result.msg) == (-2021, "Order would immediately trigger.")
    assert not sim.state.algo_orders


def test_close_position_closes_the_position_as_it_is_at_trigger_time() -> None:
    sim = AlgoSim()
    sim.rest(2, "SELL", "77000", "0.03")
    stop = mark_stop(sim, close_position=True, quantity=0)
    sim.do(market_order(1, "BUY", "0.01"))
    sim.do(market_order(1, "BUY", "0.02"))  # the position grew after the stop was placed
    assert sim.state.positions["1:BTCUSDT:BOTH"].qty == qty("0.03")
    sim.rest(2, "BUY", "75000", "0.05")
    sim.price("75990")
    assert sim.state.positions["1:BTCUSDT:BOTH"].qty == 0
    assert sim.record(stop.algo_id).executed_qty == qty("0.03")


def test_untriggered_orders_reserve_no_margin_and_the_check_happens_at_trigger() -> None:
    sim = AlgoSim()  # 100,000 USDT: 30 BTC at 78000 needs 117,000 at 20x
    big = placed(
        sim.algo(
            side="BUY",
            order_type="STOP",
            trigger_price=px("78000"),
            price=px("78000"),
            working_type="MARK_PRICE",
            quantity=qty("30"),
        )
    )
    assert not sim.state.open_order_ids.get(1)  # nothing in the book, nothing reserved
    events = sim.price("78000")
    assert updates(events) == [(big.algo_id, "TRIGGERING"), (big.algo_id, "REJECTED")]
    assert sim.record(big.algo_id).reason == "Margin is insufficient."


def test_a_triggered_stop_limit_rests_as_triggered_until_its_order_ends() -> None:
    sim = AlgoSim()
    algo = mark_stop(sim, order_type="STOP", price=px("75500"))
    sim.price("76000")
    record = sim.record(algo.algo_id)
    assert (record.status, record.actual_type) == ("TRIGGERED", "LIMIT")
    resting = sim.state.open_orders[record.actual_order_id]
    assert (resting.price, resting.client_order_id) == (px("75500"), algo.client_algo_id)
    sim.do(market_order(2, "BUY", "0.01"))
    assert sim.status(algo.algo_id) == "FINISHED"
    assert sim.record(algo.algo_id).executed_qty == qty("0.01")


def test_due_orders_fire_in_algo_id_order_and_replay_identically() -> None:
    sim = AlgoSim()
    sim.rest(2, "BUY", "74000", "1")
    first = mark_stop(sim, trigger_price=px("75000"))
    second = mark_stop(sim)
    events = sim.price("74500")
    fired = [algo_id for algo_id, status in updates(events) if status == "TRIGGERING"]
    assert fired == [first.algo_id, second.algo_id]
    again = Exchange()
    for stamped in sim.log:
        again.apply(stamped)
    assert state_hash(again.state) == state_hash(sim.state)


def test_orders_of_a_triggered_market_fill_leave_a_trade() -> None:
    sim = AlgoSim()
    sim.rest(2, "BUY", "75000")
    algo = mark_stop(sim)
    events = sim.price("76000")
    trades = [e for e in events if isinstance(e, OrderUpdated) and e.trade is not None]
    assert {e.order.order_id for e in trades} >= {sim.record(algo.algo_id).actual_order_id}


def test_a_close_position_stop_with_no_position_at_trigger_time_expires() -> None:
    sim = AlgoSim()
    algo = mark_stop(sim, close_position=True, quantity=0)
    sim.price("76000")
    record = sim.record(algo.algo_id)
    assert (record.status, record.reason, record.actual_order_id) == (
        "EXPIRED",
        "No position to close",
        0,
    )


def test_client_algo_ids_are_unique_among_open_orders_and_hedge_close_sides() -> None:
    sim = AlgoSim()
    stop = {"side": "SELL", "order_type": "STOP_MARKET", "trigger_price": px("76000")}
    placed(sim.algo(client_algo_id="once", **stop))
    assert code(sim.algo(client_algo_id="once", **stop)) == -4116
    assert code(sim.algo(client_algo_id="bad id!", **stop)) == -4015
    sim.do(SetPositionMode(account_id=2, dual_side_position=True))
    opening = sim.algo(account=2, position_side="SHORT", close_position=True, quantity=0, **stop)
    assert code(opening) == -4061  # a close-position SELL on the SHORT side would open
    closing = sim.algo(account=2, position_side="LONG", close_position=True, quantity=0, **stop)
    assert placed(closing).position_side == "LONG"


def test_ended_records_are_dropped_after_90_days_when_a_new_order_arrives() -> None:
    sim = AlgoSim()
    stop = {"side": "SELL", "order_type": "STOP_MARKET", "trigger_price": px("76000")}
    old = placed(sim.algo(**stop))
    kept = placed(sim.algo(**stop))
    sim.do(CancelAlgoOrder(account_id=1, algo_id=old.algo_id))
    sim.ts += 90 * 24 * 3_600_000 + 1
    newer = placed(sim.algo(**stop))
    assert list(sim.state.algo_orders) == [kept.algo_id, newer.algo_id]  # kept is still open


def test_contract_price_trailing_buy_with_activation_tracks_the_low_of_trades() -> None:
    sim = AlgoSim()
    sim.rest(2, "SELL", "78000")  # within marketTakeBound of the mark (75000)
    sim.print_trade("77000")
    algo = placed(
        sim.algo(
            side="BUY",
            order_type="TRAILING_STOP_MARKET",
            activate_price=px("76000"),
            callback_rate=10,
        )
    )
    sim.price("75000")  # the mark does not move a CONTRACT_PRICE trailing stop
    assert not sim.record(algo.algo_id).activated
    sim.print_trade("76000")  # activates
    sim.print_trade("75000")  # the low; 1 % up is 75750
    sim.print_trade("75740")
    assert sim.status(algo.algo_id) == "NEW"
    sim.print_trade("75750")
    assert sim.status(algo.algo_id) == "FINISHED"
