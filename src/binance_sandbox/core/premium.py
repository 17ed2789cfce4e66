"""The funding formulas of USDⓈ-M perpetuals (FORMULAS.md §2), exact: impact prices, the
premium index sample, its time-weighted average, the funding rate and the funding fee.

Pure functions on exact fractions; the callers round once, where Binance prints a number.
"""

from collections.abc import Iterable
from fractions import Fraction
from typing import TypeVar

from binance_sandbox.core import contract_value

# IMN = 200 / IMR at the maximum leverage: in the quote asset (USDⓈ-M), in USD (COIN-M: the
# notional tradable with 200 USD of margin, FORMULAS.md §2.1)
IMPACT_MARGIN = 200
INTEREST_BAND = Fraction(5, 10_000)  # clamp(I - AvgP, -0.05 %, +0.05 %)
BASE_INTERVAL_HOURS = 8  # the rate is scaled by N / 8 for an N-hour interval
N = TypeVar("N", int, Fraction)


def impact_margin_notional(max_leverage: int) -> int:
    """IMN in the quote asset: 200 USDT at the symbol's maximum leverage (125x: 25,000)."""
    return IMPACT_MARGIN * max_leverage


def impact_price(levels: Iterable[tuple[N, N]], notional: N) -> Fraction | None:
    """The average fill price of `notional` walked through (price, quantity) levels, best
    first, on any scales with price x quantity on the notional's (integers stay integers until
    the one division at the end); None when the side is too shallow to fill it."""
    left, filled = notional, notional - notional
    for price, qty in levels:
        if price * qty >= left:
            # notional / (filled + left / price)
            return Fraction(notional * price) / (filled * price + left)
        left -= price * qty
        filled += qty
    return None


def premium(impact_bid: Fraction | None, impact_ask: Fraction | None, index: Fraction) -> Fraction:
    """[max(0, ImpactBid - Index) - max(0, Index - ImpactAsk)] / Index; a side without an
    impact price (too shallow for IMN) adds nothing."""
    above = max(Fraction(0), impact_bid - index) if impact_bid is not None else Fraction(0)
    below = max(Fraction(0), index - impact_ask) if impact_ask is not None else Fraction(0)
    return (above - below) / index


def weighted_average(samples: list[Fraction]) -> Fraction:
    """(1 x P1 + 2 x P2 + ... + n x Pn) / (1 + 2 + ... + n): later samples weigh more."""
    if not samples:
        return Fraction(0)
    total = sum((i * sample for i, sample in enumerate(samples, start=1)), Fraction(0))
    return total / (len(samples) * (len(samples) + 1) // 2)


def funding_rate(
    average_premium: Fraction,
    interest: Fraction,
    interval_hours: int,
    floor: Fraction,
    cap: Fraction,
) -> Fraction:
    """F = [AvgP + clamp(I - AvgP, -0.05 %, 0.05 %)] / (8 / N), then within [floor, cap]."""
    bracket = average_premium + min(max(interest - average_premium, -INTEREST_BAND), INTEREST_BAND)
    return min(max(bracket * interval_hours / BASE_INTERVAL_HOURS, floor), cap)


def funding_fee(qty: int, qty_decimals: int, mark_8: int, rate_8: int, size: int = 0) -> int:
    """What a position of signed `qty` steps receives (negative: pays) at the mark for a rate,
    both at 8 decimals: -Q x mark x rate (COIN-M, `size` USD per contract: -Q x size / mark x
    rate in coin, FORMULAS §2.3), rounded half away from zero to 8 decimals. A positive rate
    makes longs pay and shorts receive."""
    return -contract_value.fee(qty, mark_8, rate_8, qty_decimals, size)
