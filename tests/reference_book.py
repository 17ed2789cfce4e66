"""A deliberately naive order book and matcher, the oracle for the real one.

It shares no code with `binance_sandbox.core.order_book` or `.matching`: the book is a plain
list of resting orders and the best maker is found by `min` over that list every time. The
semantics are Binance USDⓈ-M futures' (FORMULAS.md §6.2-6.3, the STP FAQ):

- Price-time priority: the best price first (lowest ask, highest bid), then the earliest
  arrival; every fill is at the maker's (resting order's) price.
- Time in force: GTC, GTD and GTX rest what is left; IOC, FOK and MARKET (limit None) expire it.
  GTX is refused whole if anything at all would trade; FOK is refused whole unless the crossing
  quantity covers the order. A refused order changes nothing.
- Self-trade prevention, decided by the taker's mode and only for GTC/IOC/GTD/MARKET (never FOK
  or GTX), when the taker meets a maker of its own STP group: EXPIRE_TAKER expires the taker's
  remainder (makers untouched), EXPIRE_MAKER expires that maker and goes on matching,
  EXPIRE_BOTH expires that maker and the taker's remainder. Fills made before stay.
"""

from dataclasses import dataclass, field
from typing import NamedTuple


class RefFill(NamedTuple):
    maker_order_id: int
    price: int
    qty: int
    maker_account_id: int
    maker_remaining: int


class RefOutcome(NamedTuple):
    ending: str
    fills: list[RefFill]
    expired_makers: list[tuple[int, int]]  # (order_id, qty expired)
    remaining: int


@dataclass
class RefBook:
    # Each resting order: {"id", "buy", "price", "seq", "qty", "account", "group"}.
    orders: list[dict[str, int | bool]] = field(default_factory=list)
    next_seq: int = 0

    def rest(
        self, order_id: int, is_buy: bool, price: int, qty: int, account: int, group: int
    ) -> None:
        self.next_seq += 1
        self.orders.append(
            {
                "id": order_id,
                "buy": is_buy,
                "price": price,
                "seq": self.next_seq,
                "qty": qty,
                "account": account,
                "group": group,
            }
        )

    def cancel(self, order_id: int) -> int | None:
        """Removes the order; returns its remaining quantity, or None if it is not resting."""
        for order in self.orders:
            if order["id"] == order_id:
                self.orders.remove(order)
                return int(order["qty"])
        return None

    def side(self, is_buy: bool) -> list[tuple[int, int, int]]:
        """(price, order_id, qty) of one side, in priority order."""
        mine = [o for o in self.orders if o["buy"] == is_buy]
        mine.sort(key=lambda o: (-o["price"] if is_buy else o["price"], o["seq"]))
        return [(int(o["price"]), int(o["id"]), int(o["qty"])) for o in mine]

    def _crossing(self, is_buy: bool, limit: int | None) -> list[dict[str, int | bool]]:
        """The opposite side's orders an incoming order (buy if is_buy) limited at limit reaches."""
        result = []
        for o in self.orders:
            if o["buy"] == is_buy:
                continue
            if limit is None or (o["price"] <= limit if is_buy else o["price"] >= limit):
                result.append(o)
        return result

    def execute(
        self,
        order_id: int,
        is_buy: bool,
        limit: int | None,
        qty: int,
        tif: str,
        account: int,
        group: int,
        stp_mode: str,
    ) -> RefOutcome:
        if tif == "GTX" and self._crossing(is_buy, limit):
            return RefOutcome("REFUSED_GTX", [], [], qty)
        if tif == "FOK" and sum(int(o["qty"]) for o in self._crossing(is_buy, limit)) < qty:
            return RefOutcome("REFUSED_FOK", [], [], qty)
        stp = "NONE" if tif in ("FOK", "GTX") else stp_mode
        fills: list[RefFill] = []
        expired: list[tuple[int, int]] = []
        remaining = qty
        stopped = False
        while remaining > 0:
            candidates = self._crossing(is_buy, limit)
            if not candidates:
                break
            best = min(
                candidates,
                key=lambda o: (o["price"] if is_buy else -o["price"], o["seq"]),
            )
            if stp != "NONE" and best["group"] == group:
                if stp == "EXPIRE_TAKER":
                    stopped = True
                    break
                self.orders.remove(best)
                expired.append((int(best["id"]), int(best["qty"])))
                if stp == "EXPIRE_BOTH":
                    stopped = True
                    break
                continue  # EXPIRE_MAKER
            take = min(remaining, int(best["qty"]))
            best["qty"] = int(best["qty"]) - take
            remaining -= take
            fills.append(
                RefFill(
                    int(best["id"]),
                    int(best["price"]),
                    take,
                    int(best["account"]),
                    int(best["qty"]),
                )
            )
            if best["qty"] == 0:
                self.orders.remove(best)
        if remaining == 0:
            return RefOutcome("FILLED", fills, expired, 0)
        if stopped:
            return RefOutcome("EXPIRED_IN_MATCH", fills, expired, remaining)
        if limit is None or tif in ("IOC", "FOK"):
            return RefOutcome("EXPIRED", fills, expired, remaining)
        self.rest(order_id, is_buy, limit, remaining, account, group)
        return RefOutcome("RESTED", fills, expired, remaining)
