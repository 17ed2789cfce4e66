"""Binance's number formats: decimals as strings at a fixed number of places."""

from binance_sandbox.core.fixed import AMOUNT_DECIMALS, format_scaled

ZERO = "0.00000000"


def amount(value: int) -> str:
    """A balance or derived price at 8 decimals: '10000.00000000'."""
    return format_scaled(value, AMOUNT_DECIMALS)
