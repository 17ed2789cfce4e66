"""Bankruptcy price (FORMULAS.md §4.4): the liquidation price formula of §4.1 with MMR = 0 and
cum = 0, i.e. the mark at which the scope's margin balance reaches zero. Liquidation IOCs, the
insurance fund's take-over and ADL all trade at it.

Isolated: BP = EP - WB/Q for a long (EP + WB/|Q| for a short), WB the isolated wallet. Cross:
WB is the cross wallet and the other cross positions of the margin asset count with their
unrealized PnL at the mark (as UPNL1 of §4.1; their maintenance margin does not).

On the tick grid it is rounded toward the liquidated trader (a closing sell rounds up, a
closing buy down), so filling at it never leaves them below zero by the rounding.
"""

from fractions import Fraction

from binance_sandbox.core.fixed import AMOUNT_SCALE
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.liquidation import Leg, liquidation_price
from binance_sandbox.core.positions import Position


def bankruptcy_price(
    instrument: Instrument, position: Position, wallet: int, other_upnl: int
) -> Fraction:
    """Exact, in quote units (may be <= 0 for a long that cannot go bankrupt)."""
    leg = Leg(
        sign=1 if position.qty > 0 else -1,
        size=Fraction(abs(position.qty), 10**instrument.qty_decimals),
        entry=Fraction(position.entry_price, AMOUNT_SCALE),
        mmr=Fraction(0),
        cum=Fraction(0),
    )
    zero = Fraction(0)
    return liquidation_price(
        Fraction(wallet, AMOUNT_SCALE), zero, Fraction(other_upnl, AMOUNT_SCALE), [leg]
    )


def on_tick_grid(instrument: Instrument, price: Fraction, *, closing_long: bool) -> int:
    """The price in price units on the tick grid, rounded toward the trader, at least a tick."""
    ticks = price * 10**instrument.price_decimals / instrument.tick
    whole: int = ticks.numerator // ticks.denominator
    if closing_long and whole != ticks:
        whole += 1
    tick: int = instrument.tick
    return max(1, whole) * tick
