"""Controlling the exchange clock: pause, resume, speed and advance, each journaled.

Every change is recorded as a `SetClock` command stamped at the exchange time it takes
effect, so the journal alone tells when the exchange stood still or jumped. An advance first
fires, in order, every timer due before its target.

Requests are bounded: a speed within [MIN_SPEED, MAX_SPEED], times before MAX_TIME_MS (the year
9999, which every Binance time field can carry), an advance of at most MAX_ADVANCE_MS. A long
advance reports its progress (`show()`, the log) and can be stopped (`stop_advance`): the clock
then stands where the timers got to.
"""

import logging
import time

from binance_sandbox.core.commands import SetClock
from binance_sandbox.sequencer.sequencer import Sequencer
from binance_sandbox.simulators.clock import ExchangeClock
from binance_sandbox.simulators.timers import TimerScheduler

log = logging.getLogger(__name__)

MIN_SPEED = 0.001  # the journal keeps speed in thousandths
MAX_SPEED = 1_000_000.0
MAX_TIME_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z
MAX_ADVANCE_MS = 400 * 86_400_000
_PROGRESS_EVERY_S = 5.0


class ClockError(ValueError):
    """A clock request that cannot be honoured (time back, speed out of range, too far)."""


class Advance:
    """An advance under way: where it started, where it goes, and a request to stop it."""

    def __init__(self, start_ms: int, target_ms: int) -> None:
        self.start_ms = start_ms
        self.target_ms = target_ms
        self.stop_requested = False
        self.logged_at = time.monotonic()


class ClockControl:
    def __init__(
        self, clock: ExchangeClock, scheduler: TimerScheduler, sequencer: Sequencer
    ) -> None:
        self.clock = clock
        self._scheduler = scheduler
        self._sequencer = sequencer
        self._advance: Advance | None = None

    def show(self) -> dict[str, object]:
        shown: dict[str, object] = {
            "mode": self.clock.mode,
            "speed": self.clock.speed,
            "paused": self.clock.paused,
            "time": self.clock.now_ms(),
        }
        if (advance := self._advance) is not None:
            shown["advance"] = {
                "from": advance.start_ms,
                "to": advance.target_ms,
                "reached": self._scheduler.fired_until,
                "stopping": advance.stop_requested,
            }
        return shown

    def stop_advance(self) -> dict[str, object]:
        """Asks the advance under way, if any, to stop at its next step."""
        if self._advance is not None:
            self._advance.stop_requested = True
        return self.show()

    async def pause(self) -> dict[str, object]:
        async with self._scheduler.lock:
            self.clock.pause()
            await self._record()
        return self.show()

    async def resume(self) -> dict[str, object]:
        async with self._scheduler.lock:
            self.clock.resume()
            await self._record()
        return self.show()

    async def set_speed(self, speed: float) -> dict[str, object]:
        if not MIN_SPEED <= speed <= MAX_SPEED:  # also refuses NaN
            raise ClockError(f"speed must be a number from {MIN_SPEED} to {MAX_SPEED:.0f}")
        async with self._scheduler.lock:
            self.clock.set_speed(speed)
            await self._record()
        return self.show()

    async def advance_by(self, delta_ms: int) -> dict[str, object]:
        if delta_ms < 0:
            raise ClockError("the clock only moves forward")
        return await self.advance_to(self.clock.now_ms() + delta_ms)

    async def advance_to(self, target_ms: int) -> dict[str, object]:
        if target_ms > MAX_TIME_MS:
            raise ClockError(f"the clock cannot go past {MAX_TIME_MS} (the year 9999)")
        async with self._scheduler.lock:
            now = self.clock.now_ms()
            if target_ms < now:
                raise ClockError(f"cannot move the clock back from {now} to {target_ms}")
            if target_ms - now > MAX_ADVANCE_MS:
                days = MAX_ADVANCE_MS // 86_400_000
                raise ClockError(f"one advance goes at most {days} days; advance in steps")
            advance = self._advance = Advance(now, target_ms)
            try:
                reached = await self._scheduler.fire_until(target_ms, lambda: self._check(advance))
            finally:
                self._advance = None
            if reached < target_ms:
                log.info("clock advance stopped at %d of %d on request", reached, target_ms)
            self.clock.advance_to(reached)
            await self._record()
        shown = self.show()
        if reached < target_ms:
            shown["stoppedAt"] = reached
        return shown

    def _check(self, advance: Advance) -> bool:
        """Between two steps of an advance: log its progress now and then; stop if asked."""
        if time.monotonic() - advance.logged_at >= _PROGRESS_EVERY_S:
            advance.logged_at = time.monotonic()
            done = self._scheduler.fired_until - advance.start_ms
            total = advance.target_ms - advance.start_ms
            log.info("clock advance: %.1f%% (%d of %d ms)", 100 * done / total, done, total)
        return advance.stop_requested

    async def _record(self) -> None:
        clock = self.clock
        command = SetClock(mode=clock.mode, speed_milli=clock.speed_milli, paused=clock.paused)
        await self._sequencer.submit(command, at=clock.now_ms())
        self._scheduler.wake()
