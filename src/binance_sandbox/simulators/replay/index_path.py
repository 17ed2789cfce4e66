"""The index price of a replayed pair, read from 1-minute klines of the files.

Within each minute the price runs in a straight line from the kline's open (at its open time)
to its close (at its close time), and on to the next kline's open; before the first kline the
first open holds, after the last the last close. A pure function of time, like every price
source, so a restart continues the path exactly.
"""

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from binance_sandbox.simulators.prices.base import PriceSource
from binance_sandbox.simulators.replay.window import ReplayWindow


@dataclass(frozen=True, slots=True)
class IndexPath:
    times: list[int]  # strictly increasing epoch ms
    prices: list[int]  # at AMOUNT_DECIMALS

    @classmethod
    def from_klines(cls, klines: list[tuple[int, int, int, int]]) -> "IndexPath":
        """`klines`: (open_time, open, close, close_time) in time order, prices at 8 decimals."""
        times: list[int] = []
        prices: list[int] = []
        for open_time, open_price, close_price, close_time in klines:
            if times and open_time <= times[-1]:
                continue  # an overlapping or repeated row: the first one wins
            times += [open_time, close_time]
            prices += [open_price, close_price]
        return cls(times, prices)

    def price_at(self, ts: int) -> int:
        i = bisect_right(self.times, ts)
        if i == 0:
            return self.prices[0]
        if i == len(self.times):
            return self.prices[-1]
        t0, t1 = self.times[i - 1], self.times[i]
        p0, p1 = self.prices[i - 1], self.prices[i]
        return p0 + (p1 - p0) * (ts - t0) // (t1 - t0)


class ReplayedIndex:
    """A pair's price source during a replay: the file's path inside the window, `paused`
    holds the price still, and outside the window the configured source goes on from
    wherever the replay left the price."""

    def __init__(
        self,
        path: IndexPath,
        window: ReplayWindow,
        outside: PriceSource,
        paused: Callable[[], bool],
    ) -> None:
        self._path = path
        self._window = window
        self._outside = outside
        self._paused = paused

    def next_price(self, ts: int, previous: int | None, previous_ts: int | None) -> int | None:
        if not self._window.contains(ts):
            return self._outside.next_price(ts, previous, previous_ts)
        if self._paused() and previous is not None:
            return None
        return self._path.price_at(ts)
