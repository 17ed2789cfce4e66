"""Rate limits as exchangeInfo.rateLimits declares them, counted on wall time.

- REQUEST_WEIGHT per IP per minute window: over the limit -> 429 -1003 with Retry-After (the
  seconds to the window's end); the weight of refused requests is not counted.
- An IP that goes on sending within a window in which it was already refused is banned: 418
  -1003 with Retry-After until the ban ends. Bans double for repeat offenders, from 2 minutes
  up to 3 days (Binance: "scale in duration ... from 2 minutes to 3 days").
- ORDERS per account per 10 seconds and per minute: over either -> 429 -1015, no Retry-After.

Windows are fixed and aligned to the epoch (a minute window starts on the minute), as
Binance's X-MBX-USED-WEIGHT-1M resets each minute.
"""

from dataclasses import dataclass, field

from binance_sandbox.gateway import errors

MINUTE_MS = 60_000
TEN_SECONDS_MS = 10_000
FIRST_BAN_MS = 2 * MINUTE_MS
LONGEST_BAN_MS = 3 * 24 * 60 * MINUTE_MS


@dataclass
class _Window:
    start: int = 0
    used: int = 0

    def current(self, now_ms: int, length_ms: int) -> "_Window":
        start = now_ms - now_ms % length_ms
        if start != self.start:
            self.start, self.used = start, 0
        return self


@dataclass
class _IpState:
    weight: _Window = field(default_factory=_Window)
    refused_in_window: int = -1  # start of the window in which the IP was last refused
    banned_until: int = 0
    bans: int = 0


@dataclass
class _AccountOrders:
    ten_seconds: _Window = field(default_factory=_Window)
    minute: _Window = field(default_factory=_Window)


class RateLimiter:
    def __init__(self, weight_per_minute: int, orders_per_10s: int, orders_per_minute: int) -> None:
        self.weight_per_minute = weight_per_minute
        self.orders_per_10s = orders_per_10s
        self.orders_per_minute = orders_per_minute
        self._ips: dict[str, _IpState] = {}
        self._accounts: dict[int, _AccountOrders] = {}

    def charge_weight(self, ip: str, weight: int, now_ms: int) -> int:
        """Counts a request's weight; returns the IP's weight used in this minute, or raises."""
        state = self._ips.setdefault(ip, _IpState())
        if now_ms < state.banned_until:
            raise errors.banned(state.banned_until, _seconds(state.banned_until - now_ms))
        window = state.weight.current(now_ms, MINUTE_MS)
        if window.used + weight <= self.weight_per_minute:
            window.used += weight
            return window.used
        if state.refused_in_window == window.start:
            raise self._ban(state, now_ms)
        state.refused_in_window = window.start
        window_end = window.start + MINUTE_MS
        raise errors.too_many_requests(self.weight_per_minute, _seconds(window_end - now_ms))

    def used_weight(self, ip: str, now_ms: int) -> int:
        state = self._ips.get(ip)
        return state.weight.current(now_ms, MINUTE_MS).used if state else 0

    def charge_orders(
        self, account_id: int, counts: tuple[int, int], now_ms: int
    ) -> tuple[int, int]:
        """Counts an order request, (on the 10-second count, on the 1-minute count) — a batch
        is 5 and 1 on Binance; returns (used in 10 s, used in 1 min), or raises -1015."""
        state = self._accounts.setdefault(account_id, _AccountOrders())
        short = state.ten_seconds.current(now_ms, TEN_SECONDS_MS)
        long = state.minute.current(now_ms, MINUTE_MS)
        if short.used + counts[0] > self.orders_per_10s:
            raise errors.too_many_orders(self.orders_per_10s, "10 SECOND")
        if long.used + counts[1] > self.orders_per_minute:
            raise errors.too_many_orders(self.orders_per_minute, "1 MINUTE")
        short.used += counts[0]
        long.used += counts[1]
        return short.used, long.used

    def order_counts(self, account_id: int, now_ms: int) -> tuple[int, int]:
        """The account's ORDERS counts now (10 s, 1 min), charging nothing."""
        state = self._accounts.get(account_id)
        if state is None:
            return 0, 0
        short = state.ten_seconds.current(now_ms, TEN_SECONDS_MS)
        return short.used, state.minute.current(now_ms, MINUTE_MS).used

    def _ban(self, state: _IpState, now_ms: int) -> errors.BinanceError:
        duration = min(FIRST_BAN_MS * 2**state.bans, LONGEST_BAN_MS)
        state.bans += 1
        state.banned_until = now_ms + duration
        return errors.banned(state.banned_until, _seconds(duration))


def _seconds(ms: int) -> int:
    return max(1, -(-ms // 1000))
