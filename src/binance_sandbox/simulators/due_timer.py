"""Timers whose due times the core derives from its state: funding settlements (every 1, 4
or 8 hours of a perpetual, on the UTC grid) and the delivery of quarterlies. Each firing is one
command stamped at its due time, so a replay of the journal settles at the same moments; the
core finds what is due when the command applies."""

from collections.abc import Callable

from binance_sandbox.core.commands import Command
from binance_sandbox.core.state import ExchangeState


class DueTimer:
    reads_state = False

    def __init__(
        self,
        state: Callable[[], ExchangeState],
        next_due: Callable[[ExchangeState, int], int],
        command: Callable[[int], Command],
    ) -> None:
        self._state = state
        self._next_due = next_due
        self._command = command  # of a due time

    def next_due(self, after_ms: int) -> int:
        return self._next_due(self._state(), after_ms)

    def begin(self, state: ExchangeState) -> None:
        """Nothing to prepare: the state is read at each `next_due`."""

    def fire(self, due_ms: int) -> list[Command]:
        return [self._command(due_ms)]
