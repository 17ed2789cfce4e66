"""User-data stream latency: an order's acknowledgement to its ORDER_TRADE_UPDATE at the client,
while the account's stream carries a background rate of events.

`binance-sandbox serve` runs the built-in default config (the live market on) on a fresh data
directory with rate limits off; everything uses the demo account and its one listenKey.

- **Load** (its own process): loops that place resting LIMIT BUYs 3 % under the index, 5 per
  `batchOrders`, `--batches` times, then cancel them all with one `allOpenOrders`: 10
  ORDER_TRADE_UPDATEs (5 NEW, 5 CANCELED) per batch, paced to `--rates` events/s in turn. A
  reader in the same process counts what the account's stream delivers (events/s reached).
- **Probe** (this process): one order at a time, `--probes-per-s`, each a resting LIMIT BUY with
  its own clientOrderId, read back on a second connection of the same listenKey. Per probe:
  `ack -> event`, the client's receipt of the ORDER_TRADE_UPDATE minus its receipt of the HTTP
  answer (negative when the event came first: the server pushes it as soon as the command is
  journaled and applied, in the same turn of its event loop that resolves the answer), and
  `send -> event`, from sending the request.

Raw figures go to `bench/results/user_stream_latency-<date>-<time>/figures.json`.
"""

import argparse
import asyncio
import json
import multiprocessing as mp
import statistics
import time
from typing import Any
from urllib.parse import quote

import httpx
from websockets.asyncio.client import connect

from http_throughput import RESULTS_DIR, Sandbox, sandbox_server
from order_placement import signed

SYMBOL = "BTCUSDT"
BATCH = 5  # orders per batchOrders (Binance's most)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per rate")
    parser.add_argument("--rates", default="1000,10000", help="events/s of background load")
    # loops x batches x 5 orders stay under the 200 open orders a symbol allows
    parser.add_argument("--loops", type=int, default=8, help="concurrent load loops")
    parser.add_argument("--batches", type=int, default=4, help="batchOrders per cancel-all")
    parser.add_argument("--probes-per-s", type=float, default=50.0)
    return parser.parse_args()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def rest_price(url: str) -> str:
    """3 % under the index, on BTCUSDT's 0.10 tick: a BUY there rests."""
    index = float(httpx.get(f"{url}/fapi/v1/premiumIndex?symbol={SYMBOL}").json()["indexPrice"])
    return f"{int(index * 0.97 * 10) / 10:.2f}"


# --- the load (its own process) ---------------------------------------------------------------


def load_process(sandbox: Sandbox, key: str, rate: float, args: argparse.Namespace,
                 price: str, ready: Any, results: Any) -> None:  # fmt: skip
    results.put(asyncio.run(_load(sandbox, key, rate, args, price, ready)))


async def _load(sandbox: Sandbox, key: str, rate: float, args: argparse.Namespace,
                price: str, ready: Any) -> tuple[int, int]:  # fmt: skip
    ws_url = sandbox.url.replace("http://", "ws://")
    received = 0
    async with (
        connect(f"{ws_url}/private/ws/{key}", max_queue=None, ping_interval=None) as ws,
        httpx.AsyncClient(base_url=sandbox.url, headers={"X-MBX-APIKEY": sandbox.api_key},
                          timeout=30.0) as client,
    ):  # fmt: skip

        async def read() -> None:
            nonlocal received
            async for _message in ws:
                received += 1

        reader = asyncio.create_task(read())
        orders = [{"symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                   "quantity": "0.002", "price": price}] * BATCH  # fmt: skip
        batch = "batchOrders=" + quote(json.dumps(orders, separators=(",", ":")))
        loops, per_cycle = args.loops, 2 * BATCH * args.batches
        interval = loops * per_cycle / rate
        ready.release()
        started = time.perf_counter()
        deadline = started + args.duration
        cycles = 0

        async def loop(n: int) -> None:
            nonlocal cycles
            due = started + n * interval / loops
            while time.perf_counter() < deadline:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                due += interval
                for _ in range(args.batches):
                    placed = await client.post(
                        "/fapi/v1/batchOrders?" + signed(sandbox.secret, batch)
                    )
                    if placed.status_code != 200 or '"code"' in placed.text:
                        raise RuntimeError(f"load refused: {placed.text}")
                canceled = await client.delete(
                    "/fapi/v1/allOpenOrders?" + signed(sandbox.secret, f"symbol={SYMBOL}")
                )
                if canceled.status_code != 200:
                    raise RuntimeError(f"load refused: {canceled.text}")
                cycles += 1

        await asyncio.gather(*(loop(n) for n in range(loops)))
        elapsed = time.perf_counter() - started
        await asyncio.sleep(0.5)  # the last events in flight
        reader.cancel()
    return int(cycles * per_cycle / elapsed), int(received / elapsed)


# --- the probe --------------------------------------------------------------------------------


async def probe(sandbox: Sandbox, key: str, seconds: float, per_s: float, price: str,
                tag: str) -> tuple[list[float], list[float]]:  # fmt: skip
    ws_url = sandbox.url.replace("http://", "ws://")
    seen: dict[str, float] = {}
    arrived = asyncio.Event()
    ack_to_event: list[float] = []
    send_to_event: list[float] = []
    async with (
        connect(f"{ws_url}/private/ws/{key}", max_queue=None, ping_interval=None) as ws,
        httpx.AsyncClient(base_url=sandbox.url, headers={"X-MBX-APIKEY": sandbox.api_key},
                          timeout=30.0) as client,
    ):  # fmt: skip

        async def read() -> None:
            async for message in ws:
                if '"ORDER_TRADE_UPDATE"' in message and f'"c":"{tag}' in message:
                    update = json.loads(message)["o"]
                    if update["x"] == "NEW":
                        seen[update["c"]] = time.perf_counter()
                        arrived.set()

        reader = asyncio.create_task(read())
        deadline = time.perf_counter() + seconds
        n = 0
        while time.perf_counter() < deadline:
            next_at = time.perf_counter() + 1 / per_s
            client_id = f"{tag}-{n}"
            n += 1
            query = (f"symbol={SYMBOL}&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.002"
                     f"&price={price}&newClientOrderId={client_id}")  # fmt: skip
            arrived.clear()
            sent = time.perf_counter()
            answer = await client.post("/fapi/v1/order?" + signed(sandbox.secret, query))
            acked = time.perf_counter()
            if answer.status_code != 200:
                raise RuntimeError(f"probe refused: {answer.text}")
            while client_id not in seen:
                await asyncio.wait_for(arrived.wait(), 30.0)
                arrived.clear()
            ack_to_event.append(seen[client_id] - acked)
            send_to_event.append(seen[client_id] - sent)
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        reader.cancel()
    return ack_to_event, send_to_event


async def measure(args: argparse.Namespace, sandbox: Sandbox) -> dict[str, Any]:
    headers = {"X-MBX-APIKEY": sandbox.api_key}
    key = httpx.post(f"{sandbox.url}/fapi/v1/listenKey", headers=headers).json()["listenKey"]
    price = rest_price(sandbox.url)
    figures: dict[str, Any] = {}
    context = mp.get_context("spawn")
    for rate in (float(r) for r in args.rates.split(",")):
        ready, results = context.Semaphore(0), context.Queue()
        worker = context.Process(
            target=load_process,
            args=(sandbox, key, rate, args, price, ready, results),
        )
        worker.start()
        await asyncio.to_thread(ready.acquire)
        ack, send = await probe(sandbox, key, args.duration, args.probes_per_s, price,
                                f"probe{int(rate)}")  # fmt: skip
        asked_rate, delivered = await asyncio.to_thread(results.get)
        worker.join()
        figures[f"{int(rate)}"] = {
            "asked_events_per_s": rate,
            "load_events_per_s": asked_rate,
            "delivered_per_s": delivered,
            "probes": len(ack),
            "ack_to_event_p50_ms": statistics.median(ack) * 1e3,
            "ack_to_event_p99_ms": percentile(ack, 0.99) * 1e3,
            "send_to_event_p50_ms": statistics.median(send) * 1e3,
            "send_to_event_p99_ms": percentile(send, 0.99) * 1e3,
        }
    return figures


def main() -> int:
    args = parse_args()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"user_stream_latency-{time.strftime('%Y%m%d-%H%M%S')}"
    out.mkdir()
    with sandbox_server(out) as sandbox:
        figures = asyncio.run(measure(args, sandbox))
    (out / "figures.json").write_text(json.dumps({"args": vars(args), **figures}, indent=2))
    for rate, row in figures.items():
        print(
            f"asked {rate} events/s (load made {row['load_events_per_s']}/s, the stream "
            f"delivered {row['delivered_per_s']}/s): ack -> ORDER_TRADE_UPDATE p50 "
            f"{row['ack_to_event_p50_ms']:.2f} ms, p99 {row['ack_to_event_p99_ms']:.2f} ms; "
            f"send -> event p50 {row['send_to_event_p50_ms']:.2f} ms, p99 "
            f"{row['send_to_event_p99_ms']:.2f} ms ({row['probes']} probes)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
