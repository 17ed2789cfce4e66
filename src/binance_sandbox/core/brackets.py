"""Notional and leverage brackets (FORMULAS.md §3.1): the maintenance margin rate and maximum
leverage of a position by its notional.

A bracket is (initialLeverage, notionalFloor, notionalCap, maintMarginRatio) as Binance
publishes it, kept as exact strings. Its maintenance amount `cum` is derived with Binance's rule
cum_b = cum_(b-1) + floor_b x (MMR_b - MMR_(b-1)), cum_1 = 0, which reproduces every published
cum. A notional belongs to the bracket with floor < N <= cap (Binance's wording), the first one
for N = 0; beyond the last cap the last bracket applies.
"""

from functools import lru_cache

import msgspec

from binance_sandbox.core.fixed import AMOUNT_DECIMALS, AMOUNT_SCALE, parse_scaled
from binance_sandbox.core.rounding import div_half_up


class Bracket(msgspec.Struct, frozen=True, array_like=True):
    initial_leverage: int
    notional_floor: str  # in the margin asset
    notional_cap: str
    maint_margin_ratio: str


class Tier(msgspec.Struct, frozen=True):
    """A bracket at 8 decimals, with its derived maintenance amount."""

    number: int  # 1-based, as `bracket` in the answer
    initial_leverage: int
    floor: int
    cap: int
    mmr: int  # maintenance margin rate x 1e8
    cum: int


# For instruments configured without brackets: Binance's 2024 table of a 75x altcoin (XRPUSDT).
FALLBACK = (
    Bracket(75, "0", "10000", "0.005"),
    Bracket(50, "10000", "20000", "0.0065"),
    Bracket(40, "20000", "160000", "0.01"),
    Bracket(25, "160000", "800000", "0.02"),
    Bracket(20, "800000", "1600000", "0.025"),
    Bracket(10, "1600000", "8000000", "0.05"),
    Bracket(5, "8000000", "16000000", "0.1"),
    Bracket(4, "16000000", "20000000", "0.125"),
    Bracket(2, "20000000", "40000000", "0.25"),
    Bracket(1, "40000000", "80000000", "0.5"),
)
DEFAULT_LEVERAGE = 20  # Binance's initial leverage of a symbol, capped by its maximum


@lru_cache(maxsize=256)
def tiers(brackets: tuple[Bracket, ...]) -> tuple[Tier, ...]:
    """The brackets at 8 decimals with their cum; `FALLBACK` when none are configured."""
    result: list[Tier] = []
    cum, previous_mmr = 0, 0
    for number, bracket in enumerate(brackets or FALLBACK, start=1):
        floor = parse_scaled(bracket.notional_floor, AMOUNT_DECIMALS)
        mmr = parse_scaled(bracket.maint_margin_ratio, AMOUNT_DECIMALS)
        if number > 1:
            cum += floor * (mmr - previous_mmr) // AMOUNT_SCALE
        cap = parse_scaled(bracket.notional_cap, AMOUNT_DECIMALS)
        result.append(Tier(number, bracket.initial_leverage, floor, cap, mmr, cum))
        previous_mmr = mmr
    return tuple(result)


def tier_for(table: tuple[Tier, ...], notional: int) -> Tier:
    """The bracket of an absolute notional (8 decimals): floor < N <= cap."""
    for tier in table:
        if notional <= tier.cap:
            return tier
    return table[-1]


def maintenance_margin(table: tuple[Tier, ...], notional: int) -> int:
    """N x MMR - cum of N's bracket, at 8 decimals."""
    notional = abs(notional)
    if notional == 0:
        return 0
    tier = tier_for(table, notional)
    return div_half_up(notional * tier.mmr, AMOUNT_SCALE) - tier.cum


def max_leverage(table: tuple[Tier, ...]) -> int:
    return table[0].initial_leverage


def default_leverage(table: tuple[Tier, ...]) -> int:
    return min(DEFAULT_LEVERAGE, max_leverage(table))


def max_notional(table: tuple[Tier, ...], leverage: int) -> int:
    """The largest position notional allowed at `leverage`: the cap of the last bracket whose
    initial leverage is at least it (`maxNotionalValue`)."""
    allowed = [tier.cap for tier in table if tier.initial_leverage >= leverage]
    return allowed[-1] if allowed else table[0].cap
