"""Invariants of placing and cancelling orders, under random command sequences.

Three well-funded accounts (the third in hedge mode, LONG / SHORT) trade BTCUSDT and ETHUSDT:
LIMIT orders (any time in force and STP mode, sometimes reduce-only, sometimes with a client
order id from a small pool) priced within 2 % of the mark on the tick grid, mostly within a few
ticks of it, quantities within the filters so most orders pass; MARKET orders; cancels by order
id or client order id, sometimes of another account's or a closed order. Generation is steered
(`target`) towards sequences with many fills. After every step:

1. Money is conserved: per account, wallet + commission paid == deposits + realized PnL of its
   positions (and so in sum).
2. Positions are zero-sum: per symbol the position quantities add to 0, and realized +
   unrealized PnL at any mark adds to 0 within the rounding bound below.
3. Every open order is in its symbol's book exactly once, on its side at its price, with
   remaining = orig - executed; the book holds nothing else.
4. No book is crossed.
And each trade is at the maker's price, within the taker's limit, with one trade id and
quantity for both sides.

At the end, (5) replaying the same stamped commands (through a msgpack round trip, as the
journal stores them) on a fresh Exchange gives the same events and the same state hash.

The PnL rounding bound of (2). Exactly, the PnL of a position at mark M is its cash flow
-sum(q_i x p_i) plus Q x M; both add to 0 over all positions of a symbol (each fill is one buy
and one sell of the same quantity at the same price; sum Q = 0). The stored numbers deviate
from that only where they are rounded (half away from zero, at 8 decimals):
- a fill that adds to a position rounds the new entry price by at most 1/2 unit, which moves
  the position's cost |Q'| x EP by at most |Q'| / 2 / 10**qty_decimals units (Q' in steps);
- a fill that reduces (or flips) realizes closed x (p - EP) rounded: at most 1/2 unit; the
  entry price's earlier error moves into realized PnL unchanged, and a flip's new entry is the
  fill price, exact;
- unrealized PnL Q x (M - EP) is cut toward zero once per position: less than 1 unit.
So |sum(realized + unrealized)| <= sum over each fill side of (1/2 + |Q'| / 2 / 10**qty_decimals)
+ (number of positions), in units of 1e-8 USDT: a few units per fill at these sizes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import msgspec
from hypothesis import HealthCheck, event, given, settings, target
from hypothesis import strategies as st

from binance_sandbox.core.commands import (
    CancelOrder,
    Deposit,
    PlaceOrder,
    SetIndexPrices,
    SetPositionMode,
    Stamped,
)
from binance_sandbox.core.events import Event, OrderUpdated, Rejected
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.orders import OPEN_STATUSES
from binance_sandbox.core.positions import unrealized_pnl
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.core.state_hash import state_hash
from tests.test_core_trading import FUNDS, MARK, T0, USD, Sim

ETH_MARK = 2_900 * USD
MARKS = {"BTCUSDT": MARK, "ETHUSDT": ETH_MARK}
TICK = {"BTCUSDT": 10, "ETHUSDT": 1}  # units of 0.01
BAND = {symbol: MARKS[symbol] // 50 // 10**6 // TICK[symbol] for symbol in MARKS}  # 2 %, ticks
# Steps of 0.001 that keep the notional above MIN_NOTIONAL (50 / 20) anywhere in the band.
QTY = {"BTCUSDT": (1, 1_500), "ETHUSDT": (8, 20_000)}
ACCOUNTS = (1, 2, 3)
HEDGED = 3  # in hedge mode: LONG / SHORT positions, closing orders reduce-only by side
WELL_FUNDED = 10_000_000 * USD
CLIENT_IDS = ("", "", "", "c-1", "c-2")
SYMBOLS = st.sampled_from(["BTCUSDT", "BTCUSDT", "BTCUSDT", "ETHUSDT"])
# Hypothesis leans towards small integers and first elements: True 7 times in 8, roughly.
MOSTLY = st.sampled_from([True] * 7 + [False])


@st.composite
def limit_orders(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    symbol = draw(SYMBOLS)
    if draw(MOSTLY):  # mostly a narrow band: crossing, queues, partial fills
        ticks = draw(st.integers(-6, 6))
    else:
        ticks = draw(st.integers(-BAND[symbol], BAND[symbol]))
    price = MARKS[symbol] // 10**6 + ticks * TICK[symbol]
    tif = draw(st.sampled_from(["GTC", "GTC", "GTC", "IOC", "FOK", "GTX", "GTD"]))
    return "place", {
        **draw(who()),
        "symbol": symbol,
        "side": draw(st.sampled_from(["BUY", "SELL"])),
        "order_type": "LIMIT",
        "quantity": draw(st.integers(*QTY[symbol])),
        "price": price,
        "time_in_force": tif,
        "good_till_date": T0 + 86_400_000 if tif == "GTD" else 0,
        "stp_mode": draw(st.sampled_from(["EXPIRE_MAKER", "EXPIRE_TAKER", "EXPIRE_BOTH", "NONE"])),
        "client_order_id": draw(st.sampled_from(CLIENT_IDS)),
    }


@st.composite
def who(draw: st.DrawFn) -> dict[str, Any]:
    """The account, and its position side: LONG / SHORT for the hedged account, which sends no
    reduceOnly (Binance refuses it in hedge mode); sometimes reduce-only for the others."""
    account = draw(st.sampled_from(ACCOUNTS))
    if account == HEDGED:
        return {"account_id": account, "position_side": draw(st.sampled_from(["LONG", "SHORT"]))}
    return {"account_id": account, "reduce_only": not draw(MOSTLY)}


@st.composite
def market_orders(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    symbol = draw(SYMBOLS)
    return "place", {
        **draw(who()),
        "symbol": symbol,
        "side": draw(st.sampled_from(["BUY", "SELL"])),
        "order_type": "MARKET",
        "quantity": draw(st.integers(QTY[symbol][0], QTY[symbol][1] * 2)),
    }


@st.composite
def cancels(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """`pick` chooses, when the step runs, among the open orders (`open_only`, by its own
    account, if it has any) or among all accepted order ids; by client order id when
    `by_client_id` and that order has one from the pool."""
    return "cancel", {
        "account_id": draw(st.sampled_from(ACCOUNTS)),
        "pick": draw(st.integers(0, 10**6)),
        "open_only": draw(MOSTLY),
        "by_client_id": draw(st.booleans()),
    }


STEPS = st.lists(
    st.one_of(limit_orders(), limit_orders(), limit_orders(), market_orders(), cancels()),
    min_size=10,
    max_size=60,
)
ANY_MARK = st.integers(1, 10**6 * USD)


@dataclass
class Ledger:
    """What the events say: commission paid and the rounding bound (module docstring)."""

    commission: defaultdict[int, int] = field(default_factory=lambda: defaultdict(int))
    sizes: defaultdict[tuple[int, str, str], int] = field(default_factory=lambda: defaultdict(int))
    bound: defaultdict[str, Fraction] = field(default_factory=lambda: defaultdict(Fraction))

    def record(self, events: list[Event], state: ExchangeState) -> None:
        for update in events:
            if not isinstance(update, OrderUpdated) or update.trade is None:
                continue
            order, trade = update.order, update.trade
            self.commission[order.account_id] += trade.commission
            key = (order.account_id, order.symbol, order.position_side)
            self.sizes[key] += trade.qty if order.is_buy else -trade.qty
            scale = 10 ** state.instruments[order.symbol].qty_decimals
            self.bound[order.symbol] += Fraction(1, 2) + Fraction(abs(self.sizes[key]), 2 * scale)


def cancel_command(state: ExchangeState, placed: list[PlaceOrder], step: dict[str, Any]) -> Any:
    if not placed:
        return CancelOrder(account_id=step["account_id"], symbol="BTCUSDT", order_id=1)
    own = sorted(i for i, o in state.open_orders.items() if o.account_id == step["account_id"])
    if step["open_only"] and own:
        order_id = own[step["pick"] % len(own)]
    else:
        order_id = step["pick"] % max(1, state.next_order_id - 1) + 1
    known = state.open_orders.get(order_id)
    symbol = known.symbol if known else placed[step["pick"] % len(placed)].symbol
    if step["by_client_id"] and known and known.client_order_id.startswith("c-"):
        return CancelOrder(
            account_id=step["account_id"], symbol=symbol, client_order_id=known.client_order_id
        )
    return CancelOrder(account_id=step["account_id"], symbol=symbol, order_id=order_id)


def check_fills(events: list[Event]) -> None:
    """Each trade is at the maker's price, within the taker's limit, shared by both sides."""
    trades = [e for e in events if isinstance(e, OrderUpdated) and e.trade is not None]
    for maker, taker in zip(trades[::2], trades[1::2], strict=True):
        assert maker.trade is not None
        assert taker.trade is not None
        assert (maker.trade.is_maker, taker.trade.is_maker) == (True, False)
        assert maker.trade.trade_id == taker.trade.trade_id
        assert maker.trade.price == taker.trade.price == maker.order.price
        assert maker.trade.qty == taker.trade.qty
        if taker.order.order_type == "LIMIT":
            limit = taker.order.price
            assert maker.trade.price <= limit if taker.order.is_buy else maker.trade.price >= limit


def check_money(state: ExchangeState, ledger: Ledger) -> None:
    realized: defaultdict[int, int] = defaultdict(int)
    for position in state.positions.values():
        realized[position.account_id] += position.realized_pnl
    for account in state.accounts:
        number = account.account_id
        deposited = account.transferred.get("USDT", 0)
        assert account.balance("USDT") + ledger.commission[number] == deposited + realized[number]
    assert sum(a.balance("USDT") for a in state.accounts) + sum(ledger.commission.values()) == sum(
        a.transferred.get("USDT", 0) for a in state.accounts
    ) + sum(p.realized_pnl for p in state.positions.values())


def check_zero_sum(state: ExchangeState, ledger: Ledger, marks: dict[str, int]) -> None:
    for symbol, mark in marks.items():
        positions = [p for p in state.positions.values() if p.symbol == symbol]
        assert sum(p.qty for p in positions) == 0
        for p in positions:
            assert p.qty == ledger.sizes[(p.account_id, symbol, p.side)]
            assert (p.entry_price == 0) == (p.qty == 0)
        qty_decimals = state.instruments[symbol].qty_decimals
        total = sum(p.realized_pnl + unrealized_pnl(p, mark, qty_decimals) for p in positions)
        assert abs(total) <= ledger.bound[symbol] + len(positions)  # UPnL is cut toward zero


def check_books(state: ExchangeState) -> None:
    seen: dict[int, tuple[str, bool, int, int, int]] = {}
    for symbol, book in state.books.items():
        for side in (book.bids, book.asks):
            assert side.keys == [side.key(level.price) for level in side.levels]
            assert side.keys == sorted(set(side.keys))
            for level in side.levels:
                assert level.orders
                for o in level.orders:
                    assert o.order_id not in seen
                    assert o.price == level.price
                    seen[o.order_id] = (symbol, side.is_bid, o.price, o.qty, o.account_id)
        if book.bids.levels and book.asks.levels:
            assert book.bids.levels[0].price < book.asks.levels[0].price
    expected = {
        order.order_id: (
            order.symbol,
            order.is_buy,
            order.price,
            order.orig_qty - order.executed_qty,
            order.account_id,
        )
        for order in state.open_orders.values()
    }
    assert seen == expected
    for order_id, order in state.open_orders.items():
        assert order.order_id == order_id
        assert order.status in OPEN_STATUSES
        assert order.order_type == "LIMIT"
        assert 0 < order.remaining <= order.orig_qty
        assert (order.status == "NEW") == (order.executed_qty == 0)
    # The index by account holds exactly the open orders, in the order they opened.
    by_account: dict[int, dict[int, None]] = {}
    for order_id, order in state.open_orders.items():
        by_account.setdefault(order.account_id, {})[order_id] = None
    assert state.open_order_ids == by_account
    assert all(list(ids) == list(by_account[a]) for a, ids in state.open_order_ids.items())


def describe(events: list[Event]) -> None:
    """Hypothesis statistics (--hypothesis-show-statistics): what the steps exercised."""
    for e in events:
        if isinstance(e, Rejected):
            event(f"rejected {e.code}")
        elif isinstance(e, OrderUpdated) and e.execution != "NEW":
            event(f"{e.execution} {e.order.status}")


def replay(log: list[Stamped]) -> tuple[list[list[Event]], str]:
    journaled = msgspec.msgpack.decode(msgspec.msgpack.encode(log), type=list[Stamped])
    exchange = Exchange()
    events = [exchange.apply(stamped) for stamped in journaled]
    return events, state_hash(exchange.state)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS, btc_mark=ANY_MARK, eth_mark=ANY_MARK)
def test_trading_keeps_money_positions_and_books_consistent(
    steps: list[tuple[str, dict[str, Any]]], btc_mark: int, eth_mark: int
) -> None:
    sim = Sim(accounts=3, funds=FUNDS)
    sim.do(SetIndexPrices(prices={"ETHUSDT": ETH_MARK}, source="t"))
    sim.do(SetPositionMode(account_id=HEDGED, dual_side_position=True))
    for number in ACCOUNTS:
        sim.do(Deposit(account_id=number, asset="USDT", amount=WELL_FUNDED))
    results: list[list[Event]] = [[] for _ in sim.log]
    ledger = Ledger()
    placed: list[PlaceOrder] = []
    for kind, step in steps:
        sim.ts += 1_000
        if kind == "place":
            command: Any = PlaceOrder(**step)
            placed.append(command)
        else:
            command = cancel_command(sim.state, placed, step)
        events = sim.do(command)
        results.append(events)
        ledger.record(events, sim.state)
        describe(events)
        check_fills(events)
        check_money(sim.state, ledger)
        check_zero_sum(sim.state, ledger, MARKS)
        check_zero_sum(sim.state, ledger, {"BTCUSDT": btc_mark, "ETHUSDT": eth_mark})
        check_books(sim.state)
    trades = float(sum(sim.state.last_trade_ids.values()))
    target(trades, label="trades")  # steer towards more fills
    replayed, replayed_hash = replay(sim.log)
    assert replayed[-len(steps) :] == results[-len(steps) :]
    assert replayed_hash == state_hash(sim.state)


def test_random_orders_mostly_pass_the_checks() -> None:
    """The generators are meant to exercise matching, not the filters: most orders pass."""
    rejected = placed = 0

    @settings(max_examples=30, deadline=None, database=None)
    @given(steps=st.lists(st.one_of(limit_orders(), market_orders()), min_size=20, max_size=20))
    def run(steps: list[tuple[str, dict[str, Any]]]) -> None:
        nonlocal rejected, placed
        sim = Sim(accounts=3, funds=WELL_FUNDED)
        sim.do(SetIndexPrices(prices={"ETHUSDT": ETH_MARK}, source="t"))
        sim.do(SetPositionMode(account_id=HEDGED, dual_side_position=True))
        for _, step in steps:
            events = sim.do(PlaceOrder(**step))
            placed += 1
            rejected += isinstance(events[0], Rejected)

    run()
    assert rejected < placed // 2
