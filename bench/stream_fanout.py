"""WebSocket market streams under the live market plus load: fan-out, latency, stuck readers.

`binance-sandbox serve` runs the built-in default config (makers on every symbol, noise
takers) on a fresh data directory with rate limits off; load is the demo account's MARKET
orders on BTCUSDT (0.002 BTC, alternately BUY and SELL, each taking the makers' best level:
one trade and one aggregate trade each), signed with HMAC as a client signs them. Subscribers
are `websockets` clients in separate processes (so their reading does not share the placing
process's event loop); everything shares the machine's cores with the server.

Phases, each `--duration` seconds:

1. **baseline**: orders as fast as `--placers` concurrent loops go, no subscriber: orders/s and
   the median order round trip.
2. **latency**: one subscriber of `btcusdt@aggTrade`, orders paced at `--rate` per second:
   trade -> aggTrade latency at the client, p50 / p99, as the client's wall clock at receipt
   minus the event's `T` (the trade's exchange time, which under the real clock is the server's
   wall clock in ms when the order was stamped: ms resolution, so up to 1 ms high); and the CPU
   the placing process and the server's event loop spent, per order and as a share of a core.
3. **fan-out**: `--subscribers` connections (split over `--processes` processes), each with
   `btcusdt@aggTrade` and `btcusdt@depth@100ms`, orders as fast as in the baseline: messages/s
   delivered to all subscribers, orders/s against the baseline's. Then the same with the load
   from wrk instead (two runs at once replaying a signed MARKET BUY and SELL,
   `--wrk-connections` each; Binance has no nonce), after a wrk run without subscribers.
4. **stuck**: the median order round trip with `--stuck` connections subscribed to the same
   streams that never read, against the same orders with no connection, with one reader and
   with as many connections that read everything (drained by another process): four arms
   alternated in `--repeat` rounds, their order rotating each round; medians of all round
   trips, and the server event loop's CPU time per order.

`--phases` runs a subset (e.g. `--phases latency,stuck`); the baseline always runs first.
`--placer raw` places the orders through hand-written HTTP/1.1 (`order_loops.RawPlacer`, about a
tenth of httpx's CPU an order), so the placing process is no longer what limits the rate.

Raw figures go to `bench/results/stream_fanout-<date>-<time>.json`.
"""

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import resource
import selectors
import socket
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from http_throughput import RESULTS_DIR, Sandbox, Settings, sandbox_server
from order_loops import OrderLoops, RawPlacer, market_order
from order_placement import signed, wrk_order

SYMBOL = "BTCUSDT"
STREAMS = ("btcusdt@aggTrade", "btcusdt@depth@100ms")
PHASES = ("latency", "fanout", "wrk", "stuck")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase")
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--processes", type=int, default=2, help="subscriber processes")
    parser.add_argument("--placers", type=int, default=8, help="concurrent order loops")
    parser.add_argument("--rate", type=float, default=1000.0, help="orders/s in the latency phase")
    parser.add_argument(
        "--placer", choices=("httpx", "raw"), default="httpx",
        help="httpx (as before 2026-12-04 late) or raw: hand-written HTTP/1.1 (order_loops.py)",
    )  # fmt: skip
    parser.add_argument("--stuck", type=int, default=10, help="connections that never read")
    parser.add_argument("--repeat", type=int, default=3, help="stuck phase alternations")
    parser.add_argument(
        "--phases", default=",".join(PHASES), help=f"a subset of {','.join(PHASES)}"
    )
    parser.add_argument(
        "--wrk-connections", type=int, default=16, help="per side, in the wrk fan-out phase"
    )
    return parser.parse_args()


# --- orders ---------------------------------------------------------------------------------


class Placer(OrderLoops):
    def __init__(self, url: str, key: str, secret: str) -> None:
        super().__init__()
        self._client = httpx.AsyncClient(base_url=url, timeout=30.0, headers={"X-MBX-APIKEY": key})
        self._secret = secret

    async def close(self) -> None:
        await self._client.aclose()

    async def order(self, side: str) -> None:
        query = market_order(self._secret, SYMBOL, side)
        started = time.perf_counter()
        answer = await self._client.post(f"/fapi/v1/order?{query}")
        self.round_trips.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise RuntimeError(f"order refused: {answer.text}")


async def wrk_orders(sandbox: Sandbox, settings: Settings, seconds: int, label: str) -> int:
    """Two wrk runs at once, one replaying a signed MARKET BUY, one a SELL; orders answered
    (wrk's outputs: `<label>-BUY.txt`, `<label>-SELL.txt` in the run's directory)."""
    runs = []
    for side in ("BUY", "SELL"):
        path = "/fapi/v1/order?" + signed(
            sandbox.secret, f"symbol={SYMBOL}&side={side}&type=MARKET&quantity=0.002"
        )
        runs.append(
            asyncio.to_thread(wrk_order, settings, f"{label}-{side}", sandbox, path, seconds)
        )
    return sum(result.requests for result in await asyncio.gather(*runs))


# --- subscribers (their own processes) ------------------------------------------------------


def subscriber_process(ws_url: str, connections: int, seconds: float, measure: bool,
                       ready: Any, go: Any, results: Any) -> None:  # fmt: skip
    asyncio.run(_subscribe(ws_url, connections, seconds, measure, ready, go, results))


async def _subscribe(ws_url: str, connections: int, seconds: float, measure: bool,
                     ready: Any, go: Any, results: Any) -> None:  # fmt: skip
    streams = STREAMS if connections > 1 or not measure else STREAMS[:1]
    sockets = []
    for _ in range(connections):
        ws = await connect(ws_url + "/ws", max_queue=None, ping_interval=None)
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": list(streams), "id": 1}))
        await ws.recv()
        sockets.append(ws)
    ready.release()
    await asyncio.to_thread(go.wait)
    counts = [0] * connections
    latencies: list[float] = []

    async def read(index: int, ws: Any) -> None:
        async for message in ws:
            counts[index] += 1
            if measure and index == 0 and '"aggTrade"' in message:
                latencies.append(time.time() * 1000 - json.loads(message)["T"])

    readers = [asyncio.create_task(read(i, ws)) for i, ws in enumerate(sockets)]
    await asyncio.sleep(seconds)
    for reader in readers:
        reader.cancel()
    results.put((sum(counts), latencies))
    for ws in sockets:
        await ws.close()


async def with_subscribers(ws_url: str, count: int, processes: int, measure: bool,
                           seconds: float, load: Any) -> tuple[int, list[float], Any]:  # fmt: skip
    context = mp.get_context("spawn")
    ready, go, results = context.Semaphore(0), context.Event(), context.Queue()
    shares = [count // processes + (1 if i < count % processes else 0) for i in range(processes)]
    workers = [
        context.Process(target=subscriber_process,
                        args=(ws_url, share, seconds, measure, ready, go, results))
        for share in shares if share
    ]  # fmt: skip
    for worker in workers:
        worker.start()
    for _ in workers:
        await asyncio.to_thread(ready.acquire)
    go.set()
    outcome = await load()
    received, latencies = 0, []
    for _ in workers:
        got, measured = await asyncio.to_thread(results.get)
        received += got
        latencies += measured
    for worker in workers:
        worker.join()
    return received, latencies, outcome


# --- stuck readers ----------------------------------------------------------------------------


def stuck_connection(ws_url: str) -> socket.socket:
    """A WebSocket handshake subscribing to STREAMS (its answer read, so the streams are
    subscribed), then never a read."""
    host, port = ws_url.removeprefix("ws://").split(":")
    sock = socket.create_connection((host, int(port)))
    key = "dGhlIHNhbXBsZSBub25jZQ=="
    path = "/stream?streams=" + "/".join(STREAMS)
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(1)  # one byte at a time: nothing past the handshake is read
        if not chunk:
            raise RuntimeError("the server closed a stream connection at its handshake")
        answer += chunk
    if not answer.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(f"stream handshake refused: {answer!r}")
    return sock


def reader_process(ws_url: str, commands: Any) -> None:
    """On each ("open", count): `count` connections like `stuck_connection`, drained of
    everything the server sends (bytes, not parsed: a reader as fast as a socket allows) until
    "close"."""
    while (command := commands.recv()) != "stop":
        _, count = command
        sockets = [stuck_connection(ws_url) for _ in range(count)]
        selector = selectors.DefaultSelector()
        for sock in sockets:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        commands.send("open")
        while not commands.poll():
            for key, _ in selector.select(timeout=0.05):
                with contextlib.suppress(BlockingIOError):
                    if not key.fileobj.recv(1 << 20):  # type: ignore[union-attr]
                        raise RuntimeError("the server closed a reading connection")
        commands.recv()
        for sock in sockets:
            sock.close()
        commands.send("closed")


class Readers:
    """Connections that read, in their own process, opened and closed on demand."""

    def __init__(self, ws_url: str) -> None:
        self._commands, theirs = mp.get_context("spawn").Pipe()
        self._process = mp.get_context("spawn").Process(
            target=reader_process, args=(ws_url, theirs)
        )
        self._process.start()

    async def _ask(self, command: Any) -> None:
        self._commands.send(command)
        await asyncio.to_thread(self._commands.recv)

    async def open(self, count: int) -> None:
        await self._ask(("open", count))

    async def close(self) -> None:
        await self._ask("close")

    def stop(self) -> None:
        self._commands.send("stop")
        self._process.join()


# --- phases -----------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def measure(args: argparse.Namespace, sandbox: Sandbox, out: Path) -> dict[str, Any]:
    url, ws_url = sandbox.url, sandbox.url.replace("http://", "ws://")
    phases = set(args.phases.split(","))
    figures: dict[str, Any] = {"load_average_before": os.getloadavg()[0]}
    placer: OrderLoops = (
        RawPlacer(url, sandbox.api_key, sandbox.secret, SYMBOL)
        if args.placer == "raw"
        else Placer(url, sandbox.api_key, sandbox.secret)
    )
    wrk_settings = Settings(args.wrk_connections, 1, int(args.duration), 0, out)
    try:
        await placer.run(2.0, args.placers)  # warm-up
        placer.round_trips.clear()
        orders = await placer.run(args.duration, args.placers)
        figures["baseline"] = {
            "orders_per_s": orders / args.duration,
            "round_trip_p50_ms": statistics.median(placer.round_trips) * 1e3,
        }
        placer.round_trips.clear()
        if "latency" in phases:
            figures["latency"] = await latency_phase(args, placer, ws_url, sandbox.pid)
        if "fanout" in phases:
            figures["fanout"] = await fanout_phase(args, placer, ws_url, figures["baseline"])
        if "wrk" in phases:
            figures["fanout_wrk"] = await wrk_phase(args, sandbox, wrk_settings, ws_url)
        if "stuck" in phases:
            figures["stuck"] = await stuck_phase(args, placer, ws_url, sandbox.pid)
    finally:
        await placer.close()
    figures["load_average_after"] = os.getloadavg()[0]
    return figures


async def latency_phase(
    args: argparse.Namespace, placer: OrderLoops, ws_url: str, pid: int
) -> dict[str, Any]:
    """Besides the latencies, the CPU the placing process and the server's event loop spent
    while placing, per order and as a share of one core: which of the two runs out first
    when the asked rate is not reached."""
    cpu: dict[str, float] = {}

    async def paced() -> int:
        placer_cpu, loop_cpu = own_cpu_s(), loop_cpu_s(pid)
        placed = await placer.run(args.duration, args.placers, args.rate)
        cpu["placer"], cpu["loop"] = own_cpu_s() - placer_cpu, loop_cpu_s(pid) - loop_cpu
        return placed

    _, latencies, orders = await with_subscribers(ws_url, 1, 1, True, args.duration, paced)
    placer.round_trips.clear()
    return {
        "orders_per_s": orders / args.duration,
        "aggtrades_per_s": len(latencies) / args.duration,
        "p50_ms": percentile(latencies, 0.50), "p99_ms": percentile(latencies, 0.99),
        "placer_cpu_share": cpu["placer"] / args.duration,
        "placer_cpu_us_per_order": cpu["placer"] / max(orders, 1) * 1e6,
        "loop_cpu_share": cpu["loop"] / args.duration,
        "loop_cpu_us_per_order": cpu["loop"] / max(orders, 1) * 1e6,
    }  # fmt: skip


async def fanout_phase(
    args: argparse.Namespace, placer: OrderLoops, ws_url: str, baseline: dict[str, Any]
) -> dict[str, Any]:
    async def flat_out() -> int:
        return await placer.run(args.duration, args.placers)

    received, _, orders = await with_subscribers(
        ws_url, args.subscribers, args.processes, False, args.duration, flat_out
    )
    placer.round_trips.clear()
    return {
        "subscribers": args.subscribers,
        "messages_per_s": received / args.duration,
        "orders_per_s": orders / args.duration,
        "orders_vs_baseline": orders / args.duration / baseline["orders_per_s"],
    }


async def wrk_phase(
    args: argparse.Namespace, sandbox: Sandbox, wrk_settings: Settings, ws_url: str
) -> dict[str, Any]:
    seconds = int(args.duration)
    wrk_alone = await wrk_orders(sandbox, wrk_settings, seconds, "wrk-alone")

    async def wrk_load() -> int:
        return await wrk_orders(sandbox, wrk_settings, seconds, "wrk-fanout")

    received, _, orders = await with_subscribers(
        ws_url, args.subscribers, args.processes, False, seconds, wrk_load
    )
    return {
        "subscribers": args.subscribers,
        "messages_per_s": received / seconds,
        "orders_per_s": orders / seconds,
        "orders_per_s_without_subscribers": wrk_alone / seconds,
    }


def own_cpu_s() -> float:
    """CPU time of this process (the placer's loops and httpx), user and system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def loop_cpu_s(pid: int) -> float:
    """CPU time of the server's main thread, its event loop (scheduler statistics: ns)."""
    return int(Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()[0]) / 1e9


async def stuck_phase(
    args: argparse.Namespace, placer: OrderLoops, ws_url: str, pid: int
) -> dict[str, Any]:
    """One order loop; four arms alternated, their order rotating each round: "none" (no
    connection), "one" (one reader), "stuck" (`--stuck` connections that never read) and
    "readers" (as many that read). Any subscriber makes the server produce the streams (the
    aggTrades read back from the tape, the depth diffs), so "stuck" against "one" is what the
    stuck connections add once the streams are live; "stuck" against "none" includes making
    the streams. Besides round trips, the event loop's CPU time per order: on a busy machine
    the round trips vary with everyone's load, the CPU the server spends far less. The live
    market's own CPU per second, measured with no orders, is taken off first."""
    readers = Readers(ws_url)
    block = args.duration / args.repeat
    round_trips: dict[str, list[float]] = {"none": [], "one": [], "stuck": [], "readers": []}
    arms = list(round_trips)
    cpu = dict.fromkeys(arms, 0.0)
    wall = dict.fromkeys(arms, 0.0)
    idle_cpu, idle_wall = loop_cpu_s(pid), time.perf_counter()
    await asyncio.sleep(block)
    idle = (loop_cpu_s(pid) - idle_cpu) / (time.perf_counter() - idle_wall)
    try:
        for round_ in range(args.repeat):
            for arm in arms[round_ % 4 :] + arms[: round_ % 4]:
                count = args.stuck if arm == "stuck" else 0
                stuck = [stuck_connection(ws_url) for _ in range(count)]
                reading = {"one": 1, "readers": args.stuck}.get(arm, 0)
                if reading:
                    await readers.open(reading)
                placer.round_trips.clear()
                started_cpu, started = loop_cpu_s(pid), time.perf_counter()
                await placer.run(block, 1)
                cpu[arm] += loop_cpu_s(pid) - started_cpu
                wall[arm] += time.perf_counter() - started
                round_trips[arm] += placer.round_trips
                if reading:
                    await readers.close()
                for sock in stuck:
                    sock.close()
    finally:
        readers.stop()
        placer.round_trips.clear()
    p50 = {a: statistics.median(round_trips[a]) * 1e3 for a in arms}
    per_order = {a: (cpu[a] - idle * wall[a]) / len(round_trips[a]) * 1e6 for a in arms}
    return {
        "stuck_connections": args.stuck,
        "orders_per_arm": {arm: len(times) for arm, times in round_trips.items()},
        "round_trip_p50_ms": p50,
        "round_trip_p50_ms_without": p50["none"],
        "round_trip_p50_ms_with": p50["stuck"],
        "round_trip_p50_ms_with_readers": p50["readers"],
        "ratio": p50["stuck"] / p50["none"],
        "stuck_vs_one": p50["stuck"] / p50["one"],
        "readers_vs_one": p50["readers"] / p50["one"],
        "stuck_vs_readers": p50["stuck"] / p50["readers"],
        "loop_cpu_idle_share": idle,
        "loop_cpu_us_per_order": per_order,
        # what one more connection costs per order once the streams are made
        "loop_cpu_us_per_order_per_stuck": (per_order["stuck"] - per_order["one"])
        / (args.stuck - 1),
        "loop_cpu_us_per_order_per_reader": (per_order["readers"] - per_order["one"])
        / (args.stuck - 1),
    }


def main() -> int:
    args = parse_args()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"stream_fanout-{time.strftime('%Y%m%d-%H%M%S')}"
    out.mkdir()
    with sandbox_server(out) as sandbox:
        figures = asyncio.run(measure(args, sandbox, out))
    (out / "figures.json").write_text(json.dumps({"args": vars(args), **figures}, indent=2))
    for phase, line in SUMMARIES.items():
        if phase in figures:
            print(line(figures[phase]))
    print(
        f"figures: {out / 'figures.json'}; load average {figures['load_average_before']:.1f} "
        f"before, {figures['load_average_after']:.1f} after"
    )
    return 0


def _stuck_line(stuck: dict[str, Any]) -> str:
    p50, cpu = stuck["round_trip_p50_ms"], stuck["loop_cpu_us_per_order"]
    return (
        f"stuck:    order round trip p50 {p50['none']:.2f} ms with no connection, "
        f"{p50['one']:.2f} ms with one reader, {p50['stuck']:.2f} ms with "
        f"{stuck['stuck_connections']} stuck ({stuck['ratio']:.2f}x none, "
        f"{stuck['stuck_vs_one']:.2f}x one), {p50['readers']:.2f} ms with as many readers "
        f"({stuck['readers_vs_one']:.2f}x one); stuck / readers {stuck['stuck_vs_readers']:.2f}\n"
        f"          event loop CPU per order {cpu['none']:.0f} / {cpu['one']:.0f} / "
        f"{cpu['stuck']:.0f} / {cpu['readers']:.0f} us (none / one / stuck / readers; market "
        f"alone {stuck['loop_cpu_idle_share']:.1%} of a core); one more connection per order: "
        f"{stuck['loop_cpu_us_per_order_per_stuck']:.1f} us stuck, "
        f"{stuck['loop_cpu_us_per_order_per_reader']:.1f} us reading"
    )


# one summary line per phase that ran, from its figures
SUMMARIES: dict[str, Callable[[dict[str, Any]], str]] = {
    "baseline": lambda b: (
        f"baseline: {b['orders_per_s']:.0f} orders/s, round trip p50 "
        f"{b['round_trip_p50_ms']:.2f} ms (no subscriber)"
    ),
    "latency": lambda lat: (
        f"latency:  trade -> aggTrade at a client p50 {lat['p50_ms']:.2f} ms, p99 "
        f"{lat['p99_ms']:.2f} ms at {lat['aggtrades_per_s']:.0f} aggTrades/s "
        f"({lat['orders_per_s']:.0f} orders/s)\n          CPU while placing: placer process "
        f"{lat['placer_cpu_share']:.0%} of a core ({lat['placer_cpu_us_per_order']:.0f} us an "
        f"order), server event loop {lat['loop_cpu_share']:.0%} "
        f"({lat['loop_cpu_us_per_order']:.0f} us an order, the live market's included)"
    ),
    "fanout": lambda fan: (
        f"fan-out:  {fan['messages_per_s']:.0f} msgs/s delivered to {fan['subscribers']} "
        f"subscribers of {' + '.join(STREAMS)}; {fan['orders_per_s']:.0f} orders/s "
        f"({fan['orders_vs_baseline']:.2f}x the baseline)"
    ),
    "fanout_wrk": lambda wrk: (
        f"fan-out under wrk: {wrk['messages_per_s']:.0f} msgs/s delivered to "
        f"{wrk['subscribers']} subscribers; {wrk['orders_per_s']:.0f} orders/s (without "
        f"subscribers: {wrk['orders_per_s_without_subscribers']:.0f} orders/s)"
    ),
    "stuck": _stuck_line,
}


if __name__ == "__main__":
    raise SystemExit(main())
