"""Replacing the whole state by a saved one (reset, restore, import), as one journaled command.

The saved state is decoded here, in the core, so replaying the journal replaces it the same way.
What stays: the position in the journal (sequence number and time: time never goes back) and
the clock's mode, which belongs to the running server.
"""

import msgspec

from binance_sandbox.core import rejects
from binance_sandbox.core.commands import ReplaceState
from binance_sandbox.core.events import Event, StateReplaced
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.core.state_hash import decode_state

_KEPT = frozenset({"last_seq", "last_ts", "clock"})


def replace_state(state: ExchangeState, command: ReplaceState) -> list[Event]:
    try:
        saved = decode_state(command.body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return [rejects.malformed("state")]
    if not saved.created:
        return [rejects.malformed("state")]
    for name in ExchangeState.__struct_fields__:
        if name not in _KEPT:
            setattr(state, name, getattr(saved, name))
    return [
        StateReplaced(
            source=command.source,
            saved_seq=saved.last_seq,
            saved_ts=saved.last_ts,
            next_order_id=saved.next_order_id,
            open_orders=tuple(msgspec.structs.replace(o) for o in saved.open_orders.values()),
        )
    ]
