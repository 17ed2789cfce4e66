"""Liquidation of a Multi-Assets account (core/margin_health.py, core/liquidating.py): its
margin balance is the pool, every wallet at its haircut plus the positions' unrealized PnL, so
an account holding only BTC is not bankrupt because its USDT wallet is 0.

Worked numbers (BTCUSDT index 77,000, 20x, taker 0.05 %, maker 0.02 %, bracket 1: MMR 0.4 %):
account 1 holds 1 BTC (73,150 USD at the 95 % haircut) and buys 3 BTCUSDT at 77,000 (notional
231,000, margin 11,550), paying a 115.50 taker fee: USDT wallet -115.50, worth -115.51155 at
USDT's ask rate 1.0001, so the pool's wallets are 73,034.48845 USD. Margin balance at mark m:
73,034.48845 + 3 x (m - 77,000); maintenance 3 x m x 0.4 %. The liquidation price (FORMULAS
§4.1 with WB the pool's wallets, the BTC index held) is (73,034.48845 - 231,000) / (3 x 0.004
- 3) = 52,866.63706493 (on the USDT wallet alone it was 77,347.89, above the mark).
- m = 60,000: 22,034.49 vs 720: safe (the USDT wallet alone, -51,115.50, was liquidated);
- m = 52,900: 734.49 <= 1.25 x 634.80 = 793.50: a margin call, still no liquidation;
- m = 52,800: 434.49 <= 633.60: liquidated. The bankruptcy price is where the pool reaches 0,
  77,000 - 73,034.48845 / 3 = 52,655.1705, on the tick grid 52,655.20: the autoclose SELL of 3
  fills 1 on account 3's bid at 52,700 (PnL -24,300, taker fee 26.35) and the fund takes 2 at
  52,655.20 (PnL -48,689.60). USDT wallet -73,131.45, the pool 73,150 - 73,131.45 x 1.0001 =
  11.236855 USD = 11.23573142 USDT (at 1.0001): the clearance fee (1.25 % of 158,010.40) is
  capped at that, and the pool is left at 0.
- The choice pinned here: Binance sells the BTC off (auto-exchange) to repay the USDT; the
  sandbox does not. The account keeps its 1 BTC and a USDT debt of 73,142.68573142 that the
  BTC covers exactly, and the fund clears nothing but the fee.
"""

from binance_sandbox.core.commands import (
    CreateAccount,
    Deposit,
    PlaceOrder,
    SetIndexPrices,
    SetMarkPrice,
    SetMultiAssetsMode,
)
from binance_sandbox.core.events import BalanceChanged, Event, ForceOrder, MarginCall
from binance_sandbox.core.liquidation import liquidation_prices
from binance_sandbox.core.margin import account_risk
from tests.test_core_trading import USD, px, qty, usd
from tests.test_multi_assets import BTC, Driver

ETH = "ETHUSDT"


def on_btc_collateral() -> Driver:
    """Account 1 (Multi-Assets, 1 BTC and nothing else), a maker (2) and a bidder (3)."""
    d = Driver()
    for name in ("maker", "bidder"):
        d.do(CreateAccount(name=name))
    for account in (2, 3):
        d.do(Deposit(account_id=account, asset="USDT", amount=10_000_000 * USD))
    d.do(Deposit(account_id=1, asset="BTC", amount=USD))
    d.do(SetMultiAssetsMode(account_id=1, on=True))
    return d


def limit(account: int, side: str, quantity: str, price: str, symbol: str = BTC) -> PlaceOrder:
    return PlaceOrder(account_id=account, symbol=symbol, side=side, order_type="LIMIT",
                      quantity=qty(quantity), price=px(price))  # fmt: skip


def long_3_btc() -> Driver:
    d = on_btc_collateral()
    d.do(limit(2, "SELL", "3", "77000"))
    d.do(PlaceOrder(account_id=1, symbol=BTC, side="BUY", order_type="MARKET",
                    quantity=qty("3")))  # fmt: skip
    assert d.exchange.state.accounts[0].balances == {"BTC": USD, "USDT": -usd("115.5")}
    d.do(limit(3, "BUY", "1", "52700"))
    return d


def of(events: list[Event], kind: type) -> list:  # type: ignore[type-arg]
    return [e for e in events if isinstance(e, kind)]


def mark(d: Driver, price: str) -> list[Event]:
    return d.do(SetMarkPrice(symbol=BTC, price=usd(price)))


def test_btc_collateral_carries_the_long_until_the_pool_is_spent() -> None:
    d = long_3_btc()
    state = d.exchange.state
    account = state.accounts[0]
    assert liquidation_prices(state, account, account_risk(state, account)) == [
        usd("52866.63706493")
    ]
    for price in ("77000", "60000", "53000"):
        events = mark(d, price)
        assert not of(events, ForceOrder)
        assert not of(events, MarginCall)
    assert state.positions["1:BTCUSDT:BOTH"].qty == qty("3")
    (call,) = of(mark(d, "52900"), MarginCall)
    assert (call.asset, call.cross_wallet) == ("USDT", usd("73034.48845"))
    assert state.positions["1:BTCUSDT:BOTH"].qty == qty("3")

    events = mark(d, "52800")
    (force,) = of(events, ForceOrder)
    assert (force.order.account_id, force.order.side, force.order.executed_qty) == (
        1, "SELL", qty("3"),
    )  # fmt: skip
    assert force.bankruptcy_price == usd("52655.2")
    assert state.positions["1:BTCUSDT:BOTH"].qty == 0
    assert state.positions["3:BTCUSDT:BOTH"].qty == qty("1")
    assert state.insurance.positions[BTC].qty == qty("2")
    (fee,) = [e for e in of(events, BalanceChanged) if e.reason == "INSURANCE_CLEAR"]
    assert (fee.account_id, fee.asset, fee.delta) == (1, "USDT", -usd("11.23573142"))
    # no auto-exchange: the BTC stays, and so does the USDT debt it covers
    assert state.accounts[0].balances == {"BTC": USD, "USDT": -usd("73142.68573142")}
    assert [c.amount for c in state.insurance_clears] == [-usd("11.23573142")]


def test_a_fill_that_leaves_the_pool_past_100_percent_liquidates_at_once() -> None:
    """Account 1 bids 3 at 77,000; the mark is set to 52,800 (no position: nothing happens);
    the maker sells into the bid: long 3 at 77,000 with a 46.20 maker fee, margin balance
    73,150 - 46.20462 - 72,600 = 503.79538 <= 633.60: liquidated in the same command, at the
    bankruptcy price 77,000 - 73,103.79538 / 3 = 52,632.07 (52,632.10 on the grid). At mark
    52,900 the same fill leaves 803.79538 > 634.80: it stays open."""
    for price, liquidated in (("52800", True), ("52900", False)):
        d = on_btc_collateral()
        d.do(limit(1, "BUY", "3", "77000"))
        assert not of(mark(d, price), ForceOrder)
        d.do(limit(3, "BUY", "1", "52700"))
        forces = of(d.do(limit(2, "SELL", "3", "77000")), ForceOrder)
        assert [f.order.account_id for f in forces] == ([1] if liquidated else [])
        assert [f.bankruptcy_price for f in forces] == ([usd("52632.1")] if liquidated else [])
        left = d.exchange.state.positions["1:BTCUSDT:BOTH"].qty
        assert left == (0 if liquidated else qty("3"))


def test_the_collateral_index_falling_liquidates_a_position_on_another_symbol() -> None:
    """1 BTC behind a long of 150 ETHUSDT at 2,000 (taker fee 150): the ETH mark at 1,560
    leaves 73,150 - 150.015 - 66,000 = 6,999.985 vs maintenance 234,000 x 0.4 % = 936: safe.
    BTC's index then falls to 76,000 (collateral 72,200: 6,049.985, safe) and to 70,000
    (66,500: 349.985 <= 936) with ETH's mark still: the pool is liquidated although no mark it
    holds moved (the watch follows the index pairs of its collateral)."""
    d = on_btc_collateral()
    d.do(SetIndexPrices(prices={ETH: usd("2000")}, source="t"))
    d.do(limit(2, "SELL", "150", "2000", ETH))
    d.do(PlaceOrder(account_id=1, symbol=ETH, side="BUY", order_type="MARKET",
                    quantity=qty("150")))  # fmt: skip
    assert not of(d.do(SetMarkPrice(symbol=ETH, price=usd("1560"))), ForceOrder)
    assert not of(d.do(SetIndexPrices(prices={BTC: usd("76000")}, source="t")), ForceOrder)
    (force,) = of(d.do(SetIndexPrices(prices={BTC: usd("70000")}, source="t")), ForceOrder)
    assert (force.order.account_id, force.order.symbol) == (1, ETH)
    assert d.exchange.state.positions["1:ETHUSDT:BOTH"].qty == 0
