"""Multi-Assets mode in the core: the switch and its refusals (-4171, -4170, -4167, -4168,
-4169), and one cross margin pool valued with Binance's haircuts (core/collateral.py).

Worked numbers, BTCUSDT index 77,000, leverage 1, taker fee 0.05 %: 1 BTC of collateral is
worth 77,000 x 95 % = 73,150 USD; a USDT need is valued at 1.0001 (USDT's 99.99 % buffer), so
the pool covers 73,150 / 1.0001 = 73,142.68 USDT. A BUY of 1.044 at 70,000 needs 73,080 +
36.54 fee = 73,116.54: accepted; 1.045 needs 73,150 + 36.575: -2019. With the first resting
(its margin 73,080), the pool spares 73,150 - 73,080 x 1.0001 = 62.69 USD = 0.000775 BTC at
the ask rate 77,000 x 1.05 = 80,850: 0.0007 BTC may be withdrawn, 0.0008 may not.
"""

import msgspec

from binance_sandbox.core import rejects
from binance_sandbox.core.commands import (
    CancelAllOrders,
    Command,
    CreateAccount,
    Deposit,
    Genesis,
    PlaceAlgoOrder,
    PlaceOrder,
    SetIndexPrices,
    SetLeverage,
    SetMarginType,
    SetMultiAssetsMode,
    Stamped,
    Withdraw,
)
from binance_sandbox.core.events import Event, MultiAssetsModeChanged, OrderUpdated, Rejected
from binance_sandbox.core.exchange import Exchange
from tests.test_core_trading import INSTRUMENTS, MARK, T0, USD

BTC = "BTCUSDT"
# a USDC-margined perpetual: BTCUSDT's contract under another pair and margin asset
BTCUSDC = msgspec.structs.replace(
    INSTRUMENTS[0], symbol="BTCUSDC", pair="BTCUSDC", quote_asset="USDC", margin_asset="USDC"
)


class Driver:
    def __init__(self) -> None:
        self.exchange = Exchange()
        instruments = (*INSTRUMENTS, BTCUSDC)
        self.do(Genesis(seed=1, assets=("USDT", "USDC", "BTC"), instruments=instruments))
        self.do(SetIndexPrices(prices={BTC: MARK, "BTCUSDC": MARK}, source="t"))
        self.do(CreateAccount(name="a"))

    def do(self, command: Command) -> list[Event]:
        seq = self.exchange.state.last_seq + 1
        return self.exchange.apply(Stamped(seq, T0 + seq, command))

    def code(self, command: Command) -> int:
        events = self.do(command)
        return next((e.code for e in events if isinstance(e, Rejected)), 0)


def buy(quantity: int, price: int = 7_000_000) -> PlaceOrder:
    return PlaceOrder(account_id=1, symbol=BTC, side="BUY", order_type="LIMIT",
                      quantity=quantity, price=price)  # fmt: skip


def test_the_switch_and_its_refusals() -> None:
    d = Driver()
    d.do(Deposit(account_id=1, asset="USDT", amount=10_000 * USD))
    assert d.code(SetMultiAssetsMode(account_id=1, on=False)) == -4171
    assert d.do(SetMultiAssetsMode(account_id=1, on=True)) == [
        MultiAssetsModeChanged(account_id=1, on=True)
    ]
    assert d.exchange.state.accounts[0].multi_assets
    assert d.code(SetMultiAssetsMode(account_id=1, on=True)) == -4171
    assert d.code(SetMarginType(account_id=1, symbol=BTC, isolated=True)) == -4168
    assert d.code(SetMultiAssetsMode(account_id=1, on=False)) == 0
    assert d.code(SetMarginType(account_id=1, symbol=BTC, isolated=True)) == 0
    assert d.code(SetMultiAssetsMode(account_id=1, on=True)) == -4167
    assert d.code(SetMarginType(account_id=1, symbol=BTC, isolated=False)) == 0
    assert d.code(buy(10)) == 0
    assert d.code(SetMultiAssetsMode(account_id=1, on=True)) == -4170
    d.do(CancelAllOrders(account_id=1, symbol=BTC))
    stop = PlaceAlgoOrder(account_id=1, symbol=BTC, side="SELL", order_type="STOP_MARKET",
                          quantity=10, trigger_price=7_000_000)  # fmt: skip
    assert d.code(stop) == 0
    assert d.code(SetMultiAssetsMode(account_id=1, on=True)) == -4170  # a conditional order
    assert rejects.JOINT_MARGIN_REJECT_WITH_OPEN_ORDER.code == -4170


def test_btc_collateral_backs_a_usdt_order_with_its_haircut() -> None:
    d = Driver()
    d.do(Deposit(account_id=1, asset="BTC", amount=USD))  # 1 BTC
    d.do(SetLeverage(account_id=1, symbol=BTC, leverage=1))
    assert d.code(buy(1_044)) == -2019  # Single-Asset mode: USDT alone, and there is none
    d.do(SetMultiAssetsMode(account_id=1, on=True))
    assert d.code(buy(1_045)) == -2019
    assert d.code(buy(1_044)) == 0
    assert d.code(Withdraw(account_id=1, asset="BTC", amount=80_000)) == -2018  # 0.0008
    assert d.code(Withdraw(account_id=1, asset="BTC", amount=70_000)) == 0  # 0.0007
    d.do(CancelAllOrders(account_id=1, symbol=BTC))
    assert d.code(SetMultiAssetsMode(account_id=1, on=False)) == 0


def test_leaving_the_mode_needs_each_asset_to_cover_itself() -> None:
    """A BTCUSDT position on BTC collateral: its commission leaves the USDT wallet negative
    (-4172); with 10 USDT deposited, USDT's own margin (385 at 20x) is still short (-4169)."""
    d = Driver()
    d.do(CreateAccount(name="maker"))
    d.do(Deposit(account_id=2, asset="USDT", amount=100_000 * USD))
    d.do(Deposit(account_id=1, asset="BTC", amount=USD))
    d.do(SetMultiAssetsMode(account_id=1, on=True))
    d.do(PlaceOrder(account_id=2, symbol=BTC, side="SELL", order_type="LIMIT", quantity=100,
                    price=7_700_000))  # fmt: skip
    events = d.do(PlaceOrder(account_id=1, symbol=BTC, side="BUY", order_type="MARKET",
                             quantity=100))  # fmt: skip
    assert any(isinstance(e, OrderUpdated) and e.trade for e in events)
    assert d.exchange.state.accounts[0].balance("USDT") == -385 * USD // 100  # the 3.85 fee
    assert d.code(SetMultiAssetsMode(account_id=1, on=False)) == -4172
    d.do(Deposit(account_id=1, asset="USDT", amount=10 * USD))
    assert d.code(SetMultiAssetsMode(account_id=1, on=False)) == -4169


def test_usdc_margin_stands_alone_in_single_asset_mode_and_pools_in_multi_assets() -> None:
    """A BTCUSDC order at 1x needs its notional in USDC: 0.1 at 70,000 = 7,000 + 3.5 fee.
    USDT does not pay for it until Multi-Assets mode pools the two (7,003.5 x 1.0001 / 0.9999
    = 7,004.9...: 7,100 USDT cover it)."""
    d = Driver()
    d.do(Deposit(account_id=1, asset="USDT", amount=7_100 * USD))
    d.do(SetLeverage(account_id=1, symbol="BTCUSDC", leverage=1))
    order = msgspec.structs.replace(buy(100), symbol="BTCUSDC")
    assert d.code(order) == -2019
    d.do(Deposit(account_id=1, asset="USDC", amount=7_004 * USD))
    assert d.code(order) == 0  # USDC alone: 7,004 >= 7,003.5
    d.do(CancelAllOrders(account_id=1, symbol="BTCUSDC"))
    d.do(Withdraw(account_id=1, asset="USDC", amount=7_004 * USD))
    d.do(SetMultiAssetsMode(account_id=1, on=True))
    assert d.code(order) == 0


def test_lowering_the_leverage_counts_the_pool() -> None:
    """A resting BUY of 1.5 at 70,000 (105,000) on BTC collateral: at 10x it holds 10,500 of
    the pool's 73,142.68 USDT, so the leverage may go down from 20 (USDT alone would be
    -2028); at 1x it would hold 105,000: -2028."""
    d = Driver()
    d.do(Deposit(account_id=1, asset="BTC", amount=USD))
    d.do(SetMultiAssetsMode(account_id=1, on=True))
    assert d.code(buy(1_500)) == 0
    assert d.code(SetLeverage(account_id=1, symbol=BTC, leverage=10)) == 0
    assert d.code(SetLeverage(account_id=1, symbol=BTC, leverage=1)) == -2028
