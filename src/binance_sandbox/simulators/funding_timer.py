"""The funding timer: `SettleFunding` at every funding time of the perpetuals (1, 4 or 8 hours
on the UTC grid), stamped at that time, so a replay of the journal settles at the same moments.
In a historical replay the files' settled rates of the window ride on the command."""

from collections.abc import Callable

from binance_sandbox.core import funding
from binance_sandbox.core.commands import Command, SettleFunding
from binance_sandbox.core.state import ExchangeState


class FundingTimer:
    reads_state = False  # the core settles what is due when the command applies

    def __init__(
        self, state: Callable[[], ExchangeState], replayed: dict[int, dict[str, int]]
    ) -> None:
        self._state = state
        self._replayed = replayed  # funding time -> symbol -> rate at 8 decimals

    def next_due(self, after_ms: int) -> int:
        return funding.next_due(self._state(), after_ms)

    def begin(self, state: ExchangeState) -> None:
        """Nothing to prepare: the state is read at each `next_due`."""

    def fire(self, due_ms: int) -> list[Command]:
        return [SettleFunding(rates=self._replayed.get(due_ms, {}))]
