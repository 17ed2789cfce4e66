"""How far a MARKET order may sweep the book.

Binance protects a MARKET order with the symbol's `marketTakeBound` (and its PERCENT_PRICE
multipliers, whichever is tighter): it fills only at prices within that distance of the mark
price, and what is left expires (Binance's expiry reason 9, "market order remainder
canceled"). If even the best opposite price lies beyond the bound, the order is refused:
-4131 "The counterparty's best price does not meet the PERCENT_PRICE filter limit".
"""

from binance_sandbox.core.fixed import AMOUNT_DECIMALS, parse_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.state import ExchangeState

_ONE = 10**4  # multipliers at 4 decimals, as PERCENT_PRICE's multiplierDecimal


def market_limit(state: ExchangeState, instrument: Instrument, is_buy: bool) -> int | None:
    """The worst price (price units, on the tick) a MARKET order may fill at; None without a
    mark price to bound it by."""
    mark = state.mark_price(instrument)
    if mark is None:
        return None
    bound = parse_scaled(instrument.market_take_bound, 4)
    tick: int = instrument.tick
    unit: int = 10 ** (AMOUNT_DECIMALS - instrument.price_decimals)
    if is_buy:
        up = min(_ONE + bound, parse_scaled(instrument.percent_price_up, 4))
        return max(tick, mark * up // (_ONE * unit) // tick * tick)
    down = max(_ONE - bound, parse_scaled(instrument.percent_price_down, 4))
    return -(-mark * down // (_ONE * unit) // tick) * tick
