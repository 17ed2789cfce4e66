"""Liquidation price (FORMULAS.md §4.1) and ADL quantile (§4.6) of positions.

LP = (WB - TMM1 + UPNL1 + sum cum - sum s x |Q| x EP) / (sum |Q| x MMR - sum s x |Q|)
over the legs that share the price: an isolated position alone (WB its isolated wallet, no
other contracts), or every cross position side of the symbol (one BOTH, or LONG and SHORT in
hedge mode) with WB the cross wallet and TMM1 / UPNL1 the other cross symbols' maintenance
margin and unrealized PnL. s is +1 for a long, -1 for a short. A lone leg's bracket is the one
its notional at the liquidation price falls in (recomputed until it settles); LP <= 0 is 0.

In Multi-Assets mode the cross scope is the pool (`margin_health`): WB is every wallet in USD at
its haircut, as the pool's margin ratio counts it, and the other contracts are all its USDⓈ-M
ones. The collateral is valued at its index now, as if it stood still (a BTC wallet behind a
BTCUSDT long loses value as the price falls, so the real price is higher; the liquidation check
itself is exact).

ADL: rank = PnL% x effective leverage when in profit, PnL% / effective leverage otherwise, with
PnL% = UPnL / |notional| and effective leverage = |notional| / (the position's margin + UPnL),
its margin being the isolated wallet or, in cross mode, its initial margin (Binance does not say
which balance a cross position's rank uses). The quantile 0-4 is the rank's place among the
symbol's positions of the same direction, spread from 0 (lowest) to 4 (highest).

Inverse (COIN-M) contracts, FORMULAS §4.3 (marked derived there): in coin the margin balance
at a price P is WB + UPNL1 + sum s x V x (1/EP - 1/P) and the maintenance margin
sum V/P x MMR - cum (V = contracts x size in USD), which is §4.1's equation in x = 1/P with
each leg's sign reversed, size V and entry 1/EP. So an inverse leg enters the same formula in
that form (`leg`) and the price it gives is 1/x (`price_of`):
LP = sum (V x MMR + s x V) / (WB - TMM1 + UPNL1 + sum cum + sum s x V / EP), as §4.3 reads.
The bracket test at the price is V x x = the coin notional there, as for a linear leg.
"""

from dataclasses import dataclass
from fractions import Fraction

from binance_sandbox.core import contract_value
from binance_sandbox.core.accounts import Account
from binance_sandbox.core.brackets import Tier, tier_for
from binance_sandbox.core.collateral import pool_value
from binance_sandbox.core.fixed import AMOUNT_SCALE
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.margin import AccountRisk, SideRisk, mark_of, symbol_config
from binance_sandbox.core.margin_health import is_pool, scope_asset
from binance_sandbox.core.positions import Position, unrealized_pnl
from binance_sandbox.core.rounding import div_half_up
from binance_sandbox.core.state import ExchangeState


@dataclass(frozen=True)
class Leg:
    sign: int  # +1 long, -1 short
    size: Fraction  # |Q| in base units
    entry: Fraction
    mmr: Fraction
    cum: Fraction


def liquidation_price(
    wallet: Fraction, other_maint: Fraction, other_upnl: Fraction, legs: list[Leg]
) -> Fraction:
    """The official formula as written; may be <= 0 (no liquidation above zero)."""
    numerator = wallet - other_maint + other_upnl
    denominator = Fraction(0)
    for leg in legs:
        numerator += leg.cum - leg.sign * leg.size * leg.entry
        denominator += leg.size * leg.mmr - leg.sign * leg.size
    return numerator / denominator if denominator else Fraction(0)


def leg(instrument: Instrument, qty: int, entry_8: int, mmr: Fraction, cum: Fraction) -> Leg:
    """A position side as a term of the formula: linear as it is, inverse in x = 1/P."""
    sign = 1 if qty > 0 else -1
    size = Fraction(abs(qty), 10**instrument.qty_decimals)
    if not instrument.inverse:
        return Leg(sign, size, _amount(entry_8), mmr, cum)
    return Leg(-sign, size * instrument.contract_size, Fraction(AMOUNT_SCALE, entry_8), mmr, cum)


def price_of(instrument: Instrument, solved: Fraction) -> Fraction:
    """The price the formula's solution stands for: itself (linear) or 1/x (inverse; 0 when
    x <= 0: no price reaches it)."""
    if not instrument.inverse:
        return solved
    return 1 / solved if solved > 0 else Fraction(0)


def liquidation_prices(state: ExchangeState, account: Account, risk: AccountRisk) -> list[int]:
    """Each side's liquidation price at 8 decimals (0: none), in the order of `risk.sides`."""
    sides = risk.sides
    cross = [s for s in sides if not s.isolated and s.position is not None and s.position.qty]
    prices = []
    for one in sides:
        if one.position is None or not one.position.qty:
            prices.append(0)
            continue
        if one.isolated:
            wallet, shared = one.isolated_wallet, [one]
            other_maint = other_upnl = 0
        else:
            asset, symbol = scope_asset(account, one.instrument), one.instrument.symbol
            own = risk.asset(asset, account, one.instrument.product).cross_wallet
            wallet = pool_value(state, account) if is_pool(account, asset) else own
            shared = [s for s in cross if s.instrument.symbol == symbol]
            others = [
                s for s in cross
                if scope_asset(account, s.instrument) == asset and s.instrument.symbol != symbol
            ]  # fmt: skip
            other_maint = sum(s.maint for s in others)
            other_upnl = sum(s.upnl for s in others)
        solved = _settled(shared, _amount(wallet), _amount(other_maint), _amount(other_upnl))
        price = price_of(one.instrument, solved)
        prices.append(max(0, div_half_up(price.numerator * AMOUNT_SCALE, price.denominator)))
    return prices


def _settled(
    shared: list[SideRisk], wallet: Fraction, other_maint: Fraction, other_upnl: Fraction
) -> Fraction:
    tiers = [tier_for(s.instrument.tiers, abs(s.notional)) for s in shared]
    price = liquidation_price(wallet, other_maint, other_upnl, _legs(shared, tiers))
    if len(shared) != 1:
        return price
    table = shared[0].instrument.tiers
    for _ in table:
        size = _legs(shared, tiers)[0].size
        at_price = tier_for(table, int(max(price, Fraction(0)) * size * AMOUNT_SCALE))
        if at_price == tiers[0]:
            break
        tiers = [at_price]
        price = liquidation_price(wallet, other_maint, other_upnl, _legs(shared, tiers))
    return price


def _legs(shared: list[SideRisk], tiers: list[Tier]) -> list[Leg]:
    legs = []
    for side, tier in zip(shared, tiers, strict=True):
        assert side.position is not None
        position = side.position
        mmr, cum = _amount(tier.mmr), _amount(tier.cum)
        legs.append(leg(side.instrument, position.qty, position.entry_price, mmr, cum))
    return legs


def _amount(value: int) -> Fraction:
    return Fraction(value, AMOUNT_SCALE)


def adl_rank(upnl: int, notional: int, margin: int) -> Fraction:
    """Binance's ranking score of a position (§4.6); 0 when it has no notional or margin."""
    size = abs(notional)
    balance = margin + upnl
    if not size or balance <= 0:
        return Fraction(0) if not size else Fraction(-1)
    pnl_share = Fraction(upnl, size)
    leverage = Fraction(size, balance)
    return pnl_share * leverage if pnl_share >= 0 else pnl_share / leverage


def quantile(rank: Fraction, ranks: list[Fraction]) -> int:
    """0-4: `rank`'s place among `ranks` (the same symbol and direction, itself included)
    spread over 0 (lowest) to 4 (highest); 0 for a lone position."""
    below = sum(1 for other in ranks if other < rank)
    return below * 4 // (len(ranks) - 1) if len(ranks) > 1 else 0


def adl_quantile(state: ExchangeState, side: SideRisk) -> int:
    """The quantile of `side`'s position among the symbol's positions of its direction."""
    if side.position is None or not side.position.qty:
        return 0
    symbol, long = side.instrument.symbol, side.position.qty > 0
    ranks = [
        position_rank(state, side.instrument, p)
        for p in state.positions.values()
        if p.symbol == symbol and p.qty and (p.qty > 0) == long
    ]
    return quantile(position_rank(state, side.instrument, side.position), ranks)


def position_rank(state: ExchangeState, instrument: Instrument, position: Position) -> Fraction:
    """A position's ADL ranking score at the current mark (see `adl_rank`)."""
    mark = mark_of(state, instrument)
    terms = contract_value.terms(instrument)
    notional = contract_value.notional_down(position.qty, mark, *terms)
    config = symbol_config(state.accounts[position.account_id - 1], instrument)
    margin = position.isolated_wallet if config.isolated else abs(notional) // config.leverage
    return adl_rank(unrealized_pnl(position, mark, *terms), notional, margin)
