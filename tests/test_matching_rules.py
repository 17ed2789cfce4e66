"""Binance USDⓈ-M matching rules, one small example each (FORMULAS.md §6.1-6.3, STP FAQ).

Prices and quantities are integers (ticks and steps). Makers are put on the book directly; the
taker goes through `execute`. Every test checks the exact fills, expired makers, remainder and
what rests afterwards.
"""

import pytest

from binance_sandbox.core.matching import Fill, Outcome, StpMode, Taker, TimeInForce, execute
from binance_sandbox.core.order_book import BookOrder, BookSide, OrderBook
from binance_sandbox.core.price_match import SUSPENDED, PriceMatch, price_for

Rows = list[tuple[int, int, int]]


def rest(
    book: OrderBook, order_id: int, is_buy: bool, price: int, qty: int, account: int = 2
) -> None:
    """Puts a maker on the book; its STP group is its account unless a test says otherwise."""
    book.own_side(is_buy).add(BookOrder(order_id, account, price, qty, account))


def taker(
    is_buy: bool,
    limit: int | None,
    qty: int,
    tif: TimeInForce = "GTC",
    stp: StpMode = "NONE",
    account: int = 1,
    stp_group: int | None = None,
    order_id: int = 99,
) -> Taker:
    return Taker(
        order_id=order_id,
        account_id=account,
        is_buy=is_buy,
        limit=limit,
        qty=qty,
        time_in_force=tif,
        stp_group=account if stp_group is None else stp_group,
        stp_mode=stp,
    )


def rows(side: BookSide) -> Rows:
    """(price, order_id, qty) in priority order."""
    return [(lvl.price, order.order_id, order.qty) for lvl in side.levels for order in lvl.orders]


def snapshot(book: OrderBook) -> tuple[Rows, Rows]:
    return rows(book.bids), rows(book.asks)


def expired_ids(outcome: Outcome) -> list[tuple[int, int]]:
    return [(order.order_id, order.qty) for order in outcome.expired_makers]


# --- price-time priority ---------------------------------------------------------------------


def test_two_makers_at_one_price_fill_in_arrival_order() -> None:
    """Within a price level the earlier order fills first (FIFO)."""
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 2)
    rest(book, 2, False, 100, 2)
    out = execute(book, taker(True, 100, 3))
    assert out == Outcome(
        "FILLED",
        [Fill(1, 2, 100, 2, 0), Fill(2, 2, 100, 1, 1)],
        [],
        0,
    )
    assert snapshot(book) == ([], [(100, 2, 1)])


def test_better_price_fills_first_at_each_makers_price() -> None:
    """A buy takes the lowest ask first, even if it arrived later; each fill is at the maker's
    price, not at the taker's limit (the taker gets price improvement)."""
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 102, 1)
    rest(book, 2, False, 101, 1)
    out = execute(book, taker(True, 105, 2))
    assert out.ending == "FILLED"
    assert [(f.maker_order_id, f.price, f.qty) for f in out.fills] == [(2, 101, 1), (1, 102, 1)]
    assert snapshot(book) == ([], [])


def test_sell_taker_takes_the_highest_bid_first_and_stops_at_its_limit() -> None:
    """A sell limited at 99 takes bids at 101 then 100 and never the bid at 98 below its limit;
    its remainder rests at 99 (GTC), so the book does not rest crossed."""
    book = OrderBook("BTCUSDT")
    rest(book, 1, True, 100, 1)
    rest(book, 2, True, 101, 1)
    rest(book, 3, True, 98, 5)
    out = execute(book, taker(False, 99, 4))
    assert [(f.maker_order_id, f.price, f.qty) for f in out.fills] == [(2, 101, 1), (1, 100, 1)]
    assert (out.ending, out.remaining) == ("RESTED", 2)
    assert snapshot(book) == ([(98, 3, 5)], [(99, 99, 2)])


def test_a_rested_remainder_queues_behind_earlier_orders_at_its_price() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, True, 100, 1)
    out = execute(book, taker(True, 100, 2, order_id=7))
    assert out == Outcome("RESTED", [], [], 2)
    assert snapshot(book) == ([(100, 1, 1), (100, 7, 2)], [])


# --- time in force ---------------------------------------------------------------------------


def test_gtc_fills_what_crosses_and_rests_the_remainder_at_its_limit() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 2)
    out = execute(book, taker(True, 101, 5, "GTC"))
    assert out == Outcome("RESTED", [Fill(1, 2, 100, 2, 0)], [], 3)
    assert snapshot(book) == ([(101, 99, 3)], [])


def test_gtd_rests_the_remainder_like_gtc() -> None:
    """GTD only differs from GTC by its expiry time, which matching does not see."""
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 2)
    out = execute(book, taker(True, 100, 3, "GTD"))
    assert out == Outcome("RESTED", [Fill(1, 2, 100, 2, 0)], [], 1)
    assert snapshot(book) == ([(100, 99, 1)], [])


def test_ioc_fills_what_it_can_and_expires_the_remainder() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 2)
    rest(book, 2, False, 102, 2)
    out = execute(book, taker(True, 101, 5, "IOC"))
    assert out == Outcome("EXPIRED", [Fill(1, 2, 100, 2, 0)], [], 3)
    assert snapshot(book) == ([], [(102, 2, 2)])


def test_ioc_that_crosses_nothing_expires_whole() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 102, 2)
    out = execute(book, taker(True, 101, 5, "IOC"))
    assert out == Outcome("EXPIRED", [], [], 5)
    assert snapshot(book) == ([], [(102, 1, 2)])


def test_fok_fully_fillable_across_levels_fills() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 2)
    rest(book, 2, False, 101, 3)
    out = execute(book, taker(True, 101, 4, "FOK"))
    assert out == Outcome("FILLED", [Fill(1, 2, 100, 2, 0), Fill(2, 2, 101, 2, 1)], [], 0)
    assert snapshot(book) == ([], [(101, 2, 1)])


def test_fok_not_fully_fillable_is_refused_and_the_book_is_untouched() -> None:
    """-5021: only quantity within the FOK's limit counts (the ask at 102 does not)."""
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 2)
    rest(book, 2, False, 101, 1)
    rest(book, 3, False, 102, 9)
    before = snapshot(book)
    out = execute(book, taker(True, 101, 4, "FOK"))
    assert out == Outcome("REFUSED_FOK", [], [], 4)
    assert snapshot(book) == before


def test_gtx_that_would_take_is_refused_and_the_book_is_untouched() -> None:
    """-5022: post-only is refused whole if any part of it would trade."""
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 1)
    before = snapshot(book)
    out = execute(book, taker(True, 100, 5, "GTX"))
    assert out == Outcome("REFUSED_GTX", [], [], 5)
    assert snapshot(book) == before


def test_gtx_that_does_not_cross_rests_whole() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 1)
    out = execute(book, taker(True, 99, 5, "GTX"))
    assert out == Outcome("RESTED", [], [], 5)
    assert snapshot(book) == ([(99, 99, 5)], [(100, 1, 1)])


def test_market_sweeps_every_level_and_expires_the_rest() -> None:
    """A MARKET order (no limit, matched as IOC) takes any price and never rests."""
    book = OrderBook("BTCUSDT")
    rest(book, 1, True, 100, 1)
    rest(book, 2, True, 90, 2)
    rest(book, 3, True, 50, 3)
    out = execute(book, taker(False, None, 10, "IOC"))
    assert out == Outcome(
        "EXPIRED",
        [Fill(1, 2, 100, 1, 0), Fill(2, 2, 90, 2, 0), Fill(3, 2, 50, 3, 0)],
        [],
        4,
    )
    assert snapshot(book) == ([], [])


def test_market_filled_within_the_book_is_filled() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 1)
    rest(book, 2, False, 110, 5)
    out = execute(book, taker(True, None, 3, "IOC"))
    assert out == Outcome("FILLED", [Fill(1, 2, 100, 1, 0), Fill(2, 2, 110, 2, 3)], [], 0)
    assert snapshot(book) == ([], [(110, 2, 3)])


# --- self-trade prevention (the taker's mode decides; scenarios from the STP FAQ) ------------


def test_stp_expire_taker_expires_the_takers_remainder_and_leaves_the_maker() -> None:
    """Scenario B/D: fills made before the self-trade stay; the own maker is untouched."""
    book = OrderBook("BTCUSDT")
    rest(book, 1, True, 102, 1, account=2)
    rest(book, 2, True, 101, 1, account=1)
    rest(book, 3, True, 100, 1, account=2)
    out = execute(book, taker(False, 100, 3, stp="EXPIRE_TAKER", account=1))
    assert out == Outcome("EXPIRED_IN_MATCH", [Fill(1, 2, 102, 1, 0)], [], 2)
    assert snapshot(book) == ([(101, 2, 1), (100, 3, 1)], [])


def test_stp_expire_maker_expires_own_makers_continues_and_rests_a_limit_remainder() -> None:
    """Scenario A: each own maker met expires, matching goes on to other makers (also at the
    same price, behind the expired one), and a limit order's remainder rests."""
    book = OrderBook("BTCUSDT")
    rest(book, 1, True, 102, 1, account=1)
    rest(book, 2, True, 102, 1, account=2)
    rest(book, 3, True, 101, 2, account=1)
    rest(book, 4, True, 99, 1, account=1)
    out = execute(book, taker(False, 100, 4, stp="EXPIRE_MAKER", account=1))
    assert out.ending == "RESTED"
    assert out.fills == [Fill(2, 2, 102, 1, 0)]
    assert expired_ids(out) == [(1, 1), (3, 2)]
    assert out.remaining == 3
    assert snapshot(book) == ([(99, 4, 1)], [(100, 99, 3)])


def test_stp_expire_maker_on_a_market_order_expires_it_plainly_when_liquidity_runs_out() -> None:
    """Scenario E: the maker ends EXPIRED_IN_MATCH, the MARKET taker plain EXPIRED."""
    book = OrderBook("BTCUSDT")
    rest(book, 1, True, 100, 1, account=1)
    out = execute(book, taker(False, None, 3, "IOC", stp="EXPIRE_MAKER", account=1))
    assert out.ending == "EXPIRED"
    assert out.fills == []
    assert expired_ids(out) == [(1, 1)]
    assert out.remaining == 3
    assert snapshot(book) == ([], [])


def test_stp_expire_both_expires_the_maker_and_the_takers_remainder() -> None:
    """Scenario C, after a fill with another account's order that stays."""
    book = OrderBook("BTCUSDT")
    rest(book, 1, True, 102, 1, account=3)
    rest(book, 2, True, 101, 2, account=1)
    rest(book, 3, True, 101, 2, account=3)
    out = execute(book, taker(False, 100, 5, stp="EXPIRE_BOTH", account=1))
    assert out.ending == "EXPIRED_IN_MATCH"
    assert out.fills == [Fill(1, 3, 102, 1, 0)]
    assert expired_ids(out) == [(2, 2)]
    assert out.remaining == 4
    assert snapshot(book) == ([(101, 3, 2)], [])


def test_stp_expire_both_drops_the_level_it_empties() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 2, account=1)
    rest(book, 2, False, 101, 2, account=2)
    out = execute(book, taker(True, 101, 1, stp="EXPIRE_BOTH", account=1))
    assert out == Outcome("EXPIRED_IN_MATCH", [], [BookOrder(1, 1, 100, 2, 1)], 1)
    assert snapshot(book) == ([], [(101, 2, 2)])
    assert book.asks.keys == [101]


def test_stp_none_lets_an_account_trade_with_itself() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 2, account=1)
    out = execute(book, taker(True, 100, 2, stp="NONE", account=1))
    assert out == Outcome("FILLED", [Fill(1, 1, 100, 2, 0)], [], 0)
    assert snapshot(book) == ([], [])


def test_stp_covers_other_accounts_of_the_same_trade_group() -> None:
    """A different account with the taker's tradeGroupId counts as self; the same account
    number in another group would not (the group is what STP compares)."""
    book = OrderBook("BTCUSDT")
    book.asks.add(BookOrder(1, 5, 100, 1, 7))  # account 5, trade group 7
    book.asks.add(BookOrder(2, 1, 100, 1, 8))  # account 1, another group
    out = execute(book, taker(True, 100, 2, stp="EXPIRE_MAKER", account=1, stp_group=7))
    assert out.fills == [Fill(2, 1, 100, 1, 0)]
    assert expired_ids(out) == [(1, 1)]
    assert (out.ending, out.remaining) == ("RESTED", 1)


@pytest.mark.parametrize("stp", ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"])
def test_stp_is_not_in_effect_for_fok_which_trades_with_its_own_orders(stp: StpMode) -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 1, account=1)
    rest(book, 2, False, 101, 1, account=2)
    out = execute(book, taker(True, 101, 2, "FOK", stp=stp, account=1))
    assert out == Outcome("FILLED", [Fill(1, 1, 100, 1, 0), Fill(2, 2, 101, 1, 0)], [], 0)
    assert snapshot(book) == ([], [])


@pytest.mark.parametrize("stp", ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"])
def test_stp_is_not_in_effect_for_gtx_which_is_refused_if_it_meets_its_own_order(
    stp: StpMode,
) -> None:
    """The own maker is not expired: the post-only order is refused and nothing changes."""
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 100, 1, account=1)
    out = execute(book, taker(True, 100, 2, "GTX", stp=stp, account=1))
    assert out == Outcome("REFUSED_GTX", [], [], 2)
    assert snapshot(book) == ([], [(100, 1, 1)])


# --- priceMatch ------------------------------------------------------------------------------


def deep_book() -> OrderBook:
    """20 bid levels 1000, 999, ..., 981 and 20 ask levels 1001, 1002, ..., 1020."""
    book = OrderBook("BTCUSDT")
    for i in range(20):
        rest(book, 1 + i, True, 1000 - i, 1)
        rest(book, 101 + i, False, 1001 + i, 1)
    return book


@pytest.mark.parametrize(
    ("is_buy", "mode", "price"),
    [
        (True, "OPPONENT", 1001),  # best ask
        (True, "OPPONENT_5", 1005),  # 5th best ask
        (True, "QUEUE", 1000),  # best bid
        (True, "QUEUE_5", 996),
        (True, "QUEUE_10", 991),
        (True, "QUEUE_20", 981),
        (False, "OPPONENT", 1000),  # best bid
        (False, "OPPONENT_5", 996),
        (False, "QUEUE", 1001),  # best ask
        (False, "QUEUE_5", 1005),
        (False, "QUEUE_10", 1010),
        (False, "QUEUE_20", 1020),
    ],
)
def test_price_match_takes_the_nth_level_of_the_opposite_or_own_side(
    is_buy: bool, mode: PriceMatch, price: int
) -> None:
    """OPPONENT_n: n-th best of the opposite side; QUEUE_n: n-th best of the order's own side."""
    assert price_for(deep_book(), is_buy, mode) == price


def test_price_match_none_gives_no_price() -> None:
    assert price_for(deep_book(), True, "NONE") is None


@pytest.mark.parametrize(
    ("is_buy", "mode"),
    [
        (True, "OPPONENT_5"),
        (False, "OPPONENT_5"),
        (True, "QUEUE_5"),
        (False, "QUEUE_10"),
        (True, "QUEUE_20"),
    ],
)
def test_price_match_on_a_book_too_shallow_gives_none(is_buy: bool, mode: PriceMatch) -> None:
    book = OrderBook("BTCUSDT")
    for i in range(4):
        rest(book, 1 + i, True, 100 - i, 1)
        rest(book, 11 + i, False, 101 + i, 1)
    assert price_for(book, is_buy, mode) is None
    # Four levels are enough for depth 4 and below.
    assert price_for(book, is_buy, "OPPONENT") == (101 if is_buy else 100)


def test_price_match_on_an_empty_side_gives_none() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, True, 100, 1)
    assert price_for(book, True, "OPPONENT") is None
    assert price_for(book, True, "QUEUE") == 100
    assert price_for(book, False, "QUEUE") is None


def test_opponent_10_and_20_are_suspended() -> None:
    """Removed from place and amend since 2025-10-23 (change-log 2025-10-21)."""
    assert frozenset({"OPPONENT_10", "OPPONENT_20"}) == SUSPENDED


# --- BookSide helpers ------------------------------------------------------------------------


def test_depth_sums_each_level_best_first_up_to_the_limit() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, True, 100, 2)
    rest(book, 2, True, 100, 3)
    rest(book, 3, True, 102, 1)
    rest(book, 4, True, 99, 7)
    rest(book, 5, False, 105, 4)
    rest(book, 6, False, 103, 1)
    assert book.bids.depth(5) == [(102, 1), (100, 5), (99, 7)]
    assert book.bids.depth(2) == [(102, 1), (100, 5)]
    assert book.asks.depth(5) == [(103, 1), (105, 4)]
    assert OrderBook("X").asks.depth(5) == []


def test_price_at_depth_is_one_based_and_none_beyond_the_side() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, False, 105, 1)
    rest(book, 2, False, 103, 1)
    rest(book, 3, False, 103, 1)
    assert [book.asks.price_at_depth(n) for n in (1, 2, 3)] == [103, 105, None]


def test_remove_takes_one_order_and_drops_a_level_it_empties() -> None:
    book = OrderBook("BTCUSDT")
    rest(book, 1, True, 100, 1)
    rest(book, 2, True, 100, 2)
    rest(book, 3, True, 101, 3)
    assert book.bids.remove(2, 100) == BookOrder(2, 2, 100, 2, 2)
    assert snapshot(book) == ([(101, 3, 3), (100, 1, 1)], [])
    assert book.bids.remove(3, 101) == BookOrder(3, 2, 101, 3, 2)
    assert book.bids.keys == [-100]
    assert book.bids.remove(3, 101) is None  # gone
    assert book.bids.remove(1, 101) is None  # wrong price
    assert book.bids.remove(9, 100) is None  # unknown at an existing price
    assert snapshot(book) == ([(100, 1, 1)], [])
