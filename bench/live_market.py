"""The default live market's cost: journal growth per hour and the CPU the agents take.

The real `Runtime` (recovery, sequencer, SQLite journal with `synchronous="full"`, projections,
timers) runs the built-in default config under the manual clock, in-process, and the clock is
advanced through `--hours` of exchange time in one-minute steps, exactly as
`POST /sandbox/v1/clock/advance` does it. Two runs on fresh data directories:

- **live**: the default market (makers on every instrument, noise takers);
- **baseline**: the same with `agents.enabled = false`: only the index ticker's commands.

Printed per exchange hour, for each run: commands journaled (by type), journal growth (the bytes
of the journaled commands, and the journal file's growth with compaction off), CPU seconds of
the whole process (`time.process_time`: event loop, core, journal thread, projections), and of
those the time inside `Exchange.apply` (the sequencer's core work) and inside the agents'
decisions (`LiquidityAgents.fire`). The agents' share of one core at real-time speed is
(CPU live - CPU baseline) / 3600 s per exchange hour; at `--speed N` it is N times that.
"""

import argparse
import asyncio
import json
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from binance_sandbox.config.loader import load_config
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.journal.codec import decode_command
from binance_sandbox.server.runtime import Runtime
from binance_sandbox.simulators.agents.liquidity import LiquidityAgents
from results import RESULTS_DIR, save

HOUR_MS = 3_600_000
STEP = "1m"


class Stopwatch:
    """Accumulates the time spent in a wrapped function."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


async def run(directory: Path, hours: float, *, agents: bool) -> dict[str, Any]:
    flags = {
        "server.data_dir": str(directory),
        "clock.mode": "manual",
        "clock.start": "2026-11-01T00:00:00Z",
        "journal.compact": False,
        "journal.snapshot_every_commands": 0,
        "journal.snapshot_every_seconds": 0,
        "agents.enabled": agents,
    }
    runtime = Runtime.open(load_config(environ={}, flags=flags), Path.cwd())
    core, deciding = Stopwatch(), Stopwatch()
    exchange: Exchange = runtime.exchange
    exchange.apply = core.wrap(exchange.apply)  # type: ignore[method-assign]
    if runtime.market.agents is not None:
        market_agents: LiquidityAgents = runtime.market.agents
        market_agents.fire = deciding.wrap(market_agents.fire)  # type: ignore[method-assign]
    await runtime.start()
    first_seq = exchange.state.last_seq
    journal_file = directory / "journal.db"
    size_before = _journal_size(directory)
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    core.seconds = deciding.seconds = 0.0
    minutes = round(hours * 60)
    for minute in range(minutes):
        await runtime.clock_control.advance_by(60_000)
        if (minute + 1) % 10 == 0:
            print(f"  {'live' if agents else 'baseline'}: {minute + 1}/{minutes} min", flush=True)
    cpu = time.process_time() - cpu_before
    wall = time.perf_counter() - wall_before
    await runtime.stop()
    kinds: Counter[str] = Counter()
    body_bytes = 0
    for body in _bodies_after(journal_file, first_seq):
        kinds[type(decode_command(body)).__name__] += 1
        body_bytes += len(body) + 16  # + the row's seq and ts
    per_hour = 1 / hours
    return {
        "run": "live" if agents else "baseline",
        "exchange_hours": hours,
        "wall_seconds": round(wall, 2),
        "commands_per_hour": round(sum(kinds.values()) * per_hour),
        "commands_by_type_per_hour": {k: round(v * per_hour) for k, v in kinds.most_common()},
        "journal_body_mb_per_hour": round(body_bytes * per_hour / 1e6, 3),
        "journal_file_mb_per_hour": round(
            (_journal_size(directory) - size_before) * per_hour / 1e6, 3
        ),
        "cpu_seconds_per_hour": round(cpu * per_hour, 2),
        "core_apply_seconds_per_hour": round(core.seconds * per_hour, 2),
        "agent_decision_seconds_per_hour": round(deciding.seconds * per_hour, 2),
    }


def _journal_size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.glob("journal.db*"))


def _bodies_after(path: Path, seq: int) -> list[bytes]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT body FROM journal WHERE seq > ? ORDER BY seq", (seq,)).fetchall()
    return [body for (body,) in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hours", type=float, default=1.0, help="exchange hours per run")
    parser.add_argument(
        "--dir", type=Path, default=RESULTS_DIR / "tmp", help="where the temporary journals go"
    )
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    results = []
    for agents in (True, False):
        directory = Path(tempfile.mkdtemp(prefix="live-market-", dir=args.dir))
        try:
            results.append(asyncio.run(run(directory, args.hours, agents=agents)))
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    live, baseline = results
    for result in results:
        print(json.dumps(result, indent=2))
    extra_cpu = live["cpu_seconds_per_hour"] - baseline["cpu_seconds_per_hour"]
    print(
        f"\njournal growth, default live market: {live['journal_body_mb_per_hour']} MB/h of "
        f"commands ({live['journal_file_mb_per_hour']} MB/h of file), baseline (index ticks "
        f"only) {baseline['journal_body_mb_per_hour']} MB/h: "
        f"{live['journal_body_mb_per_hour'] / baseline['journal_body_mb_per_hour']:.1f}x"
    )
    print(
        f"CPU per exchange hour: live {live['cpu_seconds_per_hour']} s, baseline "
        f"{baseline['cpu_seconds_per_hour']} s -> the agents take {extra_cpu / 3600:.2%} of "
        f"one core at real time (x{3600 / max(extra_cpu, 1e-9):.0f} real time on a core); "
        f"in the core (Exchange.apply) {live['core_apply_seconds_per_hour']} s/h, in the "
        f"agents' decisions {live['agent_decision_seconds_per_hour']} s/h"
    )
    print(f"figures: {save('live_market', results, stamped=True)}")


if __name__ == "__main__":
    main()
