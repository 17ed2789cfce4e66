"""Start-up is recovery: the newest snapshot, then every journaled command after it.

The same path serves a clean restart, a crash and a replay from empty (no snapshot), so it is
exercised on every start.
"""

import logging
from collections.abc import Callable

from binance_sandbox.core import rejects
from binance_sandbox.core.commands import Stamped
from binance_sandbox.core.events import Event
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.state_hash import decode_state
from binance_sandbox.journal.sqlite_journal import SqliteJournal

log = logging.getLogger(__name__)
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
        events = apply_isolated(exchange, stamped)
        if on_applied is not None:
            on_applied(stamped, events)
        if progress is not None and applied % 100_000 == 0:
            progress(applied)
    return exchange


def apply_isolated(exchange: Exchange, stamped: Stamped) -> list[Event]:
    """Applies one journaled command; a failure of the core on it (a bug) is that command's
    refusal alone. The live sequencer and recovery both apply through here, so a command that
    failed live fails the same way on replay and the exchange is never wedged by it."""
    try:
        return exchange.apply(stamped)
    except Exception:
        if exchange.state.last_seq != stamped.seq:  # out of sequence: a shell bug, not the command
            raise
        log.exception("the core failed on command %d: %.200r", stamped.seq, stamped.command)
        return [rejects.INTERNAL_ERROR]
