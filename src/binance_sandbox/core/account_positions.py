"""Each account's positions, found without walking every instrument's sides: the margin checks
of every order and the health scans ask for one account's positions many times a second.

Derived, kept in the state's __dict__ (not encoded, so a snapshot or a replay rebuilds it).
Positions are only ever added to `state.positions` (`trading`, at an account's first fill on a
side) and never removed, so the index is valid while that dict keeps its size and the
instruments stay (a listing extends their dict, a quarter's promotion replaces it); it is
rebuilt when either changed. It holds the instruments' dict itself, not its id: a replaced dict
freed and a later one allocated at its address, with the same size, would otherwise pass.
"""

from dataclasses import dataclass

from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.positions import Position, PositionSide
from binance_sandbox.core.state import ExchangeState

SIDES: tuple[PositionSide, ...] = ("BOTH", "LONG", "SHORT")
SIDE_ORDER: dict[str, int] = {side: place for place, side in enumerate(SIDES)}


@dataclass
class _Index:
    positions: int  # the positions' count
    instruments: dict[str, Instrument]  # the dict itself (kept alive, compared by identity)
    listed: int  # its count
    by_account: dict[int, list[Position]]


def every_position(state: ExchangeState, account_id: int) -> list[Position]:
    """The account's positions on listed instruments, open or flat, in the instruments' order
    then BOTH, LONG, SHORT."""
    listed = state.instruments
    index: _Index | None = state.__dict__.get("account_positions")
    if (
        index is None
        or index.instruments is not listed
        or index.listed != len(listed)
        or index.positions != len(state.positions)
    ):
        place = {symbol: rank for rank, symbol in enumerate(listed)}
        by_account: dict[int, list[Position]] = {}
        for position in state.positions.values():
            if position.symbol in place:
                by_account.setdefault(position.account_id, []).append(position)
        for positions in by_account.values():
            positions.sort(key=lambda p: (place[p.symbol], SIDE_ORDER[p.side]))
        index = _Index(len(state.positions), listed, len(listed), by_account)
        state.__dict__["account_positions"] = index
    return index.by_account.get(account_id, [])
