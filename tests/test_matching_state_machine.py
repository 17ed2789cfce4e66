"""The real order book and `execute` against a naive reference, under random commands.

Hypothesis places LIMIT orders (every TIF and STP mode, prices on a narrow band of ticks so the
book crosses often), MARKET orders, and cancels. After every step the outcome and both resting
books must equal the reference's, the book must not rest crossed, each order's quantity must be
accounted for (ordered = filled + resting + expired or cancelled), the real book must keep its
structural invariants, and a replay of the recorded commands on a fresh book must give the
same outcomes and the same book (determinism).
"""

from collections import defaultdict
from typing import Any

import msgspec
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from binance_sandbox.core.matching import Outcome, execute
from binance_sandbox.core.order_book import BookSide, OrderBook
from tests.reference_book import RefBook, RefFill, RefOutcome
from tests.test_matching_rules import taker

PRICES = st.integers(min_value=100, max_value=105)
QTYS = st.integers(min_value=1, max_value=6)
ACCOUNTS = st.integers(min_value=1, max_value=3)
TIFS = st.sampled_from(["GTC", "IOC", "FOK", "GTX", "GTD"])
STP_MODES = st.sampled_from(["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"])

Command = tuple[str, Any]


def side_rows(side: BookSide) -> list[tuple[int, int, int]]:
    return [(lvl.price, order.order_id, order.qty) for lvl in side.levels for order in lvl.orders]


def book_rows(book: OrderBook) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    return side_rows(book.bids), side_rows(book.asks)


def as_reference(outcome: Outcome) -> RefOutcome:
    return RefOutcome(
        outcome.ending,
        [
            RefFill(f.maker_order_id, f.price, f.qty, f.maker_account_id, f.maker_remaining)
            for f in outcome.fills
        ],
        [(order.order_id, order.qty) for order in outcome.expired_makers],
        outcome.remaining,
    )


def apply(book: OrderBook, command: Command) -> object:
    """Runs one recorded command on a real book; returns a plain, comparable result."""
    kind, payload = command
    if kind == "place":
        return msgspec.to_builtins(execute(book, payload))
    order_id, price, is_bid = payload
    removed = book.own_side(is_bid).remove(order_id, price)
    return None if removed is None else msgspec.to_builtins(removed)


class MatchingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.book = OrderBook("BTCUSDT")
        self.ref = RefBook()
        self.next_id = 1
        self.commands: list[Command] = []
        self.results: list[object] = []
        self.ordered: dict[int, int] = {}
        self.filled: defaultdict[int, int] = defaultdict(int)
        self.gone: defaultdict[int, int] = defaultdict(int)  # expired, refused or cancelled
        self.where: dict[int, tuple[int, bool]] = {}  # order id -> (price, is bid) of any order

    def record(self, command: Command) -> object:
        result = apply(self.book, command)
        self.commands.append(command)
        self.results.append(result)
        return result

    def place(
        self,
        is_buy: bool,
        limit: int | None,
        qty: int,
        tif: Any,
        account: int,
        stp_mode: Any,
    ) -> None:
        order_id = self.next_id
        self.next_id += 1
        placed = taker(is_buy, limit, qty, tif, stp_mode, account, order_id=order_id)
        self.ordered[order_id] = qty
        if limit is not None:
            self.where[order_id] = (limit, is_buy)
        outcome = msgspec.convert(self.record(("place", placed)), Outcome)
        expected = self.ref.execute(order_id, is_buy, limit, qty, tif, account, account, stp_mode)
        assert as_reference(outcome) == expected
        event(f"{tif if limit is not None else 'MARKET'} -> {outcome.ending}")
        if outcome.expired_makers:
            event(f"STP {stp_mode} expired a maker")
        assert outcome.filled + outcome.remaining == qty
        for fill in outcome.fills:
            self.filled[fill.maker_order_id] += fill.qty
            self.filled[order_id] += fill.qty
            assert fill.maker_account_id != account or stp_mode == "NONE" or tif in {"FOK", "GTX"}
            if limit is not None:
                assert (fill.price <= limit) if is_buy else (fill.price >= limit)
        for maker in outcome.expired_makers:
            self.gone[maker.order_id] += maker.qty
            assert maker.stp_group == account
        if outcome.ending in {"REFUSED_FOK", "REFUSED_GTX"}:
            assert outcome.fills == []
            assert outcome.expired_makers == []
            assert outcome.remaining == qty
        if outcome.ending != "RESTED":
            self.gone[order_id] += outcome.remaining

    @rule(
        is_buy=st.booleans(),
        price=PRICES,
        qty=QTYS,
        tif=TIFS,
        account=ACCOUNTS,
        stp_mode=STP_MODES,
    )
    def place_limit(
        self, is_buy: bool, price: int, qty: int, tif: str, account: int, stp_mode: str
    ) -> None:
        self.place(is_buy, price, qty, tif, account, stp_mode)

    @rule(is_buy=st.booleans(), qty=QTYS, account=ACCOUNTS, stp_mode=STP_MODES)
    def place_market(self, is_buy: bool, qty: int, account: int, stp_mode: str) -> None:
        self.place(is_buy, None, qty, "IOC", account, stp_mode)

    @precondition(lambda self: bool(self.ref.orders))
    @rule(data=st.data())
    def cancel_resting(self, data: st.DataObject) -> None:
        resting = sorted(int(order["id"]) for order in self.ref.orders)
        order_id = data.draw(st.sampled_from(resting), label="order_id")
        price, is_bid = self.where[order_id]
        removed = self.record(("cancel", (order_id, price, is_bid)))
        expected_qty = self.ref.cancel(order_id)
        assert isinstance(removed, dict)
        assert removed["order_id"] == order_id
        assert removed["price"] == price
        assert removed["qty"] == expected_qty
        event("cancelled a resting order")
        self.gone[order_id] += removed["qty"]

    @precondition(lambda self: len(self.ordered) > len(self.ref.orders))
    @rule(data=st.data())
    def cancel_gone(self, data: st.DataObject) -> None:
        """Removing an order that is no longer resting (or never rested) finds nothing."""
        resting = {int(order["id"]) for order in self.ref.orders}
        gone = sorted(set(self.ordered) - resting)
        order_id = data.draw(st.sampled_from(gone), label="order_id")
        price, is_bid = self.where.get(order_id, (100, True))
        before = book_rows(self.book)
        assert self.record(("cancel", (order_id, price, is_bid))) is None
        assert book_rows(self.book) == before

    @invariant()
    def books_match_the_reference(self) -> None:
        assert side_rows(self.book.bids) == self.ref.side(True)
        assert side_rows(self.book.asks) == self.ref.side(False)

    @invariant()
    def book_never_rests_crossed(self) -> None:
        best_bid, best_ask = self.book.bids.best(), self.book.asks.best()
        if best_bid is not None and best_ask is not None:
            assert best_bid.price < best_ask.price

    @invariant()
    def real_book_structure(self) -> None:
        for side in (self.book.bids, self.book.asks):
            assert side.keys == [side.key(level.price) for level in side.levels]
            assert side.keys == sorted(set(side.keys))  # strictly best first
            for level in side.levels:
                assert level.orders, "empty level"
                ids = [order.order_id for order in level.orders]
                assert ids == sorted(ids), "not in arrival order"
                for order in level.orders:
                    assert order.qty > 0, "zero-quantity order"
                    assert order.price == level.price
                    assert order.stp_group == order.account_id

    @invariant()
    def quantity_is_conserved_per_order(self) -> None:
        resting: defaultdict[int, int] = defaultdict(int)
        for _, order_id, qty in side_rows(self.book.bids) + side_rows(self.book.asks):
            resting[order_id] += qty
        for order_id, qty in self.ordered.items():
            assert qty == self.filled[order_id] + resting[order_id] + self.gone[order_id], order_id

    @invariant()
    def replay_is_deterministic(self) -> None:
        fresh = OrderBook("BTCUSDT")
        assert [apply(fresh, command) for command in self.commands] == self.results
        assert book_rows(fresh) == book_rows(self.book)


MatchingMachine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestMatchingStateMachine = MatchingMachine.TestCase
