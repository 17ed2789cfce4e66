"""What the liquidation check costs at a mark-price update (in-process, no I/O).

N accounts (default 10,000) each hold a BTCUSDT long of 0.001 at 77,000 (cross, 20x) on a
wallet of 4 to 73 USDT, so their margin-call prices spread from ~72,900 down to 0; account 1
(the maker) holds the short. Printed, medians of `--repeat` updates:

1. baseline: `SetMarkPrice` of BTCUSDT with no positions;
2. the same update with N positions, the mark moving by a few USDT around 77,000: nobody is
   near a margin call, so the watch's index checks nobody exactly;
3. with N positions at a mark of 73,350: the 1/70 of accounts past their margin-call price
   (wallet 4, under a margin call) are checked exactly at every update (none is liquidated);
4. what the index saves: the same update with the index rebuilt every time (a full walk of
   the N positions, as the first check after a restart does);
5. one crash to 73,000 that liquidates the thinnest accounts (bankruptcy price 73,040) into
   the maker's bid at 73,200: ms per liquidation (expiry, IOC, fill, clearance fee).

    python bench/liquidation_check.py [--positions 10000] [--repeat 300]
"""

import argparse
import statistics
import time
from collections.abc import Callable

from binance_sandbox.core.commands import PlaceOrder, SetMarkPrice
from binance_sandbox.core.events import ForceOrder
from binance_sandbox.core.liquidation_watch import LiquidationWatch
from margin_costs import BTC, USD, Driver
from results import save


def market(positions: int) -> Driver:
    driver = Driver()
    maker = driver.account(10**9 * USD)
    if positions:
        driver.do(PlaceOrder(account_id=maker, symbol=BTC, side="SELL", order_type="LIMIT",
                             quantity=positions, price=7_700_000))  # fmt: skip
    for number in range(positions):
        taker = driver.account((4 + number % 70) * USD)
        driver.do(PlaceOrder(account_id=taker, symbol=BTC, side="BUY", order_type="MARKET",
                             quantity=1))  # fmt: skip
    return driver


def median_ms(driver: Driver, around: int, repeat: int, before: Callable[[], None]) -> float:
    times = []
    for step in range(repeat):
        before()
        started = time.perf_counter()
        events = driver.do(SetMarkPrice(symbol=BTC, price=(around + step % 7) * USD))
        times.append(time.perf_counter() - started)
        if any(isinstance(e, ForceOrder) for e in events):
            raise SystemExit("the bench's updates must not liquidate")
    return statistics.median(times) * 1000


def crash(driver: Driver) -> tuple[float, int]:
    driver.do(PlaceOrder(account_id=1, symbol=BTC, side="BUY", order_type="LIMIT",
                         quantity=100_000, price=7_320_000))  # fmt: skip
    started = time.perf_counter()
    events = driver.do(SetMarkPrice(symbol=BTC, price=73_000 * USD))
    elapsed = time.perf_counter() - started
    return elapsed * 1000, sum(1 for e in events if isinstance(e, ForceOrder))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--positions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    n, repeat = args.positions, args.repeat

    def keep() -> None:
        pass

    empty = median_ms(market(0), 77_000, repeat, keep)
    driver = market(n)
    calm = median_ms(driver, 77_000, repeat, keep)
    stressed = median_ms(driver, 73_350, repeat, keep)
    exchange = driver.exchange

    def forget() -> None:
        exchange.watch = LiquidationWatch()

    full = median_ms(driver, 77_000, max(5, repeat // 30), forget)
    crash_ms, liquidated = crash(driver)
    figures = {
        "update_ms_no_positions": empty,
        f"update_ms_{n}_positions_calm": calm,
        f"update_ms_{n}_positions_1pct_near_call": stressed,
        f"update_ms_{n}_positions_full_walk": full,
        "crash_ms": crash_ms,
        "crash_liquidations": liquidated,
    }
    print(f"mark update, no positions:                   {empty:8.3f} ms (median)")
    print(f"mark update, {n} positions, calm:         {calm:8.3f} ms (aim <= 5 ms)")
    print(f"mark update, {n} positions, 73,350:       {stressed:8.3f} ms (1/70 checked exactly)")
    print(f"mark update, {n} positions, full walk:    {full:8.3f} ms "
          f"({full / calm:.0f}x the indexed update)")  # fmt: skip
    print(f"crash to 73,000: {liquidated} liquidations in {crash_ms:.1f} ms "
          f"({crash_ms / max(1, liquidated):.3f} ms each)")  # fmt: skip
    save("liquidation_check", figures)


if __name__ == "__main__":
    main()
