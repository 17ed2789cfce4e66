"""Positions and how a fill changes them: size, entry price, realized PnL (FORMULAS.md §5).

A position's size is signed (long > 0) on the instrument's step grid; its entry price is a
derived price at AMOUNT_DECIMALS. A fill in the position's direction (or from flat) moves the
entry price to the quantity-weighted average; a fill against it closes up to the position's
size at the unchanged entry price, realizing closed x (fill price - entry) x sign, and any
excess opens the other way at the fill price. Commission is not part of realized PnL.

The arithmetic is `contract_value`'s, for linear (USDⓈ-M) and inverse (COIN-M, `size` USD
per contract: entry prices are harmonic means, PnL is in coin) contracts alike. Rounding: entry
price and realized PnL are rounded half away from zero at 8 decimals, unrealized PnL is cut
toward zero (as Binance prints it); every other quantity is exact.
"""

from typing import Literal

import msgspec

from binance_sandbox.core import contract_value
from binance_sandbox.core.fixed import AMOUNT_DECIMALS
from binance_sandbox.core.rounding import div_half_up

PositionSide = Literal["BOTH", "LONG", "SHORT"]


class Position(msgspec.Struct, kw_only=True):
    account_id: int
    symbol: str
    side: PositionSide
    qty: int = 0  # signed, in steps
    entry_price: int = 0  # at AMOUNT_DECIMALS; 0 when flat
    realized_pnl: int = 0  # cumulative, at AMOUNT_DECIMALS
    opening_fees: int = 0  # commission paid opening what is held now, at AMOUNT_DECIMALS
    isolated_wallet: int = 0  # isolated margin mode: the margin set aside for it (8 decimals)
    update_time: int = 0


class FillResult(msgspec.Struct, frozen=True):
    realized_pnl: int  # of this fill, at AMOUNT_DECIMALS
    closed: int  # steps of the old position this fill closed


def price_8(price_ticks: int, price_decimals: int) -> int:
    """An order price on the tick grid as a derived price at 8 decimals (exact)."""
    scale: int = 10 ** (AMOUNT_DECIMALS - price_decimals)
    return price_ticks * scale


def apply_fill(
    position: Position,
    signed_qty: int,
    fill_price_8: int,
    qty_decimals: int,
    ts: int,
    size: int = 0,
) -> FillResult:
    """Changes `position` by a fill of `signed_qty` steps (buy > 0) at `fill_price_8`."""
    if signed_qty == 0:
        raise ValueError("a fill has a quantity")
    position.update_time = ts
    held = position.qty
    if held == 0 or (held > 0) == (signed_qty > 0):
        position.entry_price = contract_value.average_entry(
            abs(held), position.entry_price, abs(signed_qty), fill_price_8, size
        )
        position.qty += signed_qty
        return FillResult(0, 0)
    closed = min(abs(signed_qty), abs(held))
    direction = 1 if held > 0 else -1
    pnl = contract_value.realized_pnl(
        closed * direction, position.entry_price, fill_price_8, qty_decimals, size
    )
    position.realized_pnl += pnl
    position.qty = held + signed_qty
    if position.qty == 0:
        position.entry_price = 0
    elif (position.qty > 0) != (held > 0):  # flipped: the excess opens at the fill price
        position.entry_price = fill_price_8
    return FillResult(pnl, closed)


def charge_opening_fee(position: Position, fill: FillResult, qty: int, commission: int) -> None:
    """Keeps `opening_fees` for the break-even price: the share of a fill's commission that
    opened what the position holds; closing releases fees in proportion to what it closes."""
    before = abs(position.qty) + fill.closed - (qty - fill.closed)  # size before this fill
    if fill.closed == 0:
        position.opening_fees += commission
    elif fill.closed < qty:  # flipped: only the excess opened the new side
        position.opening_fees = div_half_up(commission * (qty - fill.closed), qty)
    elif before:
        position.opening_fees = div_half_up(position.opening_fees * abs(position.qty), before)
    if position.qty == 0:
        position.opening_fees = 0


def break_even_price(position: Position, qty_decimals: int, size: int = 0) -> int:
    """Entry price moved by the opening commission per unit held (FORMULAS §5): up for a long,
    down for a short; Binance's observed BEP = EP x 1.0002 at a 0.02 % fee."""
    return contract_value.break_even(
        position.qty, position.entry_price, position.opening_fees, qty_decimals, size
    )


def unrealized_pnl(position: Position, mark_price_8: int, qty_decimals: int, size: int = 0) -> int:
    """Q x (MP - EP) at 8 decimals, cut toward zero as Binance prints it (the real positionRisk
    row of FORMULAS §4.2: -0.080245535... is "-0.08024553"); in coin for an inverse contract."""
    return contract_value.unrealized_pnl(
        position.qty, position.entry_price, mark_price_8, qty_decimals, size
    )
