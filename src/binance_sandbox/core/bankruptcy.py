"""Bankruptcy price (FORMULAS.md §4.4): the liquidation price formula of §4.1 with MMR = 0 and
cum = 0, i.e. the mark at which the scope's margin balance reaches zero. Liquidation IOCs, the
insurance fund's take-over and ADL all trade at it.

Isolated: BP = EP - WB/Q for a long (EP + WB/|Q| for a short), WB the isolated wallet. Cross:
WB is the cross wallet and the other cross positions of the margin asset count with their
unrealized PnL at the mark (as UPNL1 of §4.1; their maintenance margin does not).

Inverse (COIN-M) positions: the same formula in x = 1/P (`liquidation.leg`), so e.g. an
isolated long's BP = EP x V / (V + WB x EP) with V = contracts x size; a short that no price
can bankrupt (its loss in coin is bounded by V / EP) closes at the instrument's maximum price.

On the tick grid it is rounded toward the liquidated trader (a closing sell rounds up, a
closing buy down), so filling at it never leaves them below zero by the rounding.
"""

from fractions import Fraction

from binance_sandbox.core.fixed import AMOUNT_SCALE, parse_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.liquidation import leg, liquidation_price, price_of
from binance_sandbox.core.positions import Position


def bankruptcy_price(
    instrument: Instrument, position: Position, wallet: int, other_upnl: int
) -> Fraction:
    """Exact, in quote units (may be <= 0 for a long that cannot go bankrupt)."""
    zero = Fraction(0)
    term = leg(instrument, position.qty, position.entry_price, zero, zero)
    solved = liquidation_price(
        Fraction(wallet, AMOUNT_SCALE), zero, Fraction(other_upnl, AMOUNT_SCALE), [term]
    )
    if instrument.inverse and solved <= 0:
        return Fraction(parse_scaled(instrument.max_price, instrument.price_decimals),
                        10**instrument.price_decimals)  # fmt: skip
    return price_of(instrument, solved)


def on_tick_grid(instrument: Instrument, price: Fraction, *, closing_long: bool) -> int:
    """The price in price units on the tick grid, rounded toward the trader, at least a tick."""
    ticks = price * 10**instrument.price_decimals / instrument.tick
    whole: int = ticks.numerator // ticks.denominator
    if closing_long and whole != ticks:
        whole += 1
    tick: int = instrument.tick
    return max(1, whole) * tick
