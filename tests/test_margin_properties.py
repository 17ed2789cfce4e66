"""The margin model under random command sequences: deposits and withdrawals, leverage and
margin-type changes, isolated margin moves, LIMIT and MARKET orders, cancels and mark moves
by three accounts on BTCUSDT and ETHUSDT. After every step:

1. An accepted order that opens exposure never leaves its account's available balance
   (before the floor at 0) negative when it was not negative before; an order is refused
   only with a Binance code.
2. Money is conserved to the last unit: the wallets plus the commissions paid equal the
   transfers plus the realized PnL plus what liquidation moved (INSURANCE_CLEAR); isolated
   wallets are never negative, flat positions hold none, and every account's isolated wallets
   fit in its wallet.
3. Withdrawals never take margin in use: the available balance after an accepted one is not
   below 0 if it was not before.
At the end, replaying the stamped commands on a fresh Exchange gives the same state hash.

Not covered: margin totals kept incrementally (the model recomputes them from the state on
every check, so there is nothing incremental to compare against yet).
"""

from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from binance_sandbox.core.commands import (
    CancelAllOrders,
    Command,
    Deposit,
    ModifyPositionMargin,
    PlaceOrder,
    SetIndexPrices,
    SetLeverage,
    SetMarginType,
    Stamped,
    Withdraw,
)
from binance_sandbox.core.events import Event, OrderUpdated, Rejected, Trade
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.margin import account_risk
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.core.state_hash import state_hash
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
)


def free(state: ExchangeState, account_id: int) -> int:
    account = state.accounts[account_id - 1]
    return account_risk(state, account).asset("USDT", account).free


def opens(state: ExchangeState, cmd: PlaceOrder) -> bool:
    """Whether the order can add exposure: not reduce-only and not within the position."""
    position = state.positions.get(f"{cmd.account_id}:{cmd.symbol}:BOTH")
    size = position.qty if position else 0
    signed = cmd.quantity if cmd.side == "BUY" else -cmd.quantity
    return not cmd.reduce_only and abs(size + signed) > abs(size)


def check_money(state: ExchangeState, paid: dict[int, int]) -> None:
    for account in state.accounts:
        number = account.account_id
        transfers = sum(t.amount for t in account.transfers)
        mine = [p for p in state.positions.values() if p.account_id == number]
        realized = sum(p.realized_pnl for p in mine)
        cleared = sum(c.amount for c in state.insurance_clears if c.account_id == number)
        assert account.balance("USDT") + paid.get(number, 0) == transfers + realized + cleared
        for position in mine:
            assert position.isolated_wallet >= 0
            assert position.qty or not position.isolated_wallet
        assert sum(p.isolated_wallet for p in mine) <= max(0, account.balance("USDT"))


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
        events = sim.do(command)
        for account, amount in commissions(events).items():
            paid[account] = paid.get(account, 0) + amount
            fills += 1
        accepted = not any(isinstance(e, Rejected) for e in events)
        for event in events:
            if isinstance(event, Rejected):
                assert event.code < 0
        if accepted and before >= 0 and (opening or isinstance(command, Withdraw)):
            assert free(sim.state, who) >= 0, command
        check_money(sim.state, paid)
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
