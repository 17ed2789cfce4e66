"""When a noise taker trades: seeded random times, at least one in every slot.

Time is cut into slots of `slot_ms` (aligned to the epoch); each slot of each symbol holds
1..`per_slot` trades at times drawn from (seed, symbol, slot). A minute thus never passes
without a trade once slot_ms <= 30 s, and the times are a pure function of the seed, so a
restarted server or a re-run under the manual clock trades at exactly the same instants.
"""

import random
from functools import lru_cache


class TakerSchedule:
    def __init__(self, seed: int, symbols: list[str], slot_ms: int, per_slot: int) -> None:
        if slot_ms <= 0 or per_slot <= 0:
            raise ValueError("agents.taker.slot_ms and trades_per_slot must be positive")
        self._seed = seed
        self._symbols = symbols
        self._slot = slot_ms
        self._per_slot = per_slot
        self._times = lru_cache(maxsize=4 * len(symbols) + 4)(self._slot_times)

    def next_due(self, after_ms: int) -> int:
        return min(self._next_for(symbol, after_ms) for symbol in self._symbols)

    def due_symbols(self, due_ms: int) -> list[str]:
        slot = due_ms // self._slot
        return [s for s in self._symbols if due_ms in self._times(s, slot)]

    def _next_for(self, symbol: str, after_ms: int) -> int:
        slot = after_ms // self._slot
        later = [t for t in self._times(symbol, slot) if t > after_ms]
        return later[0] if later else self._times(symbol, slot + 1)[0]

    def _slot_times(self, symbol: str, slot: int) -> tuple[int, ...]:
        rng = random.Random(f"{self._seed}:taker-times:{symbol}:{slot}")
        count = rng.randint(1, self._per_slot)
        start = slot * self._slot
        return tuple(sorted({start + rng.randrange(self._slot) for _ in range(count)}))
