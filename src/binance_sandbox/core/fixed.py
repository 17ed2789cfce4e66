"""Fixed-point numbers: integers at a known decimal scale, never floats.

Balances, derived prices (index, mark, entry, liquidation) and PnL use `AMOUNT_DECIMALS` (8,
as Binance prints them). Order prices and quantities use each instrument's own tick and step
grid, i.e. the number of decimals of its tickSize / stepSize.
"""

from decimal import ROUND_DOWN, Context, Decimal, InvalidOperation
from functools import lru_cache

AMOUNT_DECIMALS = 8
AMOUNT_SCALE = 10**AMOUNT_DECIMALS
MAX_DIGITS = 40  # no price, quantity or balance needs more; bounds the work hostile input causes
# The largest integer a command or the state may hold: snapshots (msgpack) and the journal (JSON)
# store signed 64-bit integers, and sums of a few such values must stay within them too.
MAX_SCALED = 2**62
# Money enters the exchange only by transfers, and no balance may pass this: 10 billion of any
# asset, far below MAX_SCALED, so trading's sums (PnL, fees, notionals) stay storable too.
MAX_BALANCE = 10**10 * AMOUNT_SCALE

# Exact arithmetic for every number within MAX_DIGITS at any scale we use (the default context
# keeps 28 significant digits and would round silently).
_EXACT = Context(prec=MAX_DIGITS + 40, rounding=ROUND_DOWN)


class FixedPointError(ValueError):
    """A decimal string that is not a plain number, or finer than the scale allows."""


@lru_cache(maxsize=4096)  # pure; instrument filters are parsed on every order check
def parse_scaled(text: str, decimals: int, *, exact: bool = True) -> int:
    """'12.34' at 4 decimals -> 123400. With `exact`, refuses digits beyond the scale."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise FixedPointError(f"not a decimal number: {text!r}") from exc
    if not value.is_finite():
        raise FixedPointError(f"not a finite number: {text!r}")
    if value and value.adjusted() >= MAX_DIGITS:
        raise FixedPointError(f"{text!r} is out of range")
    if len(value.as_tuple().digits) > MAX_DIGITS + decimals:
        raise FixedPointError(f"{text!r} has too many digits")
    scaled = value.scaleb(decimals, context=_EXACT)
    whole = scaled.to_integral_value(rounding=ROUND_DOWN, context=_EXACT)
    if exact and whole != scaled:
        raise FixedPointError(f"{text!r} has more than {decimals} decimals")
    return int(whole)


def scale_exact(value: Decimal, decimals: int) -> int | None:
    """`value` x 10^decimals as an integer, or None when a non-zero digit lies beyond the scale.
    Read from the digits themselves: no context precision can round a long fraction away."""
    sign, digit_tuple, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN or infinity
        return None
    digits = "".join(map(str, digit_tuple))
    significant = digits.rstrip("0") or "0"
    shift = exponent + decimals + len(digits) - len(significant)
    if shift < 0:
        return None
    magnitude: int = int(significant) * 10**shift
    return -magnitude if sign else magnitude


def format_scaled(value: int, decimals: int) -> str:
    """123400 at 4 decimals -> '12.3400' (Binance prints trailing zeros to the scale)."""
    if decimals == 0:
        return str(value)
    sign = "-" if value < 0 else ""
    digits = str(abs(value)).rjust(decimals + 1, "0")
    return f"{sign}{digits[:-decimals]}.{digits[-decimals:]}"


@lru_cache(maxsize=1024)  # read on every order (an instrument's scales)
def decimals_of(text: str) -> int:
    """Fewest decimals that represent a grid step exactly: '0.010' -> 2, '1' -> 0, '10' -> 0."""
    exponent = Decimal(text).normalize().as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0
