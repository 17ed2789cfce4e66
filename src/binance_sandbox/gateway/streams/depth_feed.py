"""One symbol's order book changes at one update speed, for the diff and partial depth streams.

Update ids are the exchange's sequence numbers, the same numbers as REST depth's
`lastUpdateId` (the sequence number of the last applied command). An event covers the
commands after the previous event up to the last one that changed the book: `pu` is the
previous event's `u`, `U` = `pu` + 1 and `u` the sequence number of that last change. So for
any REST snapshot taken between two events, the next event has `U <= lastUpdateId <= u`, and
Binance's "manage a local order book" procedure applies exactly: drop events with
`u < lastUpdateId`, start at the one spanning it, then require each `pu` to be the previous
`u`. A consumer that misses an event sees the gap in `pu`. (As on Binance, a snapshot taken
when nothing at all has happened since the last event has `lastUpdateId` = that event's `u`,
and the next event starts after it: a consumer that joined after that event starts over, or
accepts `pu == lastUpdateId` as ccxt does.)

Levels are what the book holds now at each price a change touched (0: gone), so an event is
correct however many changes it folds together.
"""

from bisect import bisect_left

from binance_sandbox.core.order_book import BookSide


class DepthFeed:
    def __init__(self, last_seq: int, due: int) -> None:
        self.touched: set[tuple[bool, int]] = set()  # (is bid, price)
        # u of the last event: pu of the next. A new feed starts one before the current
        # sequence number, so its first event spans a snapshot taken before anything else
        # happens (U <= lastUpdateId even then).
        self.previous = last_seq - 1
        self.ids = (last_seq, last_seq, last_seq)  # U, u, pu of the last event
        self.changed_ts = 0  # exchange time of the last change: the event's T
        self._changed_seq = last_seq
        self.due = due  # exchange time of the next push
        self.streams = 0  # subscribed streams it feeds (diff and partial)

    def touch(self, is_bid: bool, price: int, seq: int, ts: int) -> None:
        self.touched.add((is_bid, price))
        self._changed_seq, self.changed_ts = seq, ts

    def take(self) -> set[tuple[bool, int]]:
        """The touched levels since the last event, closing it (its ids in `ids`)."""
        touched, self.touched = self.touched, set()
        if touched:
            self.ids = (self.previous + 1, self._changed_seq, self.previous)
            self.previous = self._changed_seq
        return touched


def level_qty(side: BookSide, price: int) -> int:
    """The quantity resting at `price` on the side (0: no level there)."""
    key = side.key(price)
    index = bisect_left(side.keys, key)
    if index < len(side.keys) and side.keys[index] == key:
        return side.levels[index].qty
    return 0
