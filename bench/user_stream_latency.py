"""User-data stream latency: an order's acknowledgement to its ORDER_TRADE_UPDATE at the client,
while the account's stream carries a background rate of events.

`binance-sandbox serve` runs the built-in default config (the live market on) on a fresh data
directory with rate limits off; everything uses the demo account and its one listenKey.

- **Load** (its own process): `batchOrders` of 5 IOC LIMIT BUYs 3 % under the index, which
  expire at once: 10 ORDER_TRADE_UPDATEs (5 NEW, 5 EXPIRED) per request and no open orders
  left. Each of `--rates` in turn: paced Python loops for a number of events/s, or `max` for
  wrk replaying the signed request flat out (`--wrk-connections`). A reader in the same
  process counts what the account's stream delivers (the events/s actually reached).
- **Baseline** first: the same wrk load with no listenKey at all (the events/s the engine makes
  when the user-data feed has nothing to do), against `max` with the stream read.
- **Probe** (this process): one order at a time, `--probes-per-s`, each an IOC LIMIT BUY with
  its own clientOrderId (its NEW is measured; then it expires), read back on a second
  connection of the same listenKey. Per probe:
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

from http_throughput import RESULTS_DIR, Sandbox, Settings, sandbox_server
from order_placement import signed, wrk_order

SYMBOL = "BTCUSDT"
BATCH = 5  # orders per batchOrders (Binance's most)
EVENTS_PER_BATCH = 2 * BATCH  # NEW and EXPIRED


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per rate")
    parser.add_argument(
        "--rates", default="1000,10000,max", help="events/s of background load ('max': wrk)"
    )
    parser.add_argument("--loops", type=int, default=16, help="concurrent paced load loops")
    parser.add_argument("--wrk-connections", type=int, default=16)
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


def ioc_batch(price: str) -> str:
    orders = [{"symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "timeInForce": "IOC",
               "quantity": "0.002", "price": price}] * BATCH  # fmt: skip
    return "batchOrders=" + quote(json.dumps(orders, separators=(",", ":")))


def load_process(sandbox: Sandbox, key: str, rate: str, args: argparse.Namespace,
                 price: str, ready: Any, results: Any) -> None:  # fmt: skip
    results.put(asyncio.run(_load(sandbox, key, rate, args, price, ready)))


async def _load(sandbox: Sandbox, key: str, rate: str, args: argparse.Namespace,
                price: str, ready: Any) -> tuple[int, int]:  # fmt: skip
    """(events/s the load made, events/s the stream delivered)."""
    ws_url = sandbox.url.replace("http://", "ws://")
    batch = ioc_batch(price)
    received = 0
    async with connect(f"{ws_url}/private/ws/{key}", max_queue=None, ping_interval=None) as ws:

        async def read() -> None:
            nonlocal received
            async for _message in ws:
                received += 1

        reader = asyncio.create_task(read())
        ready.release()
        started = time.perf_counter()
        if rate == "max":
            requests = await asyncio.to_thread(wrk_batches, sandbox, batch, args, "user-load")
        else:
            requests = await _paced(sandbox, batch, float(rate), args)
        elapsed = time.perf_counter() - started
        await asyncio.sleep(0.5)  # the last events in flight
        reader.cancel()
    return int(requests * EVENTS_PER_BATCH / elapsed), int(received / elapsed)


def wrk_batches(sandbox: Sandbox, batch: str, args: argparse.Namespace, name: str) -> int:
    """wrk replaying the signed batch flat out for `--duration`; requests answered."""
    settings = Settings(args.wrk_connections, 1, int(args.duration), 0, RESULTS_DIR / "tmp")
    path = "/fapi/v1/batchOrders?" + signed(sandbox.secret, batch)
    run = wrk_order(settings, name, sandbox, path, int(args.duration))
    if run.non_2xx or run.socket_errors:
        raise RuntimeError(f"wrk saw errors: see {run.raw_file}")
    return run.requests


async def _paced(sandbox: Sandbox, batch: str, rate: float, args: argparse.Namespace) -> int:
    """batchOrders from `--loops` loops paced to `rate` events/s in all; how many were sent."""
    interval = args.loops * EVENTS_PER_BATCH / rate
    started = time.perf_counter()
    deadline = started + args.duration
    sent = 0
    headers = {"X-MBX-APIKEY": sandbox.api_key}
    async with httpx.AsyncClient(base_url=sandbox.url, headers=headers, timeout=30.0) as client:

        async def loop(n: int) -> None:
            nonlocal sent
            due = started + n * interval / args.loops
            while time.perf_counter() < deadline:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                due += interval
                placed = await client.post("/fapi/v1/batchOrders?" + signed(sandbox.secret, batch))
                if placed.status_code != 200 or '"code"' in placed.text:
                    raise RuntimeError(f"load refused: {placed.text}")
                sent += 1

        await asyncio.gather(*(loop(n) for n in range(args.loops)))
    return sent


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
            query = (f"symbol={SYMBOL}&side=BUY&type=LIMIT&timeInForce=IOC&quantity=0.002"
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
    price = rest_price(sandbox.url)
    started = time.perf_counter()  # the baseline: nobody listens, no listenKey yet
    requests = await asyncio.to_thread(wrk_batches, sandbox, ioc_batch(price), args, "baseline")
    figures: dict[str, Any] = {
        "baseline_events_per_s": int(requests * EVENTS_PER_BATCH / (time.perf_counter() - started))
    }
    headers = {"X-MBX-APIKEY": sandbox.api_key}
    key = httpx.post(f"{sandbox.url}/fapi/v1/listenKey", headers=headers).json()["listenKey"]
    context = mp.get_context("spawn")
    for rate in args.rates.split(","):
        ready, results = context.Semaphore(0), context.Queue()
        worker = context.Process(
            target=load_process,
            args=(sandbox, key, rate, args, price, ready, results),
        )
        worker.start()
        await asyncio.to_thread(ready.acquire)
        ack, send = await probe(sandbox, key, args.duration, args.probes_per_s, price,
                                f"probe{rate}")  # fmt: skip
        asked_rate, delivered = await asyncio.to_thread(results.get)
        worker.join()
        figures[rate] = {
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
    print(f"baseline: wrk flat out, nobody listening: {figures.pop('baseline_events_per_s')}"
          " ORDER_TRADE_UPDATE-worthy events/s made")  # fmt: skip
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
