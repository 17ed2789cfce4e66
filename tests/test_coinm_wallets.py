"""The COIN-M futures wallet is apart from the USDⓈ-M one (as on Binance, where money moves
between them only through spot): a coin in one never backs, pays for or shows in the other."""

from binance_sandbox.core.collateral import pool_value, usd_value
from binance_sandbox.core.commands import Deposit, SetIndexPrices, SetMultiAssetsMode
from binance_sandbox.core.events import Rejected
from tests.coinm_instruments import BTCUSD_PERP
from tests.test_coinm_arithmetic import coin_sim
from tests.test_core_trading import INSTRUMENTS, USD, Sim

PERP = BTCUSD_PERP.symbol
BTC = USD  # one coin at 8 decimals


def test_a_coinm_deposit_is_not_multi_assets_collateral() -> None:
    sim = coin_sim()  # 10 BTC in each account's COIN-M wallet
    sim.do(SetMultiAssetsMode(account_id=3, on=True))
    account = sim.state.accounts[2]
    usdt_only = usd_value(sim.state, "USDT", account.balance("USDT"))
    assert (account.coinm.balance("BTC"), account.balance("BTC")) == (10 * BTC, 0)
    assert pool_value(sim.state, account) == usdt_only
    sim.do(Deposit(account_id=3, asset="BTC", amount=BTC))  # the USDⓈ-M wallet: collateral
    assert pool_value(sim.state, account) == usdt_only + usd_value(sim.state, "BTC", BTC)


def test_a_usdm_coin_does_not_back_a_coinm_order_and_a_coinm_one_does() -> None:
    sim = Sim(instruments=(*INSTRUMENTS, BTCUSD_PERP), assets=("USDT", "BTC"))
    sim.do(SetIndexPrices(prices={"BTCUSD": 50_000 * USD}, source="t"))
    sim.do(Deposit(account_id=1, asset="BTC", amount=10 * BTC))
    order = {"symbol": PERP}
    refused = sim.place(1, "BUY", 100, 49_000 * 10, **order)  # 100 contracts = 10,000 USD
    assert isinstance(refused[0], Rejected), refused
    sim.do(Deposit(account_id=1, asset="BTC", amount=BTC, product="coinm"))
    placed = sim.place(1, "BUY", 100, 49_000 * 10, **order)
    assert not isinstance(placed[0], Rejected), placed


def test_a_coinm_loss_leaves_the_usdm_wallet_untouched() -> None:
    sim = coin_sim()
    for account in (1, 2):
        sim.do(Deposit(account_id=account, asset="BTC", amount=3 * BTC))  # USDⓈ-M wallet
    usdm = [(a.balance("BTC"), a.balance("USDT")) for a in sim.state.accounts[:2]]
    coinm_before = sim.state.accounts[1].coinm.balance("BTC")
    sim.place(1, "SELL", 1_000, 50_000 * 10, symbol=PERP)
    sim.place(2, "BUY", 1_000, symbol=PERP)
    sim.do(SetIndexPrices(prices={"BTCUSD": 45_000 * USD}, source="t"))
    sim.place(1, "BUY", 1_000, 45_000 * 10, symbol=PERP)
    sim.place(2, "SELL", 1_000, symbol=PERP)  # the long closes at a loss
    assert sim.state.accounts[1].coinm.balance("BTC") < coinm_before
    assert [(a.balance("BTC"), a.balance("USDT")) for a in sim.state.accounts[:2]] == usdm
