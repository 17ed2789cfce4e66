"""COIN-M instruments built directly (not from the config), for tests of the inverse arithmetic.

BTCUSD_PERP is FORMULAS.md §7's line "COIN-M BTCUSD_PERP (ccxt 2023 and a 2026 live
recording agree)": contractSize 100, tick 0.1, minPrice 1000, maxPrice 4520958, LOT 1-1000000,
MARKET_LOT max 60000, liquidationFee 0.015, marketTakeBound 0.05. ETHUSD_PERP: contractSize
10, tick 0.01 (§7); its price bounds and lot sizes are a guess on BTCUSD_PERP's pattern.

Brackets are in coin (COIN-M's leverageBracket has qtyFloor / qtyCap in the base asset): the
default configuration's, where their sources are written down.
"""

import msgspec

from binance_sandbox.config.loader import default_tree, validate
from binance_sandbox.core.instruments import Instrument

PERPETUAL_DELIVERY = 4_133_404_800_000

_CONFIGURED = validate(default_tree()).instruments
BTCUSD_BRACKETS = _CONFIGURED["BTCUSD_PERP"].brackets
ETHUSD_BRACKETS = _CONFIGURED["ETHUSD_PERP"].brackets


BTCUSD_PERP = Instrument(
    symbol="BTCUSD_PERP",
    product="coinm",
    contract_size=100,
    pair="BTCUSD",
    contract_type="PERPETUAL",
    delivery_date=PERPETUAL_DELIVERY,
    onboard_date=1_597_042_800_000,
    base_asset="BTC",
    quote_asset="USD",
    margin_asset="BTC",
    price_precision=1,
    quantity_precision=0,
    liquidation_fee="0.015000",
    market_take_bound="0.05",
    tick_size="0.1",
    min_price="1000",
    max_price="4520958",
    step_size="1",
    min_qty="1",
    max_qty="1000000",
    market_max_qty="60000",
    min_notional="0",
    brackets=BTCUSD_BRACKETS,
)

ETHUSD_PERP = msgspec.structs.replace(
    BTCUSD_PERP,
    symbol="ETHUSD_PERP",
    contract_size=10,
    pair="ETHUSD",
    base_asset="ETH",
    margin_asset="ETH",
    price_precision=2,
    tick_size="0.01",
    min_price="50",
    max_price="306177",
    brackets=ETHUSD_BRACKETS,
)


def quarterly(symbol: str, delivery_date: int) -> Instrument:
    """A BTCUSD quarterly: BTCUSD_PERP's contract delivered at `delivery_date`."""
    return msgspec.structs.replace(
        BTCUSD_PERP, symbol=symbol, contract_type="CURRENT_QUARTER", delivery_date=delivery_date
    )
