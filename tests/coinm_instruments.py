"""COIN-M instruments built directly (not from the config), for tests of the inverse arithmetic.

BTCUSD_PERP is FORMULAS.md §7's line "COIN-M BTCUSD_PERP (ccxt 2023 and a 2026 live
recording agree)": contractSize 100, tick 0.1, minPrice 1000, maxPrice 4520958, LOT 1-1000000,
MARKET_LOT max 60000, liquidationFee 0.015, marketTakeBound 0.05. ETHUSD_PERP: contractSize
10, tick 0.01 (§7); its price bounds and lot sizes are a guess on BTCUSD_PERP's pattern.

Brackets are in coin (COIN-M's leverageBracket has qtyFloor / qtyCap in the base asset).
BTCUSD: the caps and leverages of the COIN-M FAQ "Leverage and Margin in Coin-Margined Futures
Contracts" (125x up to 10 BTC, 100x 20, 50x 30, 20x 50, 10x 100, 5x 200, 4x 400, 3x 1,000, 2x
and 1x above); the maintenance rates 0.4 %, 0.5 %, 1 %, 2.5 %, 5 % of the first five are the
ones that reproduce the FAQ's worked example (FORMULAS §3.1: level 5 = 50 BTC x (5 % - 2.5 %)
+ 0.56 = 1.81 BTC, pinned in tests/test_coinm_arithmetic.py); the rates from level 6 on (10,
12.5, 15, 25, 50 %) and the caps of 2x / 1x are a guess on USDⓈ-M's pattern. ETHUSD: the FAQ's
caps and leverages, rates guessed the same way.
"""

import msgspec

from binance_sandbox.core.brackets import Bracket
from binance_sandbox.core.instruments import Instrument

PERPETUAL_DELIVERY = 4_133_404_800_000

BTCUSD_BRACKETS = (
    Bracket(125, "0", "10", "0.004"),
    Bracket(100, "10", "20", "0.005"),
    Bracket(50, "20", "30", "0.01"),
    Bracket(20, "30", "50", "0.025"),
    Bracket(10, "50", "100", "0.05"),
    Bracket(5, "100", "200", "0.1"),
    Bracket(4, "200", "400", "0.125"),
    Bracket(3, "400", "1000", "0.15"),
    Bracket(2, "1000", "1500", "0.25"),
    Bracket(1, "1500", "3000", "0.5"),
)

ETHUSD_BRACKETS = (
    Bracket(100, "0", "100", "0.005"),
    Bracket(75, "100", "500", "0.0065"),
    Bracket(50, "500", "1000", "0.01"),
    Bracket(20, "1000", "2000", "0.025"),
    Bracket(10, "2000", "4000", "0.05"),
    Bracket(5, "4000", "6000", "0.1"),
    Bracket(4, "6000", "8000", "0.125"),
    Bracket(3, "8000", "10000", "0.15"),
    Bracket(2, "10000", "15000", "0.25"),
    Bracket(1, "15000", "30000", "0.5"),
)


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
