"""What the margin model costs in the core (in-process, no I/O): a mark-price update with many
open positions on one symbol, and a new order's margin check with few and many open orders.

1. `SetIndexPrices` of BTCUSDT with N accounts (default 10,000) each holding a BTCUSDT
   position: the mark is set per symbol and every margin figure is computed on read, so the
   update should not depend on N. Baseline: the same update with no positions.
2. A LIMIT order that rests, then its cancel, on BTCUSDT by an account with open orders on the
   five other default symbols: 1 on one of them, 1 on each, and 199 on each (995, under
   MAX_NUM_ORDERS). The open orders' margin sums are kept as orders change
   (`core/order_totals.py`), so 995 orders should cost what 5 do; the account's totals are
   summed over the position sides it holds, so 5 symbols cost more than 1. Printed:
   microseconds per place + cancel pair and the ratios.

    python bench/margin_costs.py [--positions 10000] [--per-symbol 199] [--repeat 2000]
"""

import argparse
import statistics
import time

from binance_sandbox.config.loader import load_config
from binance_sandbox.core.commands import (
    CancelOrder,
    Command,
    CreateAccount,
    Deposit,
    Genesis,
    PlaceOrder,
    SetIndexPrices,
    Stamped,
)
from binance_sandbox.core.events import OrderUpdated, Rejected
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.fixed import AMOUNT_DECIMALS, parse_scaled
from binance_sandbox.core.instruments import Instrument
from results import save

USD = 10**8
BTC, ETH = "BTCUSDT", "ETHUSDT"
INDEX = {BTC: 77_000 * USD, ETH: 2_900 * USD, "BNBUSDT": 600 * USD, "SOLUSDT": 150 * USD,
         "XRPUSDT": 2 * USD}  # fmt: skip
PER_SYMBOL = 199  # MAX_NUM_ORDERS is 200
T0 = 1_700_000_000_000


class Driver:
    def __init__(self) -> None:
        self.exchange = Exchange()
        self.seq = 0
        self.ts = T0
        self.instruments = load_config(environ={}).instruments
        self.do(Genesis(seed=1, assets=("USDT",), instruments=tuple(self.instruments.values())))
        self.do(SetIndexPrices(prices=INDEX, source="b"))

    def do(self, command: Command) -> list:  # type: ignore[type-arg]
        self.seq += 1
        events = self.exchange.apply(Stamped(self.seq, self.ts, command))
        if any(isinstance(e, Rejected) for e in events):
            raise SystemExit(f"refused: {command} -> {events}")
        return events

    def account(self, funds: int = 10_000_000 * USD) -> int:
        self.do(CreateAccount(name=f"a{self.seq}"))
        number = len(self.exchange.state.accounts)
        self.do(Deposit(account_id=number, asset="USDT", amount=funds))
        return number


def with_positions(positions: int) -> Driver:
    """`positions` accounts, each long one step of BTCUSDT bought at 77,000 from one maker
    (who holds the short)."""
    driver = Driver()
    if positions:
        maker = driver.account(10**9 * USD)
        driver.do(PlaceOrder(account_id=maker, symbol=BTC, side="SELL", order_type="LIMIT",
                             quantity=positions, price=7_700_000))  # fmt: skip
        for _ in range(positions):
            taker = driver.account()
            driver.do(PlaceOrder(account_id=taker, symbol=BTC, side="BUY",
                                 order_type="MARKET", quantity=1))  # fmt: skip
    return driver


def index_update_ms(driver: Driver, repeat: int, step_ms: int = 1000) -> float:
    """The median time of `repeat` index (and so mark) updates of BTCUSDT, `step_ms` of
    exchange time apart, each within 6 USDT of 77,000."""
    times = []
    for step in range(repeat):
        driver.ts += step_ms
        started = time.perf_counter()
        driver.do(SetIndexPrices(prices={BTC: (77_000 + step % 7) * USD}, source="b"))
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def mark_update_ms(positions: int, repeat: int) -> float:
    return index_update_ms(with_positions(positions), repeat)


def resting_buy(instrument: Instrument, level: int) -> tuple[int, int]:
    """Quantity and price of a BUY `level` ticks under 99 % of the index, worth twice the
    minimum notional."""
    tick = parse_scaled(instrument.tick_size, instrument.price_decimals)
    step = parse_scaled(instrument.step_size, instrument.qty_decimals)
    index = INDEX[instrument.pair] // 10 ** (AMOUNT_DECIMALS - instrument.price_decimals)
    price = (index * 99 // 100) // tick * tick - level * tick
    minimum = parse_scaled(instrument.min_notional, instrument.price_decimals)
    steps = 2 * minimum * 10**instrument.qty_decimals // (price * step) + 1
    return steps * step, price


def place_cancel_us(per_symbol: int, symbols: int, repeat: int) -> float:
    driver = Driver()
    trader = driver.account()
    others = [i for symbol, i in driver.instruments.items() if symbol != BTC][:symbols]
    for instrument in others:
        for level in range(per_symbol):
            quantity, price = resting_buy(instrument, level)
            driver.do(PlaceOrder(account_id=trader, symbol=instrument.symbol, side="BUY",
                                 order_type="LIMIT", quantity=quantity, price=price))  # fmt: skip
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        events = driver.do(PlaceOrder(account_id=trader, symbol=BTC, side="BUY",
                                      order_type="LIMIT", quantity=1, price=7_600_000))  # fmt: skip
        placed = next(e.order for e in events if isinstance(e, OrderUpdated))
        driver.do(CancelOrder(account_id=trader, symbol=BTC, order_id=placed.order_id))
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--positions", type=int, default=10_000)
    parser.add_argument("--per-symbol", type=int, default=PER_SYMBOL)
    parser.add_argument("--repeat", type=int, default=2_000)
    args = parser.parse_args()
    empty = mark_update_ms(0, args.repeat)
    full = mark_update_ms(args.positions, args.repeat)
    one = place_cancel_us(1, 1, args.repeat)
    spread = place_cancel_us(1, 5, args.repeat)
    many = place_cancel_us(args.per_symbol, 5, args.repeat)
    count = 5 * args.per_symbol
    figures = {
        "mark_update_ms_no_positions": empty,
        f"mark_update_ms_{args.positions}_positions": full,
        "place_cancel_us_1_open_order": one,
        "place_cancel_us_5_open_orders_5_symbols": spread,
        f"place_cancel_us_{count}_open_orders_5_symbols": many,
        "ratio_many_over_5": many / spread,
    }
    print(f"mark-price update, no positions:            {empty:8.3f} ms (median)")
    print(f"mark-price update, {args.positions} positions:      {full:8.3f} ms (aim <= 5 ms)")
    print(f"place + cancel, 1 open order:               {one:8.1f} us")
    print(f"place + cancel, 5 open orders (5 symbols):  {spread:8.1f} us ({spread / one:.2f}x)")
    print(f"place + cancel, {count} open orders (5 symbols): {many:8.1f} us "
          f"({many / spread:.2f}x the 5; aim: 1x)")  # fmt: skip
    save("margin_costs", figures)


if __name__ == "__main__":
    main()
