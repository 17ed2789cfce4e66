"""Money is conserved in coin: BTCUSD_PERP (inverse, margined in BTC) trades beside BTCUSDT
(linear, in USDT) on one exchange, under tests/test_liquidation_properties.py's machinery.

The same traders (accounts 2-6, 5x to 125x, cross or isolated, on both symbols) hold both
kinds; the deep-pocket maker (account 1) quotes both books; marks jump and indexes move on
either; the insurance fund is set to nothing, a little or plenty in USDT and in BTC; funding
settles both perpetuals after clock jumps. After every command, in each asset separately
(`run_steps`): transfers + fund deposits + realized PnL of the positions margined in it =
wallets + commissions + fund balance + the exchange's funding balance, to the last unit (so
BTC in = BTC out and USDT likewise: nothing of one ever lands in the other); every long has a
short on each symbol; no account is left negative in an asset it holds no position in, and
after a mark change no scope is at or past 100 %; the open orders' totals kept incrementally
(notional and open loss in coin for BTCUSD_PERP) equal a recomputation
(tests/test_margin_properties.py's `check_totals`). At the end a replay gives the same state
hash. Across the run COIN-M liquidations and fundings happen (asserted).
"""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binance_sandbox.core.commands import (
    CancelAllOrders,
    Deposit,
    SetIndexPrices,
    SetInsuranceFund,
    SetLeverage,
    SetMarginType,
)
from tests.coinm_instruments import BTCUSD_PERP
from tests.test_core_trading import BTC, INSTRUMENTS, MARK, USD, Sim
from tests.test_liquidation_properties import (
    MAKER,
    STEPS,
    TRADERS,
    Funding,
    IndexMove,
    Jump,
    Quote,
    Step,
    Tally,
    Trade,
    pairs,
    run_steps,
    traders,
)
from tests.test_margin_properties import check_totals

PERP = BTCUSD_PERP.symbol
# the default config's USDⓈ-M contracts beside this BTCUSD_PERP (the config lists COIN-M's too)
USDM = tuple(i for i in INSTRUMENTS if i.product == "usdm")
COIN = USD  # one BTC at 8 decimals
# as in USDT (1,000 each, then 0, 500 or 3,000 more): 1,000 USDT at 77,000 is about 0.013 BTC
BTC_BASE = 1_300_000
BTC_FUNDS = (0, 650_000, 3_900_000)

COINM_STEPS: list[st.SearchStrategy[Any]] = [
    *[st.builds(lambda two, qty: Trade(*two, qty, PERP), pairs,
                st.sampled_from((50, 100, 300, 1000)))] * 4,
    st.builds(lambda bps, qty: Quote(bps, qty, PERP), st.sampled_from((20, 100, 300, 600)),
              st.sampled_from((100, 500, 2000))),
    st.builds(lambda bps: Jump(bps, PERP), st.integers(-900, 900)),
    st.builds(lambda bps: Jump(bps, PERP), st.sampled_from((-1500, -700, 700, 1500))),
    st.builds(lambda bps: IndexMove(bps, "BTCUSD"), st.integers(-200, 200)),
    *[st.builds(Funding, st.sampled_from((1, 8, 17)),
                st.dictionaries(st.sampled_from((BTC, PERP)),
                                st.sampled_from((-300_000, 5_000, 300_000)), max_size=2))] * 2,
    st.builds(SetLeverage, account_id=traders, symbol=st.just(PERP),
              leverage=st.sampled_from((5, 20, 50, 100, 125))),
    st.builds(SetMarginType, account_id=traders, symbol=st.just(PERP), isolated=st.booleans()),
    st.builds(SetInsuranceFund, asset=st.just("BTC"),
              balance=st.sampled_from((0, 0, 65_000, 13 * COIN))),
    st.builds(Deposit, account_id=traders, asset=st.just("BTC"),
              amount=st.sampled_from((130_000, 2_600_000)), product=st.just("coinm")),
    st.builds(CancelAllOrders, account_id=st.sampled_from((MAKER, *TRADERS)), symbol=st.just(PERP)),
]  # fmt: skip


def run_both(
    funds: list[int], coins: list[int], leverages: list[int], steps: list[Step], tally: Tally
) -> None:
    sim = Sim(accounts=1 + len(TRADERS), funds=1_000 * USD,
              instruments=(*USDM, BTCUSD_PERP), assets=("USDT", "BTC"))  # fmt: skip
    sim.do(SetIndexPrices(prices={"BTCUSD": MARK}, source="t"))
    sim.do(Deposit(account_id=MAKER, asset="USDT", amount=50_000_000 * USD))
    sim.do(Deposit(account_id=MAKER, asset="BTC", amount=650 * COIN, product="coinm"))
    for account_id, amount, coin, leverage in zip(TRADERS, funds, coins, leverages, strict=True):
        sim.do(Deposit(account_id=account_id, asset="USDT", amount=amount))
        sim.do(Deposit(account_id=account_id, asset="BTC", amount=BTC_BASE + coin, product="coinm"))
        for symbol in (BTC, PERP):
            sim.do(SetLeverage(account_id=account_id, symbol=symbol, leverage=leverage))
    run_steps(sim, steps, tally, also=check_totals)


def test_coin_and_usdt_are_each_conserved_with_both_kinds_trading() -> None:
    tally = Tally()

    # derandomized: the run's coverage counts are asserted below, so they must not vary by run
    @settings(max_examples=100, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(
        st.lists(st.sampled_from((0, 500 * USD, 3_000 * USD)), min_size=5, max_size=5),
        st.lists(st.sampled_from(BTC_FUNDS), min_size=5, max_size=5),
        st.lists(st.sampled_from((10, 20, 50, 100, 125)), min_size=5, max_size=5),
        st.lists(st.one_of(*STEPS, *COINM_STEPS * 2), min_size=20, max_size=60),
    )
    def scenario(
        funds: list[int], coins: list[int], leverages: list[int], steps: list[Step]
    ) -> None:
        run_both(funds, coins, leverages, steps, tally)

    scenario()
    # 8-47 COIN-M liquidations were seen per run (8 in a full CI run, though derandomized:
    # what else ran in the process changes the count; the cause is not found yet)
    assert tally.counts[f"LIQUIDATION:{PERP}"] >= 5, tally.counts
    assert tally.counts[f"ADL:{PERP}"] >= 1, tally.counts
    assert tally.counts[f"FUNDING:{PERP}"] >= 20, tally.counts
    assert tally.counts[f"LIQUIDATION:{BTC}"] >= 1, tally.counts  # both kinds at once
