"""Binance's number formats: decimals as strings at a fixed number of places.

Balances and derived prices (index, mark) print at 8 decimals. Book, trade and ticker prices
and quantities print at the instrument's pricePrecision / quantityPrecision, which is never
coarser than its tick / step grid (BTCUSDT: tick 0.10, pricePrecision 2 -> '76914.90').
Quote amounts (price x quantity) print exactly at both scales together (klines, userTrades:
BTCUSDT '1591436.27140'), or rounded to the price's (the 24 h ticker's quoteVolume
'13258734360.38', a public trade's quoteQty).
"""

from binance_sandbox.core import contract_value
from binance_sandbox.core.fixed import AMOUNT_DECIMALS, format_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.positions import price_8
from binance_sandbox.core.rounding import div_half_up

ZERO = "0.00000000"


def amount(value: int) -> str:
    """A balance or derived price at 8 decimals: '10000.00000000'."""
    return format_scaled(value, AMOUNT_DECIMALS)


def plain(value: int) -> str:
    """An 8-decimal amount without trailing zeros: 10000.5 -> '10000.5', 0 -> '0'."""
    return amount(value).rstrip("0").rstrip(".")


def normalized(value: int) -> str:
    """As Binance prints entry prices: no trailing zeros but one decimal, '37140.0', '0.385'."""
    text = plain(value)
    return text if "." in text else text + ".0"


def price(instrument: Instrument, value: int) -> str:
    """A price at the tick's decimals, printed at pricePrecision: BTCUSDT 769149 -> '76914.90'."""
    return _widened(value, instrument.price_decimals, instrument.price_precision)


def derived_price(instrument: Instrument, value_8: int) -> str:
    """A derived price at 8 decimals (an average) on the tick's decimals, half away from zero,
    printed at pricePrecision: BTCUSD 77663.79310345 -> '77663.8'."""
    return price(
        instrument, div_half_up(value_8, 10 ** (AMOUNT_DECIMALS - instrument.price_decimals))
    )


def quantity(instrument: Instrument, value: int) -> str:
    """A quantity at the step's decimals, printed at quantityPrecision: BTCUSDT 5 -> '0.005'."""
    return _widened(value, instrument.qty_decimals, instrument.quantity_precision)


def quote(instrument: Instrument, value: int) -> str:
    """A quote amount (price units x steps), exact: BTCUSDT 7691490 x 5 -> '384.57450'."""
    return format_scaled(value, instrument.price_decimals + instrument.qty_decimals)


def rounded_quote(instrument: Instrument, value: int) -> str:
    """A quote amount as a price, rounded half away from zero: 7691490 x 5 -> '384.57'."""
    return price(instrument, div_half_up(value, 10**instrument.qty_decimals))


def base_qty(instrument: Instrument, qty: int, at_price: int) -> str:
    """A COIN-M fill's value in the coin, contracts x contractSize / price at 8 decimals, half
    up: 1 BTCUSD contract at 8800 -> '0.01136364' (Binance's userTrades example)."""
    if not at_price:
        return ZERO
    at_8 = price_8(at_price, instrument.price_decimals)
    return amount(contract_value.notional(qty, at_8, *contract_value.terms(instrument)))


def _widened(value: int, decimals: int, precision: int) -> str:
    """`value` at `decimals` printed at `precision` places (never fewer than `decimals`)."""
    places = max(decimals, precision)
    return format_scaled(value * 10 ** (places - decimals), places)
