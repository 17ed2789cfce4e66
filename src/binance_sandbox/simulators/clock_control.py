"""Controlling the exchange clock: pause, resume, speed and advance, each journaled.

Every change is recorded as a `SetClock` command stamped at the exchange time it takes
effect, so the journal alone tells when the exchange stood still or jumped. An advance first
fires, in order, every timer due before its target.
"""

from binance_sandbox.core.commands import SetClock
from binance_sandbox.sequencer.sequencer import Sequencer
from binance_sandbox.simulators.clock import ExchangeClock
from binance_sandbox.simulators.timers import TimerScheduler


class ClockError(ValueError):
    """A clock request that cannot be honoured (time back, speed not positive)."""


class ClockControl:
    def __init__(
        self, clock: ExchangeClock, scheduler: TimerScheduler, sequencer: Sequencer
    ) -> None:
        self.clock = clock
        self._scheduler = scheduler
        self._sequencer = sequencer

    def show(self) -> dict[str, object]:
        return {
            "mode": self.clock.mode,
            "speed": self.clock.speed,
            "paused": self.clock.paused,
            "time": self.clock.now_ms(),
        }

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
        if not speed > 0:
            raise ClockError("speed must be a positive number")
        async with self._scheduler.lock:
            self.clock.set_speed(speed)
            await self._record()
        return self.show()

    async def advance_by(self, delta_ms: int) -> dict[str, object]:
        if delta_ms < 0:
            raise ClockError("the clock only moves forward")
        return await self.advance_to(self.clock.now_ms() + delta_ms)

    async def advance_to(self, target_ms: int) -> dict[str, object]:
        async with self._scheduler.lock:
            now = self.clock.now_ms()
            if target_ms < now:
                raise ClockError(f"cannot move the clock back from {now} to {target_ms}")
            await self._scheduler.fire_until(target_ms)
            self.clock.advance_to(target_ms)
            await self._record()
        return self.show()

    async def _record(self) -> None:
        clock = self.clock
        command = SetClock(mode=clock.mode, speed_milli=clock.speed_milli, paused=clock.paused)
        await self._sequencer.submit(command, at=clock.now_ms())
        self._scheduler.wake()
