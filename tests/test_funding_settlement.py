"""Funding in the core, through `Exchange.apply`: premium samples every 5 s of exchange time
from the exchange's own book, the rate estimate they give (lastFundingRate, the mark's Price1),
and `SettleFunding` at the funding time: every open position pays or receives -Q x mark x rate
to the last unit, isolated ones from their isolated wallet, missed settlements in order each at
its own time, a replay's file rate winning over the computed one.

The sandbox's choices pinned here: a book side too shallow for the impact margin notional
(IMN = 200 USDT x the maximum leverage: 30,000 USDT for BTCUSDT at 150x) adds no premium; the
rounding of each fee goes to the exchange's funding balance, so the fees and it sum to zero.
"""

from fractions import Fraction

from binance_sandbox.core import funding
from binance_sandbox.core.commands import SetIndexPrices, SetMarginType, SettleFunding
from binance_sandbox.core.events import Event, FundingFeeCharged, FundingSettled
from binance_sandbox.core.funding_state import PREMIUM_SCALE, average_premium, to_scale
from binance_sandbox.core.premium import funding_fee, weighted_average
from binance_sandbox.core.rounding import div_half_up
from tests.test_core_trading import BTC, MARK, T0, Sim, px, qty

HOUR = 3_600_000
FUNDING_TIME = T0 - T0 % (8 * HOUR) + 8 * HOUR  # the first 00/08/16 UTC after T0


def opened(sim: Sim, amount: str = "2") -> None:
    """Account 1 long `amount` BTC, account 2 short, at 77,000; the book empty again."""
    sim.place(2, "SELL", qty(amount), px("77000"))
    sim.place(1, "BUY", qty(amount))


def fees(events: list[Event]) -> dict[int, int]:
    return {e.account_id: e.amount for e in events if isinstance(e, FundingFeeCharged)}


def test_an_empty_book_gives_the_interest_rate_and_the_positions_settle_at_the_mark() -> None:
    sim = Sim()
    opened(sim)
    wallets = {a: sim.wallet(a) for a in (1, 2)}
    sim.do(SetIndexPrices(prices={BTC: MARK}, source="t"), ts=FUNDING_TIME - 1000)
    state = sim.state
    assert funding.current_rate(state, state.instruments[BTC]) == 10_000  # 0.0100 %
    mark = state.mark_price(state.instruments[BTC])
    assert mark is not None

    events = sim.do(SettleFunding(), ts=FUNDING_TIME)

    assert events[0] == FundingSettled(symbol=BTC, time=FUNDING_TIME, rate=10_000, mark=mark)
    fee = funding_fee(qty("2"), 3, mark, 10_000)
    assert fee == -(2 * mark * 10_000 // 10**8)  # exact here: 2 x mark x 0.0001
    assert fees(events) == {1: fee, 2: -fee}
    assert (sim.wallet(1), sim.wallet(2)) == (wallets[1] + fee, wallets[2] - fee)
    assert sim.state.funding_balance == {"USDT": 0}
    assert sim.state.funding[BTC].next_time == FUNDING_TIME + 8 * HOUR
    assert sim.do(SettleFunding(), ts=FUNDING_TIME + 1) == []  # nothing due any more


def test_premium_samples_from_the_book_make_the_rate_and_move_the_mark() -> None:
    """Bids of 1 BTC at 77,100 (deeper than the IMN) over an index of 77,000: a sample is
    P = 100 / 77,000 (at 12 decimals); the one taken at T0, before the orders, is 0. F is the
    weighted average - 0.05 % (the clamp), within BTCUSDT's cap of 0.3 %."""
    sim = Sim()
    opened(sim)
    sim.place(3, "BUY", qty("1"), px("77100"))
    sim.place(3, "SELL", qty("1"), px("77300"))
    for second in range(5, 65, 5):  # a minute of index ticks
        sim.do(SetIndexPrices(prices={BTC: MARK}, source="t"), ts=T0 + second * 1000)
    state = sim.state
    sampled = state.funding[BTC]
    sample = round(Fraction(100, 77_000) * PREMIUM_SCALE)
    assert (sampled.count, sampled.premium) == (13, sample) == (13, 1_298_701_299)
    average = weighted_average([Fraction(0)] + [Fraction(sample, PREMIUM_SCALE)] * 12)
    assert average_premium(sampled) == average  # (2 + ... + 13) / (1 + ... + 13) x P
    rate = to_scale(average - Fraction(5, 10_000), 10**8)
    assert sampled.rate == rate == 78_443  # 0.078443 %
    assert funding.current_rate(state, state.instruments[BTC]) == rate
    # the mark = median(Price1, Price2, last trade 77,000) with Price1 = index x (1 + F x time
    # to funding / 8 h) at this rate (not the interest rate), Price2 = index + the basis mean
    marks = state.marks[BTC]
    price1 = MARK + div_half_up(MARK * rate * (FUNDING_TIME - sim.ts), 10**8 * 8 * HOUR)
    price2 = MARK + div_half_up(sum(marks.basis), len(marks.basis))
    assert price2 > price1 > MARK
    assert marks.mark == price1

    events = sim.do(SettleFunding(), ts=FUNDING_TIME)
    settled = events[0]
    assert isinstance(settled, FundingSettled)
    # the book stood still until the funding time: every 5-s slot up to it sampled P
    slots = (FUNDING_TIME - T0) // 5000
    average = weighted_average([Fraction(0)] + [Fraction(sample, PREMIUM_SCALE)] * slots)
    rate = to_scale(average - Fraction(5, 10_000), 10**8)
    assert settled.rate == rate == 79_870
    assert fees(events)[1] == funding_fee(qty("2"), 3, settled.mark, rate) < 0  # longs pay


def test_missed_settlements_fire_in_order_each_at_its_own_time() -> None:
    sim = Sim()
    opened(sim)
    events = sim.do(SettleFunding(), ts=FUNDING_TIME + 16 * HOUR + 5)
    times = [e.time for e in events if isinstance(e, FundingSettled)]
    assert times == [FUNDING_TIME, FUNDING_TIME + 8 * HOUR, FUNDING_TIME + 16 * HOUR]
    charged = [e for e in events if isinstance(e, FundingFeeCharged)]
    assert [e.time for e in charged] == [t for t in times for _ in (1, 2)]
    assert sim.state.funding[BTC].next_time == FUNDING_TIME + 24 * HOUR


def test_a_replayed_rate_decides_and_isolated_positions_pay_from_their_wallet() -> None:
    sim = Sim()
    sim.do(SetMarginType(account_id=1, symbol=BTC, isolated=True))
    opened(sim)
    isolated = sim.position(1)
    assert isolated is not None
    before = isolated.isolated_wallet
    events = sim.do(SettleFunding(rates={BTC: -37_500}), ts=FUNDING_TIME)  # -0.0375 %
    settled = events[0]
    assert isinstance(settled, FundingSettled)
    assert settled.rate == -37_500
    fee = funding_fee(qty("2"), 3, settled.mark, -37_500)
    assert fee > 0  # a negative rate: the long receives
    charged = sorted((e for e in events if isinstance(e, FundingFeeCharged)),
                     key=lambda e: e.account_id)  # fmt: skip
    assert [(e.account_id, e.isolated, e.amount) for e in charged] == [
        (1, True, fee),
        (2, False, -fee),
    ]
    assert isolated.isolated_wallet == before + fee == charged[0].isolated_wallet


def test_rounding_of_each_fee_goes_to_the_exchanges_funding_balance() -> None:
    """Three positions whose fees do not divide evenly: the receivers' sum differs from the
    payers' by the rounding, which the funding balance holds."""
    sim = Sim()
    sim.place(2, "SELL", qty("0.003"), px("77000"))
    sim.place(1, "BUY", qty("0.001"))
    sim.place(3, "BUY", qty("0.002"))
    events = sim.do(SettleFunding(rates={BTC: 3_333}), ts=FUNDING_TIME)
    paid = fees(events)
    assert len(paid) == 3
    assert sum(paid.values()) + sim.state.funding_balance["USDT"] == 0


def test_a_jump_samples_each_missed_interval_from_the_standing_book() -> None:
    """Nothing happened between the funding times of a jump, so every interval after the first
    sampled the same premium P = 100 / 77,000 throughout: F = P - 0.05 % each time."""
    sim = Sim()
    opened(sim)
    sim.place(3, "BUY", qty("1"), px("77100"))
    events = sim.do(SettleFunding(), ts=FUNDING_TIME + 16 * HOUR)
    rates = [e.rate for e in events if isinstance(e, FundingSettled)]
    sample = Fraction(round(Fraction(100, 77_000) * PREMIUM_SCALE), PREMIUM_SCALE)
    assert rates[1:] == [to_scale(sample - Fraction(5, 10_000), 10**8)] * 2 == [79_870] * 2
    assert rates[0] == 79_870  # its one 0 sample (at T0, before the bid) of 1,281 rounds away
