"""The isolated wallet of a position in isolated margin mode, as fills change the position.

The wallet balance of the margin asset still holds everything (isolated wallets are a part of
it, the cross wallet the rest), so moving margin in or out of an isolated wallet moves no money.
A fill that opens sets aside the opened notional at the fill price / leverage (in coin for an
inverse contract); a fill that
closes releases the closed share of the isolated wallet (realized PnL and commission are booked
on the wallet balance as in cross mode).
"""

from binance_sandbox.core import contract_value
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.positions import FillResult, Position


def book_fill(
    position: Position,
    leverage: int,
    size_before: int,
    fill: FillResult,
    qty: int,
    fill_price_8: int,
    instrument: Instrument,
) -> None:
    if fill.closed:
        kept = size_before - fill.closed
        position.isolated_wallet = position.isolated_wallet * kept // size_before
    opened = qty - fill.closed
    if opened:
        terms = contract_value.terms(instrument)
        position.isolated_wallet += contract_value.margin(opened, fill_price_8, leverage, *terms)
