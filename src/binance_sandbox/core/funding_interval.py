"""Binance's funding-interval switching (FORMULAS.md §2.3), an option per instrument
(`funding_interval_switching`): a settlement at the cap or the floor switches the interval to
1 hour from the next hour (the 2025-05-02 rule); 16 consecutive 1-hour settlements with
|F| <= 0.025 % switch it back to the configured interval from the 17th cycle (the 2026-01-02
rule, which names 4 hours: the sandbox goes back to whatever the instrument has)."""

from binance_sandbox.core.fixed import parse_scaled
from binance_sandbox.core.instruments import Instrument

CALM_RATE = 25_000  # 0.025 % at 8 decimals
CALM_CYCLES = 16


def after_settlement(instrument: Instrument, hours: int, calm: int, rate: int) -> tuple[int, int]:
    """The interval (hours) and the count of calm 1-hour cycles after a settlement at `rate`."""
    configured = instrument.funding_interval_hours
    if not instrument.funding_interval_switching:
        return configured, 0
    cap = parse_scaled(instrument.funding_rate_cap, 8, exact=False)
    floor = parse_scaled(instrument.funding_rate_floor, 8, exact=False)
    if rate >= cap or rate <= floor:
        return 1, 0
    if hours == configured:
        return hours, 0
    calm = calm + 1 if abs(rate) <= CALM_RATE else 0
    return (configured, 0) if calm >= CALM_CYCLES else (hours, calm)
