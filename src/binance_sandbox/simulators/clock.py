"""The exchange clock: real, accelerated or manual time, as the exchange (not the client) sees it.

Exchange time = anchor + elapsed monotonic time x speed, unless paused (manual mode is a paused
clock that moves only when advanced). Invariant: exchange time never goes backwards, whatever
the mode changes, speed changes or restarts (it resumes from the last journaled time).

An accelerated clock may be held within a ceiling (`hold_within`: the timers' next due time,
plus a lead once they run): when the machine cannot simulate as fast as the speed asks,
exchange time slows to what it can, instead of running ahead of the prices, the agents and a
replay. The real-time clock is never held: it must stay with wall time.

Wall time, which clients stamp on signed requests and rate limits count in, is not read here.
"""

import time
from collections.abc import Callable

from binance_sandbox.core.commands import ClockMode


class ExchangeClock:
    def __init__(
        self,
        mode: ClockMode,
        speed: float,
        start_ms: int,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if speed <= 0:
            raise ValueError("the clock speed must be positive")
        self._monotonic = monotonic
        self.mode: ClockMode = mode
        self.speed = speed if mode == "accelerated" else 1.0
        self.paused = mode == "manual"
        self._anchor_ms = start_ms
        self._anchor_mono = monotonic()
        self._ceiling: Callable[[], int] | None = None

    def hold_within(self, ceiling: Callable[[], int]) -> None:
        """An accelerated clock shows at most `ceiling()`, which must never decrease."""
        self._ceiling = ceiling

    def now_ms(self) -> int:
        if self.paused:
            return self._anchor_ms
        elapsed = self._monotonic() - self._anchor_mono
        now = self._anchor_ms + int(elapsed * self.speed * 1000)
        if self._ceiling is not None and self.mode == "accelerated":
            ceiling = self._ceiling()
            if now > ceiling >= self._anchor_ms:
                # Time slips: from here the clock runs on from the ceiling, not ahead of it.
                self._anchor_ms, self._anchor_mono = ceiling, self._monotonic()
                return ceiling
        return now

    def seconds_until(self, exchange_ms: int) -> float | None:
        """Real seconds until the clock shows `exchange_ms`; None while it stands still."""
        if self.paused:
            return None
        return max(0.0, (exchange_ms - self.now_ms()) / (self.speed * 1000))

    def pause(self) -> None:
        self._reanchor()
        self.paused = True

    def resume(self) -> None:
        self._reanchor()
        self.paused = False
        if self.mode == "manual":
            self.mode = "accelerated" if self.speed != 1.0 else "real"

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("the clock speed must be positive")
        self._reanchor()
        self.speed = speed
        if self.mode != "manual":
            self.mode = "real" if speed == 1.0 else "accelerated"

    def set_manual(self) -> None:
        self.pause()
        self.mode = "manual"

    def advance_to(self, exchange_ms: int) -> None:
        """Jumps forward (never back) to `exchange_ms`, in any mode."""
        self._reanchor()
        self._anchor_ms = max(self._anchor_ms, exchange_ms)

    @property
    def speed_milli(self) -> int:
        return round(self.speed * 1000)

    def _reanchor(self) -> None:
        self._anchor_ms = self.now_ms()
        self._anchor_mono = self._monotonic()
