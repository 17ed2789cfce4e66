"""Income tranIds of the rows the exchange makes itself (funding fees, delivery settlements,
insurance clearing): the command's sequence number times a million, then the row's place within
the command. Rows of different commands can never share an id, and a command that makes rows of
several kinds numbers them in one run."""

from collections.abc import Sequence
from typing import Protocol

from binance_sandbox.core.state import ExchangeState

IDS_PER_COMMAND = 1_000_000


class _Row(Protocol):
    @property
    def tran_id(self) -> int: ...


def next_tran_id(state: ExchangeState) -> int:
    """The next id of the command being applied, after the rows it has already made."""
    first = state.last_seq * IDS_PER_COMMAND
    newest = first
    runs: list[Sequence[_Row]] = [state.insurance_clears]
    runs += [delivery.settlements for delivery in state.deliveries.values()]
    for rows in runs:
        for row in reversed(rows):  # newest last: stop at the first row of an earlier command
            if row.tran_id <= first:
                break
            newest = max(newest, row.tran_id)
    return newest + 1
