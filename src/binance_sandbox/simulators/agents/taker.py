"""A noise taker's MARKET order: a random size on a random side, leaning against its position.

Sizes are uniform between `min_notional` and `max_notional` of quote asset at the index; the
chance to buy falls from 1/2 towards 1/10 as the taker's long position grows to
`max_inventory` (and rises alike when short), so the takers' positions wander but stay bounded.
The draws come from (seed, symbol, time): the same in every run.
"""

import random
from dataclasses import dataclass

from binance_sandbox.core.commands import PlaceOrder
from binance_sandbox.core.fixed import parse_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.orders import Side
from binance_sandbox.simulators.agents.ladder import level_qty


@dataclass(frozen=True, slots=True)
class TakerSizing:
    min_notional: int  # quote asset at AMOUNT_DECIMALS
    max_notional: int
    max_inventory: int


def market_order(
    account_id: int,
    instrument: Instrument,
    index_units: int,
    inventory: int,
    sizing: TakerSizing,
    seed: int,
    due_ms: int,
) -> PlaceOrder:
    """`index_units`: the index in price units; `inventory`: the taker's position in quote
    asset at AMOUNT_DECIMALS, signed."""
    rng = random.Random(f"{seed}:taker:{instrument.symbol}:{due_ms}")
    lean = max(-1.0, min(1.0, inventory / sizing.max_inventory)) if sizing.max_inventory else 0.0
    side: Side = "BUY" if rng.random() < 0.5 - 0.4 * lean else "SELL"
    notional = rng.randint(sizing.min_notional, max(sizing.min_notional, sizing.max_notional))
    qty = level_qty(instrument, index_units, notional)
    market_max = parse_scaled(instrument.market_max_qty, instrument.qty_decimals)
    return PlaceOrder(
        account_id=account_id,
        symbol=instrument.symbol,
        side=side,
        order_type="MARKET",
        quantity=min(qty, market_max),
    )
