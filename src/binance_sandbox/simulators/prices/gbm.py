"""Geometric Brownian motion with Poisson-distributed log-normal jumps (Merton's model).

Over a step of `dt` years the log-return is
    (drift - volatility²/2)·dt + volatility·sqrt(dt)·Z + sum of N jumps,
with Z ~ Normal(0, 1), N ~ Poisson(jumps_per_day · dt in days) and each jump ~
Normal(jump_mean, jump_stdev). A year is 365 days.

Invariants:
- Determinism: the draws for a step depend only on (seed, symbol, ts), never on global random
  state or on how many steps came before; the step itself only on those and the exchange's
  last price and its time. A restarted server thus continues a path identically.
- A price is an int at `AMOUNT_DECIMALS` and never below 1: it can fall towards zero, never
  reach it.
"""

import math
import random
from dataclasses import dataclass

from binance_sandbox.simulators.prices.base import PriceSourceError

_DAY_MS = 86_400_000
_YEAR_MS = 365 * _DAY_MS


@dataclass(frozen=True, slots=True)
class GeometricBrownianMotion:
    start: int
    drift: float
    volatility: float
    jumps_per_day: float
    jump_mean: float
    jump_stdev: float
    seed: int
    symbol: str

    def __post_init__(self) -> None:
        if self.start < 1:
            raise PriceSourceError(f"the start price must be positive, got {self.start}")
        parameters = {
            "drift": self.drift,
            "volatility": self.volatility,
            "jumps_per_day": self.jumps_per_day,
            "jump_mean": self.jump_mean,
            "jump_stdev": self.jump_stdev,
        }
        for name, value in parameters.items():
            if not math.isfinite(value):
                raise PriceSourceError(f"{name} must be a finite number, got {value}")
        for name in ("volatility", "jumps_per_day", "jump_stdev"):
            if parameters[name] < 0:
                raise PriceSourceError(f"{name} must not be negative, got {parameters[name]}")

    def next_price(self, ts: int, previous: int | None, previous_ts: int | None) -> int | None:
        if previous is None:
            return self.start
        # Without the previous price's time there is no interval to step over.
        if previous_ts is None or ts <= previous_ts:
            return None
        # A price even when rounding leaves it unchanged: every step must start where the last
        # ended, so the path is the same however the ticker groups its firings.
        return max(1, round(previous * math.exp(self._log_return(ts, ts - previous_ts))))

    def _log_return(self, ts: int, elapsed_ms: int) -> float:
        # A string seed is hashed with SHA-512, so it is the same in every process (unlike
        # hash()), and a fresh generator per step makes the draws independent of the history.
        rng = random.Random(f"{self.seed}:{self.symbol}:{ts}")
        dt = elapsed_ms / _YEAR_MS
        diffusion = (self.drift - self.volatility**2 / 2) * dt
        diffusion += self.volatility * math.sqrt(dt) * rng.gauss(0.0, 1.0)
        if self.jumps_per_day == 0:
            return diffusion
        jumps = _poisson(rng, self.jumps_per_day * elapsed_ms / _DAY_MS)
        # The sum of `jumps` independent Normal(mean, stdev) draws, in one draw.
        return diffusion + rng.gauss(jumps * self.jump_mean, math.sqrt(jumps) * self.jump_stdev)


def _poisson(rng: random.Random, mean: float) -> int:
    """Counts unit-rate exponential arrivals within `mean`: exact, and free of the underflow of
    exp(-mean) that breaks the textbook product method for large means. Costs O(mean) draws."""
    count = 0
    elapsed = rng.expovariate(1.0)
    while elapsed < mean:
        count += 1
        elapsed += rng.expovariate(1.0)
    return count
