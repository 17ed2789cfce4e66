"""Placing and cancelling orders through `Exchange.apply`, one example per Binance rule.

Every test starts from the same genesis (the default config's instruments, BTCUSDT's index =
mark at 77000), creates accounts and funds them, then applies stamped commands. Values are
exact integers: BTCUSDT prices in units of 0.01 (tick 10 units), quantities in steps of 0.001,
balances, commissions and PnL at 8 decimals. Pre-trade rules: FORMULAS.md §6 and the error
table of API-SURFACE.md (b); positions and PnL: §5; commissions: §8 (maker 0.02 %, taker
0.05 %, rounded half away from zero at 8 decimals).
"""

from typing import Any

import msgspec
import pytest

from binance_sandbox.config.loader import load_config
from binance_sandbox.core import rejects
from binance_sandbox.core.commands import (
    CancelOrder,
    Command,
    CreateAccount,
    Deposit,
    Genesis,
    PlaceOrder,
    SetIndexPrices,
    SetPositionMode,
    Stamped,
)
from binance_sandbox.core.events import BalanceChanged, Event, OrderUpdated, Rejected, Trade
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.fixed import parse_scaled
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.orders import Order
from binance_sandbox.core.positions import Position
from binance_sandbox.core.state import ExchangeState

INSTRUMENTS: tuple[Instrument, ...] = tuple(load_config(environ={}).instruments.values())
BTC = "BTCUSDT"
USD = 10**8  # one USDT at 8 decimals
T0 = 1_700_000_000_000  # ms, a whole second
MARK = 77_000 * USD
FUNDS = 100_000 * USD


def px(text: str) -> int:
    """A BTCUSDT (or ETHUSDT) price in units of 0.01: '77000' -> 7700000."""
    return parse_scaled(text, 2)


def qty(text: str) -> int:
    """A quantity in steps of 0.001: '0.5' -> 500."""
    return parse_scaled(text, 3)


def usd(text: str) -> int:
    """An amount at 8 decimals: '7.7' -> 770000000."""
    return parse_scaled(text, 8)


class Sim:
    """An exchange fed with consecutive sequence numbers; every stamped command is kept."""

    def __init__(
        self,
        accounts: int = 3,
        funds: int = FUNDS,
        instruments: tuple[Instrument, ...] = INSTRUMENTS,
        ts: int = T0,
        assets: tuple[str, ...] = ("USDT",),
    ) -> None:
        self.exchange = Exchange()
        self.seq = 0
        self.ts = ts
        self.log: list[Stamped] = []
        assert self.do(Genesis(seed=1, assets=assets, instruments=instruments))
        self.do(SetIndexPrices(prices={BTC: MARK}, source="t"))
        for number in range(1, accounts + 1):
            self.do(CreateAccount(name=f"acct{number}"))
            self.do(Deposit(account_id=number, asset="USDT", amount=funds))

    @property
    def state(self) -> ExchangeState:
        return self.exchange.state

    def do(self, command: Command, ts: int | None = None) -> list[Event]:
        self.seq += 1
        self.ts = self.ts if ts is None else ts
        stamped = Stamped(self.seq, self.ts, command)
        self.log.append(stamped)
        return self.exchange.apply(stamped)

    def place(
        self,
        account: int,
        side: str,
        quantity: int,
        price: int = 0,
        *,
        symbol: str = BTC,
        ts: int | None = None,
        **fields: Any,
    ) -> list[Event]:
        """A LIMIT order when `price` is given, else MARKET (unless `order_type` says)."""
        fields.setdefault("order_type", "LIMIT" if price else "MARKET")
        command = PlaceOrder(
            account_id=account, symbol=symbol, side=side, quantity=quantity, price=price, **fields
        )
        return self.do(command, ts)

    def cancel(
        self, account: int, order_id: int = 0, client_order_id: str = "", symbol: str = BTC
    ) -> list[Event]:
        return self.do(
            CancelOrder(
                account_id=account,
                symbol=symbol,
                order_id=order_id,
                client_order_id=client_order_id,
            )
        )

    def wallet(self, account: int) -> int:
        return self.state.accounts[account - 1].balance("USDT")

    def position(self, account: int, symbol: str = BTC) -> Position | None:
        return self.state.positions.get(f"{account}:{symbol}:BOTH")

    def book(self, symbol: str = BTC) -> tuple[list[tuple[int, int, int]], ...]:
        """(price, order id, remaining) per side, best first."""
        book = self.state.books[symbol]
        return tuple(
            [
                (level.price, order.order_id, order.qty)
                for level in side.levels
                for order in level.orders
            ]
            for side in (book.bids, book.asks)
        )

    def frozen(self) -> dict[str, Any]:
        """The whole state but the clock (last seq / ts), to show a command changed nothing."""
        tree: dict[str, Any] = msgspec.to_builtins(self.state, str_keys=True)
        del tree["last_seq"], tree["last_ts"]
        return tree


def only_order(events: list[Event]) -> Order:
    """The order of a command whose only event is its NEW (it rests untouched)."""
    assert len(events) == 1
    event = events[0]
    assert isinstance(event, OrderUpdated)
    assert event.execution == "NEW"
    return event.order


def order_at(events: list[Event], index: int) -> Order:
    event = events[index]
    assert isinstance(event, OrderUpdated)
    return event.order


def trade_at(events: list[Event], index: int) -> Trade:
    event = events[index]
    assert isinstance(event, OrderUpdated)
    assert event.trade is not None
    return event.trade


def summary(events: list[Event]) -> list[tuple[Any, ...]]:
    """Events as short tuples: what happened, to which order / account, and the numbers."""
    out: list[tuple[Any, ...]] = []
    for event in events:
        if isinstance(event, OrderUpdated):
            o = event.order
            row: tuple[Any, ...] = (event.execution, o.order_id, o.status, o.executed_qty)
            if event.trade is not None:
                t = event.trade
                row += (t.trade_id, t.price, t.qty, t.commission, t.realized_pnl, t.is_maker)
            out.append(row)
        elif isinstance(event, BalanceChanged):
            out.append(("BALANCE", event.account_id, event.delta, event.balance, event.tran_id))
        else:
            out.append((event,))
    return out


def open_ids(sim: Sim) -> list[int]:
    return sorted(sim.state.open_orders)


# --- client order id (-4015, -4116) ----------------------------------------------------------


@pytest.mark.parametrize("client_id", ["has space", "x" * 37, "naïve", "a+b", "#1"])
def test_client_order_id_off_binance_pattern_is_4015(client_id: str) -> None:
    sim = Sim()
    assert sim.place(1, "BUY", qty("0.001"), px("70000"), client_order_id=client_id) == [
        Rejected(code=-4015, msg="Client order id is not valid.")
    ]
    assert sim.state.next_order_id == 1


@pytest.mark.parametrize("client_id", ["x" * 36, ".A:/z_-9", "0"])
def test_client_order_id_on_binance_pattern_is_kept(client_id: str) -> None:
    sim = Sim()
    order = only_order(sim.place(1, "BUY", qty("0.001"), px("70000"), client_order_id=client_id))
    assert order.client_order_id == client_id


def test_generated_client_order_id_is_22_characters_on_the_pattern() -> None:
    sim = Sim()
    order = only_order(sim.place(1, "BUY", qty("0.001"), px("70000")))
    assert len(order.client_order_id) == 22
    assert order.client_order_id.isalnum()


def test_duplicate_client_order_id_among_open_orders_is_4116_and_reusable_once_closed() -> None:
    sim = Sim()
    first = only_order(sim.place(1, "BUY", qty("0.001"), px("70000"), client_order_id="tp-1"))
    assert sim.place(1, "SELL", qty("0.002"), px("78000"), client_order_id="tp-1") == [
        Rejected(code=-4116, msg="clientOrderId is duplicated")
    ]
    # Another account's open orders do not count.
    assert only_order(sim.place(2, "BUY", qty("0.001"), px("70000"), client_order_id="tp-1"))
    assert summary(sim.cancel(1, order_id=first.order_id)) == [("CANCELED", 1, "CANCELED", 0)]
    again = only_order(sim.place(1, "SELL", qty("0.002"), px("78000"), client_order_id="tp-1"))
    assert (again.order_id, again.client_order_id) == (3, "tp-1")


# --- position side (-4061) -------------------------------------------------------------------


@pytest.mark.parametrize("position_side", ["LONG", "SHORT"])
def test_hedge_position_side_in_one_way_mode_is_4061(position_side: str) -> None:
    sim = Sim()
    expected = Rejected(code=-4061, msg="Order's position side does not match user's setting.")
    assert sim.place(1, "BUY", qty("0.001"), px("70000"), position_side=position_side) == [expected]


def test_both_in_hedge_mode_is_4061() -> None:
    sim = Sim()
    sim.do(SetPositionMode(account_id=1, dual_side_position=True))
    assert sim.place(1, "BUY", qty("0.001"), px("70000")) == [rejects.POSITION_SIDE_MISMATCH]
    order = only_order(sim.place(1, "BUY", qty("0.001"), px("70000"), position_side="LONG"))
    assert order.position_side == "LONG"


@pytest.mark.parametrize(("side", "position_side"), [("SELL", "LONG"), ("BUY", "SHORT")])
def test_hedge_mode_closing_order_without_that_position_is_2022(
    side: str, position_side: str
) -> None:
    """In hedge mode SELL LONG and BUY SHORT close (reduce-only by their position side,
    FORMULAS §6.6); with nothing to close Binance refuses them. (Fixed: they used to open the
    LONG side short or the SHORT side long.)"""
    sim = Sim()
    sim.do(SetPositionMode(account_id=1, dual_side_position=True))
    sim.place(2, "BUY", qty("0.1"), px("77000"))
    sim.place(2, "SELL", qty("0.1"), px("77100"))
    before = sim.frozen()
    assert sim.place(1, side, qty("0.1"), position_side=position_side) == [
        Rejected(code=-2022, msg="ReduceOnly Order is rejected.")
    ]
    assert sim.frozen() == before


def test_hedge_mode_keeps_a_long_and_a_short_side_and_closes_each() -> None:
    sim = Sim()
    sim.do(SetPositionMode(account_id=1, dual_side_position=True))
    sim.place(2, "SELL", qty("0.3"), px("77000"))  # 1
    sim.place(2, "BUY", qty("0.2"), px("76000"))  # 2
    sim.place(1, "BUY", qty("0.3"), position_side="LONG")  # 3: opens LONG 0.3 at 77000
    sim.place(1, "SELL", qty("0.2"), position_side="SHORT")  # 4: opens SHORT 0.2 at 76000
    assert [
        (p.side, p.qty, p.entry_price) for p in sim.state.positions.values() if p.account_id == 1
    ] == [
        ("LONG", 300, 77_000 * USD),
        ("SHORT", -200, 76_000 * USD),
    ]
    # BUY SHORT closes 0.1 of the short at 77500 and leaves the LONG side alone.
    sim.place(3, "SELL", qty("0.1"), px("77500"))  # 5
    events = sim.place(1, "BUY", qty("0.1"), position_side="SHORT")  # 6
    # realized 0.1 x (77500 - 76000) x -1 = -150; commission 7750 x 0.05 % = 3.875
    assert summary(events)[3] == (
        "TRADE",
        6,
        "FILLED",
        100,
        3,
        px("77500"),
        100,
        usd("3.875"),
        -usd("150"),
        False,
    )
    assert [(p.side, p.qty) for p in sim.state.positions.values() if p.account_id == 1] == [
        ("LONG", 300),
        ("SHORT", -100),
    ]


# --- priceMatch (-5038, -5037, -5041) ----------------------------------------------------------


def test_price_match_on_a_market_order_is_5038() -> None:
    sim = Sim()
    assert sim.place(1, "BUY", qty("0.001"), price_match="OPPONENT") == [
        Rejected(
            code=-5038, msg="Price match only supports order type: LIMIT, STOP AND TAKE_PROFIT"
        )
    ]


def test_price_match_with_a_price_is_5037() -> None:
    sim = Sim()
    sim.place(2, "SELL", qty("0.001"), px("77000"))
    assert sim.place(1, "BUY", qty("0.001"), px("77000"), price_match="OPPONENT") == [
        Rejected(code=-5037, msg="Invalid price match")
    ]


@pytest.mark.parametrize("mode", ["OPPONENT_10", "OPPONENT_20"])
def test_suspended_price_match_is_5037(mode: str) -> None:
    sim = Sim()
    for n in range(20):
        sim.place(2, "SELL", qty("0.001"), px("77000") + 10 * n)
    assert sim.place(1, "BUY", qty("0.001"), order_type="LIMIT", price_match=mode) == [
        rejects.INVALID_PRICE_MATCH
    ]


@pytest.mark.parametrize(
    ("side", "mode"), [("BUY", "OPPONENT"), ("BUY", "QUEUE"), ("SELL", "OPPONENT_5")]
)
def test_price_match_without_that_level_is_5041(side: str, mode: str) -> None:
    """BUY OPPONENT / QUEUE on an empty book; SELL OPPONENT_5 with only four bids."""
    sim = Sim()
    if side == "SELL":
        for n in range(4):
            sim.place(2, "BUY", qty("0.001"), px("76000") - 10 * n)
    assert sim.place(1, side, qty("0.001"), order_type="LIMIT", price_match=mode) == [
        Rejected(code=-5041, msg="No depth matches this BBO order")
    ]


def test_price_match_takes_the_price_of_the_books_level() -> None:
    sim = Sim()
    sim.place(2, "BUY", qty("0.001"), px("76990"))  # 1
    sim.place(2, "BUY", qty("0.001"), px("76980"))  # 2
    sim.place(2, "SELL", qty("0.002"), px("77000"))  # 3
    sim.place(2, "SELL", qty("0.001"), px("77010"))  # 4
    queue = only_order(sim.place(1, "BUY", qty("0.001"), order_type="LIMIT", price_match="QUEUE"))
    assert (queue.order_id, queue.price, queue.price_match) == (5, px("76990"), "QUEUE")
    queue_2 = sim.place(3, "SELL", qty("0.001"), order_type="LIMIT", price_match="QUEUE_5")
    assert queue_2 == [rejects.NO_DEPTH_FOR_PRICE_MATCH]
    # BUY OPPONENT: the best ask, where it takes at once.
    events = sim.place(1, "BUY", qty("0.001"), order_type="LIMIT", price_match="OPPONENT")
    assert summary(events) == [
        ("NEW", 6, "NEW", 0),
        ("TRADE", 3, "PARTIALLY_FILLED", 1, 1, px("77000"), 1, usd("0.0154"), 0, True),
        ("BALANCE", 2, -usd("0.0154"), FUNDS - usd("0.0154"), 1),
        ("TRADE", 6, "FILLED", 1, 1, px("77000"), 1, usd("0.0385"), 0, False),
        ("BALANCE", 1, -usd("0.0385"), FUNDS - usd("0.0385"), 1),
    ]
    assert order_at(events, 0).price == px("77000")
    assert sim.book() == (
        [(px("76990"), 1, 1), (px("76990"), 5, 1), (px("76980"), 2, 1)],
        [(px("77000"), 3, 1), (px("77010"), 4, 1)],
    )


# --- GTD (-5040) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "good_till", [0, T0, T0 + 599_999, T0 + 600_000, 253_402_300_799_000, 253_402_300_800_000]
)
def test_good_till_date_not_past_now_plus_600_s_or_too_late_is_5040(good_till: int) -> None:
    sim = Sim()
    assert sim.place(
        1, "BUY", qty("0.001"), px("70000"), time_in_force="GTD", good_till_date=good_till
    ) == [
        Rejected(
            code=-5040,
            msg="The goodTillDate timestamp must be greater than the current time plus 600 "
            "seconds and smaller than 253402300799000 (UTC 9999-12-31 23:59:59)",
        )
    ]


@pytest.mark.parametrize(
    ("good_till", "kept"),
    [
        (T0 + 601_000, T0 + 601_000),
        (T0 + 601_999, T0 + 601_000),
        (253_402_300_798_999, 253_402_300_798_000),
    ],
)
def test_good_till_date_accepted_keeps_whole_seconds(good_till: int, kept: int) -> None:
    sim = Sim()
    order = only_order(
        sim.place(
            1, "BUY", qty("0.001"), px("70000"), time_in_force="GTD", good_till_date=good_till
        )
    )
    assert (order.time_in_force, order.good_till_date, order.status) == ("GTD", kept, "NEW")
    assert open_ids(sim) == [1]


# --- LOT_SIZE / MARKET_LOT_SIZE (-4004, -4005, -4023) ----------------------------------------


@pytest.mark.parametrize(
    ("order_type", "quantity", "price", "expected"),
    [
        ("LIMIT", 0, px("70000"), Rejected(code=-4004, msg="Quantity less than min quantity.")),
        ("MARKET", 0, 0, rejects.QTY_BELOW_MIN),
        (
            "LIMIT",
            qty("1000.001"),
            px("70000"),
            Rejected(code=-4005, msg="Quantity greater than max quantity."),
        ),
        ("MARKET", qty("120.001"), 0, rejects.QTY_ABOVE_MAX),
    ],
)
def test_lot_size_limits(order_type: str, quantity: int, price: int, expected: Rejected) -> None:
    sim = Sim(funds=10_000_000 * USD)
    assert sim.place(1, "BUY", quantity, price, order_type=order_type) == [expected]


def test_market_lot_size_allows_120_btc_and_limit_orders_up_to_1000() -> None:
    sim = Sim(funds=10_000_000 * USD)
    market = sim.place(1, "BUY", qty("120"))
    assert summary(market) == [("NEW", 1, "NEW", 0), ("EXPIRED", 1, "EXPIRED", 0)]
    assert only_order(sim.place(1, "BUY", qty("120.001"), px("1000"))).orig_qty == 120_001
    assert only_order(sim.place(1, "BUY", qty("1000"), px("1000"))).orig_qty == 1_000_000


def test_quantity_off_the_step_grid_is_4023() -> None:
    """BTCUSDT's step is one unit of its quantity scale, so nothing can be off it; a variant with
    step 0.010 above a scale of 0.001 can."""
    coarse = msgspec.structs.replace(INSTRUMENTS[0], step_size="0.010", min_qty="0.010")
    assert coarse.symbol == BTC
    sim = Sim(instruments=(coarse,))
    assert sim.place(1, "BUY", qty("0.015"), px("70000")) == [
        Rejected(code=-4023, msg="Qty not increased by step size.")
    ]
    assert only_order(sim.place(1, "BUY", qty("0.020"), px("70000"))).orig_qty == 20


# --- PRICE_FILTER (-4013, -4002, -4014) --------------------------------------------------------


@pytest.mark.parametrize(
    ("side", "price", "expected"),
    [
        ("BUY", px("556.70"), Rejected(code=-4013, msg="Price less than min price.")),
        ("SELL", px("4529764.10"), Rejected(code=-4002, msg="Price greater than max price.")),
        ("BUY", px("77000.05"), Rejected(code=-4014, msg="Price not increased by tick size.")),
        ("SELL", px("77000.01"), rejects.PRICE_OFF_TICK),
    ],
)
def test_price_filter(side: str, price: int, expected: Rejected) -> None:
    sim = Sim()
    assert sim.place(1, side, qty("0.1"), price) == [expected]


def test_price_filter_bounds_themselves_pass() -> None:
    sim = Sim(funds=10_000_000 * USD)
    assert only_order(sim.place(1, "BUY", qty("0.09"), px("556.80"))).price == 55_680
    sim.do(SetIndexPrices(prices={BTC: 4_529_764 * USD}, source="t"))
    assert only_order(sim.place(1, "SELL", qty("0.001"), px("4529764"))).price == 452_976_400


# --- PERCENT_PRICE against the mark (-4016, -4024) --------------------------------------------


@pytest.mark.parametrize(
    ("side", "price", "expected"),
    [
        (
            "BUY",
            px("80850.10"),
            Rejected(code=-4016, msg="Price is higher than mark price multiplier cap."),
        ),
        (
            "SELL",
            px("73149.90"),
            Rejected(code=-4024, msg="Price is lower than mark price multiplier floor."),
        ),
    ],
)
def test_percent_price_beyond_the_marks_multiplier(
    side: str, price: int, expected: Rejected
) -> None:
    sim = Sim()
    assert sim.place(1, side, qty("0.001"), price) == [expected]


def test_percent_price_at_the_multipliers_and_on_the_far_side_pass() -> None:
    """BUY <= 77000 x 1.05 = 80850, SELL >= 77000 x 0.95 = 73150; no floor for BUY, no cap for
    SELL."""
    sim = Sim()
    assert only_order(sim.place(1, "BUY", qty("0.001"), px("80850"))).price == px("80850")
    assert only_order(sim.place(1, "BUY", qty("0.001"), px("60000"))).price == px("60000")
    assert only_order(sim.place(2, "SELL", qty("0.001"), px("100000"))).price == px("100000")
    sim.cancel(1, order_id=1)  # else the SELL below would take it
    assert only_order(sim.place(2, "SELL", qty("0.001"), px("73150"))).price == px("73150")
    assert open_ids(sim) == [2, 3, 4]


# --- MIN_NOTIONAL (-4164) ---------------------------------------------------------------------


MIN_NOTIONAL_50 = Rejected(
    code=-4164, msg="Order's notional must be no smaller than 50 (unless you choose reduce only)."
)


def test_min_notional_of_a_limit_order_is_4164() -> None:
    sim = Sim()
    assert sim.place(1, "BUY", qty("0.001"), px("49999.90")) == [MIN_NOTIONAL_50]
    assert only_order(sim.place(1, "BUY", qty("0.001"), px("50000"))).price == px("50000")


def test_min_notional_of_a_market_order_uses_the_mark() -> None:
    sim = Sim()
    sim.do(SetIndexPrices(prices={BTC: 49_999 * USD}, source="t"))
    assert sim.place(1, "BUY", qty("0.001")) == [MIN_NOTIONAL_50]
    sim.do(SetIndexPrices(prices={BTC: 50_000 * USD}, source="t"))
    assert summary(sim.place(1, "BUY", qty("0.001"))) == [
        ("NEW", 1, "NEW", 0),
        ("EXPIRED", 1, "EXPIRED", 0),
    ]


def test_reduce_only_is_exempt_from_min_notional() -> None:
    sim = Sim()
    sim.place(2, "BUY", qty("0.01"), px("77000"))
    sim.place(1, "SELL", qty("0.01"))  # account 1 is short 0.01
    assert sim.place(1, "BUY", qty("0.001"), px("40000")) == [MIN_NOTIONAL_50]
    order = only_order(sim.place(1, "BUY", qty("0.001"), px("40000"), reduce_only=True))
    assert (order.order_id, order.reduce_only, order.status) == (3, True, "NEW")


# --- MAX_NUM_ORDERS (-2025) -------------------------------------------------------------------


def test_the_201st_open_order_of_a_symbol_is_2025() -> None:
    sim = Sim()
    sim.do(SetIndexPrices(prices={"ETHUSDT": 2_900 * USD}, source="t"))
    for _ in range(200):
        only_order(sim.place(1, "BUY", qty("0.001"), px("70000")))
    assert sim.place(1, "BUY", qty("0.001"), px("70000")) == [
        Rejected(code=-2025, msg="Reach max open order limit.")
    ]
    # Per account and symbol: another account, another symbol, and a freed slot all pass.
    assert only_order(sim.place(2, "BUY", qty("0.001"), px("70000"))).order_id == 201
    eth = only_order(sim.place(1, "BUY", qty("0.01"), px("2800"), symbol="ETHUSDT"))
    assert eth.order_id == 202
    sim.cancel(1, order_id=7)
    assert only_order(sim.place(1, "BUY", qty("0.001"), px("70000"))).order_id == 203
    assert sum(1 for o in sim.state.open_orders.values() if o.account_id == 1) == 201


# --- reduce-only (-2022) ----------------------------------------------------------------------


REDUCE_ONLY_REJECTED = Rejected(code=-2022, msg="ReduceOnly Order is rejected.")


def test_reduce_only_without_a_position_is_2022() -> None:
    sim = Sim()
    assert sim.place(1, "SELL", qty("0.001"), reduce_only=True) == [REDUCE_ONLY_REJECTED]
    assert sim.place(1, "BUY", qty("0.001"), px("77000"), reduce_only=True) == [
        REDUCE_ONLY_REJECTED
    ]


def test_reduce_only_in_the_positions_direction_is_2022_and_against_it_reduces() -> None:
    sim = Sim()
    sim.place(2, "SELL", qty("0.01"), px("77000"))
    sim.place(1, "BUY", qty("0.01"))  # account 1 is long 0.01 at 77000
    assert sim.place(1, "BUY", qty("0.001"), reduce_only=True) == [REDUCE_ONLY_REJECTED]
    sim.place(3, "BUY", qty("0.004"), px("78000"))
    events = sim.place(1, "SELL", qty("0.004"), reduce_only=True)
    # realized 0.004 x (78000 - 77000) = 4; commission 0.004 x 78000 x 0.05 % = 0.156
    assert summary(events)[3] == (
        "TRADE",
        4,
        "FILLED",
        4,
        2,
        px("78000"),
        4,
        usd("0.156"),
        usd("4"),
        False,
    )
    assert sim.position(1) == Position(
        account_id=1,
        symbol=BTC,
        side="BOTH",
        qty=6,
        entry_price=MARK,
        realized_pnl=usd("4"),
        opening_fees=usd("0.231"),  # the commission share of what is still held
        update_time=T0,
    )


def test_reduce_only_larger_than_the_position_never_flips_it() -> None:
    """A closing order that would close more than the position is refused (-2022)."""
    sim = Sim()
    sim.place(2, "SELL", qty("0.1"), px("77000"))
    sim.place(1, "BUY", qty("0.1"))  # account 1 is long 0.1
    sim.place(3, "BUY", qty("1"), px("77000"))  # deep bid
    refused = sim.place(1, "SELL", qty("0.3"), reduce_only=True)
    assert refused == [Rejected(code=-2022, msg="ReduceOnly Order is rejected.")]
    position = sim.position(1)
    assert position is not None
    assert position.qty == qty("0.1")


def test_resting_reduce_only_order_never_opens_a_position() -> None:
    """When another order closes the position, the resting take-profit expires (er=4)."""
    sim = Sim()
    sim.place(2, "SELL", qty("0.1"), px("77000"))
    sim.place(1, "BUY", qty("0.1"))  # account 1 is long 0.1
    sim.place(1, "SELL", qty("0.1"), px("78000"), reduce_only=True)  # take profit, resting
    sim.place(3, "BUY", qty("0.1"), px("76000"))
    sim.place(1, "SELL", qty("0.1"))  # closed by hand at 76000
    sim.place(2, "BUY", qty("0.1"))  # lifts the take profit
    position = sim.position(1)
    assert position is not None
    assert position.qty == 0


def test_a_reduce_only_market_close_beside_a_covering_reduce_only_order_is_2022() -> None:
    """Our choice (issue 19), pinned: the resting reduce-only take-profit already covers the
    position, so a reduce-only MARKET close is refused and the take-profit stays. Evidence:
    Qubx issue #386 (live Binance, 2026-08-21) — "while the take is open, any attempt to close
    the position is refused" (-4118 on Portfolio Margin, -2022 here). Binance's er=4 ("knocked
    out by another higher priority RO (market) order") covers resting orders a trade left
    over-closing, which `reduce_only.trim` expires."""
    sim = Sim()
    sim.place(2, "SELL", qty("0.1"), px("77000"))
    sim.place(1, "BUY", qty("0.1"))  # account 1 is long 0.1
    sim.place(1, "SELL", qty("0.1"), px("78000"), reduce_only=True)  # take profit, resting
    sim.place(3, "BUY", qty("0.1"), px("76000"))
    assert sim.place(1, "SELL", qty("0.1"), reduce_only=True) == [REDUCE_ONLY_REJECTED]
    position = sim.position(1)
    assert position is not None
    assert position.qty == qty("0.1")
    assert [o.price for o in sim.state.open_orders.values() if o.account_id == 1] == [px("78000")]


# --- margin (-2019) ---------------------------------------------------------------------------


MARGIN_INSUFFICIENT = Rejected(code=-2019, msg="Margin is insufficient.")


# --- a fill: event order, trade ids, commissions, positions, wallets -------------------------


def test_market_order_fills_a_resting_limit_of_another_account() -> None:
    sim = Sim()
    maker = only_order(sim.place(1, "SELL", qty("0.5"), px("77000")))
    assert (maker.order_id, maker.status, maker.time_in_force) == (1, "NEW", "GTC")
    events = sim.place(2, "BUY", qty("0.5"), ts=T0 + 5)
    # notional 38500: maker 0.02 % = 7.7, taker 0.05 % = 19.25
    assert summary(events) == [
        ("NEW", 2, "NEW", 0),
        ("TRADE", 1, "FILLED", 500, 1, px("77000"), 500, usd("7.7"), 0, True),
        ("BALANCE", 1, -usd("7.7"), FUNDS - usd("7.7"), 1),
        ("TRADE", 2, "FILLED", 500, 1, px("77000"), 500, usd("19.25"), 0, False),
        ("BALANCE", 2, -usd("19.25"), FUNDS - usd("19.25"), 1),
    ]
    assert [e.reason for e in events if isinstance(e, BalanceChanged)] == ["TRADE", "TRADE"]
    maker_after, taker_after = order_at(events, 1), order_at(events, 3)
    assert (maker_after.cum_quote, maker_after.update_time) == (3_850_000_000, T0 + 5)
    assert (taker_after.order_type, taker_after.price, taker_after.cum_quote) == (
        "MARKET",
        0,
        3_850_000_000,
    )
    assert (trade_at(events, 1).quote, trade_at(events, 1).commission_asset) == (
        3_850_000_000,
        "USDT",
    )
    assert sim.position(1) == Position(
        account_id=1, symbol=BTC, side="BOTH", qty=-500, entry_price=MARK,
        opening_fees=usd("7.7"), update_time=T0 + 5,
    )  # fmt: skip
    assert sim.position(2) == Position(
        account_id=2, symbol=BTC, side="BOTH", qty=500, entry_price=MARK,
        opening_fees=usd("19.25"), update_time=T0 + 5,
    )  # fmt: skip
    assert (sim.wallet(1), sim.wallet(2), sim.wallet(3)) == (
        usd("99992.3"),
        usd("99980.75"),
        FUNDS,
    )
    assert sim.state.open_orders == {}
    assert sim.book() == ([], [])
    assert (sim.state.next_order_id, sim.state.last_trade_ids) == (3, {"BTCUSDT": 1})


def test_commission_rounds_half_away_from_zero_at_8_decimals() -> None:
    """ETHUSDT (tick 0.01): 0.009 x 2900.01 = 26.10009; taker 0.05 % = 0.013050045 ->
    0.01305005 (half-to-even would give ...04); maker 0.02 % = 0.005220018 -> 0.00522002."""
    sim = Sim()
    sim.do(SetIndexPrices(prices={"ETHUSDT": 2_900 * USD}, source="t"))
    sim.place(1, "SELL", qty("0.009"), px("2900.01"), symbol="ETHUSDT")
    events = sim.place(2, "BUY", qty("0.009"), symbol="ETHUSDT")
    assert [e.trade.commission for e in events if isinstance(e, OrderUpdated) and e.trade] == [
        522_002,
        1_305_005,
    ]
    assert (sim.wallet(1), sim.wallet(2)) == (FUNDS - 522_002, FUNDS - 1_305_005)


def test_trade_ids_run_per_symbol_and_order_ids_across_symbols() -> None:
    """Binance's trade ids run per symbol (so a symbol's 24 h `count` is lastId - firstId + 1
    and `fromId` paging has no gaps); so do the sandbox's. Order ids come from one sequence
    for all symbols: unique across symbols, still increasing within each (every request
    names the symbol with the order id, and no client reads meaning into their gaps)."""
    sim = Sim()
    sim.do(SetIndexPrices(prices={"ETHUSDT": 2_900 * USD}, source="t"))
    ids = []
    for symbol, price in ((BTC, px("77000")), ("ETHUSDT", px("2900")), (BTC, px("77000"))):
        ids.append(only_order(sim.place(1, "SELL", qty("0.01"), price, symbol=symbol)).order_id)
        sim.place(2, "BUY", qty("0.01"), symbol=symbol)
    assert sim.state.last_trade_ids == {BTC: 2, "ETHUSDT": 1}
    assert ids == sorted(set(ids))
    assert len(set(ids)) == 3


def test_a_sweep_over_several_makers_gives_each_fill_its_own_trade_id() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.1"), px("77000"))
    sim.place(3, "SELL", qty("0.2"), px("77000"))
    sim.place(1, "SELL", qty("0.3"), px("77100"))
    events = sim.place(2, "BUY", qty("0.4"), px("77100"))
    assert summary(events) == [
        ("NEW", 4, "NEW", 0),
        ("TRADE", 1, "FILLED", 100, 1, px("77000"), 100, usd("1.54"), 0, True),
        ("BALANCE", 1, -usd("1.54"), FUNDS - usd("1.54"), 1),
        ("TRADE", 4, "PARTIALLY_FILLED", 100, 1, px("77000"), 100, usd("3.85"), 0, False),
        ("BALANCE", 2, -usd("3.85"), FUNDS - usd("3.85"), 1),
        ("TRADE", 2, "FILLED", 200, 2, px("77000"), 200, usd("3.08"), 0, True),
        ("BALANCE", 3, -usd("3.08"), FUNDS - usd("3.08"), 2),
        ("TRADE", 4, "PARTIALLY_FILLED", 300, 2, px("77000"), 200, usd("7.7"), 0, False),
        ("BALANCE", 2, -usd("7.7"), FUNDS - usd("11.55"), 2),
        ("TRADE", 3, "PARTIALLY_FILLED", 100, 3, px("77100"), 100, usd("1.542"), 0, True),
        ("BALANCE", 1, -usd("1.542"), FUNDS - usd("3.082"), 3),
        ("TRADE", 4, "FILLED", 400, 3, px("77100"), 100, usd("3.855"), 0, False),
        ("BALANCE", 2, -usd("3.855"), FUNDS - usd("15.405"), 3),
    ]
    # entry = (0.3 x 77000 + 0.1 x 77100) / 0.4 = 77025
    assert sim.position(2) == Position(
        account_id=2, symbol=BTC, side="BOTH", qty=400, entry_price=77_025 * USD,
        opening_fees=usd("15.405"), update_time=T0,
    )  # fmt: skip
    assert sim.book() == ([], [(px("77100"), 3, 200)])


def test_partial_fill_leaves_the_maker_partially_filled_in_open_orders_and_the_book() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("1"), px("77000"))
    events = sim.place(2, "BUY", qty("0.4"))
    assert [row[:4] for row in summary(events) if row[0] != "BALANCE"] == [
        ("NEW", 2, "NEW", 0),
        ("TRADE", 1, "PARTIALLY_FILLED", 400),
        ("TRADE", 2, "FILLED", 400),
    ]
    maker = sim.state.open_orders[1]
    assert (maker.status, maker.executed_qty, maker.remaining, maker.cum_quote) == (
        "PARTIALLY_FILLED",
        400,
        600,
        400 * px("77000"),
    )
    assert open_ids(sim) == [1]
    assert sim.book() == ([], [(px("77000"), 1, 600)])
    # The rest fills later; the maker leaves open orders FILLED.
    events = sim.place(3, "BUY", qty("0.6"), px("77000"))
    assert summary(events)[1][:4] == ("TRADE", 1, "FILLED", 1000)
    assert open_ids(sim) == []
    assert sim.book() == ([], [])


# --- time in force ---------------------------------------------------------------------------


def test_fok_that_cannot_fill_is_5021_and_changes_nothing() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.1"), px("77000"))
    before = sim.frozen()
    assert sim.place(2, "BUY", qty("0.2"), px("77000"), time_in_force="FOK") == [
        Rejected(
            code=-5021,
            msg="Due to the order could not be filled immediately, the FOK order has been "
            "rejected.",
        )
    ]
    assert sim.frozen() == before
    assert sim.state.next_order_id == 2
    events = sim.place(2, "BUY", qty("0.1"), px("77000"), time_in_force="FOK")
    assert [row[:4] for row in summary(events) if row[0] != "BALANCE"] == [
        ("NEW", 2, "NEW", 0),
        ("TRADE", 1, "FILLED", 100),
        ("TRADE", 2, "FILLED", 100),
    ]


def test_gtx_that_would_take_is_5022_and_changes_nothing() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.1"), px("77000"))
    before = sim.frozen()
    assert sim.place(2, "BUY", qty("0.1"), px("77000"), time_in_force="GTX") == [
        Rejected(
            code=-5022,
            msg="Due to the order could not be executed as maker, the Post Only order will be "
            "rejected.",
        )
    ]
    assert sim.frozen() == before
    order = only_order(sim.place(2, "BUY", qty("0.1"), px("76999.90"), time_in_force="GTX"))
    assert (order.order_id, order.time_in_force) == (2, "GTX")
    assert sim.book() == ([(px("76999.90"), 2, 100)], [(px("77000"), 1, 100)])


def test_ioc_remainder_expires() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.1"), px("77000"))
    sim.place(1, "SELL", qty("0.1"), px("77020"))
    events = sim.place(2, "BUY", qty("0.3"), px("77010"), time_in_force="IOC")
    assert [row[:4] for row in summary(events) if row[0] != "BALANCE"] == [
        ("NEW", 3, "NEW", 0),
        ("TRADE", 1, "FILLED", 100),
        ("TRADE", 3, "PARTIALLY_FILLED", 100),
        ("EXPIRED", 3, "EXPIRED", 100),
    ]
    assert open_ids(sim) == [2]
    assert sim.book() == ([], [(px("77020"), 2, 100)])


def test_market_order_on_an_empty_book_expires_without_fills() -> None:
    sim = Sim()
    before = sim.frozen()
    events = sim.place(1, "SELL", qty("0.1"))
    assert summary(events) == [("NEW", 1, "NEW", 0), ("EXPIRED", 1, "EXPIRED", 0)]
    after = sim.frozen()
    assert after["next_order_id"] == 2
    after["next_order_id"] = 1
    assert after == before  # no position, no wallet change, nothing open


# --- self-trade prevention -------------------------------------------------------------------


def test_stp_expire_maker_by_default_expires_own_maker_and_the_taker_goes_on() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.1"), px("77000"))  # 1: own, first in the queue
    sim.place(2, "SELL", qty("0.1"), px("77000"))  # 2
    events = sim.place(1, "BUY", qty("0.2"), px("77000"))  # 3
    assert summary(events) == [
        ("NEW", 3, "NEW", 0),
        ("TRADE", 2, "FILLED", 100, 1, px("77000"), 100, usd("1.54"), 0, True),
        ("BALANCE", 2, -usd("1.54"), FUNDS - usd("1.54"), 1),
        ("TRADE", 3, "PARTIALLY_FILLED", 100, 1, px("77000"), 100, usd("3.85"), 0, False),
        ("BALANCE", 1, -usd("3.85"), FUNDS - usd("3.85"), 1),
        ("EXPIRED", 1, "EXPIRED_IN_MATCH", 0),
    ]
    assert order_at(events, 0).stp_mode == "EXPIRE_MAKER"
    assert open_ids(sim) == [3]
    assert sim.book() == ([(px("77000"), 3, 100)], [])


def test_stp_expire_maker_with_only_own_liquidity_rests_the_taker_whole() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.1"), px("77000"))
    events = sim.place(1, "BUY", qty("0.1"), px("77000"))
    assert summary(events) == [("NEW", 2, "NEW", 0), ("EXPIRED", 1, "EXPIRED_IN_MATCH", 0)]
    assert sim.book() == ([(px("77000"), 2, 100)], [])
    assert (sim.wallet(1), sim.position(1)) == (FUNDS, None)


def test_stp_expire_taker_expires_the_taker_and_keeps_the_maker() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.1"), px("77000"))
    events = sim.place(1, "BUY", qty("0.1"), px("77000"), stp_mode="EXPIRE_TAKER")
    assert summary(events) == [("NEW", 2, "NEW", 0), ("EXPIRED", 2, "EXPIRED_IN_MATCH", 0)]
    assert open_ids(sim) == [1]
    assert sim.book() == ([], [(px("77000"), 1, 100)])


def test_stp_expire_both_expires_taker_and_maker() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.1"), px("77000"))
    events = sim.place(1, "BUY", qty("0.1"), px("77000"), stp_mode="EXPIRE_BOTH")
    assert summary(events) == [
        ("NEW", 2, "NEW", 0),
        ("EXPIRED", 1, "EXPIRED_IN_MATCH", 0),
        ("EXPIRED", 2, "EXPIRED_IN_MATCH", 0),
    ]
    assert open_ids(sim) == []
    assert sim.book() == ([], [])


# --- cancel ----------------------------------------------------------------------------------


UNKNOWN_ORDER = Rejected(code=-2011, msg="Unknown order sent.")


def test_cancel_by_order_id() -> None:
    sim = Sim()
    sim.place(1, "BUY", qty("0.1"), px("76000"))
    events = sim.cancel(1, order_id=1)
    assert summary(events) == [("CANCELED", 1, "CANCELED", 0)]
    assert open_ids(sim) == []
    assert sim.book() == ([], [])
    assert sim.cancel(1, order_id=1) == [UNKNOWN_ORDER]  # already closed


def test_cancel_by_client_order_id_keeps_the_partial_fill() -> None:
    sim = Sim()
    sim.place(1, "BUY", qty("0.3"), px("77000"), client_order_id="bid-1")
    sim.place(1, "BUY", qty("0.1"), px("76900"), client_order_id="bid-2")
    sim.place(2, "SELL", qty("0.1"))
    events = sim.cancel(1, client_order_id="bid-1")
    assert summary(events) == [("CANCELED", 1, "CANCELED", 100)]
    assert order_at(events, 0).client_order_id == "bid-1"
    assert open_ids(sim) == [2]
    assert sim.book() == ([(px("76900"), 2, 100)], [])


@pytest.mark.parametrize(
    ("account", "order_id", "client_order_id", "symbol"),
    [
        (2, 1, "", BTC),  # someone else's order
        (2, 0, "mine", BTC),  # someone else's client order id
        (1, 99, "", BTC),  # unknown id
        (1, 0, "nope", BTC),  # unknown client order id
        (1, 1, "", "ETHUSDT"),  # the order is on another symbol
    ],
)
def test_cancel_of_someone_elses_or_an_unknown_order_is_2011(
    account: int, order_id: int, client_order_id: str, symbol: str
) -> None:
    sim = Sim()
    sim.place(1, "BUY", qty("0.1"), px("76000"), client_order_id="mine")
    before = sim.frozen()
    assert sim.cancel(account, order_id, client_order_id, symbol) == [UNKNOWN_ORDER]
    assert sim.frozen() == before


# --- PnL: closing and flipping ---------------------------------------------------------------


def test_closing_trade_realizes_pnl_into_the_wallet() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.5"), px("77000"))
    sim.place(2, "BUY", qty("0.5"))  # account 1 short 0.5 at 77000, paid 7.7
    sim.place(3, "SELL", qty("0.5"), px("76000"))
    events = sim.place(1, "BUY", qty("0.5"))
    # realized 0.5 x (76000 - 77000) x -1 = +500; commission 0.5 x 76000 x 0.05 % = 19
    assert summary(events)[3:] == [
        ("TRADE", 4, "FILLED", 500, 2, px("76000"), 500, usd("19"), usd("500"), False),
        ("BALANCE", 1, usd("481"), usd("100473.3"), 2),
    ]
    assert sim.position(1) == Position(
        account_id=1,
        symbol=BTC,
        side="BOTH",
        qty=0,
        entry_price=0,
        realized_pnl=usd("500"),
        update_time=T0,
    )
    position_3 = sim.position(3)
    assert position_3 is not None
    assert (position_3.qty, position_3.entry_price) == (-500, 76_000 * USD)
    assert sim.wallet(3) == FUNDS - usd("7.6")


def test_losing_close_debits_the_wallet() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.2"), px("77000"))
    sim.place(2, "BUY", qty("0.2"))  # account 2 long 0.2 at 77000, paid 7.7
    sim.place(3, "BUY", qty("0.1"), px("76543.20"))
    events = sim.place(2, "SELL", qty("0.1"))
    # realized 0.1 x (76543.2 - 77000) = -45.68; commission 7654.32 x 0.05 % = 3.82716
    assert summary(events)[3:] == [
        ("TRADE", 4, "FILLED", 100, 2, px("76543.20"), 100, usd("3.82716"), -usd("45.68"), False),
        ("BALANCE", 2, -usd("49.50716"), FUNDS - usd("7.7") - usd("49.50716"), 2),
    ]
    position = sim.position(2)
    assert position is not None
    assert (position.qty, position.entry_price, position.realized_pnl) == (
        100,
        MARK,
        -usd("45.68"),
    )


def test_a_flip_realizes_the_closed_part_and_opens_the_rest_at_the_fill_price() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.5"), px("77000"))
    sim.place(2, "BUY", qty("0.5"))  # account 2 long 0.5 at 77000
    sim.place(3, "BUY", qty("0.8"), px("78000"))
    events = sim.place(2, "SELL", qty("0.8"))
    # realized 0.5 x (78000 - 77000) = 500; commission 0.8 x 78000 x 0.05 % = 31.2
    assert summary(events)[3:] == [
        ("TRADE", 4, "FILLED", 800, 2, px("78000"), 800, usd("31.2"), usd("500"), False),
        ("BALANCE", 2, usd("468.8"), FUNDS - usd("19.25") + usd("468.8"), 2),
    ]
    assert sim.position(2) == Position(
        account_id=2,
        symbol=BTC,
        side="BOTH",
        qty=-300,
        entry_price=78_000 * USD,
        realized_pnl=usd("500"),
        opening_fees=usd("11.7"),  # the excess's share of the flipping fill's commission
        update_time=T0,
    )
    position_3 = sim.position(3)
    assert position_3 is not None
    assert (position_3.qty, position_3.entry_price, position_3.realized_pnl) == (
        800,
        78_000 * USD,
        0,
    )
