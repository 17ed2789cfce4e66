"""Liquidation is checked after fills too, not only when a mark moves (core/exchange.py): a
fill at a price away from the mark can leave an account at or past 100 %, and it is liquidated
in the same command, as Binance's next risk check would (the choice pinned here).

Account 1 (1,000 USDT, 20x) bids 0.2 @ 77,000; the mark is then set to 72,300 (no position
yet: nothing to liquidate). Account 3 bids 0.1 @ 72,500. Account 2 sells 0.2 into account 1's
bid: account 1 is long 0.2 @ 77,000 at mark 72,300, balance 1,000 - 3.08 maker fee - 940 =
56.92 < maintenance 57.84: liquidated at once, its autoclose IOC selling into account 3's bid.
At mark 72,400 the same fill leaves 76.92 >= 57.84: no liquidation.
"""

from binance_sandbox.core.commands import Deposit, SetLeverage, SetMarkPrice
from binance_sandbox.core.events import ForceOrder, OrderUpdated
from tests.test_core_trading import BTC, USD, Sim, px, qty, usd


def filled_at(mark: str) -> tuple[Sim, list[object]]:
    sim = Sim(accounts=3, funds=1_000 * USD)
    sim.do(SetLeverage(account_id=1, symbol=BTC, leverage=20))
    sim.place(1, "BUY", qty("0.2"), px("77000"))
    assert not [e for e in sim.do(SetMarkPrice(symbol=BTC, price=usd(mark)))
                if isinstance(e, ForceOrder)]  # fmt: skip
    sim.do(Deposit(account_id=3, asset="USDT", amount=100_000 * USD))
    sim.place(3, "BUY", qty("0.1"), px("72500"))
    return sim, list(sim.place(2, "SELL", qty("0.2"), px("77000")))


def test_a_fill_that_leaves_an_account_past_100_percent_liquidates_it_at_once() -> None:
    sim, events = filled_at("72300")
    forces = [e for e in events if isinstance(e, ForceOrder)]
    assert [(f.auto_close_type, f.order.account_id) for f in forces] == [("LIQUIDATION", 1)]
    assert forces[0].order.client_order_id.startswith("autoclose-")
    fills = [e for e in events if isinstance(e, OrderUpdated) and e.trade]
    # the fill that opened the long comes first, the liquidation's after it
    assert (fills[0].order.account_id, fills[0].order.side) in {(1, "BUY"), (2, "SELL")}
    assert sim.state.positions["1:BTCUSDT:BOTH"].qty == 0
    assert sim.state.positions["3:BTCUSDT:BOTH"].qty == 100


def test_a_fill_that_leaves_the_account_above_maintenance_does_not() -> None:
    sim, events = filled_at("72400")
    assert not [e for e in events if isinstance(e, ForceOrder)]
    assert sim.state.positions["1:BTCUSDT:BOTH"].qty == 200
