"""The liquidity agents' decisions, fed to a real core: the ladder, requoting by amendment,
refills, the amendment limit, the takers' schedule and their lean against inventory."""

import msgspec
import pytest

from binance_sandbox.config.model import AgentsConfig
from binance_sandbox.core.commands import (
    AmendOrder,
    CancelOrder,
    Command,
    PlaceOrder,
    SetIndexPrices,
)
from binance_sandbox.core.events import Rejected
from binance_sandbox.simulators.agents.ladder import LadderShape, grid_step, ladder, level_qty
from binance_sandbox.simulators.agents.liquidity import LiquidityAgents
from binance_sandbox.simulators.agents.taker_schedule import TakerSchedule
from tests.test_core_trading import BTC, MARK, USD, Sim, px, qty

SHAPE = LadderShape(levels=25, spread_bps=1.0, step_bps=1.5, level_notional=25_000 * USD)
MAKER, TAKER = 1, 2


def agents(sim: Sim, **taker: object) -> LiquidityAgents:
    config = msgspec.convert(
        {
            "maker": {"account": "acct1", "lag_steps": 1},
            "taker": {"account": "acct2", **taker},
        },
        AgentsConfig,
    )
    return LiquidityAgents(config, [BTC], lambda: sim.state)


def run(sim: Sim, commands: list[Command]) -> None:
    for command in commands:
        assert not any(isinstance(e, Rejected) for e in sim.do(command)), command


def test_the_ladder_sits_on_a_power_of_two_grid_of_ticks_around_the_fair_price() -> None:
    sim = Sim(accounts=0)
    instrument = sim.state.instruments[BTC]
    # 1.5 bp of 77000 = 11.55 = 115.5 ticks of 0.10 -> 64 ticks = 6.40
    assert grid_step(instrument, px("77000"), 1.5) == px("6.4")
    wanted = ladder(instrument, MARK, SHAPE)
    assert wanted.bids[:2] == [px("76992.00"), px("76985.60")]  # floor(76992.3 / 6.4) * 6.4
    assert wanted.asks[:2] == [px("77011.20"), px("77017.60")]  # ceil(77007.7 / 6.4) * 6.4
    assert len(wanted.bids) == len(wanted.asks) == 25
    assert wanted.asks[-1] - wanted.asks[0] == 24 * px("6.4")
    assert wanted.qty == qty("0.324")  # 25,000 / 77,000 = 0.3246..., down to the step
    assert level_qty(instrument, px("77000"), 1 * USD) == qty("0.001")  # at least minQty


def test_a_step_up_moves_the_ask_side_and_the_bids_trail_until_a_second_step() -> None:
    sim = Sim()
    agent = agents(sim)
    first = agent.requote_all()
    assert len(first) == 50
    assert all(isinstance(c, PlaceOrder) for c in first)
    run(sim, first)
    assert agent.requote_all() == []  # nothing to do while the index stands still

    step = 64 * USD // 10  # 6.40
    sim.do(SetIndexPrices(prices={BTC: MARK + step}, source="t"))
    (ask_move,) = agent.requote_all()  # the bids may trail by a step (lag_steps = 1)
    assert isinstance(ask_move, AmendOrder)
    assert (ask_move.side, ask_move.price) == ("SELL", px("77017.60") + 24 * px("6.4"))
    assert ask_move.order_id == sim.book()[1][0][1]  # the old best ask goes to the far end
    run(sim, [ask_move])

    sim.do(SetIndexPrices(prices={BTC: MARK + 2 * step}, source="t"))
    moves = agent.requote_all()
    assert [(type(c), getattr(c, "side", None)) for c in moves] == [
        (AmendOrder, "SELL"),  # rising: the asks move away first
        (AmendOrder, "BUY"),
        (AmendOrder, "BUY"),  # two steps behind now: the bids catch up
    ]
    run(sim, moves)
    bids, asks = sim.book()
    assert bids[0][0] == px("77004.80")
    assert asks[0][0] == px("77024.00")
    assert len(bids) == len(asks) == 25

    sim.do(SetIndexPrices(prices={BTC: MARK + step}, source="t"))
    (bid_move,) = agent.requote_all()  # back down: a bid above the wanted top must go
    assert isinstance(bid_move, AmendOrder)
    assert (bid_move.side, bid_move.price) == ("BUY", px("76998.40") - 24 * px("6.4"))


def test_a_level_taken_below_half_is_topped_up_and_a_light_touch_is_left() -> None:
    sim = Sim()
    agent = agents(sim)
    run(sim, agent.requote_all())
    best_ask = sim.book()[1][0]
    sim.place(TAKER, "BUY", qty("0.100"))  # 0.224 of 0.324 left: more than half
    assert agent.requote_all() == []
    sim.place(TAKER, "BUY", qty("0.100"))  # 0.124 left: refill to a full level
    (refill,) = agent.requote_all()
    assert isinstance(refill, AmendOrder)
    assert (refill.order_id, refill.price) == (best_ask[1], best_ask[0])
    assert refill.quantity == qty("0.200") + qty("0.324")  # executed + a full level


def test_an_order_out_of_amendments_is_replaced() -> None:
    sim = Sim()
    agent = agents(sim)
    run(sim, agent.requote_all())
    worn = sim.state.open_orders[sim.book()[0][0][1]]  # the best bid moves on a fall
    worn.amendments = sim.state.instruments[BTC].max_move_order_limit - 1
    sim.do(SetIndexPrices(prices={BTC: MARK - 64 * USD // 10}, source="t"))
    commands = agent.requote_all()
    assert [type(c) for c in commands] == [CancelOrder, PlaceOrder]
    assert isinstance(commands[0], CancelOrder)
    assert commands[0].order_id == worn.order_id


def test_the_maker_leans_its_quotes_against_its_inventory() -> None:
    sim = Sim()
    agent = agents(sim)
    run(sim, agent.requote_all())
    flat_bid = sim.book()[0][0][0]
    sim.place(TAKER, "SELL", qty("3.000"))  # the maker buys ~231k USDT: long
    run(sim, agent.requote_all())
    assert sim.book()[0][0][0] < flat_bid  # a long maker bids lower


def test_every_slot_of_every_symbol_has_a_trade_and_the_times_repeat() -> None:
    symbols = ["BTCUSDT", "ETHUSDT"]
    schedule = TakerSchedule(7, symbols, slot_ms=20_000, per_slot=3)
    again = TakerSchedule(7, symbols, slot_ms=20_000, per_slot=3)
    other = TakerSchedule(8, symbols, slot_ms=20_000, per_slot=3)
    t, fired = 0, {s: set() for s in symbols}
    times = []
    while t < 600_000:
        t = schedule.next_due(t)
        assert t == again.next_due(times[-1] if times else 0)
        due = schedule.due_symbols(t)
        assert due
        for symbol in due:
            fired[symbol].add(t // 20_000)
        times.append(t)
    assert all(slots >= set(range(30)) for slots in fired.values())
    assert times[:20] != [other.next_due(x) for x in [0, *times[:19]]]


def test_takers_lean_against_their_position_and_rest_while_paused() -> None:
    sim = Sim()
    agent = agents(sim, max_inventory="1000")
    run(sim, agent.requote_all())
    due = list(range(1000, 400_000, 1000))
    sides = [c.side for t in due for c in agent.take(t, [BTC]) if isinstance(c, PlaceOrder)]
    assert {"BUY", "SELL"} == set(sides)
    sim.place(TAKER, "BUY", qty("0.500"))  # long ~38k USDT, far past max_inventory 1000
    leaning = [c.side for t in due for c in agent.take(t, [BTC]) if isinstance(c, PlaceOrder)]
    assert leaning.count("SELL") > 0.8 * len(leaning)

    sim.state.simulation.agents_paused = True
    assert agent.fire(1_000) == []


@pytest.mark.parametrize(
    ("section", "setting", "message"),
    [
        ("maker", {"refill_below": 0}, "agents.maker.refill_below must be above 0 and at most 1"),
        ("maker", {"levels": 0}, "agents.maker.levels must be at least 1"),
        ("maker", {"level_notional": "abc"}, "agents.maker.level_notional = 'abc'"),
        ("taker", {"min_notional": "9000"}, "agents.taker.min_notional must be positive and at"),
    ],
)
def test_settings_the_agents_cannot_work_with_are_refused_by_name(
    section: str, setting: dict[str, object], message: str
) -> None:
    config = msgspec.convert({section: setting}, AgentsConfig)
    with pytest.raises(ValueError, match=message):
        LiquidityAgents(config, [BTC], lambda: Sim().state)
