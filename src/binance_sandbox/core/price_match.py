"""priceMatch: an order's limit price taken from the book at placement (and at amendment).

OPPONENT_n is the n-th best price of the opposite side, QUEUE_n the n-th best of the order's
own side (FORMULAS.md §6.1). OPPONENT_10 and OPPONENT_20 are refused on place and amend since
2025-10-23; `price_for` returns None when the book has no such level.
"""

from typing import Literal

from binance_sandbox.core.order_book import OrderBook

PriceMatch = Literal[
    "NONE",
    "OPPONENT",
    "OPPONENT_5",
    "OPPONENT_10",
    "OPPONENT_20",
    "QUEUE",
    "QUEUE_5",
    "QUEUE_10",
    "QUEUE_20",
]
SUSPENDED = frozenset({"OPPONENT_10", "OPPONENT_20"})  # change-log 2025-10-21


def price_for(book: OrderBook, is_buy: bool, mode: PriceMatch) -> int | None:
    if mode == "NONE":
        return None
    kind, _, depth = mode.partition("_")
    side = book.opposite_side(is_buy) if kind == "OPPONENT" else book.own_side(is_buy)
    return side.price_at_depth(int(depth) if depth else 1)
