"""What the margin model costs in the core (in-process, no I/O): a mark-price update with many
open positions on one symbol, and a new order's margin check with few and many open orders.

1. `SetIndexPrices` of BTCUSDT with N accounts (default 10,000) each holding a BTCUSDT
   position: the mark is set per symbol and every margin figure is computed on read, so the
   update should not depend on N. Baseline: the same update with no positions.
2. A LIMIT order that rests, then its cancel, by an account with K open orders (1 and 199 on
   ETHUSDT, under its MAX_NUM_ORDERS; the new orders go to BTCUSDT): the check recomputes the
   account's open-order margin, so this cost grows with K. Printed: microseconds per place +
   cancel pair and the ratio K=199 / K=1.

    python bench/margin_costs.py [--positions 10000] [--orders 199] [--repeat 2000]
"""

import argparse
import json
import statistics
import time
from pathlib import Path

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

USD = 10**8
BTC, ETH = "BTCUSDT", "ETHUSDT"
T0 = 1_700_000_000_000


class Driver:
    def __init__(self) -> None:
        self.exchange = Exchange()
        self.seq = 0
        self.ts = T0
        instruments = tuple(load_config(environ={}).instruments.values())
        self.do(Genesis(seed=1, assets=("USDT",), instruments=instruments))
        self.do(SetIndexPrices(prices={BTC: 77_000 * USD, ETH: 2_900 * USD}, source="b"))

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


def mark_update_ms(positions: int, repeat: int) -> float:
    driver = Driver()
    if positions:
        maker = driver.account(10**9 * USD)
        driver.do(PlaceOrder(account_id=maker, symbol=BTC, side="SELL", order_type="LIMIT",
                             quantity=positions, price=7_700_000))  # fmt: skip
        for _ in range(positions):
            taker = driver.account()
            driver.do(PlaceOrder(account_id=taker, symbol=BTC, side="BUY",
                                 order_type="MARKET", quantity=1))  # fmt: skip
    times = []
    for step in range(repeat):
        driver.ts += 1000
        started = time.perf_counter()
        driver.do(SetIndexPrices(prices={BTC: (77_000 + step % 7) * USD}, source="b"))
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def place_cancel_us(open_orders: int, repeat: int) -> float:
    driver = Driver()
    trader = driver.account()
    for level in range(open_orders):
        driver.do(PlaceOrder(account_id=trader, symbol=ETH, side="BUY", order_type="LIMIT",
                             quantity=10, price=280_000 - level))  # fmt: skip
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
    parser.add_argument("--orders", type=int, default=199)  # MAX_NUM_ORDERS is 200
    parser.add_argument("--repeat", type=int, default=2_000)
    args = parser.parse_args()
    empty = mark_update_ms(0, args.repeat)
    full = mark_update_ms(args.positions, args.repeat)
    few = place_cancel_us(1, args.repeat)
    many = place_cancel_us(args.orders, args.repeat)
    figures = {
        "mark_update_ms_no_positions": empty,
        f"mark_update_ms_{args.positions}_positions": full,
        "place_cancel_us_1_open_order": few,
        f"place_cancel_us_{args.orders}_open_orders": many,
        "ratio_many_over_few": many / few,
    }
    print(f"mark-price update, no positions:            {empty:8.3f} ms (median)")
    print(f"mark-price update, {args.positions} positions:      {full:8.3f} ms (aim <= 5 ms)")
    print(f"place + cancel, 1 open order:               {few:8.1f} us")
    print(f"place + cancel, {args.orders} open orders:          {many:8.1f} us "
          f"({many / few:.1f}x: the check recomputes the account's open orders)")  # fmt: skip
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / "margin_costs.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
