"""Order latency while a snapshot is taken, with 32,000 resting orders (issue 18).

The exchange: the default instruments, 160 funded accounts and 32,000 resting BUY orders on
BTCUSDT (200 per account, Binance's per-symbol limit), built by applying commands to the core.
Then the real `Sequencer` over a real `SqliteJournal` (`synchronous="full"`, one fsync per
commit) serves `--clients` concurrent submitters, each placing a resting LIMIT order and
cancelling it in a loop; every submit returns once its batch is durable and applied, so its time
is the acknowledgement latency a client waits for (HTTP excluded).

Three phases in one run, each `--seconds` long:

- **quiet**: no snapshot (the latency floor of this machine);
- **forked**: snapshots back to back through `Sequencer.snapshot()` (a forked child encodes,
  hashes and writes the file; the journal records a row);
- **in-process (baseline)**: what a snapshot cost before: `encode_state` + `state_hash` on the
  event loop and the body written into the journal's SQLite file on the journal thread.

`--deposits N` first applies N deposits of 1 unit spread over the accounts (issue 17: the
transfer ledger used to live in the state, so a snapshot grew with every deposit; the aim is a
pause <= 50 ms after 1,000,000); the encoded state's size and one `encode_state` + `state_hash`
time are printed with it.

Printed per phase: acknowledgements, p50 / p99 / max latency (ms), and snapshots taken; the
issue's aim is max <= 20 ms during snapshots.
"""

import argparse
import asyncio
import os
import shutil
import statistics
import time
from collections.abc import Awaitable, Callable

from binance_sandbox.core.commands import CancelOrder, Deposit, PlaceOrder
from binance_sandbox.core.events import OrderUpdated, Rejected
from binance_sandbox.core.state_hash import encode_state, state_hash
from binance_sandbox.journal.sqlite_journal import Snapshot, SqliteJournal
from binance_sandbox.sequencer.sequencer import Sequencer
from binance_sandbox.sequencer.snapshots import SnapshotPolicy
from matching_throughput import CoreRun
from results import RESULTS_DIR, save

ACCOUNTS, PER_ACCOUNT = 160, 200


def build(accounts: int, deposits: int) -> CoreRun:
    core = CoreRun(accounts + 1, 77_000 * 10**8)  # the last account is the clients'
    for number in range(deposits):
        deposit = Deposit(account_id=1 + number % accounts, asset="USDT", amount=1)
        core.exchange.apply(core.stamp(deposit))
    for account in range(1, accounts + 1):
        for k in range(PER_ACCOUNT):
            price = 7_600_000 - 10 * k  # 76,000.00 down, on the 0.10 tick
            command = PlaceOrder(
                account_id=account, symbol="BTCUSDT", side="BUY", order_type="LIMIT",
                quantity=2, price=price, stp_mode="NONE",
            )  # fmt: skip
            events = core.exchange.apply(core.stamp(command))
            if any(isinstance(event, Rejected) for event in events):
                raise SystemExit(f"set-up order refused: {events}")
    return core


async def client(sequencer: Sequencer, account: int, stop: asyncio.Event, out: list[float]) -> None:
    order = PlaceOrder(
        account_id=account, symbol="BTCUSDT", side="BUY", order_type="LIMIT",
        quantity=2, price=7_500_000, stp_mode="NONE",
    )  # fmt: skip
    while not stop.is_set():
        began = time.perf_counter()
        placed = await sequencer.submit(order)
        out.append(time.perf_counter() - began)
        update = next(e for e in placed.events if isinstance(e, OrderUpdated))
        began = time.perf_counter()
        await sequencer.submit(
            CancelOrder(account_id=account, symbol="BTCUSDT", order_id=update.order.order_id)
        )
        out.append(time.perf_counter() - began)


async def in_process_snapshot(sequencer: Sequencer, journal: SqliteJournal) -> None:
    """The way snapshots were taken before: everything on the loop and the journal thread."""
    state = sequencer.exchange.state
    snapshot = Snapshot(state.last_seq, state.last_ts, state_hash(state), encode_state(state))
    await asyncio.get_running_loop().run_in_executor(
        sequencer._executor,  # the journal thread, as the old path used it
        _store_in_table,
        journal,
        snapshot,
    )


def _store_in_table(journal: SqliteJournal, snapshot: Snapshot) -> None:
    with journal._transaction():
        journal._db.execute(
            "INSERT OR REPLACE INTO snapshots (seq, ts, state_hash, body) VALUES (?, ?, ?, ?)",
            (snapshot.seq, snapshot.ts, snapshot.state_hash, snapshot.body),
        )


async def phase(
    sequencer: Sequencer,
    seconds: float,
    clients: int,
    account: int,
    snapshot: Callable[[], Awaitable[object]] | None,
) -> dict[str, float]:
    stop = asyncio.Event()
    latencies: list[float] = []
    tasks = [
        asyncio.create_task(client(sequencer, account, stop, latencies)) for _ in range(clients)
    ]
    snapshots = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if snapshot is None:
            await asyncio.sleep(0.05)
        else:
            await snapshot()
            snapshots += 1
    stop.set()
    await asyncio.gather(*tasks)
    ms = sorted(x * 1000 for x in latencies)
    return {
        "acks": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p99_ms": round(ms[int(len(ms) * 0.99)], 2),
        "max_ms": round(ms[-1], 2),
        "snapshots": snapshots,
    }


async def run(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    began = time.perf_counter()
    core = build(args.accounts, args.deposits)
    state = core.exchange.state
    print(f"built in {time.perf_counter() - began:.1f} s (not timed): {args.deposits} deposits")
    began = time.perf_counter()
    size = len(encode_state(state))
    state_hash(state)
    print(f"state: {size / 1e6:.2f} MB encoded; encode + hash {time.perf_counter() - began:.3f} s")
    workdir = RESULTS_DIR / "tmp" / "snapshot_pause"
    shutil.rmtree(workdir, ignore_errors=True)
    journal = SqliteJournal(workdir / "journal.db", "full")
    sequencer = Sequencer(
        core.exchange,
        journal,
        lambda: core.exchange.state.last_ts + 1,
        max_batch=4096,
        snapshots=SnapshotPolicy(0, 0),
        keep_snapshots=2,
        compact=True,
    )
    sequencer.start()
    account = args.accounts + 1
    resting = len(core.exchange.state.open_orders)
    print(f"resting orders: {resting}, clients: {args.clients}, {args.seconds:.0f} s per phase")
    results = {
        "quiet": await phase(sequencer, args.seconds, args.clients, account, None),
        "forked": await phase(sequencer, args.seconds, args.clients, account, sequencer.snapshot),
        "in_process": await phase(
            sequencer,
            args.seconds,
            args.clients,
            account,
            lambda: in_process_snapshot(sequencer, journal),
        ),
    }
    await sequencer.close()
    shutil.rmtree(workdir, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=ACCOUNTS)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--deposits", type=int, default=0)
    args = parser.parse_args()
    results = asyncio.run(run(args))
    print(f"{'phase':<12}{'acks':>8}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}{'snapshots':>11}")
    for name, r in results.items():
        print(
            f"{name:<12}{r['acks']:>8}{r['p50_ms']:>10}{r['p99_ms']:>10}{r['max_ms']:>10}"
            f"{r['snapshots']:>11}"
        )
    ratio = results["forked"]["max_ms"] / results["in_process"]["max_ms"]
    print(f"max latency, forked / in-process: {ratio:.2f}")
    print(f"load average (1, 5, 15 min): {os.getloadavg()}")
    save("snapshot_pause", results)


if __name__ == "__main__":
    main()
