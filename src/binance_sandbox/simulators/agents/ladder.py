"""A market maker's ladder: the orders it wants on each side of a fair price.

Levels sit on a grid of `step` (a power-of-two number of ticks near `step_bps` of the price),
so the grid only changes when the price doubles or halves: a small move of the fair price
shifts the ladder by whole steps, and the maker moves one order per step instead of all of
them. Every level holds the same quantity, `level_notional` at the fair price. Notionals are
in the quote currency, USDT or USD alike: an inverse (COIN-M) contract is a fixed number of USD,
so its quantity is the notional over the contract size, whatever the price.
"""

import math
from dataclasses import dataclass

from binance_sandbox.core.fixed import AMOUNT_DECIMALS, parse_scaled
from binance_sandbox.core.instruments import Instrument

_BPS = 10_000


@dataclass(frozen=True, slots=True)
class LadderShape:
    levels: int  # per side
    spread_bps: float
    step_bps: float
    level_notional: int  # quote asset, at AMOUNT_DECIMALS


@dataclass(frozen=True, slots=True)
class Ladder:
    bids: list[int]  # prices in price units, best first
    asks: list[int]
    qty: int  # steps, for every level
    step: int  # price units between levels


def ladder(instrument: Instrument, fair_8: int, shape: LadderShape) -> Ladder:
    """The ladder around `fair_8` (a price at AMOUNT_DECIMALS); levels beyond the instrument's
    price limits are left out."""
    fair = fair_8 // 10 ** (AMOUNT_DECIMALS - instrument.price_decimals)
    step = grid_step(instrument, fair, shape.step_bps)
    half_spread = fair * shape.spread_bps / _BPS
    best_bid = math.floor((fair - half_spread) / step) * step
    best_ask = max(math.ceil((fair + half_spread) / step) * step, best_bid + step)
    low = parse_scaled(instrument.min_price, instrument.price_decimals)
    high = parse_scaled(instrument.max_price, instrument.price_decimals)
    bids = [p for i in range(shape.levels) if (p := best_bid - i * step) >= max(low, 1)]
    asks = [p for i in range(shape.levels) if (p := best_ask + i * step) <= high]
    return Ladder(bids, asks, level_qty(instrument, fair, shape.level_notional), step)


def grid_step(instrument: Instrument, fair: int, step_bps: float) -> int:
    tick = instrument.tick
    ticks = fair * step_bps / _BPS / tick
    return tick if ticks < 2 else tick << (int(ticks).bit_length() - 1)


def level_qty(instrument: Instrument, price: int, notional_8: int) -> int:
    """`notional_8` of quote asset at `price` (price units) in steps: rounded down to the step,
    at least the minimum quantity, at most the maximum."""
    qty_scale: int = 10**instrument.qty_decimals
    price_scale: int = 10**instrument.price_decimals
    per_qty = instrument.contract_size * price_scale if instrument.inverse else price
    qty: int = notional_8 * price_scale * qty_scale // (per_qty * 10**AMOUNT_DECIMALS)
    step = instrument.step
    qty -= qty % step
    low: int = parse_scaled(instrument.min_qty, instrument.qty_decimals)
    high: int = parse_scaled(instrument.max_qty, instrument.qty_decimals)
    return min(max(qty, low), high)
