"""ExchangeClock: real, accelerated and manual time driven by a fake monotonic clock."""

import time

import pytest

from binance_sandbox.config.loader import load_config
from binance_sandbox.core.commands import ClockMode
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.server.runtime import open_clock
from binance_sandbox.simulators.clock import ExchangeClock
from binance_sandbox.simulators.replay.window import ReplayWindow

START_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


class FakeMonotonic:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def mono() -> FakeMonotonic:
    return FakeMonotonic()


def make(mono: FakeMonotonic, mode: ClockMode = "real", speed: float = 1.0) -> ExchangeClock:
    return ExchangeClock(mode, speed, START_MS, monotonic=mono)


def test_starts_at_start_ms(mono: FakeMonotonic) -> None:
    assert make(mono).now_ms() == START_MS


def test_real_mode_advances_one_to_one(mono: FakeMonotonic) -> None:
    clock = make(mono)
    mono.sleep(1.0)
    assert clock.now_ms() == START_MS + 1000
    mono.sleep(0.25)
    assert clock.now_ms() == START_MS + 1250
    assert clock.paused is False
    assert clock.speed == 1.0


def test_real_mode_ignores_a_speed_argument(mono: FakeMonotonic) -> None:
    clock = make(mono, "real", 60.0)
    mono.sleep(1.0)
    assert clock.now_ms() == START_MS + 1000


def test_accelerated_speed_3600(mono: FakeMonotonic) -> None:
    clock = make(mono, "accelerated", 3600.0)
    mono.sleep(1.0)
    assert clock.now_ms() == START_MS + 3_600_000
    assert clock.speed_milli == 3_600_000


def test_manual_stays_put_until_advanced(mono: FakeMonotonic) -> None:
    clock = make(mono, "manual", 60.0)
    assert clock.paused is True
    mono.sleep(3600.0)
    assert clock.now_ms() == START_MS
    clock.advance_to(START_MS + 5000)
    assert clock.now_ms() == START_MS + 5000
    mono.sleep(10.0)
    assert clock.now_ms() == START_MS + 5000


def test_advance_never_goes_back(mono: FakeMonotonic) -> None:
    clock = make(mono, "manual")
    clock.advance_to(START_MS + 5000)
    clock.advance_to(START_MS + 1000)
    assert clock.now_ms() == START_MS + 5000


def test_advance_in_real_mode_jumps_then_keeps_running(mono: FakeMonotonic) -> None:
    clock = make(mono)
    mono.sleep(2.0)
    clock.advance_to(START_MS + 60_000)
    assert clock.now_ms() == START_MS + 60_000
    mono.sleep(1.0)
    assert clock.now_ms() == START_MS + 61_000


def test_advance_to_the_past_in_real_mode_keeps_the_time(mono: FakeMonotonic) -> None:
    clock = make(mono)
    mono.sleep(2.0)
    clock.advance_to(START_MS)
    assert clock.now_ms() == START_MS + 2000
    mono.sleep(1.0)
    assert clock.now_ms() == START_MS + 3000


def test_pause_and_resume_keep_continuity(mono: FakeMonotonic) -> None:
    clock = make(mono, "accelerated", 10.0)
    mono.sleep(1.0)
    assert clock.now_ms() == START_MS + 10_000
    clock.pause()
    assert clock.paused is True
    assert clock.now_ms() == START_MS + 10_000
    mono.sleep(100.0)
    assert clock.now_ms() == START_MS + 10_000
    clock.resume()
    assert clock.now_ms() == START_MS + 10_000  # no jump for the time spent paused
    mono.sleep(1.0)
    assert clock.now_ms() == START_MS + 20_000
    assert clock.mode == "accelerated"


def test_resume_from_manual_runs_in_real_time(mono: FakeMonotonic) -> None:
    clock = make(mono, "manual")
    clock.advance_to(START_MS + 500)
    mono.sleep(50.0)
    clock.resume()
    assert clock.mode == "real"
    assert clock.now_ms() == START_MS + 500
    mono.sleep(1.0)
    assert clock.now_ms() == START_MS + 1500


def test_resume_from_manual_after_set_speed_is_accelerated(mono: FakeMonotonic) -> None:
    clock = make(mono, "manual")
    clock.set_speed(60.0)
    assert clock.mode == "manual"
    mono.sleep(5.0)
    assert clock.now_ms() == START_MS
    clock.resume()
    assert clock.mode == "accelerated"
    mono.sleep(1.0)
    assert clock.now_ms() == START_MS + 60_000


def test_set_manual_freezes_the_running_clock(mono: FakeMonotonic) -> None:
    clock = make(mono)
    mono.sleep(3.0)
    clock.set_manual()
    assert clock.mode == "manual"
    mono.sleep(3.0)
    assert clock.now_ms() == START_MS + 3000


def test_set_speed_reanchors_without_a_jump(mono: FakeMonotonic) -> None:
    clock = make(mono)
    mono.sleep(10.0)
    assert clock.now_ms() == START_MS + 10_000
    clock.set_speed(60.0)
    assert clock.now_ms() == START_MS + 10_000
    assert clock.mode == "accelerated"
    mono.sleep(1.0)
    assert clock.now_ms() == START_MS + 70_000
    clock.set_speed(1.0)
    assert clock.now_ms() == START_MS + 70_000
    assert clock.mode == "real"
    mono.sleep(1.0)
    assert clock.now_ms() == START_MS + 71_000


def test_set_speed_while_paused_stays_paused(mono: FakeMonotonic) -> None:
    clock = make(mono)
    clock.pause()
    clock.set_speed(100.0)
    mono.sleep(5.0)
    assert clock.now_ms() == START_MS
    clock.resume()
    mono.sleep(1.0)
    assert clock.now_ms() == START_MS + 100_000


def test_seconds_until_is_none_while_paused(mono: FakeMonotonic) -> None:
    clock = make(mono, "manual")
    assert clock.seconds_until(START_MS + 1000) is None
    running = make(mono)
    running.pause()
    assert running.seconds_until(START_MS + 1000) is None


def test_seconds_until_in_real_time(mono: FakeMonotonic) -> None:
    clock = make(mono)
    assert clock.seconds_until(START_MS + 2500) == pytest.approx(2.5)
    mono.sleep(1.0)
    assert clock.seconds_until(START_MS + 2500) == pytest.approx(1.5)


def test_seconds_until_under_speed(mono: FakeMonotonic) -> None:
    clock = make(mono, "accelerated", 3600.0)
    assert clock.seconds_until(START_MS + 3_600_000) == pytest.approx(1.0)
    assert clock.seconds_until(START_MS + 7_200_000) == pytest.approx(2.0)
    mono.sleep(0.5)
    assert clock.seconds_until(START_MS + 3_600_000) == pytest.approx(0.5)


def test_seconds_until_a_past_time_is_zero(mono: FakeMonotonic) -> None:
    clock = make(mono)
    mono.sleep(5.0)
    assert clock.seconds_until(START_MS) == 0.0


@pytest.mark.parametrize("speed", [0.0, -1.0])
def test_non_positive_speed_is_refused(mono: FakeMonotonic, speed: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        make(mono, "accelerated", speed)
    clock = make(mono)
    with pytest.raises(ValueError, match="positive"):
        clock.set_speed(speed)
    assert clock.speed == 1.0


def test_an_accelerated_clock_held_within_a_ceiling_slips_and_never_goes_back(
    mono: FakeMonotonic,
) -> None:
    """The timers could not keep up: the clock waits at their ceiling, then runs on from it
    at its speed instead of leaping to where it would have been."""
    clock = ExchangeClock("accelerated", 1000.0, 0, mono)
    ceiling = [600_000]
    clock.hold_within(lambda: ceiling[0])
    mono.sleep(0.5)
    assert clock.now_ms() == 500_000  # below the ceiling: the speed as asked
    mono.sleep(1.0)
    assert clock.now_ms() == 600_000  # would be 1,500,000: held
    assert clock.now_ms() == 600_000
    ceiling[0] = 10_000_000
    assert clock.now_ms() == 600_000  # runs on from the slip, not from 1,500,000
    mono.sleep(0.25)
    assert clock.now_ms() == 850_000


def test_the_real_time_clock_is_never_held(mono: FakeMonotonic) -> None:
    clock = ExchangeClock("real", 1.0, 0, mono)
    clock.hold_within(lambda: 100)
    mono.now += 2.0
    assert clock.now_ms() == 2_000


def test_a_fast_clock_stands_at_its_opening_until_the_timers_take_it_over() -> None:
    """Opening stores, files and the market takes real time, minutes of exchange time at
    1000x; the timers must still fire from where the exchange opened (a replay's first slices
    print, its first candles are the file's)."""
    config = load_config(environ={}, flags={"clock.mode": "accelerated", "clock.speed": 1000.0})
    window = ReplayWindow(START_MS, START_MS + 86_400_000)
    clock = open_clock(config, Exchange(), window)
    time.sleep(0.05)  # start-up work: 50 exchange seconds at this speed
    assert clock.now_ms() == START_MS
