"""Mark price by Binance's current rule (FORMULAS.md §1.2-§1.3), on the exchange clock."""

from binance_sandbox.core.commands import SetIndexPrices
from binance_sandbox.core.fixed import AMOUNT_SCALE
from binance_sandbox.core.mark_price import (
    FUNDING_INTERVAL_MS,
    INTEREST_RATE,
    delivery_mark,
    next_funding_time,
    perpetual_mark,
)
from binance_sandbox.core.rounding import div_half_up
from tests.test_core_trading import BTC, INSTRUMENTS, MARK, T0, USD, Sim, px, qty, usd

QUARTERLY = next(i for i in INSTRUMENTS if i.contract_type != "PERPETUAL")


def test_the_median_example() -> None:
    """Index 100,000, lastFundingRate 0.0001, 2 h of 8 to funding: Price1 100,002.5; 30 basis
    samples of 12.0: Price2 100,012; last trade 100,008 -> mark 100,008.0."""
    basis = [12 * USD] * 30
    two_hours = FUNDING_INTERVAL_MS // 4
    args = (100_000 * USD, INTEREST_RATE, two_hours, basis)
    assert perpetual_mark(*args, last_trade=100_008 * USD) == 100_008 * USD
    assert perpetual_mark(*args, last_trade=100_020 * USD) == 100_012 * USD  # Price2
    assert perpetual_mark(*args, last_trade=99_000 * USD) == usd("100002.5")  # Price1
    assert delivery_mark(100_000 * USD, basis) == 100_012 * USD


def _price1(ts: int) -> int:
    until = next_funding_time(ts) - ts
    return MARK + div_half_up(MARK * INTEREST_RATE * until, AMOUNT_SCALE * FUNDING_INTERVAL_MS)


def test_the_mark_follows_the_book_and_the_last_trade_on_the_exchange_clock() -> None:
    sim = Sim()
    tick = SetIndexPrices(prices={BTC: MARK}, source="t")
    sim.place(1, "BUY", qty("0.1"), px("76990"))
    sim.place(2, "SELL", qty("0.1"), px("77030"))  # mid 77,010: basis 10
    for second in range(1, 31):
        (changed,) = sim.do(tick, ts=T0 + second * 1000)
    assert changed.marks[BTC] == 77_010 * USD  # 30 samples of 10; no trade yet: Price2
    sim.do(tick, ts=T0 + 30_500)  # the same exchange second: no new sample
    assert sim.state.marks[BTC].basis == [10 * USD] * 30
    sim.place(3, "SELL", qty("0.1"))  # takes the bid: last trade 76,990, one-sided book
    (changed,) = sim.do(tick, ts=T0 + 31_000)
    assert sim.state.marks[BTC].basis[-1] == 0
    assert changed.marks[BTC] == _price1(T0 + 31_000)  # between 76,990 and Price2 77,009.67
    assert changed.marks[QUARTERLY.symbol] == MARK  # delivery: index + its own basis (empty)
    assert sim.state.mark_price(sim.state.instruments[BTC]) == changed.marks[BTC]
