"""The sequencer: the only writer of exchange state.

One asyncio task drains a queue of submitted commands in batches. For each batch it stamps
consecutive sequence numbers and exchange times, appends the batch to the journal in one
commit (on the journal thread; new submissions queue up meanwhile, which is what makes the
next batch a group commit), then applies each command to the core, resolves the submitters'
futures and publishes the results. Journal first, apply second: nothing is visible or answered
before it is durable, and replay applies exactly what was journaled.

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
    body: bytes = b""  # the journal's encoding, made before stamping


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
        self._closing = False
        self.batches = 0
        # Told of each commit (seconds, commands), for metrics; a no-op by default.
        self.on_commit: Callable[[float, int], None] = lambda _seconds, _commands: None
        self.failed: asyncio.Future[BaseException] | None = None

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize()

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
        if error is None:
            return
        self._closing = True
        log.critical("the sequencer died; no command can be processed", exc_info=error)
        while not self._queue.empty():
            pending = self._queue.get_nowait()
            if pending is not None and not pending.future.done():
                pending.future.set_exception(SequencerClosed("the sequencer died"))
        if self.failed is not None and not self.failed.done():
            self.failed.set_result(error)

    async def submit(self, command: Command, at: int | None = None) -> Applied:
        """Sequences one command; returns once it is durable and applied."""
        if self._closing:
            raise SequencerClosed("the exchange is shutting down")
        future: asyncio.Future[Applied] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Pending(command, at, future))
        return await future

    async def submit_many(self, items: Sequence[tuple[int | None, Command]]) -> list[Applied]:
        if self._closing:
            raise SequencerClosed("the exchange is shutting down")
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[Applied]] = []
        for at, command in items:
            future: asyncio.Future[Applied] = loop.create_future()
            self._queue.put_nowait(_Pending(command, at, future))
            futures.append(future)
        return list(await asyncio.gather(*futures))

    async def close(self) -> None:
        """Stops taking commands, finishes every queued one, snapshots, closes the journal.
        After a failure it only closes: recovery starts from what is journaled."""
        healthy = self.failed is None or not self.failed.done()
        self._closing = True
        self._queue.put_nowait(None)
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task
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
        first = await self._queue.get()
        if first is None:
            return [], True
        batch = [first]
        while len(batch) < self._max_batch and not self._queue.empty():
            item = self._queue.get_nowait()
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    async def try_snapshot(self) -> None:
        try:
            await self.snapshot()
        except Exception:  # the previous snapshot and the journal still recover everything
            self._snapshots.taken()
            log.exception("a snapshot could not be taken; recovery will replay more of the journal")

    async def _process(self, batch: list[_Pending]) -> None:
        batch = self._encoded(self._refuse_stale(batch))
        if not batch:
            return
        stamped = self._stamp(batch)
        rows = [
            (item.seq, item.ts, pending.body) for item, pending in zip(stamped, batch, strict=True)
        ]
        started = time.perf_counter()
        try:
            await self._run_in_journal_thread(self._journal.append_rows, rows)
        except Exception as exc:
            log.exception("journal commit failed; %d commands refused", len(batch))
            for pending in batch:
                if not pending.future.done():
                    pending.future.set_exception(JournalFailure(str(exc)))
            return
        self.batches += 1
        self.on_commit(time.perf_counter() - started, len(batch))
        for item, pending in zip(stamped, batch, strict=True):
            self._apply_one(item, pending)
        writes = [write for source in self._flush_sources if (write := source()) is not None]
        if writes:  # one hop to the journal thread for all projections
            await self._run_in_journal_thread(_run_all, writes)
        self._snapshots.note_applied(len(batch))
        if self._snapshots.due() and not self._snapshot_lock.locked():
            # in the background: the next batches do not wait for it
            self._background_snapshot = asyncio.create_task(self.try_snapshot())

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
