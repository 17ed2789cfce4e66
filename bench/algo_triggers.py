"""What conditional-order triggers cost in the core (in-process, no I/O): a mark-price update
of BTCUSDT with N untriggered conditional orders on it (default 10,000: 50 accounts x 200, the
per-account limit) when none fires, against the same update with none (the baseline); and the
same with T activated trailing stops (default 1,000), which are checked one by one.

The orders are MARK_PRICE stops and take-profits of both sides with triggers spread 1-9 %
away from the mark; the mark moves within 6 USDT of 77000, so none fires.

    python bench/algo_triggers.py [--orders 10000] [--trailing 1000] [--repeat 2000]
"""

import argparse

from binance_sandbox.core.commands import PlaceAlgoOrder
from margin_costs import BTC, Driver, index_update_ms
from results import save

PER_ACCOUNT = 200
KINDS = (("SELL", "STOP_MARKET", -1), ("BUY", "STOP_MARKET", 1),
         ("SELL", "TAKE_PROFIT_MARKET", 1), ("BUY", "TAKE_PROFIT_MARKET", -1))  # fmt: skip


def conditional(account: int, number: int) -> PlaceAlgoOrder:
    side, order_type, direction = KINDS[number % len(KINDS)]
    away = 77_000 * (100 + direction * (1 + number % 9)) // 100  # 1-9 % from the mark
    return PlaceAlgoOrder(account_id=account, symbol=BTC, side=side, order_type=order_type,  # type: ignore[arg-type]
                          quantity=10, trigger_price=away * 100 + number % 50 * 10,
                          working_type="MARK_PRICE")  # fmt: skip


def trailing(account: int) -> PlaceAlgoOrder:
    return PlaceAlgoOrder(account_id=account, symbol=BTC, side="SELL",
                          order_type="TRAILING_STOP_MARKET", quantity=10, callback_rate=50,
                          working_type="MARK_PRICE")  # fmt: skip


def mark_update_ms(orders: int, trailing_stops: int, repeat: int) -> float:
    driver = Driver()
    account = 0
    for number in range(orders + trailing_stops):
        if number % PER_ACCOUNT == 0:
            account = driver.account()
        driver.do(conditional(account, number) if number < orders else trailing(account))
    waiting = sum(len(ids) for ids in driver.exchange.state.open_algo_ids.values())
    if waiting != orders + trailing_stops:
        raise SystemExit(f"expected {orders + trailing_stops} waiting orders, found {waiting}")
    median = index_update_ms(driver, repeat)
    still = sum(len(ids) for ids in driver.exchange.state.open_algo_ids.values())
    if still != waiting:
        raise SystemExit(f"{waiting - still} orders fired; the bench expects none to")
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--trailing", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=2_000)
    args = parser.parse_args()
    empty = mark_update_ms(0, 0, args.repeat)
    full = mark_update_ms(args.orders, 0, args.repeat)
    trail = mark_update_ms(args.orders, args.trailing, args.repeat)
    figures = {
        "mark_update_ms_no_conditional_orders": empty,
        f"mark_update_ms_{args.orders}_conditional_orders": full,
        f"trigger_cost_ms_{args.orders}": full - empty,
        f"mark_update_ms_{args.orders}_plus_{args.trailing}_trailing": trail,
        "ratio_full_over_empty": full / empty,
    }
    print(f"mark-price update, no conditional orders:     {empty:8.4f} ms (median, baseline)")
    print(
        f"mark-price update, {args.orders} waiting orders:   {full:8.4f} ms "
        f"({full / empty:.2f}x; trigger evaluation {full - empty:.4f} ms, aim <= 1 ms)"
    )
    print(f"... plus {args.trailing} activated trailing stops:  {trail:8.4f} ms "
          f"(each is checked at every update)")  # fmt: skip
    save("algo_triggers", figures)


if __name__ == "__main__":
    main()
