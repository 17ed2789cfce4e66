"""What a quantity of a contract at a price is worth in its margin asset, for both kinds.

Linear (USDⓈ-M): Q units of the base asset at price P are worth Q x P of the quote (the margin
asset). Inverse (COIN-M, FORMULAS.md §1.4, §5): Q contracts of `contract_size` USD are worth
Q x size / P of the base coin (the margin asset), so a long gains as the price rises but in
coin: PnL = Q x size x (1/EP - 1/exit), and the entry price that keeps PnL exact after adding
is the contract-weighted harmonic mean. Every figure the core books or checks (notional, PnL,
entry price, commission, funding fee, isolated margin, open loss, break-even price) comes from
here; the callers pass `terms(instrument)`: (quantity decimals, contract size, 0 for linear).

Prices are at 8 decimals, quantities on the instrument's step grid (signed: long > 0), money
at 8 decimals. Rounding, the same for both kinds (only an inverse figure divides by a price):
notionals at the mark, entry prices, realized PnL, commissions and fees are rounded half away
from zero at 8 decimals; unrealized PnL is cut toward zero (Binance truncates what it
prints); order notionals and open loss are floored. No figure is kept unrounded: each booked
amount is one integer that leaves one balance and enters another (wallet and realized PnL,
wallet and the commissions, wallet and the exchange's funding balance), so money stays exact.
"""

from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.rounding import div_half_up

SCALE = 10**8  # prices and money at 8 decimals
_SQUARED = SCALE * SCALE  # an inverse value divides by a price at 8 decimals

Terms = tuple[int, int]  # (quantity decimals, USD per contract; 0 for a linear contract)


def terms(instrument: Instrument) -> Terms:
    return instrument.qty_decimals, instrument.contract_size if instrument.inverse else 0


def worth(qty: int, price_8: int, qty_decimals: int, size: int = 0) -> tuple[int, int]:
    """Q at P in the margin asset at 8 decimals as an exact fraction (numerator, denominator >
    0): Q x P (linear) or Q x size / P (inverse; 0 when the price is unknown)."""
    if not size:
        return qty * price_8, 10**qty_decimals
    if price_8 <= 0:
        return 0, 1
    return qty * size * _SQUARED, price_8 * 10**qty_decimals


def notional(qty: int, price_8: int, qty_decimals: int, size: int = 0) -> int:
    """Signed, rounded half away from zero (a position's notional at the mark)."""
    return div_half_up(*worth(qty, price_8, qty_decimals, size))


def notional_down(qty: int, price_8: int, qty_decimals: int, size: int = 0) -> int:
    """Floored (an order's notional at its price, as the order checks take it)."""
    numerator, denominator = worth(qty, price_8, qty_decimals, size)
    return numerator // denominator


FINE = 10**10  # a worth kept at 18 decimals: 10**10 units of the 18th per unit of the 8th


def worth_fine(qty: int, price_8: int, qty_decimals: int, size: int = 0) -> int:
    """Q at P in the margin asset at 18 decimals, floored: summed over an order's fills (its
    `cum_base`), the sum still gives the exact average price (at most one unit of the 18th
    decimal lost per fill)."""
    numerator, denominator = worth(qty, price_8, qty_decimals, size)
    return numerator * FINE // denominator


def average_price(qty: int, fine: int, qty_decimals: int, size: int) -> int:
    """The price at which `qty` (> 0) contracts are worth `fine` (> 0, at 18 decimals): the
    contract-weighted harmonic mean of the fills' prices (an inverse order's avgPrice), half
    away from zero at 8 decimals."""
    return div_half_up(qty * size * _SQUARED * FINE, fine * 10**qty_decimals)


def quantity_worth(amount_8: int, price_8: int, qty_decimals: int, size: int = 0) -> int:
    """The quantity (steps, floored) worth `amount_8` (>= 0) at `price_8` (> 0): the inverse
    of `worth`."""
    scale: int = 10**qty_decimals
    if not size:
        return amount_8 * scale // price_8
    return amount_8 * price_8 * scale // (size * _SQUARED)


def fee(qty: int, price_8: int, rate_8: int, qty_decimals: int, size: int = 0) -> int:
    """Q's worth at P times a rate at 8 decimals, half away from zero: a commission (at the
    fill price) or the magnitude of a funding fee (at the mark)."""
    numerator, denominator = worth(qty, price_8, qty_decimals, size)
    return div_half_up(numerator * rate_8, denominator * SCALE)


def margin(qty: int, price_8: int, leverage: int, qty_decimals: int, size: int = 0) -> int:
    """Q's worth at P over the leverage, half away from zero (the isolated wallet set aside)."""
    numerator, denominator = worth(qty, price_8, qty_decimals, size)
    return div_half_up(numerator, denominator * leverage)


def _pnl(qty: int, entry_8: int, exit_8: int, qty_decimals: int, size: int) -> tuple[int, int]:
    """Q x (exit - EP) (linear) or Q x size x (1/EP - 1/exit) (inverse), exactly."""
    if not size:
        return qty * (exit_8 - entry_8), 10**qty_decimals
    if entry_8 <= 0 or exit_8 <= 0:
        return 0, 1
    return qty * size * (exit_8 - entry_8) * _SQUARED, entry_8 * exit_8 * 10**qty_decimals


def realized_pnl(qty: int, entry_8: int, exit_8: int, qty_decimals: int, size: int = 0) -> int:
    """PnL of closing signed `qty` (the position's direction) at `exit_8`, half away from 0."""
    return div_half_up(*_pnl(qty, entry_8, exit_8, qty_decimals, size))


def unrealized_pnl(qty: int, entry_8: int, mark_8: int, qty_decimals: int, size: int = 0) -> int:
    """PnL of signed `qty` at the mark, cut toward zero as Binance prints it."""
    numerator, denominator = _pnl(qty, entry_8, mark_8, qty_decimals, size)
    magnitude = abs(numerator) // denominator
    return magnitude if numerator >= 0 else -magnitude


def pnl_down(qty: int, entry_8: int, exit_8: int, qty_decimals: int, size: int = 0) -> int:
    """PnL of signed `qty` at `exit_8`, floored (the insurance fund's solvency check)."""
    numerator, denominator = _pnl(qty, entry_8, exit_8, qty_decimals, size)
    return numerator // denominator


def open_loss(
    is_buy: bool, qty: int, price_8: int, mark_8: int, qty_decimals: int, size: int = 0
) -> int:
    """What an order (qty >= 0) would lose at once if filled at its price and valued at the
    mark (FORMULAS §3.2: a buy above or a sell below the mark), floored; 0 without a mark."""
    if not mark_8:
        return 0
    numerator, denominator = _pnl(qty if is_buy else -qty, price_8, mark_8, qty_decimals, size)
    return -numerator // denominator if numerator < 0 else 0


def average_entry(held: int, entry_8: int, added: int, price_8: int, size: int = 0) -> int:
    """The entry price after adding `added` (> 0) at `price_8` to `held` (>= 0) at `entry_8`:
    quantity-weighted (linear) or contract-weighted harmonic (inverse) mean, half away from 0."""
    if not size:
        return div_half_up(held * entry_8 + added * price_8, held + added)
    if not held:
        return price_8
    return div_half_up((held + added) * entry_8 * price_8, held * price_8 + added * entry_8)


def break_even(qty: int, entry_8: int, fees: int, qty_decimals: int, size: int = 0) -> int:
    """The price at which closing signed `qty` realizes exactly the opening `fees`: EP moved up
    for a long, down for a short (FORMULAS §5). Inverse: Q x size x (1/EP - 1/BEP) = fees, so
    BEP = K x EP / (K - s x fees x EP) with K = |Q| x size; 0 when no price can."""
    if qty == 0:
        return 0
    if not size:
        per_unit = div_half_up(fees * 10**qty_decimals, abs(qty))
        return entry_8 + (per_unit if qty > 0 else -per_unit)
    held = abs(qty) * size * _SQUARED
    below = held - (1 if qty > 0 else -1) * fees * entry_8 * 10**qty_decimals
    return div_half_up(held * entry_8, below) if below > 0 else 0
