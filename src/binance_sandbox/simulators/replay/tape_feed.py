"""Replayed aggTrades printed on the tape, in slices of the price ticker's interval.

A firing at grid time `due` prints the file's trades of [due - interval, due) (cut to the
window), each at its own time, so klines and trade lists carry the file's times exactly. Each
trade belongs to exactly one grid slice, and the scheduler fires a grid time at most once, so a
trade prints once. While the replay is paused its slices are skipped, not postponed.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from binance_sandbox.core.commands import Command, PrintTrades, TapePrint
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.marketdata.store import AggTrade, MarketDataStore
from binance_sandbox.simulators.replay.window import ReplayWindow

NEVER = 2**62  # a due time no clock reaches: the window is over
_PROGRESS_EVERY_MS = 3_600_000

log = logging.getLogger(__name__)


class ReplayTape:
    reads_state = False

    def __init__(
        self,
        window: ReplayWindow,
        interval_ms: int,
        instruments: list[Instrument],
        files: MarketDataStore,
        paused: Callable[[], bool],
    ) -> None:
        self._window = window
        self._interval = interval_ms
        self._instruments = instruments
        self._files = files
        self._paused = paused

    def next_due(self, after_ms: int) -> int:
        first = (self._window.start // self._interval + 1) * self._interval
        due = max(first, (after_ms // self._interval + 1) * self._interval)
        return due if due - self._interval < self._window.end else NEVER

    def begin(self, state: object) -> None:
        """Nothing to prepare: the files are read when it fires."""

    def fire(self, due_ms: int) -> list[Command]:
        if self._paused():
            return []
        self._report_progress(due_ms)
        start = max(self._window.start, due_ms - self._interval)
        end = min(due_ms, self._window.end)
        commands: list[Command] = []
        for instrument in self._instruments:
            prints = tuple(
                _tape_print(instrument, row)
                for row in self._files.agg_trades(instrument.symbol, start, end)
            )
            if prints:
                commands.append(PrintTrades(symbol=instrument.symbol, prints=prints))
        return commands

    def _report_progress(self, due_ms: int) -> None:
        """An hour of the window done: say where the replay is, for the server log."""
        window = self._window
        if due_ms % _PROGRESS_EVERY_MS < self._interval or due_ms >= window.end:
            done = (min(due_ms, window.end) - window.start) / (window.end - window.start)
            moment = datetime.fromtimestamp(due_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")
            log.info("replay at %s UTC, %.0f%% of the window", moment, 100 * done)


def _tape_print(instrument: Instrument, row: AggTrade) -> TapePrint:
    return TapePrint(
        time=row.time,
        price=scaled(row.price, instrument.price_decimals),
        qty=max(1, scaled(row.qty, instrument.qty_decimals)),
        count=row.last_trade_id - row.first_trade_id + 1,
        buyer_maker=row.is_buyer_maker,
    )


def scaled(text: str, decimals: int) -> int:
    """A file's decimal at `decimals` places, to the nearest (files of a time when the tick or
    step was finer than today's). Not the core's cached parser: a day of prices would flush
    the instrument filters out of its cache."""
    return int(Decimal(text).scaleb(decimals).to_integral_value())
