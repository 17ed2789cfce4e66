"""The journal and the sequencer: group commit, journal-before-apply, snapshots, compaction."""

import asyncio
from pathlib import Path

import msgspec
import pytest

from binance_sandbox.core.commands import CreateAccount, Deposit, Genesis, PlaceOrder, Stamped
from binance_sandbox.core.events import Rejected
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.core.state_hash import state_hash
from binance_sandbox.journal.recovery import recover
from binance_sandbox.journal.sqlite_journal import SqliteJournal
from binance_sandbox.sequencer.sequencer import JournalFailure, Sequencer, SequencerClosed
from binance_sandbox.sequencer.snapshots import SnapshotPolicy

GENESIS = Genesis(seed=1, assets=("USDT",), instruments=())


def make_sequencer(
    path: Path, *, max_batch: int = 4096, every_commands: int = 0, now: int = 1_000, wall: int = 0
) -> Sequencer:
    journal = SqliteJournal(path)
    return Sequencer(
        recover(journal),
        journal,
        lambda: now,
        wall_ms=lambda: wall,
        max_batch=max_batch,
        snapshots=SnapshotPolicy(every_commands, 0),
        keep_snapshots=2,
        compact=True,
    )


async def seeded(sequencer: Sequencer) -> None:
    sequencer.start()
    await sequencer.submit(GENESIS)
    await sequencer.submit(CreateAccount(name="a"))


def deposit(n: int) -> Deposit:
    return Deposit(account_id=1, asset="USDT", amount=n + 1, client_tran_id=str(n))


async def test_concurrent_submissions_share_commits(tmp_path: Path) -> None:
    sequencer = make_sequencer(tmp_path / "j.db")
    await seeded(sequencer)
    before = sequencer.batches
    applied = await asyncio.gather(*(sequencer.submit(deposit(n)) for n in range(500)))
    assert sorted(a.seq for a in applied) == list(range(3, 503))
    assert sequencer.batches - before < 50  # 500 commands, far fewer fsyncs
    await sequencer.close()


async def test_per_command_commit_when_batches_are_one(tmp_path: Path) -> None:
    sequencer = make_sequencer(tmp_path / "j.db", max_batch=1)
    await seeded(sequencer)
    before = sequencer.batches
    await asyncio.gather(*(sequencer.submit(deposit(n)) for n in range(20)))
    assert sequencer.batches - before == 20
    await sequencer.close()


async def test_nothing_is_applied_or_answered_when_the_journal_fails(tmp_path: Path) -> None:
    sequencer = make_sequencer(tmp_path / "j.db")
    await seeded(sequencer)
    hash_before = state_hash(sequencer.exchange.state)

    def broken_append(batch: object) -> None:
        raise OSError("disk full")

    journal = sequencer._journal
    working_append = journal.append_rows
    journal.append_rows = broken_append  # type: ignore[method-assign]
    with pytest.raises(JournalFailure):
        await sequencer.submit(deposit(1))
    assert state_hash(sequencer.exchange.state) == hash_before
    journal.append_rows = working_append  # type: ignore[method-assign]
    applied = await sequencer.submit(deposit(2))
    assert applied.seq == 3  # the failed command's number was not used
    await sequencer.close()


async def test_stamps_never_go_back_and_timers_keep_their_due_time(tmp_path: Path) -> None:
    sequencer = make_sequencer(tmp_path / "j.db", now=5_000)
    await seeded(sequencer)
    late = await sequencer.submit(deposit(1), at=9_000)
    early = await sequencer.submit(deposit(2), at=2_000)
    assert (late.ts, early.ts) == (9_000, 9_000)
    await sequencer.close()


async def test_close_drains_the_queue_and_snapshots(tmp_path: Path) -> None:
    sequencer = make_sequencer(tmp_path / "j.db")
    await seeded(sequencer)
    pending = [asyncio.ensure_future(sequencer.submit(deposit(n))) for n in range(100)]
    await asyncio.sleep(0)
    await sequencer.close()
    assert all(p.done() and not p.exception() for p in pending)
    journal = SqliteJournal(tmp_path / "j.db")
    snapshot = journal.latest_snapshot()
    assert snapshot is not None
    assert snapshot.seq == 102
    assert state_hash(recover(journal).state) == snapshot.state_hash


def test_compaction_keeps_the_predecessor_snapshot_and_its_tail(tmp_path: Path) -> None:
    journal = SqliteJournal(tmp_path / "j.db")
    exchange = Exchange()

    def write(seq: int) -> None:
        command = GENESIS if seq == 1 else CreateAccount(name=f"a{seq}")
        stamped = Stamped(seq, seq, command)
        journal.append([stamped])
        exchange.apply(stamped)

    def snap() -> None:
        from binance_sandbox.core.state_hash import encode_state
        from binance_sandbox.journal.sqlite_journal import Snapshot

        state = exchange.state
        snapshot = Snapshot(state.last_seq, state.last_ts, state_hash(state), encode_state(state))
        journal.save_snapshot(snapshot, keep=2, compact=True)

    for seq in range(1, 11):
        write(seq)
    snap()  # at 10: the only snapshot, nothing compacted
    assert journal.first_seq() == 1
    for seq in range(11, 21):
        write(seq)
    snap()  # at 20: rows up to the predecessor (10) go
    assert journal.first_seq() == 11
    for seq in range(21, 31):
        write(seq)
    snap()  # at 30: the snapshot at 10 and rows up to 20 go
    assert journal.first_seq() == 21
    assert journal.last_seq() == 30
    assert state_hash(recover(journal).state) == state_hash(exchange.state)


async def test_an_order_stale_at_the_engine_is_refused_unjournaled(tmp_path: Path) -> None:
    """Binance -5028: timestamp + recvWindow is earlier than the wall time at sequencing."""
    sequencer = make_sequencer(tmp_path / "j.db", wall=10_000)
    await seeded(sequencer)
    order = PlaceOrder(account_id=1, symbol="BTCUSDT", side="BUY", order_type="MARKET", quantity=1)
    stale = await sequencer.submit(msgspec.structs.replace(order, recv_deadline=9_999))
    assert stale.events == [
        Rejected(code=-5028, msg="Timestamp for this request is outside of the ME recvWindow.")
    ]
    assert sequencer.exchange.state.last_seq == 2  # not stamped, not journaled
    fresh = await sequencer.submit(msgspec.structs.replace(order, recv_deadline=10_000))
    assert fresh.seq == 3  # reached the core (which refuses it: no such instrument here)
    assert fresh.events == [Rejected(code=-1121, msg="Invalid symbol.")]
    await sequencer.close()


async def test_a_damaged_snapshot_file_falls_back_to_its_predecessor(tmp_path: Path) -> None:
    """Snapshot bodies are files written by a forked child; a torn one is detected by its
    digest and recovery takes the snapshot before it plus the journal behind that."""
    sequencer = make_sequencer(tmp_path / "j.db")
    await seeded(sequencer)
    await sequencer.submit(deposit(1))
    first = await sequencer.snapshot()
    await sequencer.submit(deposit(2))
    newest = await sequencer.snapshot()
    expected = state_hash(sequencer.exchange.state)
    assert newest.state_hash == expected
    await sequencer.submit(deposit(3))
    await sequencer.close()  # a third snapshot at close; the journal keeps two of them

    journal = SqliteJournal(tmp_path / "j.db")
    files = sorted(journal.snapshot_dir.iterdir())
    assert [f.name for f in files] == [newest.file, f"{newest.seq + 1:020d}.snapshot"]
    files[-1].write_bytes(files[-1].read_bytes()[:-10])  # torn
    snapshot = journal.latest_snapshot()
    assert snapshot is not None
    assert (snapshot.seq, snapshot.state_hash) == (newest.seq, expected)
    assert first.seq < newest.seq
    recovered = recover(journal)
    assert recovered.state.last_seq == newest.seq + 1  # the snapshot before, then the journal


async def test_commands_applied_ahead_are_journaled_in_sequence_with_the_others(
    tmp_path: Path,
) -> None:
    """Timer commands are applied at once and journaled by a background commit; a client
    command's commit carries every row applied ahead of it, so the journal has no gap and
    replays to the same state."""
    sequencer = make_sequencer(tmp_path / "j.db")
    await seeded(sequencer)
    journal = sequencer._journal
    held = asyncio.Event()
    working_append = journal.append_rows

    def slow_append(rows: object) -> None:  # the disk is slow: commits queue up
        asyncio.run_coroutine_threadsafe(_noop(), loop).result()
        working_append(rows)  # type: ignore[arg-type]

    async def _noop() -> None:
        await held.wait()

    loop = asyncio.get_running_loop()
    journal.append_rows = slow_append  # type: ignore[method-assign]
    ahead = await sequencer.submit_ahead([(None, deposit(n)) for n in range(3)])
    assert [a.seq for a in ahead] == [3, 4, 5]  # answered before any of them is durable
    assert sequencer.exchange.state.last_seq == 5
    assert sequencer.behind
    more = await sequencer.submit_ahead([(None, deposit(3))])
    client = asyncio.ensure_future(sequencer.submit(deposit(4)))
    await asyncio.sleep(0.05)
    assert not client.done()  # a client's answer waits for the disk
    held.set()
    assert (await client).seq == more[0].seq + 1 == 7
    assert not sequencer.behind
    journal.append_rows = working_append  # type: ignore[method-assign]
    await sequencer.submit_ahead([(None, deposit(n)) for n in range(5, 9)])
    await sequencer.journaled()
    assert not sequencer.behind
    expected = state_hash(sequencer.exchange.state)
    await sequencer.close()
    reread = SqliteJournal(tmp_path / "j.db")
    assert [s.seq for s in reread.read_after(0)] == list(range(1, 12))
    assert state_hash(recover(SqliteJournal(tmp_path / "j.db")).state) == expected


async def test_a_failed_commit_of_commands_applied_ahead_is_fatal(tmp_path: Path) -> None:
    """Once applied, a command the journal refused leaves the state ahead of the journal: the
    sequencer stops (the process exits and recovers from the journal)."""
    sequencer = make_sequencer(tmp_path / "j.db")
    await seeded(sequencer)

    def broken_append(rows: object) -> None:
        raise OSError("disk full")

    sequencer._journal.append_rows = broken_append  # type: ignore[method-assign]
    await sequencer.submit_ahead([(None, deposit(1))])
    assert sequencer.failed is not None
    assert isinstance(await asyncio.wait_for(sequencer.failed, 30), OSError)
    with pytest.raises(SequencerClosed):
        await sequencer.submit(deposit(2))
    with pytest.raises(SequencerClosed):
        await sequencer.journaled()
    await sequencer.close()
    assert recover(SqliteJournal(tmp_path / "j.db")).state.last_seq == 2


async def test_a_snapshot_is_recorded_only_once_the_journal_holds_it(tmp_path: Path) -> None:
    sequencer = make_sequencer(tmp_path / "j.db")
    await seeded(sequencer)
    await sequencer.submit_ahead([(None, deposit(n)) for n in range(50)])
    taken = await sequencer.snapshot()
    assert taken.seq == 52
    journal = SqliteJournal(tmp_path / "j.db")
    assert journal.last_seq() >= taken.seq
    assert journal.latest_snapshot_seq() == taken.seq
    await sequencer.close()
