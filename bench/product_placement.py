"""Order placement on USDⓈ-M (/fapi) and COIN-M (/dapi) of one server, in the same run.

One `binance-sandbox serve` (fresh data directory, rate limits off, agents off, the default
`synchronous="full"` journal), the REST client of `ws_api_placement.py` (prepared request bytes,
one request in flight per connection, `--connections` connections). Per product, a signed
MARKET BUY on an empty book, so each order is checked (margin included), journaled, applied and
EXPIRED — the placement path without matching:

- **usdm**: `POST /fapi/v1/order` 0.001 BTCUSDT;
- **coinm**: `POST /dapi/v1/order` 1 contract of BTCUSD_PERP.

The products are alternated `--repeat` times, each run after an uncounted warm-up; medians are
printed with the ratio coinm / usdm. `--products usdm` measures USDⓈ-M alone, so the same script
copied into a checkout from before COIN-M tells whether COIN-M's presence slows USDⓈ-M (the
issue's "no product slows another"). Every answer must be HTTP 200 and the order ids must show
at least as many accepted orders as answers, or the script exits 1. A JSON copy goes to
`bench/results/product_placement-<date>-<time>.json`.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import time

from http_throughput import RESULTS_DIR, Sandbox, sandbox_server
from order_placement import SERVER_ENV
from ws_api_placement import (
    ORDER,
    ORDER_PATH,
    Load,
    Order,
    Tally,
    measure,
    rest_connection,
    rest_request,
)

ORDERS: dict[str, tuple[str, Order]] = {
    "usdm": (ORDER_PATH, ORDER),
    "coinm": ("/dapi/v1/order", {"symbol": "BTCUSD_PERP", "side": "BUY", "type": "MARKET",
                                 "quantity": "1"}),
}  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--products", nargs="+", choices=sorted(ORDERS), default=["usdm", "coinm"])
    return parser.parse_args()


def load(product: str, connections: int) -> Load:
    async def run(sandbox: Sandbox, until: float, tally: Tally) -> None:
        prepared = rest_request(sandbox, *ORDERS[product])
        await asyncio.gather(
            *(rest_connection(sandbox, prepared, until, tally) for _ in range(connections))
        )

    return run


def main() -> int:
    args = parse_args()
    os.environ.update(SERVER_ENV)  # inherited by the server sandbox_server starts
    out_dir = RESULTS_DIR / f"product_placement-{time.strftime('%Y%m%d-%H%M%S')}"
    out_dir.mkdir(parents=True)
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in args.products}
    load_before = os.getloadavg()[0]
    with sandbox_server(out_dir) as sandbox:
        for round_no in range(1, args.repeat + 1):
            for product in args.products:
                path, order = ORDERS[product]
                run = load(product, args.connections)
                if args.warmup:
                    measure(sandbox, product, run, args.warmup, path, order)
                rounds[product].append(measure(sandbox, product, run, args.duration, path, order))
            print(f"round {round_no}/{args.repeat} done")
    table = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for name, runs in rounds.items()
    }
    first = table[args.products[0]]["orders_per_second"]
    print(f"\nmedians over {args.repeat} round(s), {args.connections} connections, "
          f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'product':<10}{'orders/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'/ first':>9}")
    for name, row in table.items():
        print(
            f"{name:<10}{row['orders_per_second']:>10.0f}{row['p50_ms']:>9.2f}"
            f"{row['p99_ms']:>9.2f}{row['orders_per_second'] / first:>9.2f}"
        )
    summary = {"settings": vars(args), "server_env": SERVER_ENV, "medians": table, "rounds": rounds}
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
