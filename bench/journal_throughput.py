"""Durable commands per second through the real sequencer and SQLite journal.

What is measured: N concurrent asyncio submitters (64 by default) each await
`Sequencer.submit(Deposit(...))` in a loop, against a `SqliteJournal` with `synchronous="full"`
(one fsync of the WAL per commit) on a temporary directory on the real disk. A command is
acknowledged only once its batch is committed and it has been applied, so commands per second
here is durable throughput, and the ack latency is what a client of the exchange waits for.

The same load runs twice in one process: with group commit (`max_batch=4096`: every command
that queued up during the previous commit goes into the next one) and with one fsync per
command (`max_batch=1`). The per-command run is the baseline because it is what the journal
would cost without group commit; the ratio group / per-command is what batching buys on this
disk. Snapshots are switched off (`SnapshotPolicy(0, 0)`) so that only journal commits are
timed; the exchange is created (Genesis + CreateAccount) before the clock starts.
"""

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from binance_sandbox.core.commands import CreateAccount, Deposit, Genesis
from binance_sandbox.core.events import AccountCreated
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.journal.sqlite_journal import SqliteJournal
from binance_sandbox.sequencer.sequencer import Sequencer
from binance_sandbox.sequencer.snapshots import SnapshotPolicy
from results import RESULTS_DIR, save

DEPOSIT_AMOUNT = 100_000_000  # 1 USDT at 8 decimals


@dataclass(frozen=True)
class RunResult:
    label: str
    max_batch: int
    submitters: int
    commands: int
    seconds: float
    batches: int
    p50_ms: float
    p99_ms: float

    @property
    def commands_per_second(self) -> float:
        return self.commands / self.seconds

    @property
    def mean_batch(self) -> float:
        return self.commands / self.batches


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submitters", type=int, default=64, help="concurrent submitters")
    parser.add_argument(
        "--group-commands", type=int, default=20_000, help="commands with max_batch=4096"
    )
    parser.add_argument(
        "--single-commands", type=int, default=2_000, help="commands with max_batch=1"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each mode, interleaved; medians compared"
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=RESULTS_DIR / "tmp",
        help="where the temporary journals go (must be a real disk, not tmpfs)",
    )
    return parser.parse_args()


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def new_sequencer(path: Path, max_batch: int) -> Sequencer:
    journal = SqliteJournal(path, synchronous="full")
    sequencer = Sequencer(
        Exchange(),
        journal,
        wall_ms,
        max_batch=max_batch,
        snapshots=SnapshotPolicy(every_commands=0, every_seconds=0),
        keep_snapshots=2,
        compact=False,
    )
    sequencer.start()
    return sequencer


async def create_exchange(sequencer: Sequencer) -> int:
    """Genesis and one account; returns the account id the deposits go to."""
    await sequencer.submit(Genesis(seed=1, assets=("USDT",), instruments=()))
    applied = await sequencer.submit(CreateAccount(name="bench"))
    event = applied.events[0]
    if not isinstance(event, AccountCreated):
        raise RuntimeError(f"account not created: {event!r}")
    return event.account_id


async def submitter(sequencer: Sequencer, account_id: int, count: int) -> list[float]:
    """Submits `count` deposits one after another; returns each ack latency in seconds."""
    latencies: list[float] = []
    for _ in range(count):
        command = Deposit(account_id=account_id, asset="USDT", amount=DEPOSIT_AMOUNT)
        start = time.perf_counter()
        await sequencer.submit(command)
        latencies.append(time.perf_counter() - start)
    return latencies


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


async def load(
    sequencer: Sequencer, account_id: int, commands: int, submitters: int
) -> list[float]:
    counts = split(commands, submitters)
    tasks = [submitter(sequencer, account_id, count) for count in counts if count > 0]
    per_task = await asyncio.gather(*tasks)
    return [latency for latencies in per_task for latency in latencies]


def check_applied(exchange: Exchange, account_id: int, commands: int) -> None:
    account = exchange.state.accounts[account_id - 1]
    applied = account.transferred.get("USDT", 0) // DEPOSIT_AMOUNT
    if applied != commands:
        raise RuntimeError(f"{applied} deposits applied, expected {commands}")


def percentile_ms(latencies: list[float], pct: int) -> float:
    return statistics.quantiles(latencies, n=100, method="inclusive")[pct - 1] * 1000


async def run_mode(
    label: str, max_batch: int, commands: int, submitters: int, root: Path
) -> RunResult:
    directory = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=root))
    try:
        sequencer = new_sequencer(directory / "journal.db", max_batch)
        account_id = await create_exchange(sequencer)
        batches_before = sequencer.batches
        start = time.perf_counter()
        latencies = await load(sequencer, account_id, commands, submitters)
        seconds = time.perf_counter() - start
        batches = sequencer.batches - batches_before
        check_applied(sequencer.exchange, account_id, commands)
        await sequencer.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return RunResult(
        label=label,
        max_batch=max_batch,
        submitters=submitters,
        commands=commands,
        seconds=seconds,
        batches=batches,
        p50_ms=percentile_ms(latencies, 50),
        p99_ms=percentile_ms(latencies, 99),
    )


def print_result(result: RunResult) -> None:
    print(
        f"{result.label:<12} max_batch={result.max_batch:<5} {result.commands:>7} commands "
        f"in {result.seconds:7.2f} s = {result.commands_per_second:9.0f} commands/s | "
        f"ack p50 {result.p50_ms:7.2f} ms, p99 {result.p99_ms:7.2f} ms | "
        f"{result.batches} batches (mean {result.mean_batch:.1f} commands/batch)"
    )


def median_rate(results: list[RunResult]) -> float:
    return statistics.median(r.commands_per_second for r in results)


def figures(results: list[RunResult], ratio: float) -> dict[str, Any]:
    rows = [asdict(r) | {"commands_per_second": r.commands_per_second} for r in results]
    return {"runs": rows, "ratio_group_per_command": ratio}


async def run_interleaved(args: argparse.Namespace) -> tuple[list[RunResult], list[RunResult]]:
    """Alternates the two modes so that a slow spell of the disk does not hit only one."""
    groups: list[RunResult] = []
    singles: list[RunResult] = []
    for _ in range(args.repeat):
        groups.append(await run_mode("group", 4096, args.group_commands, args.submitters, args.dir))
        print_result(groups[-1])
        singles.append(
            await run_mode("per-command", 1, args.single_commands, args.submitters, args.dir)
        )
        print_result(singles[-1])
    return groups, singles


def report(groups: list[RunResult], singles: list[RunResult]) -> float:
    group_rate, single_rate = median_rate(groups), median_rate(singles)
    print(
        f"median of {len(groups)}: group commit {group_rate:.0f} commands/s, "
        f"per-command fsync {single_rate:.0f} commands/s"
    )
    ratio = group_rate / single_rate
    print(f"ratio group / per-command fsync: {ratio:.1f}x commands/s")
    return ratio


async def main() -> None:
    args = parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"journals under {args.dir.resolve()} (synchronous=full), {args.submitters} submitters")
    groups, singles = await run_interleaved(args)
    ratio = report(groups, singles)
    print(f"results: {save('journal_throughput', figures(groups + singles, ratio), stamped=True)}")


if __name__ == "__main__":
    asyncio.run(main())
