"""Timers: commands that fire at exchange times, such as index price updates.

A timer fires on a grid of exchange time; the scheduler submits each firing stamped at its
due time, so the journal shows exactly when it fired and replay needs no scheduler at all.
Under a running clock the scheduler sleeps until the next due time (and catches up, in order,
if it woke late); under a standing clock nothing fires until the clock is advanced, and then
every firing in between is submitted in time order before the advance itself.

Firings are submitted *ahead* (`Sequencer.submit_ahead`): applied at once and journaled by a
background commit, since no client waits on them. A timer that decides from the exchange state
(`reads_state`, the liquidity agents) must see every command due before it applied, so the
scheduler submits what it has gathered before it asks such a timer; the others are gathered
into large batches.

Invariant: `fired_until` only grows; a due time fires at most once.
"""

import asyncio
import contextlib
from collections.abc import Callable
from typing import Protocol

from binance_sandbox.core import order_timers
from binance_sandbox.core.commands import Command, FireOrderTimers, SetIndexPrices
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.sequencer.sequencer import Sequencer
from binance_sandbox.simulators.clock import ExchangeClock
from binance_sandbox.simulators.prices import PriceSource

_CHUNK = 2000  # firings per submission while catching up a long advance
# How far past the next due time an accelerated clock may run once the timers are running:
# room to fire several due times per wake-up at high speeds.
LEAD_MS = 2000


class Timer(Protocol):
    reads_state: bool

    def next_due(self, after_ms: int) -> int:
        """The first due time strictly after `after_ms`."""

    def begin(self, state: ExchangeState) -> None:
        """Called before a run of firings with the state as the core holds it now."""

    def fire(self, due_ms: int) -> list[Command]:
        """The commands of this firing (none when there is nothing to change)."""


class PriceTicker:
    """The index price of every pair every `interval_ms`, on a grid aligned to the epoch."""

    reads_state = False

    def __init__(self, sources: dict[str, PriceSource], interval_ms: int) -> None:
        if interval_ms <= 0:
            raise ValueError("prices.interval_ms must be positive")
        self._sources = sources
        self._interval = interval_ms
        self._last: dict[str, tuple[int, int]] = {}

    def next_due(self, after_ms: int) -> int:
        return (after_ms // self._interval + 1) * self._interval

    def begin(self, state: ExchangeState) -> None:
        self._last = {
            pair: (price, state.index_price_times[pair])
            for pair, price in state.index_prices.items()
        }

    def fire(self, due_ms: int) -> list[Command]:
        prices = {}
        for pair, source in self._sources.items():
            previous, previous_ts = self._last.get(pair, (None, None))
            price = source.next_price(due_ms, previous, previous_ts)
            if price is not None:
                prices[pair] = price
                self._last[pair] = (price, due_ms)
        return [SetIndexPrices(prices=prices, source="timer")] if prices else []


class TimerScheduler:
    def __init__(self, sequencer: Sequencer, clock: ExchangeClock, timers: list[Timer]) -> None:
        self._sequencer = sequencer
        self._clock = clock
        self._timers = timers
        self.fired_until = clock.now_ms()
        # The accelerated clock's ceiling. Until the first pass it is the next due time, so
        # start-up (seeding, the agents' first quotes) is stamped before the first firing and
        # the timers stay on their grid; then the next due time plus the lead. It only grows,
        # and is raised whenever the next due time moved on.
        self._horizon = self._next_due() if timers else 2**62
        clock.hold_within(lambda: self._horizon)
        self.lock = asyncio.Lock()
        self._changed = asyncio.Event()

    def wake(self) -> None:
        """The clock changed: recompute how long to sleep."""
        self._changed.set()

    async def run(self) -> None:
        while self._timers:
            self._changed.clear()
            due = self._next_due()
            self._horizon = max(self._horizon, due)  # a due time that went away moves it on
            wait = self._clock.seconds_until(due)
            if wait is None or wait > 0:
                await self._sleep(wait)
                continue
            async with self.lock:
                await self.fire_until(self._clock.now_ms())

    async def fire_until(
        self, target_ms: int, should_stop: Callable[[], bool] = lambda: False
    ) -> int:
        """Submits every firing due up to `target_ms`, in time order, and returns how far it got:
        `target_ms`, or less when `should_stop` said so between two submissions (a long advance
        is interruptible). `fired_until` moves with each submission. Hold `lock`."""
        for timer in self._timers:
            timer.begin(self._sequencer.exchange.state)
        batch: list[tuple[int | None, Command]] = []
        cursor = self.fired_until
        reached = target_ms
        while (due := self._next_due(cursor)) <= target_ms:
            for timer in self._timers:
                if timer.next_due(cursor) != due:
                    continue
                if timer.reads_state and batch:
                    await self._submit(batch, cursor)
                    batch = []
                batch.extend((due, command) for command in timer.fire(due))
            cursor = due
            if len(batch) >= _CHUNK:
                await self._submit(batch, cursor)
                batch = []
                if should_stop():
                    reached = cursor
                    break
        if batch:
            await self._submit(batch, cursor)
        self.fired_until = max(self.fired_until, reached)
        self._horizon = max(self._horizon, self._next_due() + LEAD_MS)
        return reached

    async def _submit(self, batch: list[tuple[int | None, Command]], fired_until: int) -> None:
        await self._sequencer.submit_ahead(batch)
        self.fired_until = max(self.fired_until, fired_until)

    def _next_due(self, after_ms: int | None = None) -> int:
        after = self.fired_until if after_ms is None else after_ms
        return min(timer.next_due(after) for timer in self._timers)

    async def _sleep(self, seconds: float | None) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout=seconds)


class OrderTimer:
    """GTD expiries and countdownCancelAll deadlines, read from the exchange state."""

    reads_state = False  # the core finds what is due when the command applies

    def __init__(self, state: Callable[[], ExchangeState]) -> None:
        self._state = state

    def next_due(self, after_ms: int) -> int:
        return order_timers.next_due(self._state(), after_ms)

    def begin(self, state: ExchangeState) -> None:
        """Nothing to prepare: the state is read at each `next_due`."""

    def fire(self, due_ms: int) -> list[Command]:
        return [FireOrderTimers()]
