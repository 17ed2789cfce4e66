"""The untriggered conditional orders of a symbol and working type, sorted by the price they
wait for, so a price change costs two binary searches when nothing fires.

`rising` holds (threshold, algo id) of orders that fire when the price rises to the threshold,
`falling` holds (-threshold, algo id) of those that fire when it falls to it: in both, the due
orders are a prefix. Activated trailing stops move with the price and are checked one by one
(`trailing`). Thresholds are at 8 decimals. Change the index only through `add` and `remove`.
"""

from bisect import bisect_right, insort

import msgspec

from binance_sandbox.core.algo_orders import AlgoOrder
from binance_sandbox.core.algo_rules import rises_to, threshold
from binance_sandbox.core.positions import price_8

_LAST = 2**63


class TriggerIndex(msgspec.Struct, kw_only=True):
    rising: list[tuple[int, int]] = msgspec.field(default_factory=list)
    falling: list[tuple[int, int]] = msgspec.field(default_factory=list)
    trailing: list[int] = msgspec.field(default_factory=list)  # activated, by algo id

    def due(self, price: int) -> list[int]:
        """Ids of the waiting (not activated) orders whose threshold `price` has reached."""
        rising = self.rising[: bisect_right(self.rising, (price, _LAST))]
        falling = self.falling[: bisect_right(self.falling, (-price, _LAST))]
        return [algo_id for _, algo_id in rising] + [algo_id for _, algo_id in falling]


def index_key(symbol: str, working_type: str) -> str:
    return f"{symbol}:{working_type}"


def add(index: TriggerIndex, order: AlgoOrder, price_decimals: int) -> None:
    if order.activated:
        insort(index.trailing, order.algo_id)
        return
    level = price_8(threshold(order), price_decimals)
    if rises_to(order):
        insort(index.rising, (level, order.algo_id))
    else:
        insort(index.falling, (-level, order.algo_id))


def remove(index: TriggerIndex, order: AlgoOrder, price_decimals: int) -> None:
    if order.activated:
        index.trailing.remove(order.algo_id)
        return
    level = price_8(threshold(order), price_decimals)
    entries, entry = (
        (index.rising, (level, order.algo_id))
        if rises_to(order)
        else (index.falling, (-level, order.algo_id))
    )
    at = bisect_right(entries, entry) - 1
    if at >= 0 and entries[at] == entry:
        del entries[at]
