"""The sequencer: the only writer of exchange state.

One asyncio task drains a queue of submitted commands in batches. For each batch it stamps
consecutive sequence numbers and exchange times, appends the batch to the journal in one
commit (on the journal thread; new submissions queue up meanwhile, which is what makes the
next batch a group commit), then applies each command to the core, resolves the submitters'
futures and publishes the results. Journal first, apply second: nothing is answered or
published before it is durable, and replay applies exactly what was journaled.

Timer commands (index ticks, the agents' quotes, order timers: no client waits on their
answer) may instead be submitted *ahead* (`submit_ahead`): stamped, applied and passed to the
listeners at once, so the next timer that reads the state sees them without waiting for a disk
flush, and journaled by a background commit that takes everything applied ahead so far (one
fsync for many exchange seconds of a clock advance). The projections' writes of those commands
go to disk in the same hop, after their rows, so no projection is ever ahead of the journal; a
client command's commit includes every row applied ahead of it, so its answer still means
"durable". What a crash can lose is timer commands no client was answered about (market data
may have shown them). `journaled()` waits until nothing applied is unjournaled (an advance's
end, a snapshot, a signed read). A commit that fails after its commands were applied leaves the
state ahead of the journal: that is fatal (`failed`), and recovery restarts from the journal.

Exchange time on a stamp never goes backwards; a timer command asks for its due time (`at`)
and gets max(due, last stamp).

A command can only fail itself: each is encoded for the journal before the batch is stamped,
and one that cannot be encoded is refused alone; a core failure on one command is that
command's refusal (the same on replay, see `journal.recovery.apply_isolated`); a snapshot that
cannot be taken is logged and the exchange goes on. What is left — the journal refusing a commit,
a projection's write failing — ends the task, and `failed` tells the shell, which stops the
process rather than leave it hanging.

The matching engine's recvWindow (Binance, 2023-04-18): an order whose `recv_deadline`
(timestamp + recvWindow, wall time) has passed when the sequencer takes it is refused with
-5028 before it is stamped. The check reads wall time, so it happens here, outside the
journal: a refused order changes nothing and replay never needs the wall clock.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import msgspec

from binance_sandbox.core import rejects
from binance_sandbox.core.commands import Command, Stamped
from binance_sandbox.core.events import Event
from binance_sandbox.core.exchange import Exchange
from binance_sandbox.journal.codec import encode_command
from binance_sandbox.journal.recovery import apply_isolated
from binance_sandbox.journal.sqlite_journal import SqliteJournal
from binance_sandbox.sequencer.snapshot_writer import SnapshotTaken, write_snapshot
from binance_sandbox.sequencer.snapshots import SnapshotPolicy

log = logging.getLogger(__name__)
T = TypeVar("T")


class Applied(msgspec.Struct, frozen=True):
    seq: int
    ts: int
    events: list[Event]


class SequencerClosed(RuntimeError):
    """The sequencer is shutting down and takes no more commands."""


class JournalFailure(RuntimeError):
    """The journal could not commit a batch; its commands were neither applied nor kept."""


class _Pending(msgspec.Struct):
    command: Command
    at: int | None
    future: asyncio.Future[Applied]
    ahead: bool = False  # applied before it is journaled (timer commands, `submit_ahead`)
    body: bytes = b""  # the journal's encoding, made before stamping


Row = tuple[int, int, bytes]  # seq, ts, the encoded command


Listener = Callable[[Stamped, Applied], None]
# Called on the event loop after each batch is applied; the function it returns, if any, runs
# on the journal thread (projections persist there, in order with the journal).
FlushSource = Callable[[], Callable[[], None] | None]


def _run_all(writes: list[Callable[[], None]]) -> None:
    for write in writes:
        write()


class Sequencer:
    def __init__(
        self,
        exchange: Exchange,
        journal: SqliteJournal,
        now_ms: Callable[[], int],
        *,
        wall_ms: Callable[[], int] = lambda: int(time.time() * 1000),
        max_batch: int,
        snapshots: SnapshotPolicy,
        keep_snapshots: int,
        compact: bool,
    ) -> None:
        self.exchange = exchange
        self._journal = journal
        self._now_ms = now_ms
        self._wall_ms = wall_ms
        self._max_batch = max(1, max_batch)
        self._snapshots = snapshots
        self._keep_snapshots = keep_snapshots
        self._compact = compact
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal")
        self._snapshot_waiter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot")
        self._snapshot_lock = asyncio.Lock()
        self._background_snapshot: asyncio.Task[None] | None = None
        self._listeners: list[Listener] = []
        self._flush_sources: list[FlushSource] = []
        self._task: asyncio.Task[None] | None = None
        # Applied ahead and not journaled yet, in sequence order; the background commit that
        # takes them, while it runs.
        self._unjournaled: list[Row] = []
        self._ahead_commit: asyncio.Task[None] | None = None
        self._carried: _Pending | None = None  # taken from the queue, first of the next batch
        # The last sequence number journaled (with its projections' writes), and a future
        # resolved (and replaced) each time it moves, for `journaled`.
        self._published_seq = exchange.state.last_seq
        self._progress: asyncio.Future[None] | None = None
        self._closing = False
        self.batches = 0
        # Told of each commit (seconds, commands), for metrics; a no-op by default.
        self.on_commit: Callable[[float, int], None] = lambda _seconds, _commands: None
        self.failed: asyncio.Future[BaseException] | None = None

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize()

    @property
    def behind(self) -> bool:
        """Whether some applied command is not journaled yet (see `submit_ahead`)."""
        return self._published_seq < self.exchange.state.last_seq

    def applied_ahead(self, seq: int) -> bool:
        """For a listener: whether command `seq`, just applied, was applied ahead of the
        journal (a client command is journaled, with everything before it, when applied)."""
        rows = self._unjournaled
        return bool(rows) and rows[0][0] <= seq <= rows[-1][0]

    @property
    def snapshot_policy(self) -> SnapshotPolicy:
        return self._snapshots

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def add_flush_source(self, source: FlushSource) -> None:
        self._flush_sources.append(source)

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.failed = loop.create_future()
        self._task = loop.create_task(self._run(), name="sequencer")
        self._task.add_done_callback(self._ended)

    def _ended(self, task: "asyncio.Task[None]") -> None:
        """The task only ends on `close`; any other end is fatal for the process."""
        if task.cancelled():  # the event loop is being torn down
            return
        error = task.exception()
        if error is None and not self._closing:
            error = RuntimeError("the sequencer stopped")
        if error is not None:
            self._fail(error)

    def _fail(self, error: BaseException) -> None:
        if self.failed is not None and self.failed.done():
            return
        self._closing = True
        log.critical("the sequencer died; no command can be processed", exc_info=error)
        while not self._queue.empty():
            pending = self._queue.get_nowait()
            if pending is not None and not pending.future.done():
                pending.future.set_exception(SequencerClosed("the sequencer died"))
        if self.failed is not None and not self.failed.done():
            self.failed.set_result(error)
        self._progressed()  # wakes `journaled` waiters, which then raise

    async def submit(self, command: Command, at: int | None = None) -> Applied:
        """Sequences one command; returns once it is durable and applied."""
        if self._closing:
            raise SequencerClosed("the exchange is shutting down")
        future: asyncio.Future[Applied] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Pending(command, at, future))
        return await future

    async def submit_many(self, items: Sequence[tuple[int | None, Command]]) -> list[Applied]:
        return await self._submit_all(items, ahead=False)

    async def submit_ahead(self, items: Sequence[tuple[int | None, Command]]) -> list[Applied]:
        """Sequences timer commands; returns once they are applied, before they are durable
        (see the module's note). For commands whose answer nobody outside waits on."""
        return await self._submit_all(items, ahead=True)

    async def _submit_all(
        self, items: Sequence[tuple[int | None, Command]], *, ahead: bool
    ) -> list[Applied]:
        if self._closing:
            raise SequencerClosed("the exchange is shutting down")
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[Applied]] = []
        for at, command in items:
            future: asyncio.Future[Applied] = loop.create_future()
            self._queue.put_nowait(_Pending(command, at, future, ahead))
            futures.append(future)
        return list(await asyncio.gather(*futures))

    async def journaled(self, seq: int | None = None) -> None:
        """Returns once every command applied so far (or up to `seq`) is durable, with its
        projections' writes. Commands applied ahead meanwhile are not waited for, so a
        running clock cannot hold a caller back."""
        target = self.exchange.state.last_seq if seq is None else seq
        while self._published_seq < target:  # `behind`, up to the target
            if self.failed is not None and self.failed.done():
                raise SequencerClosed("the sequencer died")
            if self._unjournaled and self._ahead_commit is None:
                self._start_ahead_commit()
            if self._progress is None:
                self._progress = asyncio.get_running_loop().create_future()
            await self._progress

    def _progressed(self) -> None:
        if self._progress is not None and not self._progress.done():
            self._progress.set_result(None)
        self._progress = None

    async def close(self) -> None:
        """Stops taking commands, finishes every queued one, snapshots, closes the journal.
        After a failure it only closes: recovery starts from what is journaled."""
        healthy = self.failed is None or not self.failed.done()
        self._closing = True
        self._queue.put_nowait(None)
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task
        if self.failed is None or not self.failed.done():
            with contextlib.suppress(Exception):
                await self.journaled()
        if self._background_snapshot is not None:
            await self._background_snapshot
        if healthy and (self.failed is None or not self.failed.done()):
            await self.try_snapshot()
        self._snapshot_waiter.shutdown(wait=True)
        self._executor.shutdown(wait=True)
        self._journal.close()

    async def snapshot(self) -> SnapshotTaken:
        """Snapshots the state as it is now (between two commands, as any coroutine sees it).
        A forked child writes the file while the exchange goes on; the journal records it."""
        async with self._snapshot_lock:
            self._snapshots.taken()
            taken = await write_snapshot(
                self.exchange.state, self._journal.snapshot_dir, self._snapshot_waiter
            )
            # recorded only once the journal holds every command the snapshot contains
            await self.journaled(taken.seq)
            await self._run_in_journal_thread(
                self._journal.record_snapshot,
                taken.seq,
                taken.ts,
                taken.state_hash,
                taken.file,
                self._keep_snapshots,
                self._compact,
            )
            return taken

    async def save_state(self, directory: Path, name: str) -> SnapshotTaken:
        """The state as it is now, in a snapshot file of its own (not recorded in the journal)."""
        async with self._snapshot_lock:
            return await write_snapshot(self.exchange.state, directory, self._snapshot_waiter, name)

    async def _run(self) -> None:
        while True:
            batch, stop = await self._next_batch()
            if batch:
                await self._process(batch)
            if stop:
                return

    async def _next_batch(self) -> tuple[list[_Pending], bool]:
        """The next run of queued commands of one kind (ahead or not), in order; the first
        command of the other kind waits for the next run."""
        first = self._carried or await self._queue.get()
        self._carried = None
        if first is None:
            return [], True
        batch = [first]
        while len(batch) < self._max_batch and not self._queue.empty():
            item = self._queue.get_nowait()
            if item is None:
                return batch, True
            if item.ahead != first.ahead:
                self._carried = item
                break
            batch.append(item)
        return batch, False

    async def try_snapshot(self) -> None:
        try:
            await self.snapshot()
        except Exception:  # the previous snapshot and the journal still recover everything
            self._snapshots.taken()
            log.exception("a snapshot could not be taken; recovery will replay more of the journal")

    async def _process(self, batch: list[_Pending]) -> None:
        if batch[0].ahead:
            self._apply_ahead(batch)
            return
        batch = self._encoded(self._refuse_stale(batch))
        if not batch:
            return
        if self._ahead_commit is not None:  # commits stay in sequence order
            await asyncio.shield(self._ahead_commit)
        stamped = self._stamp(batch)
        ahead_rows = self._take_unjournaled()
        rows = ahead_rows + [
            (item.seq, item.ts, pending.body) for item, pending in zip(stamped, batch, strict=True)
        ]
        started = time.perf_counter()
        try:
            await self._run_in_journal_thread(self._journal.append_rows, rows)
        except Exception as exc:
            if ahead_rows:  # the state already holds them: it is ahead of the journal
                raise
            log.exception("journal commit failed; %d commands refused", len(batch))
            for pending in batch:
                if not pending.future.done():
                    pending.future.set_exception(JournalFailure(str(exc)))
            return
        self.batches += 1
        self.on_commit(time.perf_counter() - started, len(rows))
        for item, pending in zip(stamped, batch, strict=True):
            self._apply_one(item, pending)
        if writes := self._take_projection_writes():  # one hop for all projections
            await self._run_in_journal_thread(_run_all, writes)
        self._published_up_to(stamped[-1].seq)
        self._snapshots.note_applied(len(batch))
        self._snapshot_if_due()

    def _snapshot_if_due(self) -> None:
        if self._snapshots.due() and not self._snapshot_lock.locked():
            # in the background: the next batches do not wait for it
            self._background_snapshot = asyncio.create_task(self.try_snapshot())

    def _apply_ahead(self, batch: list[_Pending]) -> None:
        """Stamps and applies timer commands now; a background commit journals them."""
        batch = self._encoded(batch)
        if not batch:
            return
        for item, pending in zip(self._stamp(batch), batch, strict=True):
            self._unjournaled.append((item.seq, item.ts, pending.body))
            self._apply_one(item, pending)
        self._snapshots.note_applied(len(batch))
        if self._ahead_commit is None:
            self._start_ahead_commit()

    def _take_unjournaled(self) -> list[Row]:
        rows, self._unjournaled = self._unjournaled, []
        return rows

    def _take_projection_writes(self) -> list[Callable[[], None]]:
        return [write for source in self._flush_sources if (write := source()) is not None]

    def _start_ahead_commit(self) -> None:
        task = asyncio.get_running_loop().create_task(
            self._commit_ahead(), name="sequencer-ahead-commit"
        )
        # its failure is reported through `failed`; retrieving it keeps asyncio quiet
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._ahead_commit = task

    async def _commit_ahead(self) -> None:
        """Journals what was applied ahead, in as few commits as it takes to catch up, each
        followed on the journal thread by the projections' writes of the same commands. A
        failure is fatal: the state holds commands the journal does not."""
        try:
            while self._unjournaled:
                # taken together, so the writes are those of exactly these rows
                rows, writes = self._take_unjournaled(), self._take_projection_writes()
                started = time.perf_counter()
                await self._run_in_journal_thread(self._append_then_write, rows, writes)
                self.batches += 1
                self.on_commit(time.perf_counter() - started, len(rows))
                self._published_up_to(rows[-1][0])
                self._snapshot_if_due()
        except Exception as exc:
            self._fail(exc)
            raise
        finally:
            self._ahead_commit = None

    def _append_then_write(self, rows: list[Row], writes: list[Callable[[], None]]) -> None:
        self._journal.append_rows(rows)
        _run_all(writes)

    def _published_up_to(self, seq: int) -> None:
        self._published_seq = max(self._published_seq, seq)
        self._progressed()

    def _refuse_stale(self, batch: list[_Pending]) -> list[_Pending]:
        wall = self._wall_ms()
        kept = []
        for pending in batch:
            deadline = getattr(pending.command, "recv_deadline", 0)
            if deadline and deadline < wall:
                pending.future.set_result(Applied(0, 0, [rejects.ME_RECV_WINDOW]))
            else:
                kept.append(pending)
        return kept

    def _encoded(self, batch: list[_Pending]) -> list[_Pending]:
        """Encodes each command for the journal; one that cannot be stored is refused alone."""
        kept = []
        for pending in batch:
            try:
                pending.body = encode_command(pending.command)
            except (msgspec.EncodeError, OverflowError, ValueError):
                log.error("refused a command the journal cannot store: %.200r", pending.command)
                pending.future.set_result(Applied(0, 0, [rejects.INTERNAL_ERROR]))
            else:
                kept.append(pending)
        return kept

    def _stamp(self, batch: list[_Pending]) -> list[Stamped]:
        state = self.exchange.state
        seq, last_ts = state.last_seq, state.last_ts
        now = self._now_ms()
        stamped = []
        for pending in batch:
            seq += 1
            last_ts = max(last_ts, pending.at if pending.at is not None else now)
            stamped.append(Stamped(seq, last_ts, pending.command))
        return stamped

    def _apply_one(self, item: Stamped, pending: _Pending) -> None:
        applied = Applied(item.seq, item.ts, apply_isolated(self.exchange, item))
        if not pending.future.done():
            pending.future.set_result(applied)
        for listener in self._listeners:
            listener(item, applied)

    async def _run_in_journal_thread(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
