"""The margin model in the core: golden numbers of FORMULAS.md §3-§5 and Binance's rules for
leverage, margin type, isolated margin and the -2019 / -2027 order checks."""

from decimal import Decimal
from fractions import Fraction

import pytest

from binance_sandbox.core import rejects
from binance_sandbox.core.brackets import Bracket, maintenance_margin, max_notional, tiers
from binance_sandbox.core.commands import (
    Deposit,
    ModifyPositionMargin,
    PrintTrades,
    SetIndexPrices,
    SetLeverage,
    SetMarginType,
    SetPositionMode,
    TapePrint,
    Withdraw,
)
from binance_sandbox.core.events import (
    BalanceChanged,
    LeverageChanged,
    OrderUpdated,
    PositionMarginChanged,
)
from binance_sandbox.core.liquidation import (
    Leg,
    adl_quantile,
    liquidation_price,
    liquidation_prices,
)
from binance_sandbox.core.margin import OrderSums, account_risk, open_loss, order_margin
from tests.test_core_trading import BTC, INSTRUMENTS, USD, Sim, px, qty, usd

BTCUSDT = next(i for i in INSTRUMENTS if i.symbol == BTC)
MARGIN_INSUFFICIENT = rejects.MARGIN_INSUFFICIENT


def f(text: str) -> Fraction:
    return Fraction(Decimal(text))


# --- golden numbers --------------------------------------------------------------------------


def test_bracket_maintenance_margin_of_the_2025_btcusdt_table() -> None:
    """FORMULAS §3.1: N = 1,000,000 is bracket 3 (0.65 %, cum 1,500) -> 5,000; N = 300,000
    is bracket 1 -> 1,200 (= bracket 2's formula: continuity)."""
    table = BTCUSDT.tiers
    assert [t.cum for t in table[:4]] == [0, 300 * USD, 1_500 * USD, 12_000 * USD]
    assert maintenance_margin(table, 1_000_000 * USD) == 5_000 * USD
    assert maintenance_margin(table, 300_000 * USD) == 1_200 * USD
    assert 300_000 * USD * 5 // 1000 - 300 * USD == 1_200 * USD
    assert max_notional(table, 20) == 100_000_000 * USD  # maxNotionalValue at 20x
    assert max_notional(table, 150) == 300_000 * USD


def test_cum_of_the_2024_table_matches_what_binance_published() -> None:
    """freqtrade's 2024-10-24 capture of BTCUSDT: cum 50 and 950 in brackets 2 and 3."""
    table = tiers((Bracket(125, "0", "50000", "0.004"), Bracket(100, "50000", "600000", "0.005"),
                   Bracket(75, "600000", "3000000", "0.0065")))  # fmt: skip
    assert [t.cum for t in table] == [0, 50 * USD, 950 * USD]


def test_order_cost_of_the_faq_example() -> None:
    """FORMULAS §3.2: 1 BTC at 9,253.30, mark 9,259.84, 20x: IM 462.665, open loss 0 for the
    long and 6.54 for the short, so the long costs 462.665 and the short 469.205 (FAQ 469.20)."""
    mark, price, one = usd("9259.84"), usd("9253.30"), qty("1")
    notional = one * price // 1000
    for is_buy, cost in ((True, usd("462.665")), (False, usd("469.205"))):
        sums = OrderSums()
        sums.add(is_buy, notional, open_loss(BTCUSDT, is_buy, one, price, mark))
        assert order_margin(0, sums, 20) == cost
    assert open_loss(BTCUSDT, False, one, price, mark) == usd("6.54")


# FORMULAS §4.1, Binance's worked example (old brackets): wallet 1,535,443.01, BTCUSDT long
# 109.488 @ 32,481.98 (mark 31,967.27, MMR 2.5 %, cum 16,300), ETHUSDT long 3,683.979 @
# 1,456.84 (mark 1,335.18, MMR 10 %, cum 135,365).
WB = f("1535443.01")
BTC_LEG = Leg(1, f("109.488"), f("32481.98"), f("0.025"), f("16300"))
ETH_LEG = Leg(1, f("3683.979"), f("1456.84"), f("0.10"), f("135365"))


def near(value: Fraction, printed: str) -> bool:
    """`value` agrees with a number printed to its last digit (FORMULAS cuts the rest off)."""
    unit = Fraction(1, 10 ** len(printed.partition(".")[2]))
    return abs(value - f(printed)) < unit


def _leg_figures(leg: Leg, mark: str) -> tuple[Fraction, Fraction]:
    notional = leg.size * f(mark)
    return notional * leg.mmr - leg.cum, leg.size * (f(mark) - leg.entry)


def test_liquidation_price_of_the_faq_example() -> None:
    mm_btc, upnl_btc = _leg_figures(BTC_LEG, "31967.27")
    mm_eth, upnl_eth = _leg_figures(ETH_LEG, "1335.18")
    assert near(mm_btc, "71200.81144")
    assert upnl_btc == f("-56354.56848")
    assert near(mm_eth, "356512.508122")
    assert upnl_eth == f("-448192.88514")
    cross_eth = liquidation_price(WB, mm_btc, upnl_btc, [ETH_LEG])
    cross_btc = liquidation_price(WB, mm_eth, upnl_eth, [BTC_LEG])
    isolated_eth = liquidation_price(WB, Fraction(0), Fraction(0), [ETH_LEG])
    isolated_btc = liquidation_price(WB, Fraction(0), Fraction(0), [BTC_LEG])
    assert near(cross_eth, "1153.2564642")
    assert near(cross_btc, "26316.8932645")
    assert near(isolated_eth, "1114.7849637")
    assert near(isolated_btc, "18778.7259321")


def test_the_real_isolated_position_row() -> None:
    """FORMULAS §4.2, the real positionRisk row: hedge-mode LONG 0.003 @ 37,140.0 at 51x,
    isolated wallet 2.21147021, mark 37,113.25148824 -> liquidation 36,549.03942102,
    unrealized PnL -0.08024553 (cut toward zero, as Binance prints it; exact -0.080245535),
    isolated margin 2.13122468, notional 111.33975446."""
    sim = Sim(accounts=2)
    sim.do(SetIndexPrices(prices={BTC: usd("37140")}, source="t"))
    sim.do(SetPositionMode(account_id=1, dual_side_position=True))
    assert sim.do(SetMarginType(account_id=1, symbol=BTC, isolated=True))
    (changed,) = sim.do(SetLeverage(account_id=1, symbol=BTC, leverage=51))
    assert isinstance(changed, LeverageChanged)
    sim.place(2, "SELL", qty("0.003"), px("37140"))
    sim.place(1, "BUY", qty("0.003"), position_side="LONG")
    position = sim.state.positions[f"1:{BTC}:LONG"]
    assert position.isolated_wallet == usd("2.18470588")  # 111.42 / 51
    (added,) = sim.do(ModifyPositionMargin(account_id=1, symbol=BTC, position_side="LONG",
                                           amount=usd("0.02676433"), kind=1))  # fmt: skip
    assert isinstance(added, PositionMarginChanged)
    assert added.isolated_wallet == usd("2.21147021")
    # A print below the index makes the index the mark's median (core/mark_price.py).
    sim.do(PrintTrades(symbol=BTC, prints=(TapePrint(sim.ts, px("37100"), 1, 1, True),)))
    sim.do(SetIndexPrices(prices={BTC: usd("37113.25148824")}, source="t"))
    assert sim.state.mark_price(BTCUSDT) == usd("37113.25148824")
    account = sim.state.accounts[0]
    risk = account_risk(sim.state, account)
    (side,) = risk.sides
    row = risk.assets["USDT"]
    (price,) = liquidation_prices(sim.state, account, risk)
    assert price == usd("36549.03942102")
    assert side.upnl == usd("-0.08024553")
    assert side.isolated_wallet + side.upnl == usd("2.13122468")
    assert side.notional == usd("111.33975446")
    assert row.cross_wallet == account.balance("USDT") - usd("2.21147021")


# --- the order check -------------------------------------------------------------------------


def test_an_order_needs_its_margin_and_taker_fee() -> None:
    """Wallet 1,000, mark 77,000, 20x: 0.257 at 77,000 needs 989.45 + 9.8945 fee <= 1,000;
    0.258 needs 993.30 + 9.933 > 1,000."""
    sim = Sim(funds=1_000 * USD)
    assert sim.place(1, "BUY", qty("0.258"), px("77000")) == [MARGIN_INSUFFICIENT]
    (placed,) = sim.place(1, "BUY", qty("0.257"), px("77000"))
    assert isinstance(placed, OrderUpdated)
    risk = account_risk(sim.state, sim.state.accounts[0]).assets["USDT"]
    assert (risk.order_im, risk.available) == (usd("989.45"), usd("10.55"))


def test_open_loss_counts_a_buy_above_the_mark() -> None:
    """0.25 at 78,000 with the mark at 77,000: IM 975 + open loss 250 = 1,225 > 1,000."""
    sim = Sim(funds=1_000 * USD)
    assert sim.place(1, "BUY", qty("0.25"), px("78000")) == [MARGIN_INSUFFICIENT]
    assert isinstance(sim.place(1, "BUY", qty("0.2"), px("78000"))[0], OrderUpdated)
    risk = account_risk(sim.state, sim.state.accounts[0]).assets["USDT"]
    assert risk.order_im == usd("980")  # 0.2 x 78,000 / 20 + 0.2 x 1,000


@pytest.mark.parametrize(("funds", "accepted"), [("1850", False), ("1860", True)])
def test_a_market_sell_under_the_mark_is_margined_at_the_mark(funds: str, accepted: bool) -> None:
    """Mark 77,000, 20x, the only bid 0.8 at 74,690 (3 % under): a MARKET SELL of 0.3 fills
    there. Margined at the fill price it would need 1,120.35 + open loss 693 + fee 11.2035 =
    1,824.55 and leave the account 34.65 short (0.3 x 2,310 / 20) once the short is margined at
    the mark. So its margin is taken at the mark: 1,155 + 693 + 11.55 = 1,859.55."""
    sim = Sim(funds=usd(funds))
    sim.do(Deposit(account_id=2, asset="USDT", amount=100_000 * USD))
    sim.place(2, "BUY", qty("0.8"), px("74690"))
    events = sim.place(1, "SELL", qty("0.3"))
    if not accepted:
        assert events == [MARGIN_INSUFFICIENT]
        return
    assert [e.order.status for e in events if isinstance(e, OrderUpdated)][-1] == "FILLED"
    risk = account_risk(sim.state, sim.state.accounts[0]).assets["USDT"]
    assert risk.free == usd("0.7965")  # 1,860 - 1,155 - 693 - 11.2035 (the fee at the fill)


def test_only_the_worse_side_of_resting_orders_counts() -> None:
    sim = Sim(funds=1_000 * USD)
    sim.place(1, "BUY", qty("0.257"), px("77000"))
    (sell,) = sim.place(1, "SELL", qty("0.2"), px("78000"))  # 780 < 989.45 on the buy side
    assert isinstance(sell, OrderUpdated)
    risk = account_risk(sim.state, sim.state.accounts[0]).assets["USDT"]
    assert risk.order_im == usd("989.45")
    assert sim.place(1, "SELL", qty("0.1"), px("78000")) == [MARGIN_INSUFFICIENT]


def test_a_plain_order_that_closes_the_position_passes() -> None:
    """The bug seen on the wire: a plain MARKET SELL closing a long that uses most of the
    account was refused with -2019. Reducing quantity needs no margin, even with the mark
    against the position."""
    sim = Sim(funds=1_000 * USD)
    sim.place(2, "SELL", qty("0.25"), px("77000"))
    sim.place(1, "BUY", qty("0.25"))
    sim.do(SetIndexPrices(prices={BTC: usd("76000")}, source="t"))
    assert account_risk(sim.state, sim.state.accounts[0]).assets["USDT"].available == 0
    assert sim.place(1, "BUY", qty("0.001"), px("76000")) == [MARGIN_INSUFFICIENT]
    sim.place(3, "BUY", qty("0.25"), px("76000"))
    events = sim.place(1, "SELL", qty("0.25"))
    assert [e.order.status for e in events if isinstance(e, OrderUpdated)][-1] == "FILLED"
    position = sim.position(1)
    assert position is not None
    assert position.qty == 0


def test_the_position_limit_of_the_leverage() -> None:
    """150x allows 300,000 of BTCUSDT: 3.896 at 77,000 (299,992) rests, 0.001 more is -2027."""
    sim = Sim()
    sim.do(SetLeverage(account_id=1, symbol=BTC, leverage=150))
    assert isinstance(sim.place(1, "BUY", qty("3.896"), px("77000"))[0], OrderUpdated)
    assert sim.place(1, "BUY", qty("0.001"), px("77000")) == [rejects.MAX_LEVERAGE_RATIO]
    assert isinstance(sim.place(1, "SELL", qty("1"), px("78000"))[0], OrderUpdated)


# --- leverage, margin type, isolated margin -------------------------------------------------


@pytest.mark.parametrize("leverage", [0, 151])
def test_leverage_outside_the_brackets_is_refused(leverage: int) -> None:
    sim = Sim()
    before = sim.frozen()
    assert sim.do(SetLeverage(account_id=1, symbol=BTC, leverage=leverage)) == [
        rejects.invalid_leverage(leverage)
    ]
    assert sim.frozen() == before


def test_leverage_cannot_drop_below_what_is_held() -> None:
    sim = Sim(funds=1_000 * USD)
    sim.place(1, "BUY", qty("0.2"), px("77000"))  # 770 of margin at 20x
    assert sim.do(SetLeverage(account_id=1, symbol=BTC, leverage=10)) == [
        rejects.MIN_LEVERAGE_RATIO
    ]
    (changed,) = sim.do(SetLeverage(account_id=1, symbol=BTC, leverage=100))
    assert changed == LeverageChanged(
        account_id=1, symbol=BTC, leverage=100, max_notional=800_000 * USD
    )
    big = Sim()
    big.place(1, "BUY", qty("4"), px("77000"))  # 308,000 > 300,000 allowed at 150x
    assert big.do(SetLeverage(account_id=1, symbol=BTC, leverage=150)) == [
        rejects.MAX_LEVERAGE_RATIO
    ]


def test_margin_type_changes_only_when_flat_and_without_orders() -> None:
    sim = Sim()
    cross = SetMarginType(account_id=1, symbol=BTC, isolated=False)
    isolated = SetMarginType(account_id=1, symbol=BTC, isolated=True)
    assert sim.do(cross) == [rejects.MARGIN_TYPE_UNCHANGED]
    assert isinstance(sim.place(1, "BUY", qty("0.1"), px("77000"))[0], OrderUpdated)
    assert sim.do(isolated) == [rejects.MARGIN_TYPE_WITH_OPEN_ORDERS]
    sim.place(2, "SELL", qty("0.1"))
    assert sim.do(isolated) == [rejects.MARGIN_TYPE_WITH_POSITION]


def test_position_margin_rules() -> None:
    sim = Sim()
    add = ModifyPositionMargin(account_id=1, symbol=BTC, position_side="BOTH", amount=USD, kind=1)
    assert sim.do(add) == [rejects.ADD_MARGIN_CROSS]
    sim.do(SetMarginType(account_id=1, symbol=BTC, isolated=True))
    assert sim.do(add) == [rejects.MARGIN_NO_POSITION]
    sim.place(2, "SELL", qty("0.1"), px("77000"))
    sim.place(1, "BUY", qty("0.1"))  # isolated wallet 7,700 / 20 = 385
    position = sim.position(1)
    assert position is not None
    assert position.isolated_wallet == usd("385")
    take = ModifyPositionMargin(account_id=1, symbol=BTC, position_side="BOTH",
                                amount=USD, kind=2)  # fmt: skip
    assert sim.do(take) == [rejects.ISOLATED_BALANCE_INSUFFICIENT]  # IM at the mark is 385
    assert isinstance(sim.do(add)[0], PositionMarginChanged)
    assert isinstance(sim.do(take)[0], PositionMarginChanged)
    assert position.isolated_wallet == usd("385")
    history = sim.state.accounts[0].margin_changes
    assert [(c.kind, c.amount) for c in history] == [(1, USD), (2, USD)]
    sim.place(3, "BUY", qty("0.04"), px("77000"))
    sim.place(1, "SELL", qty("0.04"))  # closes 40 %: 40 % of the isolated wallet goes back
    assert position.isolated_wallet == usd("231")


def test_withdrawals_leave_the_margin_in_use_and_unrealized_profit() -> None:
    """Long 0.1 at 77,000 (IM 385, fee 3.85) on 1,000: max withdraw 611.15; a mark of 78,000
    adds 100 of unrealized profit, which cannot leave: still 611.15 (IM 390 now: 606.15)."""
    sim = Sim(funds=1_000 * USD)
    sim.place(2, "SELL", qty("0.1"), px("77000"))
    sim.place(1, "BUY", qty("0.1"))
    account = sim.state.accounts[0]
    assert account_risk(sim.state, account).assets["USDT"].max_withdraw == usd("611.15")
    sim.do(SetIndexPrices(prices={BTC: usd("78000")}, source="t"))
    row = account_risk(sim.state, account).assets["USDT"]
    assert (row.max_withdraw, row.available) == (usd("606.15"), usd("706.15"))
    too_much = Withdraw(account_id=1, asset="USDT", amount=usd("606.16"))
    assert sim.do(too_much) == [rejects.BALANCE_NOT_SUFFICIENT]
    (taken,) = sim.do(Withdraw(account_id=1, asset="USDT", amount=usd("606.15")))
    assert isinstance(taken, BalanceChanged)
    assert account_risk(sim.state, account).assets["USDT"].available == usd("100")


def _lp(state_sim: Sim, account: int) -> list[int]:
    holder = state_sim.state.accounts[account - 1]
    risk = account_risk(state_sim.state, holder)
    return liquidation_prices(state_sim.state, holder, risk)


def test_cross_liquidation_prices_one_way_and_hedge() -> None:
    """Cross, one-way: long 0.1 @ 77,000 on 996.15 (1,000 - fee): (996.15 - 7,700) /
    (0.1 x 0.004 - 0.1). Hedge: LONG 0.1 and SHORT 0.05 @ 77,000 share one price:
    (WB - 0.1 x 77,000 + 0.05 x 77,000) / (0.15 x 0.004 - 0.1 + 0.05)."""
    one_way = Sim(funds=1_000 * USD)
    one_way.place(2, "SELL", qty("0.1"), px("77000"))
    one_way.place(1, "BUY", qty("0.1"))
    expected = (f("996.15") - 7_700) / (f("0.1") * f("0.004") - f("0.1"))
    assert _lp(one_way, 1) == [round(expected * USD)]

    hedge = Sim(funds=1_000 * USD)
    hedge.do(SetPositionMode(account_id=1, dual_side_position=True))
    hedge.place(2, "SELL", qty("0.1"), px("77000"))
    hedge.place(1, "BUY", qty("0.1"), position_side="LONG")
    hedge.place(2, "BUY", qty("0.05"), px("77000"))
    hedge.place(1, "SELL", qty("0.05"), position_side="SHORT")
    wallet = f("1000") - f("3.85") - f("1.925")  # two taker fees
    shared = (wallet - 7_700 + 3_850) / (f("0.15") * f("0.004") - f("0.05"))
    assert _lp(hedge, 1) == [round(shared * USD)] * 2


def test_adl_quantile_ranks_the_more_profitable_long_higher() -> None:
    """Two longs of one size, entries 76,000 and 77,000, mark 78,000: the cheaper one earns
    more on the same margin: the top of the two ranks 4, the other 0."""
    sim = Sim()
    sim.place(3, "SELL", qty("0.1"), px("76000"))
    sim.place(1, "BUY", qty("0.1"))
    sim.place(3, "SELL", qty("0.1"), px("77000"))
    sim.place(2, "BUY", qty("0.1"))
    sim.do(PrintTrades(symbol=BTC, prints=(TapePrint(sim.ts, px("77500"), 1, 1, True),)))
    sim.do(SetIndexPrices(prices={BTC: usd("78000")}, source="t"))
    quantiles = []
    for number in (1, 2):
        (side,) = account_risk(sim.state, sim.state.accounts[number - 1]).sides
        quantiles.append(adl_quantile(sim.state, side))
    assert quantiles == [4, 0]
