"""Instrument definitions: the contract parameters and filters Binance publishes in exchangeInfo.

Decimal parameters are kept as Binance's exact strings (so exchangeInfo renders them verbatim);
the grid helpers turn them into the fixed scales the matching code computes with.
"""

from typing import Literal

import msgspec

from binance_sandbox.core.brackets import Bracket, Tier, tiers
from binance_sandbox.core.fixed import decimals_of, parse_scaled

Product = Literal["usdm", "coinm"]

# The margin checks read a symbol's tiers several times per order; hashing the brackets for
# `tiers`'s cache costs more than the lookup, so the last table is kept per symbol, valid while
# the instrument holds that very brackets tuple (kept alive here, so its identity is not reused).
_TIERS: dict[str, tuple[tuple[Bracket, ...], tuple[Tier, ...]]] = {}


class Instrument(msgspec.Struct, frozen=True, kw_only=True):
    symbol: str
    # Which API lists and trades it: USDⓈ-M (/fapi, linear: quantity in the base asset, money in
    # the quote) or COIN-M (/dapi, inverse: quantity in contracts of `contract_size` USD, money
    # in the base coin, FORMULAS.md §1.4).
    product: Product = "usdm"
    contract_size: int = 0  # USD per contract; COIN-M only (exchangeInfo contractSize)
    pair: str
    contract_type: str  # PERPETUAL | CURRENT_QUARTER | NEXT_QUARTER
    delivery_date: int  # ms; 4133404800000 for perpetuals
    onboard_date: int
    base_asset: str
    quote_asset: str
    margin_asset: str
    price_precision: int
    quantity_precision: int
    base_asset_precision: int = 8
    quote_precision: int = 8
    underlying_type: str = "COIN"
    underlying_sub_type: tuple[str, ...] = ()
    trigger_protect: str = "0.0500"
    liquidation_fee: str = "0.012500"
    market_take_bound: str = "0.05"
    max_move_order_limit: int = 10000
    required_margin_percent: str = "5.0000"
    maint_margin_percent: str = "2.5000"
    # PRICE_FILTER
    tick_size: str
    min_price: str
    max_price: str
    # LOT_SIZE and MARKET_LOT_SIZE
    step_size: str
    min_qty: str
    max_qty: str
    market_max_qty: str
    market_min_qty: str = ""  # empty: same as min_qty
    max_num_orders: int = 200
    min_notional: str
    percent_price_up: str = "1.0500"
    percent_price_down: str = "0.9500"
    percent_price_decimal: int = 4
    position_control_side: str = "NONE"  # POSITION_RISK_CONTROL; empty: not published
    order_types: tuple[str, ...] = (
        "LIMIT",
        "MARKET",
        "STOP",
        "STOP_MARKET",
        "TAKE_PROFIT",
        "TAKE_PROFIT_MARKET",
        "TRAILING_STOP_MARKET",
    )
    time_in_force: tuple[str, ...] = ("GTC", "IOC", "FOK", "GTX", "GTD")
    permission_sets: tuple[str, ...] = ("GRID", "COPY", "DCA", "PSB")
    brackets: tuple[Bracket, ...] = ()  # notional and leverage brackets; empty: brackets.FALLBACK
    # Funding of a perpetual (fundingInfo, FORMULAS.md §2.2): settled every N hours on the UTC
    # grid, the rate kept within [floor, cap]; interest per 8 hours (premiumIndex.interestRate).
    funding_interval_hours: Literal[1, 4, 8] = 8
    funding_rate_cap: str = "0.02"
    funding_rate_floor: str = "-0.02"
    interest_rate: str = "0.0001"
    funding_interval_switching: bool = False  # Binance's 1-hour switching (funding_interval.py)

    @property
    def inverse(self) -> bool:
        return self.product == "coinm"

    @property
    def price_decimals(self) -> int:
        """Scale of order prices: pricePrecision (more decimals are -1111), at least the tick's.
        Prices on this scale that are not a multiple of the tick are -4014."""
        return max(self.price_precision, decimals_of(self.tick_size))

    @property
    def qty_decimals(self) -> int:
        """Scale of order quantities: quantityPrecision, at least the step's."""
        return max(self.quantity_precision, decimals_of(self.step_size))

    @property
    def tick(self) -> int:
        return parse_scaled(self.tick_size, self.price_decimals)

    @property
    def step(self) -> int:
        return parse_scaled(self.step_size, self.qty_decimals)

    @property
    def funding_interval_ms(self) -> int:
        return self.funding_interval_hours * 3_600_000

    @property
    def tiers(self) -> tuple[Tier, ...]:
        cached = _TIERS.get(self.symbol)
        if cached is None or cached[0] is not self.brackets:
            cached = _TIERS[self.symbol] = (self.brackets, tiers(self.brackets))
        return cached[1]
