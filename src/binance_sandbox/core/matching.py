"""Matching one incoming order against a book: price-time priority, time in force and STP.

`execute` takes what the order can take from the opposite side, best price first and in
arrival order within a price, always at the resting (maker) order's price; then the remainder
rests (GTC, GTD, GTX) or expires (IOC, FOK, MARKET).

- GTX (post-only) is refused whole if it would take anything (Binance -5022); FOK is refused
  whole if it cannot fill completely (-5021). A refused order changes nothing.
- Self-trade prevention applies when the incoming (taker) order's mode is not NONE and it
  meets a resting order of its own STP group; it is not in effect for FOK and GTX (Binance's
  STP FAQ). EXPIRE_TAKER: the taker's remainder expires. EXPIRE_MAKER: that maker expires and
  matching goes on. EXPIRE_BOTH: both expire. Fills made before stay.

Invariants: filled + remainder = ordered quantity; the book never rests crossed; a maker's
remaining quantity only shrinks.
"""

from typing import Literal

import msgspec

from binance_sandbox.core.order_book import BookOrder, BookSide, OrderBook

TimeInForce = Literal["GTC", "IOC", "FOK", "GTX", "GTD"]
StpMode = Literal["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"]
Ending = Literal["FILLED", "RESTED", "EXPIRED", "EXPIRED_IN_MATCH", "REFUSED_FOK", "REFUSED_GTX"]


class Taker(msgspec.Struct, frozen=True, kw_only=True):
    order_id: int
    account_id: int
    is_buy: bool
    limit: int | None  # None: a MARKET order
    qty: int
    time_in_force: TimeInForce  # a MARKET order is matched as IOC
    stp_group: int
    stp_mode: StpMode


class Fill(msgspec.Struct, frozen=True):
    maker_order_id: int
    maker_account_id: int
    price: int
    qty: int
    maker_remaining: int


class Outcome(msgspec.Struct, frozen=True):
    ending: Ending
    fills: list[Fill]
    expired_makers: list[BookOrder]  # expired by self-trade prevention
    remaining: int  # not filled: resting now, expired, or (refused) the whole order

    @property
    def filled(self) -> int:
        return sum(fill.qty for fill in self.fills)


def execute(book: OrderBook, taker: Taker) -> Outcome:
    opposite = book.opposite_side(taker.is_buy)
    if taker.time_in_force == "GTX" and _takes_anything(opposite, taker.limit):
        return Outcome("REFUSED_GTX", [], [], taker.qty)
    if taker.time_in_force == "FOK" and _available(opposite, taker.limit) < taker.qty:
        return Outcome("REFUSED_FOK", [], [], taker.qty)
    fills: list[Fill] = []
    expired: list[BookOrder] = []
    remaining, stopped = _sweep(opposite, taker, fills, expired)
    if remaining == 0:
        return Outcome("FILLED", fills, expired, 0)
    if stopped:
        return Outcome("EXPIRED_IN_MATCH", fills, expired, remaining)
    if taker.limit is None or taker.time_in_force in ("IOC", "FOK"):
        return Outcome("EXPIRED", fills, expired, remaining)
    resting = BookOrder(taker.order_id, taker.account_id, taker.limit, remaining, taker.stp_group)
    book.own_side(taker.is_buy).add(resting)
    return Outcome("RESTED", fills, expired, remaining)


def _sweep(
    opposite: BookSide, taker: Taker, fills: list[Fill], expired: list[BookOrder]
) -> tuple[int, bool]:
    """Takes from the opposite side; returns (remaining, stopped by self-trade prevention)."""
    stp = taker.stp_mode if taker.time_in_force not in ("FOK", "GTX") else "NONE"
    remaining = taker.qty
    while remaining and opposite.levels:
        level = opposite.levels[0]
        if not opposite.crosses(level.price, taker.limit):
            break
        index = 0
        while remaining and index < len(level.orders):
            maker = level.orders[index]
            if stp != "NONE" and maker.stp_group == taker.stp_group:
                if stp == "EXPIRE_TAKER":
                    return remaining, True
                expired.append(level.orders.pop(index))
                if stp == "EXPIRE_BOTH":
                    _drop_if_empty(opposite)
                    return remaining, True
                continue
            take = min(remaining, maker.qty)
            maker.qty -= take
            remaining -= take
            fills.append(Fill(maker.order_id, maker.account_id, level.price, take, maker.qty))
            if maker.qty == 0:
                del level.orders[index]
            else:
                index += 1
        _drop_if_empty(opposite)
    return remaining, False


def _drop_if_empty(side: BookSide) -> None:
    if side.levels and not side.levels[0].orders:
        side.drop_level(0)


def _takes_anything(opposite: BookSide, limit: int | None) -> bool:
    best = opposite.best()
    return best is not None and opposite.crosses(best.price, limit)


def _available(opposite: BookSide, limit: int | None) -> int:
    """Quantity resting at prices the order reaches (self-trades included: STP is off for FOK)."""
    total = 0
    for level in opposite.levels:
        if not opposite.crosses(level.price, limit):
            break
        total += level.qty
    return total
