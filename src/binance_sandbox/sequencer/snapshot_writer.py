"""Taking a snapshot without pausing the exchange: a forked child encodes, hashes and writes it.

fork() hands a child a copy-on-write image of the state as it stands between two commands, in a
few ms; the child encodes it (msgpack), hashes it (canonical JSON) and writes the snapshot file,
then exits, while the parent goes on matching and acknowledging. The parent waits for the child
on a thread of its own. (In-process, encoding and hashing 32,000 resting orders held the event
loop for ~150 ms.) Where fork is unavailable the same work runs in-process.

The child touches no SQLite connection, event loop or lock: only the state, msgspec, hashlib
and plain files, then `os._exit`.
"""

import asyncio
import os
import sys
import traceback
import warnings
from concurrent.futures import Executor
from pathlib import Path

import msgspec

from binance_sandbox.core.state import ExchangeState
from binance_sandbox.core.state_hash import encode_state, state_hash
from binance_sandbox.journal.snapshot_files import (
    read_state_hash,
    snapshot_name,
    write_snapshot_file,
)


class SnapshotTaken(msgspec.Struct, frozen=True):
    seq: int
    ts: int
    state_hash: str
    file: str


class SnapshotFailed(RuntimeError):
    """The child writing a snapshot did not succeed (its error is on stderr)."""


def _write(state: ExchangeState, directory: Path, name: str) -> str:
    digest = state_hash(state)
    write_snapshot_file(directory, state.last_seq, digest, encode_state(state), name)
    return digest


async def write_snapshot(
    state: ExchangeState, directory: Path, waiter: Executor, name: str = ""
) -> SnapshotTaken:
    """Writes a snapshot file of `state` as it is now (named `name`, by default after its
    sequence number). Call between two commands."""
    seq, ts = state.last_seq, state.last_ts
    name = name or snapshot_name(seq)
    if not hasattr(os, "fork"):
        return SnapshotTaken(seq, ts, _write(state, directory, name), name)
    with warnings.catch_warnings():  # the child only encodes and writes a file: no locks
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            _write(state, directory, name)
            code = 0
        except BaseException:
            traceback.print_exc(file=sys.stderr)
        finally:
            os._exit(code)
    _, status = await asyncio.get_running_loop().run_in_executor(waiter, os.waitpid, pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SnapshotFailed(f"the snapshot writer exited with {os.waitstatus_to_exitcode(status)}")
    return SnapshotTaken(seq, ts, read_state_hash(directory / name), name)
