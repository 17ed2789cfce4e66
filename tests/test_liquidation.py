"""Liquidation, the insurance fund and ADL in the core (FORMULAS.md §4.4-§4.6), driven by
`SetMarkPrice` (the admin mark lever) on the exchange of test_core_trading (BTCUSDT at 77,000,
2025 brackets: 0.4 % to 300,000, liquidationFee 1.25 %, taker 0.05 %, maker 0.02 %)."""

from fractions import Fraction

from binance_sandbox.core.bankruptcy import bankruptcy_price, on_tick_grid
from binance_sandbox.core.commands import (
    Deposit,
    PlaceAlgoOrder,
    SetInsuranceFund,
    SetLeverage,
    SetMarginType,
    SetMarkPrice,
    SetPositionMode,
)
from binance_sandbox.core.events import (
    AlgoUpdated,
    BalanceChanged,
    Event,
    ForceOrder,
    InsuranceFundChanged,
    MarginCall,
    OrderUpdated,
)
from binance_sandbox.core.forced_orders import ADL_CLIENT_ORDER_ID
from binance_sandbox.core.liquidation import adl_rank
from binance_sandbox.core.positions import Position
from binance_sandbox.core.state import ExchangeState
from tests.test_core_trading import BTC, INSTRUMENTS, USD, Sim, px, qty, usd

BTCUSDT = next(i for i in INSTRUMENTS if i.symbol == BTC)


def f(text: str) -> Fraction:
    return Fraction(text)


def test_adl_rank_of_the_formulas_example_is_one_half() -> None:
    """§4.6: long 1 BTC from 50,000, mark 55,000, margin 5,000: PnL% 5,000 / 55,000, effective
    leverage 55,000 / (5,000 + 5,000) = 5.5, rank 0.5; a loss divides by the leverage."""
    assert adl_rank(usd("5000"), usd("55000"), usd("5000")) == Fraction(1, 2)
    assert adl_rank(usd("-1000"), usd("49000"), usd("5000")) == Fraction(-1000, 49000) / Fraction(
        49000, 4000
    )


def test_bankruptcy_price_of_the_real_isolated_row_and_a_short() -> None:
    """§4.4 on the §4.2 row: long 0.003 @ 37,140 on an isolated wallet of 2.21147021:
    BP = 37,140 - 2.21147021 / 0.003; a short of the same: 37,140 + 2.21147021 / 0.003.
    On the tick grid (0.10) the long's rounds up, the short's down."""
    long = Position(account_id=1, symbol=BTC, side="BOTH", qty=3, entry_price=usd("37140"))
    wallet = usd("2.21147021")
    expected = f("37140") - f("2.21147021") / f("0.003")
    assert bankruptcy_price(BTCUSDT, long, wallet, 0) == expected  # 36402.843263333...
    assert on_tick_grid(BTCUSDT, expected, closing_long=True) == px("36402.9")
    short = Position(account_id=1, symbol=BTC, side="BOTH", qty=-3, entry_price=usd("37140"))
    assert bankruptcy_price(BTCUSDT, short, wallet, 0) == f("37140") + f("2.21147021") / f("0.003")
    assert on_tick_grid(BTCUSDT, f("37877.156736"), closing_long=False) == px("37877.1")


def test_cross_bankruptcy_price_counts_the_other_positions_upnl() -> None:
    """Cross: UPNL1 of the other cross positions moves the price as in §4.1 (MMR = cum = 0):
    long 0.2 @ 77,000 on 1,000 with +100 elsewhere: 77,000 - 1,100 / 0.2 = 71,500."""
    long = Position(account_id=1, symbol=BTC, side="BOTH", qty=200, entry_price=usd("77000"))
    assert bankruptcy_price(BTCUSDT, long, usd("1000"), usd("100")) == 71_500


def long_at_20x(funds: int = 1_000) -> Sim:
    """Account 1 long 0.2 BTC @ 77,000 at 20x (wallet 1,000 - 7.70 taker fee = 992.30, so
    BP = 77,000 - 992.30 / 0.2 = 72,038.50); account 3 bids 0.1 @ 72,500."""
    sim = Sim(accounts=3, funds=funds * USD)
    sim.do(SetLeverage(account_id=1, symbol=BTC, leverage=20))
    sim.place(2, "SELL", qty("0.2"), px("77000"))
    sim.place(1, "BUY", qty("0.2"))
    sim.do(Deposit(account_id=3, asset="USDT", amount=100_000 * USD))
    sim.place(3, "BUY", qty("0.1"), px("72500"))
    return sim


def _of(events: list[Event], kind: type) -> list:  # type: ignore[type-arg]
    return [e for e in events if isinstance(e, kind)]


def test_a_cross_long_is_liquidated_into_the_book_then_taken_over_by_the_fund() -> None:
    """At mark 72,300 (balance 992.30 - 940 = 52.30 < MM 57.84) the IOC autoclose sells at
    BP 72,038.50: 0.1 fills on the bid at 72,500 (taker fee 3.625), the fund takes 0.1 at BP.
    The clearance fee (1.25 % of 14,453.85 = 180.67) is capped at what is left: 42.525."""
    sim = long_at_20x()
    sim.place(1, "SELL", qty("0.1"), px("90000"))  # an open order: expires with er 5
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("72300")))
    (expired,) = [e for e in _of(events, OrderUpdated) if e.execution == "EXPIRED"]
    assert expired.expiry_reason == 5
    assert expired.order.price == px("90000")
    (force,) = _of(events, ForceOrder)
    order = force.order
    assert force.auto_close_type == "LIQUIDATION"
    assert order.client_order_id.startswith("autoclose-")
    assert (order.side, order.time_in_force, order.status) == ("SELL", "IOC", "FILLED")
    assert order.price == px("72038.5")
    assert force.bankruptcy_price == usd("72038.5")
    assert order.cum_quote == px("72500") * 100 + px("72038.5") * 100
    fee = _of(events, BalanceChanged)[-1]
    assert (fee.reason, fee.delta, fee.balance) == ("INSURANCE_CLEAR", -usd("42.525"), 0)
    state = sim.state
    assert state.positions["1:BTCUSDT:BOTH"].qty == 0
    assert state.insurance.balances["USDT"] == usd("42.525")
    fund = state.insurance.positions[BTC]
    assert (fund.qty, fund.entry_price) == (100, usd("72038.5"))
    assert state.insurance_clears[0].amount == -usd("42.525")
    assert _open_interest(state) == 0
    # income tranIds: the command's seq x 1,000,000 + place, never a transfer's (its seq)
    assert fee.tran_id == state.insurance_clears[0].tran_id == state.last_seq * 1_000_000 + 1


def _open_interest(state: ExchangeState) -> int:
    """Net of every position on BTCUSDT, the fund's included: 0 when every long has a short."""
    traders = sum(p.qty for p in state.positions.values() if p.symbol == BTC)
    fund = state.insurance.positions.get(BTC)
    return traders + (fund.qty if fund else 0)


def test_a_margin_call_comes_once_past_80_percent() -> None:
    """Balance at mark 72,450: 992.30 - 910 = 82.30, MM 57.96: 70 %; at 72,350: 62.30 vs
    57.88: 93 %, one MARGIN_CALL; the next move within the band calls no more."""
    sim = long_at_20x()
    assert not _of(sim.do(SetMarkPrice(symbol=BTC, price=usd("72450"))), MarginCall)
    (call,) = _of(sim.do(SetMarkPrice(symbol=BTC, price=usd("72350"))), MarginCall)
    assert call.cross_wallet == usd("992.3")
    (row,) = call.positions
    assert (row.symbol, row.qty, row.mark, row.upnl) == (BTC, 200, usd("72350"), -usd("930"))
    assert row.maint == usd("57.88")
    assert not _of(sim.do(SetMarkPrice(symbol=BTC, price=usd("72340"))), MarginCall)


def test_a_bankrupt_position_the_empty_fund_cannot_take_is_deleveraged() -> None:
    """Mark 71,000 is past BP 72,038.50 and the book is empty: the fund (0) would be under
    water, so the short of account 2 (the only opposite position) is closed at BP with no
    fee, its open order cancelled, by an `adl_autoclose` order."""
    sim = long_at_20x()
    sim.cancel(3, symbol=BTC, order_id=3)
    sim.place(2, "SELL", qty("0.05"), px("80000"))
    wallet_2 = sim.state.accounts[1].balance("USDT")
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("71000")))
    forces = _of(events, ForceOrder)
    assert [e.auto_close_type for e in forces] == ["ADL", "LIQUIDATION"]
    adl = forces[0].order
    assert (adl.client_order_id, adl.account_id, adl.side, adl.status) == (
        ADL_CLIENT_ORDER_ID,
        2,
        "BUY",
        "FILLED",
    )
    assert adl.price == px("72038.5")
    assert adl.executed_qty == 200
    assert forces[1].order.client_order_id.startswith("autoclose-")
    cancelled = [e for e in _of(events, OrderUpdated) if e.execution == "CANCELED"]
    assert [e.order.account_id for e in cancelled] == [2]
    assert all(e.trade.commission == 0 for e in _of(events, OrderUpdated) if e.trade)
    # the short from 77,000 realizes 0.2 x (77,000 - 72,038.50), no fee
    assert sim.state.accounts[1].balance("USDT") == wallet_2 + usd("992.3")
    assert sim.state.positions["2:BTCUSDT:BOTH"].qty == 0
    assert sim.state.accounts[0].balance("USDT") == 0
    assert _open_interest(sim.state) == 0


def test_a_funded_insurance_takes_the_bankrupt_position_instead() -> None:
    """The same crash with 10,000 in the fund: it buys 0.2 at BP (under water by 207.70 at
    71,000 but solvent), no ADL; the admin setting counts as a deposit into the fund."""
    sim = long_at_20x()
    sim.cancel(3, symbol=BTC, order_id=3)
    (set_fund,) = sim.do(SetInsuranceFund(asset="USDT", balance=10_000 * USD))
    assert isinstance(set_fund, InsuranceFundChanged)
    assert set_fund.reason == "ADMIN"
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("71000")))
    assert [e.auto_close_type for e in _of(events, ForceOrder)] == ["LIQUIDATION"]
    assert sim.state.insurance.positions[BTC].qty == 200
    assert sim.state.positions["2:BTCUSDT:BOTH"].qty == -200
    assert sim.state.insurance.deposits["USDT"] == 10_000 * USD


def test_a_large_cross_position_is_cut_to_the_lower_bracket_first() -> None:
    """Long 5 BTC @ 77,000 at 50x on 8,000 (wallet 7,807.50 after the taker fee): at mark
    75,750 the balance 1,557.50 is under MM 378,750 x 0.5 % - 300 = 1,593.75 (bracket 2). The
    IOC sells only what brings the notional to bracket 1 (keeps 3.960: 299,970): 1.040 at the
    75,900 bid (-1,144, fee 39.468). Then balance 1,674.032 vs MM 1,199.88: healthy, and the
    clearance fee (1.25 % of 78,936 = 986.70) is capped below the 474.152 above MM."""
    sim = Sim(accounts=3, funds=8_000 * USD)
    sim.do(SetLeverage(account_id=1, symbol=BTC, leverage=50))
    sim.do(Deposit(account_id=2, asset="USDT", amount=100_000 * USD))
    sim.do(Deposit(account_id=3, asset="USDT", amount=1_000_000 * USD))
    sim.place(2, "SELL", qty("5"), px("77000"))
    sim.place(1, "BUY", qty("5"))
    sim.place(3, "BUY", qty("10"), px("75900"))
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("75750")))
    (force,) = _of(events, ForceOrder)
    assert (force.order.orig_qty, force.order.executed_qty) == (1040, 1040)
    assert sim.state.positions["1:BTCUSDT:BOTH"].qty == 3960
    fee = _of(events, BalanceChanged)[-1]
    assert (fee.reason, fee.delta) == ("INSURANCE_CLEAR", -usd("474.152") + 1)


def test_an_isolated_position_is_liquidated_alone() -> None:
    """Isolated long 0.2 @ 77,000 at 20x: wallet 770 (BP 73,150); cross money untouched but
    for the taker fees; the bid at 73,500 takes it all, the fee is capped at what is left."""
    sim = Sim(accounts=3, funds=5_000 * USD)
    sim.do(SetMarginType(account_id=1, symbol=BTC, isolated=True))
    sim.do(SetLeverage(account_id=1, symbol=BTC, leverage=20))
    sim.place(2, "SELL", qty("0.2"), px("77000"))
    sim.place(1, "BUY", qty("0.2"))
    sim.place(3, "BUY", qty("0.2"), px("73500"))
    wallet = sim.state.accounts[0].balance("USDT")
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("73400")))
    (force,) = _of(events, ForceOrder)
    assert force.order.price == px("73150")
    loss = usd("700") + usd("7.35")  # 0.2 x 3,500 and the taker fee on 14,700
    fee = usd("770") - loss  # all that is left of the isolated wallet (1.25 % is 183.75)
    assert sim.state.accounts[0].balance("USDT") == wallet - loss - fee
    assert sim.state.insurance.balances["USDT"] == fee


def test_a_negative_balance_is_cleared_by_the_fund() -> None:
    """The liquidation fill at BP pays the taker fee (7.20385) beyond bankruptcy: the fund pays
    the account back to 0 (INSURANCE_CLEAR +7.20385) out of what it holds."""
    sim = long_at_20x()
    sim.cancel(3, symbol=BTC, order_id=3)
    sim.do(SetInsuranceFund(asset="USDT", balance=100 * USD))
    sim.place(3, "BUY", qty("0.2"), px("72038.5"))
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("72300")))
    (cleared,) = [e for e in _of(events, BalanceChanged) if e.reason == "INSURANCE_CLEAR"]
    taker_fee = usd("7.20385")  # 0.05 % of 0.2 x 72,038.50
    assert cleared.delta == taker_fee
    assert cleared.balance == 0
    assert sim.state.insurance.balances["USDT"] == 100 * USD - taker_fee


def test_a_cross_liquidation_expires_the_accounts_conditional_orders() -> None:
    """A waiting STOP_MARKET (trigger 60,000, under the crash) ends EXPIRED with the
    liquidation, before it could fire (Binance cancels all of a liquidated account's orders)."""
    sim = long_at_20x()
    placed = sim.do(PlaceAlgoOrder(account_id=1, symbol=BTC, side="SELL",
                                   order_type="STOP_MARKET", quantity=qty("0.2"),
                                   trigger_price=px("60000"), reduce_only=True))  # fmt: skip
    assert _of(placed, AlgoUpdated)
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("72300")))
    (ended,) = _of(events, AlgoUpdated)
    assert (ended.algo.status, ended.algo.reason) == ("EXPIRED", "Account liquidated")
    assert not sim.state.open_algo_ids


def test_the_admin_mark_lever_triggers_mark_price_conditional_orders() -> None:
    """A MARK_PRICE stop waits for the mark at 75,000; the lever at 74,900 (far from
    liquidation) fires it like an index tick would: it sells the long into the bid."""
    sim = long_at_20x()
    sim.do(PlaceAlgoOrder(account_id=1, symbol=BTC, side="SELL", order_type="STOP_MARKET",
                          quantity=qty("0.1"), trigger_price=px("75000"),
                          working_type="MARK_PRICE", reduce_only=True))  # fmt: skip
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("74900")))
    assert [e.algo.status for e in _of(events, AlgoUpdated)][:2] == ["TRIGGERING", "TRIGGERED"]
    assert not _of(events, ForceOrder)
    assert sim.state.positions["1:BTCUSDT:BOTH"].qty == qty("0.1")


def test_hedge_mode_cross_the_short_profit_counts_in_the_longs_bankruptcy_price() -> None:
    """Hedge, 50x: LONG 0.4 and SHORT 0.1 from 77,000 on 980.75. At mark 74,200 the short's
    +280 is UPNL1 of the long's bankruptcy price: 77,000 - (980.75 + 280) / 0.4 = 73,848.125
    (73,848.20 on the tick). The long is sold into the 74,000 bid; the short stays, carrying
    the account: its wallet is negative but its margin balance is not, and it is under 100 %."""
    sim = Sim(accounts=3, funds=1_000 * USD)
    sim.do(SetPositionMode(account_id=1, dual_side_position=True))
    sim.do(SetLeverage(account_id=1, symbol=BTC, leverage=50))
    sim.do(Deposit(account_id=2, asset="USDT", amount=100_000 * USD))
    sim.do(Deposit(account_id=3, asset="USDT", amount=100_000 * USD))
    sim.place(2, "SELL", qty("0.4"), px("77000"))
    sim.place(1, "BUY", qty("0.4"), position_side="LONG")
    sim.place(2, "BUY", qty("0.1"), px("77000"))
    sim.place(1, "SELL", qty("0.1"), position_side="SHORT")
    sim.place(3, "BUY", qty("0.5"), px("74000"))
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("74200")))
    (force,) = _of(events, ForceOrder)
    assert (force.order.position_side, force.order.price) == ("LONG", px("73848.2"))
    assert sim.state.positions["1:BTCUSDT:LONG"].qty == 0
    assert sim.state.positions["1:BTCUSDT:SHORT"].qty == -100
    wallet = sim.state.accounts[0].balance("USDT")
    assert wallet < 0
    assert wallet + usd("280") > usd("29.68")  # the short's maintenance margin at 74,200
