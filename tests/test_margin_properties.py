"""The margin model under random command sequences: deposits and withdrawals, leverage,
margin-type and Multi-Assets mode changes, isolated margin moves, LIMIT and MARKET orders,
amendments, cancels and mark moves by three accounts on BTCUSDT and ETHUSDT. After every step:

1. An accepted order that opens exposure never leaves its account's available balance
   (before the floor at 0) negative when it was not negative before; an order is refused
   only with a Binance code. A MARKET order's margin is on at least its value at the mark
   (`core/order_margin.py`), so its fills past the mark cannot leave the account short; a
   LIMIT order's is on its limit, as Binance's FAQ prices a short under the mark, so one that
   fills on entry past the mark may leave it short by at most that loss over the leverage.
2. Money is conserved to the last unit: the wallets plus the commissions paid equal the
   transfers plus the realized PnL plus what liquidation moved (INSURANCE_CLEAR); isolated
   wallets are never negative, flat positions hold none, and every account's isolated wallets
   fit in its wallet.
3. Withdrawals never take margin in use: the available balance after an accepted one is not
   below 0 if it was not before.
4. The open orders' totals kept incrementally (`core/order_totals.py`: notional and open loss
   per position side, orders per symbol, closing quantity) equal a from-scratch recomputation
   over the open orders, and so do the account totals built on them (`account_risk`); totals
   rebuilt from a decoded snapshot equal the live ones.
At the end, replaying the stamped commands on a fresh Exchange gives the same state hash.
"""

from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from binance_sandbox.core import order_totals, reduce_only
from binance_sandbox.core.account_positions import SIDES
from binance_sandbox.core.commands import (
    AmendOrder,
    CancelAllOrders,
    CancelOrder,
    Command,
    Deposit,
    ModifyPositionMargin,
    PlaceOrder,
    SetIndexPrices,
    SetLeverage,
    SetMarginType,
    SetMultiAssetsMode,
    Stamped,
    Withdraw,
)
from binance_sandbox.core.events import Event, OrderUpdated, Rejected, Trade
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.margin import (
    OrderSums,
    account_risk,
    held_sides,
    mark_of,
    open_loss,
    order_notional,
    order_sums,
    symbol_config,
)
from binance_sandbox.core.margin_health import positions_of
from binance_sandbox.core.positions import Position, price_8
from binance_sandbox.core.state import ExchangeState, position_key
from binance_sandbox.core.state_hash import decode_state, encode_state, state_hash
from tests.test_core_trading import MARK, USD, Sim

SYMBOLS = ("BTCUSDT", "ETHUSDT")
PRICE_UNITS = {"BTCUSDT": 77_000 * 100, "ETHUSDT": 2_900 * 100}  # the start marks, 0.01 units
ETH_MARK = 2_900 * USD
FUNDS = 2_000 * USD
ACCOUNTS = (1, 2, 3)
# steps of 0.001: from just over MIN_NOTIONAL to about 30x the funds
QUANTITIES = {"BTCUSDT": (1, 5, 20, 100, 300, 800), "ETHUSDT": (10, 100, 1000, 5000, 20000)}

accounts = st.sampled_from(ACCOUNTS)
symbols = st.sampled_from(SYMBOLS)


@st.composite
def orders(draw: st.DrawFn) -> PlaceOrder:
    symbol = draw(symbols)
    mark = PRICE_UNITS[symbol]
    market = draw(st.booleans())
    offset = draw(st.sampled_from((-300, -40, -5, 0, 0, 5, 40, 300)))  # basis points off it
    price = 0 if market else (mark + mark * offset // 10_000) // 10 * 10 or 10
    return PlaceOrder(
        account_id=draw(accounts),
        symbol=symbol,
        side=draw(st.sampled_from(("BUY", "SELL"))),
        order_type="MARKET" if market else "LIMIT",
        quantity=draw(st.sampled_from(QUANTITIES[symbol])),
        price=price,
        reduce_only=draw(st.booleans()) and draw(st.booleans()),
    )


@st.composite
def crosses(draw: st.DrawFn) -> tuple[PlaceOrder, PlaceOrder]:
    """A resting LIMIT and another account's MARKET order against it: a fill."""
    resting = draw(orders())
    if resting.order_type == "MARKET":
        resting = msgspec.structs.replace(resting, order_type="LIMIT",
                                          price=PRICE_UNITS[resting.symbol])  # fmt: skip
    taker = msgspec.structs.replace(
        resting,
        account_id=draw(accounts.filter(lambda a: a != resting.account_id)),
        side="SELL" if resting.side == "BUY" else "BUY",
        order_type="MARKET",
        price=0,
        quantity=draw(st.sampled_from(QUANTITIES[resting.symbol])),
        reduce_only=False,
    )
    return resting, taker


marks = st.builds(
    lambda btc, eth: SetIndexPrices(
        prices={"BTCUSDT": MARK + btc * USD * 77, "ETHUSDT": ETH_MARK + eth * USD * 3},
        source="t",
    ),
    st.integers(min_value=-40, max_value=40),  # up to 4 % either way
    st.integers(min_value=-40, max_value=40),
)
amounts = st.integers(min_value=1, max_value=3_000 * USD)
order_ids = st.integers(min_value=1, max_value=40)


@st.composite
def amendments(draw: st.DrawFn) -> AmendOrder:
    """A new price and quantity for an order id that may be open (most are not)."""
    symbol = draw(symbols)
    offset = draw(st.sampled_from((-300, -40, 0, 40, 300)))
    mark = PRICE_UNITS[symbol]
    return AmendOrder(
        account_id=draw(accounts),
        symbol=symbol,
        side=draw(st.sampled_from(("BUY", "SELL"))),
        quantity=draw(st.sampled_from(QUANTITIES[symbol])),
        price=(mark + mark * offset // 10_000) // 10 * 10,
        order_id=draw(order_ids),
    )


commands = st.one_of(
    orders(),
    crosses(),
    crosses(),
    marks,
    st.builds(Deposit, account_id=accounts, asset=st.just("USDT"), amount=amounts),
    st.builds(Withdraw, account_id=accounts, asset=st.just("USDT"), amount=amounts),
    st.builds(
        SetLeverage,
        account_id=accounts,
        symbol=symbols,
        leverage=st.integers(min_value=1, max_value=150),
    ),
    st.builds(SetMarginType, account_id=accounts, symbol=symbols, isolated=st.booleans()),
    st.builds(
        ModifyPositionMargin,
        account_id=accounts,
        symbol=symbols,
        position_side=st.just("BOTH"),
        amount=st.integers(1, 200 * USD),
        kind=st.sampled_from((1, 2)),
    ),
    st.builds(CancelAllOrders, account_id=accounts, symbol=symbols),
    st.builds(CancelOrder, account_id=accounts, symbol=symbols, order_id=order_ids),
    amendments(),
    st.builds(SetMultiAssetsMode, account_id=accounts, on=st.booleans()),
)


def free(state: ExchangeState, account_id: int) -> int:
    account = state.accounts[account_id - 1]
    return account_risk(state, account).asset("USDT", account).free


def limit_gap(state: ExchangeState, cmd: PlaceOrder) -> int:
    """How far below 0 a LIMIT order filled on entry may leave the available balance: its loss
    at its limit against the mark, over the leverage (FORMULAS §3.2: margin at the limit)."""
    if cmd.order_type != "LIMIT":
        return 0
    instrument = state.instruments[cmd.symbol]
    price, mark = price_8(cmd.price, instrument.price_decimals), mark_of(state, instrument)
    loss = open_loss(instrument, cmd.side == "BUY", cmd.quantity, price, mark)
    leverage = symbol_config(state.accounts[cmd.account_id - 1], instrument).leverage
    return -(-loss // leverage) + 1  # rounded up, and a unit for the margins' own rounding


def opens(state: ExchangeState, cmd: PlaceOrder) -> bool:
    """Whether the order can add exposure: not reduce-only and not within the position."""
    position = state.positions.get(f"{cmd.account_id}:{cmd.symbol}:BOTH")
    size = position.qty if position else 0
    signed = cmd.quantity if cmd.side == "BUY" else -cmd.quantity
    return not cmd.reduce_only and abs(size + signed) > abs(size)


def check_money(state: ExchangeState, paid: dict[int, int]) -> None:
    for account in state.accounts:
        number = account.account_id
        transfers = account.transferred.get("USDT", 0)
        mine = [p for p in state.positions.values() if p.account_id == number]
        realized = sum(p.realized_pnl for p in mine)
        cleared = sum(c.amount for c in state.insurance_clears if c.account_id == number)
        assert account.balance("USDT") + paid.get(number, 0) == transfers + realized + cleared
        for position in mine:
            assert position.isolated_wallet >= 0
            assert position.qty or not position.isolated_wallet
        assert sum(p.isolated_wallet for p in mine) <= max(0, account.balance("USDT"))


def from_scratch(state: ExchangeState, account_id: int) -> dict[tuple[str, str], OrderSums]:
    """The account's open orders summed per position side by walking every open order."""
    groups: dict[tuple[str, str], OrderSums] = {}
    for order in state.open_orders.values():
        if order.account_id != account_id:
            continue
        instrument = state.instruments[order.symbol]
        price, mark = price_8(order.price, instrument.price_decimals), mark_of(state, instrument)
        loss = open_loss(instrument, order.is_buy, order.remaining, price, mark)
        notional = order_notional(instrument, order.remaining, order.price)
        groups.setdefault((order.symbol, order.position_side), OrderSums()).add(
            order.is_buy, notional, loss
        )
    return groups


def walked_sides(
    state: ExchangeState, account_id: int, groups: dict[tuple[str, str], OrderSums]
) -> list[tuple[Instrument, str]]:
    """Every instrument's every side looked at, in symbol order: what `held_sides` finds."""
    return [
        (instrument, side)
        for symbol, instrument in sorted(state.instruments.items())
        for side in SIDES
        if (symbol, side) in groups
        or state.positions.get(
            position_key(account_id, symbol, side), Position(account_id=0, symbol="", side=side)
        ).qty
    ]


def walked_positions(state: ExchangeState, account_id: int) -> list[Position]:
    """Every instrument's every side looked at, in the instruments' order: `positions_of`."""
    keys = [
        position_key(account_id, symbol, side) for symbol in state.instruments for side in SIDES
    ]
    return [p for key in keys if (p := state.positions.get(key)) is not None and p.qty]


def check_totals(state: ExchangeState) -> None:
    rebuilt = decode_state(encode_state(state))
    for account in state.accounts:
        number = account.account_id
        scratch = from_scratch(state, number)
        assert order_sums(state, number) == scratch
        assert order_sums(rebuilt, number) == scratch
        assert account_risk(state, account) == account_risk(state, account, scratch)
        for exchange in (state, rebuilt):  # the account's own positions, not a walk: the same
            assert held_sides(exchange, account, scratch) == walked_sides(exchange, number, scratch)
            assert positions_of(exchange, number) == walked_positions(exchange, number)
        mine = [o for o in state.open_orders.values() if o.account_id == number]
        for symbol in SYMBOLS:
            on_symbol = [o for o in mine if o.symbol == symbol]
            assert order_totals.count_on(state, number, symbol) == len(on_symbol)
            for side in ("BUY", "SELL"):
                closing = [o for o in on_symbol if o.side == side and o.reduce_only]
                pending = reduce_only.pending(state, number, symbol, "BOTH", side)
                assert pending == sum(o.remaining for o in closing)
        for order in mine:
            found = order_totals.order_id_of(state, number, order.client_order_id)
            assert found == order.order_id


def commissions(events: list[Event]) -> dict[int, int]:
    paid: dict[int, int] = {}
    for event in events:
        if isinstance(event, OrderUpdated) and isinstance(event.trade, Trade):
            account = event.order.account_id
            paid[account] = paid.get(account, 0) + event.trade.commission
    return paid


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, min_size=5, max_size=60))
def test_margin_invariants(drawn: list[Command | tuple[PlaceOrder, PlaceOrder]]) -> None:
    steps = [c for item in drawn for c in (item if isinstance(item, tuple) else (item,))]
    sim = Sim(accounts=3, funds=FUNDS)
    sim.do(SetIndexPrices(prices={"ETHUSDT": ETH_MARK}, source="t"))
    paid: dict[int, int] = {}
    fills = 0
    for command in steps:
        state = sim.state
        who = getattr(command, "account_id", 0)
        before = free(state, who) if who else 0
        opening = isinstance(command, PlaceOrder) and opens(state, command)
        gap = limit_gap(state, command) if isinstance(command, PlaceOrder) else 0
        events = sim.do(command)
        for account, amount in commissions(events).items():
            paid[account] = paid.get(account, 0) + amount
            fills += 1
        accepted = not any(isinstance(e, Rejected) for e in events)
        for event in events:
            if isinstance(event, Rejected):
                assert event.code < 0
        if accepted and before >= 0 and (opening or isinstance(command, Withdraw)):
            assert free(sim.state, who) >= -gap, command
        check_money(sim.state, paid)
        check_totals(sim.state)
    target(fills, label="fills")
    replayed = Exchange()
    for stamped in sim.log:
        replayed.apply(msgspec.msgpack.decode(msgspec.msgpack.encode(stamped), type=Stamped))
    assert state_hash(replayed.state) == state_hash(sim.state)


def test_the_generator_reaches_fills_and_refusals() -> None:
    """The sequences above trade and get refused: a fixed example as a check of the ranges."""
    sim = Sim(accounts=3, funds=FUNDS)
    seen: dict[str, Any] = {"fills": 0, "refused": set()}
    sim.place(2, "SELL", 20, PRICE_UNITS["BTCUSDT"])
    for events in (sim.place(1, "BUY", 20), sim.place(1, "BUY", 800, PRICE_UNITS["BTCUSDT"])):
        seen["fills"] += sum(1 for e in events if isinstance(e, OrderUpdated) and e.trade)
        seen["refused"] |= {e.code for e in events if isinstance(e, Rejected)}
    assert seen == {"fills": 2, "refused": {-2019}}
