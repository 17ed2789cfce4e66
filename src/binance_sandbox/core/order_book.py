"""One symbol's order book: price levels, best first, each a FIFO queue (price-time priority).

Prices and quantities are integers on the instrument's tick and step grid. Each side keeps its
levels best first (bids descending, asks ascending) with a parallel ascending list of sort
keys (the price for asks, minus the price for bids) for binary search; both are plain lists so
the book snapshots and hashes like any other state.

Invariants: no empty level; no zero-quantity order; within a level, orders in arrival order;
`keys[i]` is the key of `levels[i]`. The book alone never crosses: matching removes what an
incoming order takes before the rest of it is added.
"""

from bisect import bisect_left

import msgspec


class BookOrder(msgspec.Struct):
    order_id: int
    account_id: int
    price: int
    qty: int  # remaining quantity
    stp_group: int  # orders of one group never trade with each other under STP


class Level(msgspec.Struct):
    price: int
    orders: list[BookOrder]

    @property
    def qty(self) -> int:
        return sum(order.qty for order in self.orders)


class BookSide(msgspec.Struct):
    is_bid: bool
    levels: list[Level] = msgspec.field(default_factory=list)
    keys: list[int] = msgspec.field(default_factory=list)

    def key(self, price: int) -> int:
        return -price if self.is_bid else price

    def best(self) -> Level | None:
        return self.levels[0] if self.levels else None

    def add(self, order: BookOrder) -> None:
        """Queues the order last at its price."""
        key = self.key(order.price)
        index = bisect_left(self.keys, key)
        if index < len(self.keys) and self.keys[index] == key:
            self.levels[index].orders.append(order)
            return
        self.keys.insert(index, key)
        self.levels.insert(index, Level(order.price, [order]))

    def remove(self, order_id: int, price: int) -> BookOrder | None:
        index = bisect_left(self.keys, self.key(price))
        if index == len(self.keys) or self.keys[index] != self.key(price):
            return None
        level = self.levels[index]
        for position, order in enumerate(level.orders):
            if order.order_id == order_id:
                del level.orders[position]
                if not level.orders:
                    self.drop_level(index)
                return order
        return None

    def drop_level(self, index: int) -> None:
        del self.levels[index]
        del self.keys[index]

    def crosses(self, level_price: int, limit: int | None) -> bool:
        """Whether an incoming order limited at `limit` (None: market) reaches this price of the
        opposite side (self is that opposite side)."""
        if limit is None:
            return True
        return level_price >= limit if self.is_bid else level_price <= limit

    def price_at_depth(self, depth: int) -> int | None:
        """The price of the `depth`-th best level (1 = best), or None if the side is shallower."""
        return self.levels[depth - 1].price if len(self.levels) >= depth else None

    def depth(self, limit: int) -> list[tuple[int, int]]:
        """(price, total quantity) of the best `limit` levels."""
        return [(level.price, level.qty) for level in self.levels[:limit]]


class OrderBook(msgspec.Struct):
    symbol: str
    bids: BookSide = msgspec.field(default_factory=lambda: BookSide(is_bid=True))
    asks: BookSide = msgspec.field(default_factory=lambda: BookSide(is_bid=False))

    def own_side(self, is_buy: bool) -> BookSide:
        return self.bids if is_buy else self.asks

    def opposite_side(self, is_buy: bool) -> BookSide:
        return self.asks if is_buy else self.bids
