"""Where a time falls in each Binance kline interval (UTC): open time and close time.

Weeks open on Monday 00:00 UTC, months on the 1st; other intervals are multiples of their
length from the epoch, as Binance's candles are.
"""

from datetime import UTC, datetime

_MINUTE = 60_000
_FIXED_MS = {
    "1m": _MINUTE,
    "3m": 3 * _MINUTE,
    "5m": 5 * _MINUTE,
    "15m": 15 * _MINUTE,
    "30m": 30 * _MINUTE,
    "1h": 60 * _MINUTE,
    "2h": 120 * _MINUTE,
    "4h": 240 * _MINUTE,
    "6h": 360 * _MINUTE,
    "8h": 480 * _MINUTE,
    "12h": 720 * _MINUTE,
    "1d": 1440 * _MINUTE,
    "3d": 3 * 1440 * _MINUTE,
}
_WEEK = 7 * 1440 * _MINUTE
_MONDAY_OFFSET = 4 * 1440 * _MINUTE  # 1970-01-01 was a Thursday


def open_time(interval: str, ts: int) -> int:
    if interval in _FIXED_MS:
        length = _FIXED_MS[interval]
        return ts - ts % length
    if interval == "1w":
        return ts - (ts - _MONDAY_OFFSET) % _WEEK
    moment = datetime.fromtimestamp(ts / 1000, UTC)
    return int(datetime(moment.year, moment.month, 1, tzinfo=UTC).timestamp() * 1000)


def next_open_time(interval: str, opened: int) -> int:
    if interval in _FIXED_MS:
        return opened + _FIXED_MS[interval]
    if interval == "1w":
        return opened + _WEEK
    moment = datetime.fromtimestamp(opened / 1000, UTC)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp() * 1000)


def close_time(interval: str, opened: int) -> int:
    return next_open_time(interval, opened) - 1


def open_times(interval: str, first: int, end: int, count: int) -> list[int]:
    """The open times of up to `count` intervals from the one containing `first`, up to the
    one containing `end`."""
    opened, last = open_time(interval, first), open_time(interval, end)
    found: list[int] = []
    while opened <= last and len(found) < count:
        found.append(opened)
        opened = next_open_time(interval, opened)
    return found


def latest_open_time(interval: str, end: int, count: int, floor: int) -> int:
    """The open time of the earliest of the last `count` intervals up to the one containing
    `end`, but not before the one containing `floor`."""
    opened, earliest = open_time(interval, end), open_time(interval, floor)
    for _ in range(count - 1):
        if opened <= earliest:
            break
        opened = open_time(interval, opened - 1)
    return max(opened, earliest)
