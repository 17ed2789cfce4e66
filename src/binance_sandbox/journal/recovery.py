"""Start-up is recovery: the newest snapshot, then every journaled command after it.

The same path serves a clean restart, a crash and a replay from empty (no snapshot), so it is
exercised on every start.
"""

from collections.abc import Callable

from binance_sandbox.core.commands import Stamped
from binance_sandbox.core.events import Event
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.state_hash import decode_state
from binance_sandbox.journal.sqlite_journal import SqliteJournal

Progress = Callable[[int], None]
OnApplied = Callable[[Stamped, list[Event]], None]


def recover(
    journal: SqliteJournal,
    *,
    use_snapshot: bool = True,
    progress: Progress | None = None,
    on_applied: OnApplied | None = None,
) -> Exchange:
    """The exchange as of the journal's end. `on_applied` sees each replayed command's events
    (projections catch up through it)."""
    snapshot = journal.latest_snapshot() if use_snapshot else None
    exchange = Exchange(decode_state(snapshot.body)) if snapshot else Exchange()
    for applied, stamped in enumerate(journal.read_after(exchange.state.last_seq), 1):
        events = exchange.apply(stamped)
        if on_applied is not None:
            on_applied(stamped, events)
        if progress is not None and applied % 100_000 == 0:
            progress(applied)
    return exchange
