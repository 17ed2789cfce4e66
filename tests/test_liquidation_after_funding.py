"""Liquidation and margin calls are checked after a funding settlement too (core/exchange.py):
a funding fee can push a scope past 80 % or 100 % without any mark move, and it is handled in
the settling command, as after a mark change.

Account 1 (1,000 USDT, 20x) is long 0.2 @ 77,000 at mark 72,400: balance 1,000 - 3.08 maker
fee = 996.92, unrealized -920, margin balance 76.92 against maintenance 57.84 (75 %). Funding
at the long's expense, charged on the 14,480 notional:
- at 0.1 % (14.48) the margin balance is 62.44: 92.6 %, a margin call;
- at 0.3 % (43.44) it is 33.48, below maintenance: liquidated at once.
At 0.01 % (1.448) it stays at 76 %: neither.
"""

from binance_sandbox.core.commands import Deposit, SetLeverage, SetMarkPrice, SettleFunding
from binance_sandbox.core.events import Event, ForceOrder, FundingFeeCharged, MarginCall
from tests.test_core_trading import BTC, T0, USD, Sim, px, qty, usd

HOUR = 3_600_000
FUNDING_TIME = T0 - T0 % (8 * HOUR) + 8 * HOUR


def funded_at(rate: int) -> tuple[Sim, list[Event]]:
    sim = Sim(accounts=3, funds=1_000 * USD)
    sim.do(SetLeverage(account_id=1, symbol=BTC, leverage=20))
    sim.place(1, "BUY", qty("0.2"), px("77000"))
    sim.do(SetMarkPrice(symbol=BTC, price=usd("72400")))
    sim.do(Deposit(account_id=3, asset="USDT", amount=100_000 * USD))
    sim.place(3, "BUY", qty("0.2"), px("72000"))
    before = list(sim.place(2, "SELL", qty("0.2"), px("77000")))
    assert not [e for e in before if isinstance(e, ForceOrder | MarginCall)]
    assert sim.state.positions["1:BTCUSDT:BOTH"].qty == 200
    return sim, sim.do(SettleFunding(rates={BTC: rate}), ts=FUNDING_TIME)


def fee_of(events: list[Event]) -> int:
    (fee,) = [e.amount for e in events if isinstance(e, FundingFeeCharged) and e.account_id == 1]
    return fee


def test_a_funding_fee_past_maintenance_liquidates_at_once() -> None:
    sim, events = funded_at(300_000)  # 0.3 %
    assert fee_of(events) == -usd("43.44")
    forces = [e for e in events if isinstance(e, ForceOrder)]
    assert [(f.auto_close_type, f.order.account_id) for f in forces] == [("LIQUIDATION", 1)]
    assert sim.state.positions["1:BTCUSDT:BOTH"].qty == 0


def test_a_funding_fee_past_80_percent_calls_margin_at_once() -> None:
    sim, events = funded_at(100_000)  # 0.1 %
    assert fee_of(events) == -usd("14.48")
    calls = [e for e in events if isinstance(e, MarginCall)]
    assert [c.account_id for c in calls] == [1]
    assert not [e for e in events if isinstance(e, ForceOrder)]
    assert sim.state.positions["1:BTCUSDT:BOTH"].qty == 200


def test_a_small_fee_calls_nothing() -> None:
    _, events = funded_at(10_000)  # 0.01 %
    assert fee_of(events) == -usd("1.448")
    assert not [e for e in events if isinstance(e, ForceOrder | MarginCall)]
