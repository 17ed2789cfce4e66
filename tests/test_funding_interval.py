"""Binance's funding-interval switching as an option (`funding_interval_switching`), through
`Exchange.apply` with replayed rates deciding each settlement:
- a settlement at BTCUSDT's cap (0.3 %) switches its 8-hour interval to 1 hour from the next
  hour, and the rate estimate's scaling (/(8/N)) and the timer follow (N = 1);
- 16 consecutive 1-hour settlements with |F| <= 0.025 % switch it back: the 17th cycle is on
  the 8-hour grid again; a settlement above 0.025 % starts the count over;
- without the option nothing switches."""

import msgspec

from binance_sandbox.core import funding
from binance_sandbox.core.commands import SettleFunding
from binance_sandbox.core.events import FundingSettled
from tests.test_core_trading import BTC, INSTRUMENTS, T0, Sim

HOUR = 3_600_000
FUNDING_TIME = T0 - T0 % (8 * HOUR) + 8 * HOUR
SWITCHING = tuple(
    msgspec.structs.replace(i, funding_interval_switching=True) if i.symbol == BTC else i
    for i in INSTRUMENTS
)


def settle(sim: Sim, time: int, rate: int) -> FundingSettled:
    events = sim.do(SettleFunding(rates={BTC: rate}), ts=time)
    (settled,) = [e for e in events if isinstance(e, FundingSettled) and e.symbol == BTC]
    return settled


def test_the_cap_switches_to_one_hour_and_calm_cycles_switch_back() -> None:
    sim = Sim(instruments=SWITCHING)
    btc = sim.state.instruments[BTC]
    assert settle(sim, FUNDING_TIME, 300_000).time == FUNDING_TIME  # at the cap
    assert sim.state.funding[BTC].next_time == FUNDING_TIME + HOUR
    assert funding.interval_ms(sim.state, btc) == HOUR
    assert funding.current_rate(sim.state, btc) == 10_000 // 8  # the interest, / (8 / 1)
    assert funding.next_due(sim.state, FUNDING_TIME) == FUNDING_TIME + HOUR

    time = FUNDING_TIME
    for cycle in range(1, 17):
        time += HOUR
        rate = 30_000 if cycle == 5 else 25_000  # 0.03 % at the 5th: the count starts over
        settle(sim, time, rate)
        assert sim.state.funding[BTC].next_time == time + HOUR
    for _ in range(5):  # cycles 6-16 were 11 calm ones: 5 more make 16
        time += HOUR
        settle(sim, time, -25_000)
    assert time % (8 * HOUR) != 0
    following = sim.state.funding[BTC].next_time
    assert following == time - time % (8 * HOUR) + 8 * HOUR
    assert funding.interval_ms(sim.state, btc) == 8 * HOUR
    assert settle(sim, following, 100).time == following


def test_without_the_option_the_interval_stays() -> None:
    sim = Sim()
    settle(sim, FUNDING_TIME, 300_000)
    assert sim.state.funding[BTC].next_time == FUNDING_TIME + 8 * HOUR
