"""The default market's top speed: exchange seconds per wall second, under `--speed` and under a
manual `clock advance`.

Two fresh `binance-sandbox serve` processes with the built-in default config (liquidity agents
on every instrument, the journal's `synchronous = "full"`), one after the other:

- **accelerated**: `serve --speed S` (default 100,000: far above what the machine simulates, so
  the clock is held to what it can); after `--settle` wall seconds, exchange time is read from
  `GET /sandbox/v1/health` at the start and the end of `--window` wall seconds;
- **manual**: `serve --manual-clock`, then `POST /sandbox/v1/clock/advance {"by": B}` (default
  1h; the issue's figure is for 1d, about 7 minutes of wall time at today's speed), timed from
  the request to its answer (the advance fires every timer due on the way).

Printed: exchange seconds per wall second for each (the issue's aim: >= 1,000 for both).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@contextmanager
def server(*args: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh default server (agents on); its URL and admin headers."""
    RESULTS_DIR.mkdir(exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="clock-speed-", dir=RESULTS_DIR))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_SANDBOX_")}
    command = [sys.executable, "-m", "binance_sandbox", "serve", "--port", "0"]
    log = (data_dir.parent / f"{data_dir.name}.log").open("wb")
    proc = subprocess.Popen(
        [*command, "--data-dir", str(data_dir), *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        info = data_dir / "server.json"
        deadline = time.monotonic() + 120
        while not info.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {log.name}")
            time.sleep(0.05)
        base = json.loads(info.read_text())["url"]
        token = (data_dir / "admin-token").read_text().strip()
        yield base, {"Authorization": f"Bearer {token}"}
    finally:
        proc.terminate()
        proc.wait(60)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def exchange_ms(base: str, headers: dict[str, str]) -> int:
    return int(httpx.get(base + "/sandbox/v1/health", headers=headers).json()["exchangeTime"])


def accelerated(speed: float, settle: float, window: float) -> float:
    with server("--speed", str(speed)) as (base, headers):
        time.sleep(settle)
        start_ms, started = exchange_ms(base, headers), time.perf_counter()
        time.sleep(window)
        end_ms, ended = exchange_ms(base, headers), time.perf_counter()
    return (end_ms - start_ms) / 1000 / (ended - started)


def manual(by: str) -> tuple[float, float]:
    with server("--manual-clock") as (base, headers):
        before = exchange_ms(base, headers)
        started = time.perf_counter()
        answer = httpx.post(
            base + "/sandbox/v1/clock/advance", json={"by": by}, headers=headers, timeout=3600
        )
        wall = time.perf_counter() - started
        answer.raise_for_status()
        advanced_s = (exchange_ms(base, headers) - before) / 1000
    return advanced_s / wall, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=100_000)
    parser.add_argument("--settle", type=float, default=10, help="wall s before measuring")
    parser.add_argument("--window", type=float, default=30, help="wall s measured")
    parser.add_argument("--by", default="1h", help="the manual advance")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    fast = accelerated(args.speed, args.settle, args.window)
    print(f"--speed {args.speed:g}: {fast:,.0f} exchange s per wall s (aim >= 1,000)")
    advanced, wall = manual(args.by)
    print(f"clock advance --by {args.by}: {wall:.1f} wall s, {advanced:,.0f} exchange s per wall s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
