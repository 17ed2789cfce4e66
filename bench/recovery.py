"""Start-up time: recovering the exchange from its journal, from empty and from a snapshot.

What is measured, on a journal of 1,000,000 commands by default:

(a) `recover(journal, use_snapshot=False)`: read, decode and apply every journaled command, the
    replay from empty that a lost or corrupt snapshot falls back to (seconds, commands/s);
(b) taking a snapshot (`encode_state` + `state_hash`, its size), and `recover(journal)` from
    that snapshot plus a 10,000-command tail, which is an ordinary start-up.

The baseline is the time to merely read and decode the same rows (`journal.read_after(0)`
consumed without applying): every recovery pays it, so recovery / baseline shows what applying
the commands to the core costs on top of reading them.

The journal is built first, directly with `SqliteJournal.append` in chunks and
`synchronous="normal"` (building is not measured). Its commands are a seeded mix: a Genesis with
the default config's assets and instruments, ~1000 accounts, then mostly deposits, some index
price ticks for the listed symbols and some withdrawals. Each command is applied to an
`Exchange` while it is written, so the expected state hash is known; both recoveries must
reproduce it. The OS page cache is warm (the file was just written): this is CPU-side cost.
"""

import argparse
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from binance_sandbox.config.loader import load_config
from binance_sandbox.config.model import SandboxConfig
from binance_sandbox.core.commands import (
    Command,
    CreateAccount,
    Deposit,
    Genesis,
    SetIndexPrices,
    Stamped,
    Withdraw,
)
from binance_sandbox.core.events import Rejected
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.fixed import AMOUNT_DECIMALS
from binance_sandbox.core.state_hash import decode_state, encode_state, state_hash
from binance_sandbox.journal.recovery import recover
from binance_sandbox.journal.sqlite_journal import Snapshot, SqliteJournal
from results import RESULTS_DIR, save

SCALE = 10**AMOUNT_DECIMALS
START_TS = 1_795_000_000_000  # 2026-11-18, ms
T = TypeVar("T")


@dataclass(frozen=True)
class Built:
    """The journal as written, and what the recoveries must reproduce."""

    path: Path
    commands: int
    expected_hash: str
    rejected: int
    snapshot_seq: int
    snapshot_bytes: int
    encode_seconds: float
    hash_seconds: float
    build_seconds: float


@dataclass(frozen=True)
class Figures:
    commands: int
    read_seconds: float
    empty_seconds: float
    snapshot_seconds: float
    decode_seconds: float
    tail: int
    snapshot_bytes: int
    encode_seconds: float
    hash_seconds: float
    journal_bytes: int


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=1_000_000, help="journal length")
    parser.add_argument("--accounts", type=int, default=1_000, help="accounts deposits go to")
    parser.add_argument("--tail", type=int, default=10_000, help="commands after the snapshot")
    parser.add_argument("--chunk", type=int, default=10_000, help="commands per append")
    parser.add_argument("--seed", type=int, default=7, help="seed of the command mix")
    parser.add_argument(
        "--dir", type=Path, default=RESULTS_DIR / "tmp", help="where the temporary journal goes"
    )
    return parser.parse_args()


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


# --- the command mix -------------------------------------------------------------------------


def genesis(config: SandboxConfig) -> Genesis:
    return Genesis(
        seed=config.exchange.seed,
        assets=tuple(config.exchange.assets),
        instruments=tuple(config.instruments.values()),
    )


def start_prices(config: SandboxConfig) -> dict[str, int]:
    """Each pair's configured start index price (100 where none is configured)."""
    prices = {}
    for pair in {instrument.pair for instrument in config.instruments.values()}:
        source = config.prices.pairs.get(pair)
        price = Decimal(source.price) if source is not None and source.price else Decimal(100)
        prices[pair] = int(price * SCALE)
    return dict(sorted(prices.items()))


def price_tick(rng: random.Random, prices: dict[str, int]) -> SetIndexPrices:
    """A random walk step of a few basis points for every pair, as the price timer sends."""
    for pair, price in prices.items():
        prices[pair] = max(1, price + price * rng.randint(-20, 20) // 10_000)
    return SetIndexPrices(prices=dict(prices), source="bench")


def transfer(rng: random.Random, assets: tuple[str, ...], accounts: int) -> Command:
    """Mostly deposits of USDT; one in twelve a smaller withdrawal (a few are refused)."""
    account_id = rng.randint(1, accounts)
    if rng.random() < 1 / 12:
        amount = rng.randint(1, 200) * SCALE
        return Withdraw(account_id=account_id, asset="USDT", amount=amount)
    asset = "USDT" if rng.random() < 0.8 else rng.choice(assets)
    amount = rng.randint(1, 10_000) * SCALE
    return Deposit(account_id=account_id, asset=asset, amount=amount, client_tran_id="")


def command_mix(config: SandboxConfig, count: int, accounts: int, seed: int) -> Iterator[Command]:
    """Genesis, the accounts, then transfers with an index price tick every ~10 commands."""
    rng = random.Random(seed)
    first = genesis(config)
    prices = start_prices(config)
    yield first
    yield from (CreateAccount(name=f"bench-{i}") for i in range(1, accounts + 1))
    for _ in range(count - 1 - accounts):
        if rng.random() < 0.1:
            yield price_tick(rng, prices)
        else:
            yield transfer(rng, first.assets, accounts)


def stamped_mix(config: SandboxConfig, args: argparse.Namespace) -> Iterator[Stamped]:
    rng = random.Random(args.seed + 1)
    ts = START_TS
    mix = command_mix(config, args.commands, args.accounts, args.seed)
    for seq, command in enumerate(mix, 1):
        ts += rng.randint(0, 5)
        yield Stamped(seq, ts, command)


# --- building the journal --------------------------------------------------------------------


def take_snapshot(exchange: Exchange) -> tuple[Snapshot, float, float]:
    """Snapshots as the sequencer does; returns it with the encode and hash seconds."""
    state = exchange.state
    body, encode_seconds = timed(lambda: encode_state(state))
    digest, hash_seconds = timed(lambda: state_hash(state))
    return Snapshot(state.last_seq, state.last_ts, digest, body), encode_seconds, hash_seconds


def build(path: Path, config: SandboxConfig, args: argparse.Namespace) -> Built:
    start = time.perf_counter()
    journal = SqliteJournal(path, synchronous="normal")
    exchange = Exchange()
    snapshot_seq = args.commands - args.tail
    chunk: list[Stamped] = []
    snapshot, encode_seconds, hash_seconds = None, 0.0, 0.0
    rejected = 0
    for stamped in stamped_mix(config, args):
        rejected += any(isinstance(event, Rejected) for event in exchange.apply(stamped))
        chunk.append(stamped)
        if len(chunk) == args.chunk:
            journal.append(chunk)
            chunk = []
        if stamped.seq == snapshot_seq:
            snapshot, encode_seconds, hash_seconds = take_snapshot(exchange)
            journal.save_snapshot(snapshot, keep=2, compact=False)
    journal.append(chunk)
    journal.close()
    if snapshot is None:
        raise RuntimeError(f"no snapshot taken at seq {snapshot_seq}")
    return Built(
        path=path,
        commands=exchange.state.last_seq,
        expected_hash=state_hash(exchange.state),
        rejected=rejected,
        snapshot_seq=snapshot.seq,
        snapshot_bytes=len(snapshot.body),
        encode_seconds=encode_seconds,
        hash_seconds=hash_seconds,
        build_seconds=time.perf_counter() - start,
    )


# --- measuring -------------------------------------------------------------------------------


def read_all(journal: SqliteJournal) -> int:
    """The baseline: every row read and decoded into a `Stamped`, none applied."""
    count = 0
    for _ in journal.read_after(0):
        count += 1
    return count


def measure_read(built: Built) -> float:
    journal = SqliteJournal(built.path)
    try:
        count, seconds = timed(lambda: read_all(journal))
    finally:
        journal.close()
    if count != built.commands:
        raise RuntimeError(f"read {count} rows, expected {built.commands}")
    return seconds


def measure_recovery(built: Built, use_snapshot: bool) -> float:
    """Recovers into a fresh `Exchange`; checks its hash against the one built while writing."""
    journal = SqliteJournal(built.path)
    try:
        exchange, seconds = timed(lambda: recover(journal, use_snapshot=use_snapshot))
    finally:
        journal.close()
    recovered = state_hash(exchange.state)
    way = "from snapshot + tail" if use_snapshot else "from empty"
    print_hash(way, recovered)
    if recovered != built.expected_hash or exchange.state.last_seq != built.commands:
        raise RuntimeError(f"recovery {way} diverged: {recovered} != {built.expected_hash}")
    return seconds


def measure_decode(built: Built) -> float:
    """The part of a snapshot recovery spent in `decode_state` alone."""
    journal = SqliteJournal(built.path)
    try:
        snapshot = journal.latest_snapshot()
    finally:
        journal.close()
    if snapshot is None or snapshot.seq != built.snapshot_seq:
        raise RuntimeError(f"expected the snapshot at seq {built.snapshot_seq}")
    return timed(lambda: decode_state(snapshot.body))[1]


def print_hash(way: str, digest: str) -> None:
    print(f"  state hash {way:<20}: {digest}")


def measure(built: Built) -> Figures:
    print_hash("while writing", built.expected_hash)
    read_seconds = measure_read(built)
    empty_seconds = measure_recovery(built, use_snapshot=False)
    snapshot_seconds = measure_recovery(built, use_snapshot=True)
    return Figures(
        commands=built.commands,
        read_seconds=read_seconds,
        empty_seconds=empty_seconds,
        snapshot_seconds=snapshot_seconds,
        decode_seconds=measure_decode(built),
        tail=built.commands - built.snapshot_seq,
        snapshot_bytes=built.snapshot_bytes,
        encode_seconds=built.encode_seconds,
        hash_seconds=built.hash_seconds,
        journal_bytes=journal_size(built.path),
    )


def journal_size(path: Path) -> int:
    files = [path, path.with_name(path.name + "-wal")]
    return sum(f.stat().st_size for f in files if f.exists())


# --- reporting -------------------------------------------------------------------------------


def report(figures: Figures) -> None:
    n = figures.commands
    mib = 1024 * 1024
    print(f"journal: {n} commands, {figures.journal_bytes / mib:.1f} MiB on disk")
    print(
        f"baseline read+decode only     : {figures.read_seconds:7.2f} s "
        f"= {n / figures.read_seconds:9.0f} commands/s"
    )
    print(
        f"(a) recovery from empty       : {figures.empty_seconds:7.2f} s "
        f"= {n / figures.empty_seconds:9.0f} commands/s "
        f"({figures.empty_seconds / figures.read_seconds:.1f}x the baseline)"
    )
    print(
        f"(b) snapshot: {figures.snapshot_bytes / mib:.1f} MiB, encode_state "
        f"{figures.encode_seconds:.3f} s + state_hash {figures.hash_seconds:.3f} s "
        f"= {figures.encode_seconds + figures.hash_seconds:.3f} s"
    )
    print(
        f"(b) recovery from snapshot + {figures.tail}-command tail: "
        f"{figures.snapshot_seconds:7.2f} s "
        f"({figures.snapshot_seconds / figures.read_seconds:.2f}x the baseline, "
        f"{figures.empty_seconds / figures.snapshot_seconds:.1f}x faster than from empty)"
    )
    print(f"    of which decode_state alone : {figures.decode_seconds:7.2f} s")


def main() -> None:
    args = parse_args()
    if not 0 < args.tail < args.commands - args.accounts:
        raise SystemExit("--tail must be positive and leave room for Genesis and the accounts")
    args.dir.mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix="recovery-", dir=args.dir))
    try:
        config = load_config(environ={})
        print(f"building {args.commands} commands in {directory} (synchronous=normal)...")
        built = build(directory / "journal.db", config, args)
        print(
            f"  built in {built.build_seconds:.1f} s (not measured); "
            f"{built.rejected} commands refused by the core (withdrawals beyond the balance)"
        )
        figures = measure(built)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    report(figures)
    print(f"results: {save('recovery', asdict(figures), stamped=True)}")


if __name__ == "__main__":
    main()
