"""The clocks a client may stamp a signed request with, under the two-clock rule.

Wall time is what a client's own clock reads. But a client that syncs to `serverTime` (ccxt's
adjustForTimeDifference, python-binance's timestamp_offset, the SDKs' time sync) stamps
serverTime-at-sync plus the real time elapsed since — under a manual, accelerated or shifted
exchange clock that is neither wall time nor exchange time. So a timestamp is accepted within
recvWindow of wall time shifted by any of these offsets: 0 (wall time), exchange time's offset
now, or the offset of any serverTime this server answered (the newest `limit` kept). Under the
real-time clock all of them are about 0 and the rule is Binance's.
"""

from bisect import bisect_right, insort
from collections import deque
from collections.abc import Callable

MAX_AHEAD_MS = 1000  # Binance: timestamp < serverTime + 1000


class ClientClocks:
    def __init__(self, exchange_ms: Callable[[], int], limit: int = 4096) -> None:
        self._exchange_ms = exchange_ms
        self._limit = limit
        self._sorted: list[int] = []
        self._served: deque[int] = deque()

    def served(self, server_ms: int, wall_ms: int) -> None:
        """A serverTime was answered at `wall_ms`: a client may now stamp from it."""
        offset = server_ms - wall_ms
        if self._sorted and self._served[-1] == offset:
            return
        self._served.append(offset)
        insort(self._sorted, offset)
        if len(self._served) > self._limit:
            self._sorted.pop(bisect_right(self._sorted, self._served.popleft()) - 1)

    def offset_for(self, timestamp: int, window: int, wall_ms: int) -> int | None:
        """An offset (exchange time's now, else a served one) by which `timestamp` shifted is
        within Binance's window of wall time; None without one."""
        # wall - window <= timestamp - offset < wall + MAX_AHEAD_MS
        low, high = timestamp - wall_ms - MAX_AHEAD_MS, timestamp - wall_ms + window
        now = self._exchange_ms() - wall_ms
        if low < now <= high:
            return now
        i = bisect_right(self._sorted, high)
        if i and self._sorted[i - 1] > low:
            return self._sorted[i - 1]
        return None
