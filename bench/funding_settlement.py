"""What funding costs in the core (in-process, no I/O).

1. One `SettleFunding` with N accounts (default 10,000) each holding a BTCUSDT position (and
   the maker short their sum): every position's fee, wallet and event. Baseline: the same
   settlement with no positions.
2. The premium samples: an index tick that crosses a 5-second slot (a sample walks the book
   for the impact notional) against one that does not, with the liquidity of a live book
   (20 levels a side).

    python bench/funding_settlement.py [--positions 10000] [--repeat 20]
"""

import argparse
import statistics
import time

from binance_sandbox.core.commands import PlaceOrder, SettleFunding
from binance_sandbox.core.events import FundingFeeCharged
from margin_costs import BTC, USD, Driver, index_update_ms, with_positions
from results import save

EIGHT_HOURS = 8 * 3_600_000


def settlement_ms(positions: int, repeat: int) -> float:
    driver = with_positions(positions)
    times = []
    for _ in range(repeat):
        driver.ts = driver.ts - driver.ts % EIGHT_HOURS + EIGHT_HOURS
        started = time.perf_counter()
        events = driver.do(SettleFunding())
        times.append(time.perf_counter() - started)
        charged = sum(isinstance(e, FundingFeeCharged) for e in events)
        if charged != (positions + 1 if positions else 0):
            raise SystemExit(f"expected {positions + 1} fees, got {charged}")
    return statistics.median(times) * 1000


def tick_us(repeat: int, *, crossing: bool) -> float:
    driver = Driver()
    maker = driver.account(10**9 * USD)
    for level in range(1, 21):
        for side, price in (("BUY", 7_700_000 - 10 * level), ("SELL", 7_700_000 + 10 * level)):
            driver.do(PlaceOrder(account_id=maker, symbol=BTC, side=side, order_type="LIMIT",
                                 quantity=100, price=price))  # fmt: skip
    return index_update_ms(driver, repeat, step_ms=5000 if crossing else 0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--positions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    empty = settlement_ms(0, args.repeat)
    full = settlement_ms(args.positions, args.repeat)
    still = tick_us(args.repeat * 50, crossing=False)
    sampled = tick_us(args.repeat * 50, crossing=True)
    figures = {
        "settlement_ms_no_positions": empty,
        f"settlement_ms_{args.positions}_positions": full,
        "index_tick_us_no_sample": still,
        "index_tick_us_with_sample": sampled,
    }
    print(f"funding settlement, no positions:        {empty:8.3f} ms (median)")
    print(f"funding settlement, {args.positions} positions:   {full:8.3f} ms "
          f"({full * 1000 / args.positions:.2f} us a position)")  # fmt: skip
    print(f"index tick without a premium sample:     {still:8.1f} us")
    print(f"index tick with a premium sample:        {sampled:8.1f} us "
          f"({sampled / still:.1f}x)")  # fmt: skip
    save("funding_settlement", figures)


if __name__ == "__main__":
    main()
