"""Golden numbers of FORMULAS.md §2 (funding): the impact-notional walk, the premium sample,
the funding rate with its interest clamp, N-hour scaling and cap, the linear time weights, the
fee; and the sandbox's incremental form of the weighted average (runs of equal samples)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from binance_sandbox.core.funding_state import (
    PREMIUM_SCALE,
    FundingState,
    add_samples,
    average_premium,
)
from binance_sandbox.core.premium import (
    funding_fee,
    funding_rate,
    impact_margin_notional,
    impact_price,
    premium,
    weighted_average,
)

ASKS = [(Fraction(100_010), Fraction("0.1")), (Fraction(100_020), Fraction("0.2")),
        (Fraction(100_030), Fraction(5))]  # fmt: skip
BIDS = [(Fraction(99_990), Fraction("0.05")), (Fraction(99_980), Fraction("0.1")),
        (Fraction(99_970), Fraction(5))]  # fmt: skip
IMN = 25_000
PCT = Fraction(1, 100)
WIDE = (Fraction(-2, 100), Fraction(2, 100))  # floor and cap that do not bind


def digits(value: Fraction, places: int) -> str:
    """`value` rounded half-even to `places` decimals, as text (as FORMULAS.md prints it)."""
    return str(round(Decimal(value.numerator) / Decimal(value.denominator), places))


def test_impact_margin_notional_of_the_faq_examples() -> None:
    assert impact_margin_notional(125) == 25_000  # BTCUSDT at 125x: IMR 0.8 %
    assert impact_margin_notional(20) == 4_000  # BNBUSDT at 20x: IMR 5 %


def test_impact_prices_walk_the_notional_through_the_book() -> None:
    ask = impact_price(ASKS, IMN)
    bid = impact_price(BIDS, IMN)
    assert ask == Fraction(25_000) / (Fraction("0.1") + Fraction(14_999, 100_020))
    assert ask is not None
    assert digits(ask, 11) == "100015.99936002560"
    assert bid is not None
    assert digits(bid, 11) == "99977.99823985919"
    assert impact_price(ASKS[:1], IMN) is None  # 10,001 USDT of depth: too shallow
    assert impact_price([], IMN) is None


def test_premium_samples_of_the_worked_example() -> None:
    ask, bid = impact_price(ASKS, IMN), impact_price(BIDS, IMN)
    assert digits(premium(bid, ask, Fraction(99_950)), 18) == "0.000280122459821798"
    assert digits(premium(bid, ask, Fraction(100_050)), 18) == "-0.000339836481503259"
    assert premium(bid, ask, Fraction(100_000)) == 0  # inside the impact spread
    # a side too shallow for the IMN adds nothing: the sandbox's choice
    assert premium(None, ask, Fraction(99_950)) == 0
    assert premium(bid, None, Fraction(100_050)) == 0


@pytest.mark.parametrize(
    ("average", "hours", "expected"),
    [
        (Fraction("0.0429") * PCT, 8, Fraction("0.0100") * PCT),  # the FAQ example
        (Fraction("-0.08") * PCT, 8, Fraction("-0.03") * PCT),  # I - AvgP clamped to +0.05 %
        (Fraction("0.12") * PCT, 8, Fraction("0.07") * PCT),  # clamped to -0.05 %
        (Fraction("0.12") * PCT, 4, Fraction("0.035") * PCT),  # / (8 / 4)
        (Fraction("0.03") * PCT, 1, Fraction("0.00125") * PCT),  # (0.03 - 0.02) % / 8
    ],
)
def test_funding_rate_clamps_and_scales(average: Fraction, hours: int, expected: Fraction) -> None:
    assert funding_rate(average, Fraction("0.0001"), hours, *WIDE) == expected


def test_funding_rate_cap_and_floor() -> None:
    cap = (Fraction("-0.003"), Fraction("0.003"))  # BTCUSDT's fundingInfo
    assert funding_rate(Fraction("0.01"), Fraction("0.0001"), 8, *cap) == Fraction("0.003")
    assert funding_rate(Fraction("-0.01"), Fraction("0.0001"), 8, *cap) == Fraction("-0.003")


def test_linear_time_weights() -> None:
    samples = [Fraction("0.02") * PCT, Fraction("0.03") * PCT, Fraction("0.06") * PCT]
    average = weighted_average(samples)
    assert average == Fraction("0.26") * PCT / 6
    assert digits(average / PCT, 6) == "0.043333"


def test_funding_fee_of_the_faq_example() -> None:
    """Long 2 BTC at mark 60,000 and F = 0.01 %: pays 12.00 USDT; the short receives it."""
    two_btc, mark, rate = 2_000, 60_000 * 10**8, 10_000  # steps of 0.001; 8 decimals
    assert funding_fee(two_btc, 3, mark, rate) == -12 * 10**8
    assert funding_fee(-two_btc, 3, mark, rate) == 12 * 10**8
    assert funding_fee(two_btc, 3, mark, -rate) == 12 * 10**8  # negative rate: shorts pay
    # rounded half away from zero at 8 decimals: 0.001 x 0.00000001 x 0.5 of a unit
    assert funding_fee(1, 3, 1, 50_000_000) == 0
    assert funding_fee(1, 3, 2_000, 50_000_000) == -1


SAMPLES = st.integers(-PREMIUM_SCALE // 100, PREMIUM_SCALE // 100)  # within ±1 %


@given(st.lists(st.tuples(SAMPLES, st.integers(1, 40)), max_size=30))
def test_runs_of_equal_samples_weigh_as_the_samples_one_by_one(
    runs: list[tuple[int, int]],
) -> None:
    funding = FundingState(next_time=0, sampled_until=0)
    for sample, times in runs:
        add_samples(funding, sample, times)
    one_by_one = [Fraction(sample, PREMIUM_SCALE) for sample, times in runs for _ in range(times)]
    assert average_premium(funding) == weighted_average(one_by_one)
