"""When to snapshot: after so many commands or so many seconds, whichever comes first.

Commands count from the newest snapshot in the journal, not from process start (a process that
crashes before its first snapshot hands its count on to the next), so restart time stays
bounded however often the process dies.
"""

import time
from collections.abc import Callable


class SnapshotPolicy:
    def __init__(
        self,
        every_commands: int,
        every_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        since_snapshot: int = 0,
    ) -> None:
        """`since_snapshot`: commands journaled after the newest snapshot, at start-up."""
        self.every_commands = every_commands
        self.every_seconds = every_seconds
        self._monotonic = monotonic
        self._commands = since_snapshot
        self._since = monotonic()

    @property
    def since_snapshot(self) -> int:
        return self._commands

    def note_applied(self, count: int) -> None:
        self._commands += count

    def due(self) -> bool:
        if self._commands == 0:
            return False
        if self.every_commands > 0 and self._commands >= self.every_commands:
            return True
        elapsed = self._monotonic() - self._since
        return self.every_seconds > 0 and elapsed >= self.every_seconds

    def taken(self) -> None:
        self._commands = 0
        self._since = self._monotonic()
