"""Funding under random command sequences: the margin property test's orders, fills, marks,
transfers, leverage and margin-type changes (tests/test_margin_properties.py), with funding
settlements between them after clock jumps of 1 to 17 hours, at the computed rate or at a
random replayed one, and a last jump of 20 funding intervals. After every step:

1. Money is conserved to the last unit, per account: wallet + commissions paid = transfers +
   realized PnL + funding received; for an account a funding fee got liquidated (the
   settlement runs the liquidation check: its clearance fee and cleared loss move money to and
   from the insurance fund), across the exchange with the fund, as
   tests/test_liquidation_properties.py counts it.
2. Funding is balanced: the sum over all accounts of funding received plus the exchange's
   funding balance (the rounding of each fee, core/funding.py) is zero. On Binance funding is
   peer-to-peer; here every fill has two sides, so longs and shorts always net and the
   exchange's side holds the rounding only.
3. Each fee is exactly -Q x mark x rate (8 decimals, half away from zero) of the position as
   it stood, at the settled mark and rate; an isolated position's isolated wallet moves by it.
Per run at least 20 fundings settle (asserted); replaying the stamped commands on a fresh
Exchange gives the same state hash.
"""

import msgspec
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from binance_sandbox.core.commands import Command, PlaceOrder, SettleFunding, Stamped
from binance_sandbox.core.events import Event, ForceOrder, FundingFeeCharged, FundingSettled
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.premium import funding_fee
from binance_sandbox.core.state import ExchangeState
from binance_sandbox.core.state_hash import state_hash
from tests.test_core_trading import INSTRUMENTS, Sim
from tests.test_liquidation_properties import check_money as check_with_the_fund
from tests.test_margin_properties import ETH_MARK, FUNDS, SYMBOLS, commands, commissions

HOUR = 3_600_000
QTY_DECIMALS = {i.symbol: i.qty_decimals for i in INSTRUMENTS}


class Funding(msgspec.Struct, frozen=True):
    """A clock jump of `hours`, then the funding timer's firing (with a replayed rate)."""

    hours: int
    rates: dict[str, int]


fundings = st.builds(
    Funding,
    hours=st.sampled_from((1, 5, 8, 17)),
    rates=st.dictionaries(
        st.sampled_from(SYMBOLS), st.integers(-300_000, 300_000), max_size=2
    ),  # replayed rates within ±0.3 %
)
steps = st.lists(st.one_of(commands, fundings, fundings), min_size=5, max_size=50)


def holdings(state: ExchangeState) -> dict[tuple[int, str, str], tuple[int, int]]:
    """(account, symbol, side) -> (size, isolated wallet) of every position."""
    return {
        (p.account_id, p.symbol, p.side): (p.qty, p.isolated_wallet)
        for p in state.positions.values()
    }


def check_fees(events: list[Event], before: dict[tuple[int, str, str], tuple[int, int]]) -> None:
    settled: dict[tuple[str, int], FundingSettled] = {}
    moved: dict[tuple[int, str, str], int] = {}
    for event in events:
        if isinstance(event, FundingSettled):
            settled[(event.symbol, event.time)] = event
        elif isinstance(event, FundingFeeCharged):
            rate = settled[(event.symbol, event.time)]
            key = (event.account_id, event.symbol, event.position_side)
            size, _ = before[key]
            decimals = QTY_DECIMALS[event.symbol]
            assert event.amount == funding_fee(size, decimals, rate.mark, rate.rate)
            if event.isolated:
                moved[key] = moved.get(key, 0) + event.amount
    for key, amount in moved.items():
        assert before[key][1] + amount == event_wallet(events, key)


def event_wallet(events: list[Event], key: tuple[int, str, str]) -> int:
    """The isolated wallet the last fee of the position left."""
    last = [e for e in events if isinstance(e, FundingFeeCharged)
            and (e.account_id, e.symbol, e.position_side) == key]  # fmt: skip
    return last[-1].isolated_wallet


def check_money(
    state: ExchangeState, paid: dict[int, int], received: dict[int, int], forced: set[int]
) -> None:
    check_with_the_fund(state, sum(paid.values()))
    for account in state.accounts:
        number = account.account_id
        if number in forced:  # liquidated: the fund's clearance fee is no trade's
            continue
        transfers = account.transferred.get("USDT", 0)
        realized = sum(p.realized_pnl for p in state.positions.values() if p.account_id == number)
        assert account.balance("USDT") + paid.get(number, 0) == (
            transfers + realized + received.get(number, 0)
        )
    assert sum(received.values()) + state.funding_balance.get("USDT", 0) == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_funding_conserves_money(
    drawn: list[Command | tuple[PlaceOrder, PlaceOrder] | Funding],
) -> None:
    sim = Sim(accounts=3, funds=FUNDS)
    sim.do(msgspec.convert({"type": "set_index_prices", "prices": {"ETHUSDT": ETH_MARK},
                            "source": "t"}, Command))  # fmt: skip
    paid: dict[int, int] = {}
    received: dict[int, int] = {}
    forced: set[int] = set()
    settlements = 0
    drawn = [*drawn, Funding(hours=20 * 8, rates={})]
    for item in drawn:
        if isinstance(item, Funding):
            before = holdings(sim.state)
            events = sim.do(SettleFunding(rates=item.rates), ts=sim.ts + item.hours * HOUR)
            check_fees(events, before)
            settlements += sum(isinstance(e, FundingSettled) for e in events)
        else:
            events = []
            for command in item if isinstance(item, tuple) else (item,):
                events += sim.do(command)
        for account, amount in commissions(events).items():
            paid[account] = paid.get(account, 0) + amount
        for event in events:
            if isinstance(event, FundingFeeCharged):
                received[event.account_id] = received.get(event.account_id, 0) + event.amount
            elif isinstance(event, ForceOrder):
                forced.add(event.order.account_id)
        check_money(sim.state, paid, received, forced)
    assert settlements >= 20
    target(float(len(received)), label="accounts with funding")
    replayed = Exchange()
    for stamped in sim.log:
        replayed.apply(msgspec.msgpack.decode(msgspec.msgpack.encode(stamped), type=Stamped))
    assert state_hash(replayed.state) == state_hash(sim.state)
