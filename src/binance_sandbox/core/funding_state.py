"""A perpetual's funding in progress: the premium samples of the current interval, kept as a
time-weighted sum (weights 1, 2, ..., n) so the state stays small, and the rate they give.

Samples are taken every 5 seconds of exchange time (5,760 per 8 hours, the count Binance's FAQ
averages). A sample is at 12 decimals, within ±50 %, so the weighted sum of a whole 8-hour
interval stays within a signed 64-bit integer (the journal and snapshots store no larger).
"""

from fractions import Fraction
from functools import lru_cache

import msgspec

from binance_sandbox.core import premium
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.rounding import div_half_up

SAMPLE_MS = 5_000
PREMIUM_SCALE = 10**12
MAX_PREMIUM = PREMIUM_SCALE // 2
RATE_SCALE = 10**8  # rates are printed and settled at 8 decimals


class FundingState(msgspec.Struct, kw_only=True):
    next_time: int  # the funding time these samples lead up to (ms)
    sampled_until: int  # the time of the newest sample, on the 5-second grid
    weighted_sum: int = 0  # sum of i x P_i at PREMIUM_SCALE
    count: int = 0
    premium: int = 0  # the newest sample at PREMIUM_SCALE
    rate: int = 0  # the rate the samples give so far, at 8 decimals (lastFundingRate)
    interval_hours: int = 0  # of this interval; 0: the instrument's (core/funding_interval.py)
    calm_cycles: int = 0  # consecutive calm 1-hour settlements after a switch


def add_samples(funding: FundingState, sample: int, times: int) -> None:
    """`times` more samples of one value (the state did not change between them): they take
    the weights count + 1 ... count + times."""
    sample = max(-MAX_PREMIUM, min(MAX_PREMIUM, sample))
    funding.weighted_sum += sample * (times * funding.count + times * (times + 1) // 2)
    funding.count += times
    funding.premium = sample


def average_premium(funding: FundingState) -> Fraction:
    if not funding.count:
        return Fraction(0)
    weights = funding.count * (funding.count + 1) // 2
    return Fraction(funding.weighted_sum, PREMIUM_SCALE * weights)


def rate_of(funding: FundingState | None, instrument: Instrument) -> int:
    """The funding rate at 8 decimals the samples give (no samples: the interest alone)."""
    average = average_premium(funding) if funding is not None else Fraction(0)
    return _rate(average, instrument.interest_rate, interval_hours(funding, instrument),
                 instrument.funding_rate_floor, instrument.funding_rate_cap)  # fmt: skip


def interval_hours(funding: FundingState | None, instrument: Instrument) -> int:
    """The funding interval in force: switched, or the instrument's."""
    if funding is not None and funding.interval_hours:
        return funding.interval_hours
    return instrument.funding_interval_hours


@lru_cache(maxsize=1024)  # pure; an unchanged average (an idle book) recurs at every tick
def _rate(average: Fraction, interest: str, hours: int, floor: str, cap: str) -> int:
    rate = premium.funding_rate(average, Fraction(interest), hours, Fraction(floor), Fraction(cap))
    return to_scale(rate, RATE_SCALE)


def to_scale(value: Fraction, scale: int) -> int:
    """`value` x scale, rounded half away from zero."""
    return div_half_up(value.numerator * scale, value.denominator)
