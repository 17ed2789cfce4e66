"""COIN-M (inverse) arithmetic with worked numbers: BTCUSD_PERP (100 USD per contract, margin
in BTC) beside the USDⓈ-M instruments, on one exchange.

Units: BTCUSD prices in 0.1 USD (50,000 -> 500000), quantities in whole contracts, money at 8
decimals (1 BTC = 10**8). FORMULAS.md §5 (COIN-M PnL), §3.1 (brackets), §8 (commission =
contracts x size / price x rate), §2.3 (funding), §4.3 (liquidation price, derived), §4.4
(bankruptcy price, derived), §1.3 (delivery). Every rounding is half away from zero at 8
decimals but unrealized PnL (cut toward zero), as for USDⓈ-M.
"""

from fractions import Fraction

import msgspec

from binance_sandbox.core.bankruptcy import bankruptcy_price
from binance_sandbox.core.brackets import maintenance_margin
from binance_sandbox.core.commands import (
    DeliverContracts,
    Deposit,
    SetIndexPrices,
    SetInsuranceFund,
    SetLeverage,
    SetMarginType,
    SetMarkPrice,
    SetMultiAssetsMode,
    SettleFunding,
)
from binance_sandbox.core.contract_value import (
    break_even,
    notional,
    realized_pnl,
    terms,
    unrealized_pnl,
)
from binance_sandbox.core.events import (
    BalanceChanged,
    ContractDelivered,
    Event,
    ForceOrder,
    FundingFeeCharged,
    MarginCall,
    OrderUpdated,
    Rejected,
)
from binance_sandbox.core.funding import _premium
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.liquidation import liquidation_prices
from binance_sandbox.core.margin import account_risk
from binance_sandbox.core.positions import Position, apply_fill
from binance_sandbox.core.state import ExchangeState
from tests.coinm_instruments import BTCUSD_PERP, ETHUSD_PERP, quarterly
from tests.test_core_trading import INSTRUMENTS, USD, Sim

BTC = USD  # one BTC at 8 decimals
PERP = BTCUSD_PERP.symbol
SIZE = 100


def usd(price: str) -> int:
    """A BTCUSD price in units of 0.1."""
    return int(Fraction(price) * 10)


def coin_sim(*instruments: Instrument, ts: int | None = None, btc: int = 10 * BTC) -> Sim:
    """Three accounts with 100,000 USDT and `btc` BTC; BTCUSD's index (= mark) at 50,000."""
    extra = {"ts": ts} if ts is not None else {}
    sim = Sim(instruments=(*INSTRUMENTS, *(instruments or (BTCUSD_PERP, ETHUSD_PERP))),
              assets=("USDT", "BTC", "ETH"), **extra)  # fmt: skip
    sim.do(SetIndexPrices(prices={"BTCUSD": 50_000 * USD, "ETHUSD": 2_500 * USD}, source="t"))
    for account in (1, 2, 3):
        sim.do(Deposit(account_id=account, asset="BTC", amount=btc, product="coinm"))
    return sim


def btc(sim: Sim, account: int) -> int:
    return sim.state.accounts[account - 1].coinm.balance("BTC")


def trade(
    sim: Sim, seller: int, buyer: int, contracts: int, price: int, symbol: str = PERP
) -> None:
    """The seller rests a LIMIT sell (maker), the buyer takes it with a MARKET buy (taker)."""
    sim.place(seller, "SELL", contracts, price, symbol=symbol)
    events = sim.place(buyer, "BUY", contracts, symbol=symbol)
    assert any(isinstance(e, OrderUpdated) and e.trade for e in events), events


def test_notional_and_pnl_of_open_add_partial_close_and_flip() -> None:
    """Open long 10 @ 50,000: notional 10 x 100 / 50,000 = 0.02 BTC. Add 10 @ 40,000: entry
    = 20 / (10/50,000 + 10/40,000) = 20 / 0.00045 = 44,444.44444444 (the harmonic mean). Close
    5 @ 60,000: 5 x 100 x (1/44,444.44444444 - 1/60,000) = 500 x 0.0000058333... =
    0.00291667 BTC. Sell 20 @ 55,000 (flip): closes 15 for 1,500 x (0.0000225 - 1/55,000) =
    0.00647727 BTC and opens short 5 @ 55,000; at a mark of 56,000 that short's unrealized
    PnL is -5 x 100 x (1/55,000 - 1/56,000) = -0.000162337... -> -0.00016233 (cut)."""
    decimals, size = terms(BTCUSD_PERP)
    assert (decimals, size) == (0, SIZE)
    assert notional(10, 50_000 * USD, decimals, size) == 2_000_000
    position = Position(account_id=1, symbol=PERP, side="BOTH")
    assert apply_fill(position, 10, 50_000 * USD, decimals, 0, size).realized_pnl == 0
    apply_fill(position, 10, 40_000 * USD, decimals, 0, size)
    assert (position.qty, position.entry_price) == (20, 44_444_44444444)
    closed = apply_fill(position, -5, 60_000 * USD, decimals, 0, size)
    assert (closed.realized_pnl, closed.closed, position.qty) == (291_667, 5, 15)
    assert position.entry_price == 44_444_44444444  # a reduction keeps it
    flipped = apply_fill(position, -20, 55_000 * USD, decimals, 0, size)
    assert (flipped.realized_pnl, flipped.closed) == (647_727, 15)
    assert (position.qty, position.entry_price) == (-5, 55_000 * USD)
    assert position.realized_pnl == 291_667 + 647_727
    assert unrealized_pnl(-5, 55_000 * USD, 56_000 * USD, decimals, size) == -16_233
    # closing at the harmonic entry realizes nothing, adding keeps the PnL of the whole exact:
    # 10 @ 50,000 and 10 @ 40,000 closed at 45,000 = the sum of the two legs' PnL:
    # 1,000 x (1/50,000 - 1/45,000) + 1,000 x (1/40,000 - 1/45,000) = 0.00055556 BTC
    legs = realized_pnl(10, 50_000 * USD, 45_000 * USD, 0, SIZE) + realized_pnl(
        10, 40_000 * USD, 45_000 * USD, 0, SIZE
    )
    assert realized_pnl(20, 44_444_44444444, 45_000 * USD, 0, SIZE) == legs == 55_556


def test_commission_maker_and_taker_in_coin() -> None:
    """7 contracts @ 43,210.7: notional 700 / 43,210.7 = 0.01619969128 BTC; maker 0.02 % =
    0.00000323994 -> 0.00000324 BTC, taker 0.05 % = 0.00000809985 -> 0.00000810 BTC. Both are
    taken from the BTC wallets; USDT does not move."""
    sim = coin_sim()
    sim.do(SetIndexPrices(prices={"BTCUSD": 43_210_70000000}, source="t"))
    usdt = (sim.wallet(1), sim.wallet(2))
    sim.place(1, "SELL", 7, usd("43210.7"), symbol=PERP)
    events = sim.place(2, "BUY", 7, symbol=PERP)
    trades = [e.trade for e in events if isinstance(e, OrderUpdated) and e.trade]
    assert [(t.is_maker, t.commission, t.commission_asset) for t in trades] == [
        (True, 324, "BTC"),
        (False, 810, "BTC"),
    ]
    assert (btc(sim, 1), btc(sim, 2)) == (10 * BTC - 324, 10 * BTC - 810)
    assert (sim.wallet(1), sim.wallet(2)) == usdt


def test_initial_and_maintenance_margin_in_coin_with_the_faqs_bracket() -> None:
    """COIN-M FAQ (FORMULAS §3.1): BTCUSD level 5's maintenance amount = 50 BTC x (5 % -
    2.5 %) + 0.56 = 1.81 BTC. 8,000 contracts at a mark of 10,000 = 800,000 USD / 10,000 = 80
    BTC, in level 5 (50-100 BTC): MM = 80 x 5 % - 1.81 = 2.19 BTC; IM at 10x = 8 BTC; the
    short's the same. The BTC wallet pays it (available = 20 - 8 - fee), USDT stays whole."""
    tiers = BTCUSD_PERP.tiers
    assert [t.cum for t in tiers[:5]] == [0, 1_000_000, 11_000_000, 56_000_000, 181_000_000]
    assert maintenance_margin(tiers, 80 * BTC) == 219_000_000
    sim = coin_sim(btc=20 * BTC)
    sim.do(SetIndexPrices(prices={"BTCUSD": 10_000 * USD}, source="t"))
    for account in (1, 2):
        sim.do(SetLeverage(account_id=account, symbol=PERP, leverage=10))
    trade(sim, 1, 2, 8_000, usd("10000"))
    for account, sign in ((2, 1), (1, -1)):
        risk = account_risk(sim.state, sim.state.accounts[account - 1])
        [side] = risk.sides
        assert (side.notional, side.position_im, side.maint) == (sign * 80 * BTC, 8 * BTC,
                                                                 219_000_000)  # fmt: skip
        assert (set(risk.coinm), set(risk.assets)) == ({"BTC"}, set())
        assert risk.coinm["BTC"].cross_im == 8 * BTC
    # taker fee 80 x 0.05 % = 0.04 BTC: available 20 - 0.04 - 8 = 11.96 BTC
    assert account_risk(sim.state, sim.state.accounts[1]).coinm["BTC"].available == 1_196_000_000


def test_funding_fee_is_contracts_times_size_over_mark_times_rate() -> None:
    """FORMULAS §2.3 (COIN-M): long 1,000 contracts at a mark of 50,000 = 100,000 USD = 2 BTC;
    F = 0.01 % -> the long pays 2 x 0.0001 = 0.0002 BTC, the short receives it; the fee is
    in BTC and no USDT moves."""
    sim = coin_sim()
    trade(sim, 1, 2, 1_000, usd("50000"))
    wallets = (btc(sim, 1), btc(sim, 2), sim.wallet(1), sim.wallet(2))
    sim.do(SetMarkPrice(symbol=PERP, price=50_000 * USD))
    events = sim.do(SettleFunding(rates={PERP: 10_000}), ts=sim.ts + 8 * 3_600_000)
    fees = {(e.account_id, e.asset): e.amount for e in events
            if isinstance(e, FundingFeeCharged) and e.symbol == PERP}  # fmt: skip
    assert fees == {(2, "BTC"): -20_000, (1, "BTC"): 20_000}
    assert (btc(sim, 1), btc(sim, 2)) == (wallets[0] + 20_000, wallets[1] - 20_000)
    assert (sim.wallet(1), sim.wallet(2)) == wallets[2:]


def _liquidation_price(state: ExchangeState, account_id: int) -> int:
    account = state.accounts[account_id - 1]
    [price] = liquidation_prices(state, account, account_risk(state, account))
    return price


def test_isolated_liquidation_and_bankruptcy_prices() -> None:
    """Reading chosen: FORMULAS §4.3's derived formula, LP = sum (V x MMR + s x V) / (WB -
    TMM1 + UPNL1 + sum cum + sum s x V / EP) with V = contracts x 100 USD, isolated: TMM1 =
    UPNL1 = 0 (as the COIN-M FAQ says). 1,000 contracts @ 50,000 at 10x: V = 100,000 USD,
    isolated wallet = 2 BTC / 10 = 0.2 BTC, bracket 1 (MMR 0.4 %, cum 0).
    Long: LP = 100,000 x 1.004 / (0.2 + 2) = 45,636.36363636; BP (MMR = cum = 0) = 100,000 /
    2.2 = 45,454.5454... (= 1 / (1/EP + WB/V)). Short: LP = (400 - 100,000) / (0.2 - 2) =
    55,333.33333333; BP = 100,000 / 1.8 = 55,555.5555...
    At LP the long's coin notional 100,000 / 45,636.36 = 2.19 BTC is still in bracket 1."""
    sim = coin_sim()
    for account in (1, 2):
        sim.do(SetMarginType(account_id=account, symbol=PERP, isolated=True))
        sim.do(SetLeverage(account_id=account, symbol=PERP, leverage=10))
    trade(sim, 1, 2, 1_000, usd("50000"))
    long, short = sim.position(2, PERP), sim.position(1, PERP)
    assert long is not None
    assert short is not None
    assert long.isolated_wallet == short.isolated_wallet == 20_000_000
    assert _liquidation_price(sim.state, 2) == 45_636_36363636
    assert _liquidation_price(sim.state, 1) == 55_333_33333333
    assert bankruptcy_price(BTCUSD_PERP, long, long.isolated_wallet, 0) == Fraction(500_000, 11)
    assert bankruptcy_price(BTCUSD_PERP, short, short.isolated_wallet, 0) == Fraction(500_000, 9)


def test_cross_liquidation_price_draws_on_the_btc_wallet_only() -> None:
    """Cross, one-way long 1,000 @ 50,000 with a BTC wallet of exactly 1 BTC after the taker
    fee (deposit 1.001 BTC, fee 2 BTC x 0.05 % = 0.001): LP = 100,400 / (1 + 2) =
    33,466.66666667. A short ETHUSD position (ETH wallet) and the USDT wallet change nothing:
    only other BTC-margined contracts enter TMM1 / UPNL1. Bankruptcy with an ETH position's
    loss not counted: 100,000 / 3 = 33,333.33..."""
    sim = coin_sim(btc=0)
    sim.do(Deposit(account_id=2, asset="BTC", amount=100_100_000, product="coinm"))
    sim.do(Deposit(account_id=1, asset="BTC", amount=10 * BTC, product="coinm"))
    for account in (1, 2):
        sim.do(Deposit(account_id=account, asset="ETH", amount=100 * BTC, product="coinm"))
    trade(sim, 1, 2, 1_000, usd("50000"))
    assert btc(sim, 2) == BTC
    assert _liquidation_price(sim.state, 2) == 33_466_66666667
    trade(sim, 2, 1, 100, 2_500_00, symbol=ETHUSD_PERP.symbol)  # account 2 short ETHUSD
    sim.do(SetMarkPrice(symbol=ETHUSD_PERP.symbol, price=2_600 * USD))  # it loses ETH
    account = sim.state.accounts[1]
    risk = account_risk(sim.state, account)
    by_symbol = dict(zip([s.instrument.symbol for s in risk.sides],
                         liquidation_prices(sim.state, account, risk), strict=True))  # fmt: skip
    assert by_symbol[PERP] == 33_466_66666667
    long = sim.position(2, PERP)
    assert long is not None
    assert bankruptcy_price(BTCUSD_PERP, long, btc(sim, 2), 0) == Fraction(100_000, 3)


def test_break_even_price_realizes_the_opening_fee() -> None:
    """Long 1,000 @ 50,000 paid 0.001 BTC taker fee: closing at BEP must realize it:
    100,000 x (1/50,000 - 1/BEP) = 0.001 -> 1/BEP = 0.00002 - 0.00000001 -> BEP =
    50,025.01250625 (EP x 1.0005..., up for a long); a short's moves down: 1/BEP = 0.00002001
    -> 49,975.01249375."""
    assert break_even(1_000, 50_000 * USD, 100_000, 0, SIZE) == 50_025_01250625
    assert break_even(-1_000, 50_000 * USD, 100_000, 0, SIZE) == 49_975_01249375
    assert realized_pnl(1_000, 50_000 * USD, 50_025_01250625, 0, SIZE) == 100_000


def test_delivery_settles_in_coin_at_the_30_minute_index_average() -> None:
    """A BTCUSD quarterly (BTCUSD_261225, 08:00 UTC): long 100 contracts @ 50,000, the index at
    40,000 for the last 40 minutes, so the settlement price is 40,000: the long realizes 100 x
    100 x (1/50,000 - 1/40,000) = -0.05 BTC and the short +0.05 BTC, in BTC."""
    delivery = 1_798_185_600_000
    contract = quarterly("BTCUSD_261225", delivery)
    sim = coin_sim(contract, ts=delivery - 50 * 60_000)
    trade(sim, 1, 2, 100, usd("50000"), symbol=contract.symbol)
    before = (btc(sim, 1), btc(sim, 2))
    sim.do(SetIndexPrices(prices={"BTCUSD": 40_000 * USD}, source="t"), ts=delivery - 40 * 60_000)
    events = sim.do(DeliverContracts(), ts=delivery)
    delivered = {e.account_id: e for e in events if isinstance(e, ContractDelivered)}
    assert delivered[2].price == 40_000 * USD
    assert (delivered[2].realized_pnl, delivered[1].realized_pnl) == (-5_000_000, 5_000_000)
    assert delivered[2].asset == "BTC"
    assert (btc(sim, 1), btc(sim, 2)) == (before[0] + 5_000_000, before[1] - 5_000_000)


def test_coinm_has_no_min_notional_filter() -> None:
    """One contract of BTCUSD at 50,000 is 0.002 BTC (100 USD); even an instrument carrying a
    MIN_NOTIONAL of 5 accepts it: COIN-M publishes no such filter."""
    strict = msgspec.structs.replace(BTCUSD_PERP, min_notional="5")
    sim = coin_sim(strict)
    events: list[Event] = sim.place(1, "BUY", 1, usd("49000"), symbol=PERP)
    assert isinstance(events[0], OrderUpdated), events


def test_impact_price_walks_imn_in_usd_through_contracts() -> None:
    """IMN of COIN-M = 200 USD x 125 (the first bracket's leverage) = 25,000 USD = 250
    contracts. Asks 100 @ 50,010 and 1,000 @ 50,020: 10,000 USD + 15,000 USD cost 10,000 /
    50,010 + 15,000 / 50,020 BTC, so the impact ask = 25,000 / that (the harmonic mean of a
    fill of 250 contracts) = 50,016.0; bids 100 @ 49,990 and 1,000 @ 49,980 -> 49,984.0;
    both around an index of 50,000: the premium is 0."""
    sim = coin_sim()
    sim.place(1, "SELL", 100, usd("50010"), symbol=PERP)
    sim.place(1, "SELL", 1_000, usd("50020"), symbol=PERP)
    sim.place(2, "BUY", 100, usd("49990"), symbol=PERP)
    sim.place(2, "BUY", 1_000, usd("49980"), symbol=PERP)
    assert _premium(sim.state, BTCUSD_PERP) == 0
    ask = 25_000 / (Fraction(10_000, 50_010) + Fraction(15_000, 50_020))
    sim.do(SetIndexPrices(prices={"BTCUSD": 50_030 * USD}, source="t"))
    index = Fraction(50_030 * USD)
    assert _premium(sim.state, BTCUSD_PERP) == (ask * USD - index) / index
    assert round(float(ask), 1) == 50_016.0


def test_margin_call_and_liquidation_of_an_isolated_long_in_coin() -> None:
    """The isolated long above (1,000 @ 50,000, 10x, isolated wallet 0.2 BTC, taker fee 0.001
    BTC). Margin call (balance <= 1.25 x MM) where 0.2 + 100,000 x (1/50,000 - 1/m) = 1.25 x
    100,000 / m x 0.4 %, i.e. m = 100,500 / 2.2 = 45,681.8: none at a mark of 45,700, one at
    45,660 (the liquidation watch's trigger solved in 1/m). At 45,600 (under LP 45,636.36) the
    position is liquidated: the IOC sells at the bankruptcy price 45,454.5454... rounded up
    (toward the trader) to the tick, 45,454.6; no bid, so the insurance fund takes the 1,000
    contracts there. Realized: 100,000 x (1/50,000 - 1/45,454.6) = -0.19999736 BTC; the rest
    of the isolated wallet, 0.00000264 BTC, is the clearance fee (0.015 x 2.19999736 BTC is
    more). The BTC wallet ends at 10 - 0.001 - 0.2 = 9.799 BTC; the fund holds 5.00000264 BTC
    and a long of 1,000 @ 45,454.6."""
    sim = coin_sim()
    sim.do(SetInsuranceFund(asset="BTC", balance=5 * BTC))
    for account in (1, 2):
        sim.do(SetMarginType(account_id=account, symbol=PERP, isolated=True))
        sim.do(SetLeverage(account_id=account, symbol=PERP, leverage=10))
    trade(sim, 1, 2, 1_000, usd("50000"))
    assert not _calls(sim.do(SetMarkPrice(symbol=PERP, price=45_700 * USD)))
    assert _calls(sim.do(SetMarkPrice(symbol=PERP, price=45_660 * USD))) == 1
    events = sim.do(SetMarkPrice(symbol=PERP, price=45_600 * USD))
    [force] = [e for e in events if isinstance(e, ForceOrder)]
    assert (force.auto_close_type, force.bankruptcy_price) == ("LIQUIDATION", 45_454_60000000)
    [fill] = [e.trade for e in events if isinstance(e, OrderUpdated) and e.trade]
    assert (fill.qty, fill.realized_pnl, fill.commission) == (1_000, -19_999_736, 0)
    clearing = [
        e for e in events if isinstance(e, BalanceChanged) and e.reason == "INSURANCE_CLEAR"
    ]
    assert [(e.asset, e.delta) for e in clearing] == [("BTC", -264)]
    assert btc(sim, 2) == 979_900_000
    fund = sim.state.insurance
    assert fund.balances == {"BTC": 500_000_264}
    assert (fund.positions[PERP].qty, fund.positions[PERP].entry_price) == (1_000, 45_454_60000000)


def _calls(events: list[Event]) -> int:
    return sum(isinstance(e, MarginCall) for e in events)


def test_a_multi_assets_account_pays_coin_m_margin_from_its_coin_wallet_only() -> None:
    """Multi-Assets mode pools the USDⓈ-M collateral; COIN-M is not part of it: with 100,000
    USDT and no BTC, 10 contracts (0.02 BTC, IM 0.001 BTC at 20x) are -2019; with 0.01 BTC
    they pass."""
    sim = coin_sim(btc=0)
    sim.do(SetMultiAssetsMode(account_id=2, on=True))
    sim.place(1, "SELL", 10, usd("50000"), symbol=PERP)
    refused = sim.place(2, "BUY", 10, usd("50000"), symbol=PERP)
    assert refused == [Rejected(code=-2019, msg="Margin is insufficient.")]
    sim.do(Deposit(account_id=2, asset="BTC", amount=1_000_000, product="coinm"))
    assert isinstance(sim.place(2, "BUY", 10, usd("50000"), symbol=PERP)[0], OrderUpdated)
