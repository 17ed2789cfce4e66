"""Reset, named snapshots, export and import: the exchange becomes a saved state.

A saved state is a snapshot file (`journal/snapshot_files.py`: a header with the state hash and
a digest, then the state's msgpack encoding), written by the same forked writer as the
journal's snapshots into `saved-states/` in the data directory. Restoring one submits a
`ReplaceState` command carrying it, so the journal alone replays a restore. An export is such
a file, downloaded; an import is one uploaded. Reset restores the state saved right after the
first start's seeding (`.genesis`): same accounts, same keys.
"""

import re
from pathlib import Path
from typing import Any

from binance_sandbox.admin.operations import AdminOperations, AdminRejected, bad_request
from binance_sandbox.core.commands import ReplaceState
from binance_sandbox.core.state_hash import state_hash
from binance_sandbox.journal.snapshot_files import DamagedSnapshot, parse_snapshot
from binance_sandbox.sequencer.sequencer import Sequencer

SUFFIX = ".snapshot"
GENESIS = ".genesis"  # a name no user can give (names start with a letter or digit)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class SavedStates:
    def __init__(self, directory: Path, sequencer: Sequencer, operations: AdminOperations) -> None:
        self._directory = directory
        self._sequencer = sequencer
        self._operations = operations

    async def save(self, name: str, *, reserved: bool = False) -> dict[str, Any]:
        if not reserved:
            _check(name)
        taken = await self._sequencer.save_state(self._directory, name + SUFFIX)
        return {"name": name, "seq": taken.seq, "time": taken.ts, "stateHash": taken.state_hash}

    async def save_genesis(self) -> None:
        await self.save(GENESIS, reserved=True)

    def list(self) -> list[dict[str, Any]]:
        saved = []
        for path in sorted(self._directory.glob(f"*{SUFFIX}")):
            if not path.name.startswith("."):
                with path.open("rb") as source:
                    header = source.readline().split(b" ")
                saved.append({"name": path.stem, "stateHash": header[1].decode()})
        return saved

    async def restore(self, name: str) -> dict[str, Any]:
        _check(name)
        return await self._restore_file(name, f"restore:{name}")

    async def reset(self) -> dict[str, Any]:
        return await self._restore_file(GENESIS, "reset")

    async def export(self) -> bytes:
        name = f".export-{id(self)}"
        await self.save(name, reserved=True)
        path = self._directory / (name + SUFFIX)
        try:
            return path.read_bytes()
        finally:
            path.unlink()

    async def import_file(self, data: bytes) -> dict[str, Any]:
        try:
            saved_hash, body = parse_snapshot(data, "the upload")
        except DamagedSnapshot as exc:
            raise bad_request(str(exc)) from exc
        return await self._replace(body, saved_hash, "import")

    async def _restore_file(self, name: str, source: str) -> dict[str, Any]:
        path = self._directory / (name + SUFFIX)
        if not path.exists():
            what = "no state was saved at the first start" if name == GENESIS else name
            raise AdminRejected(-9003, f"Saved state {what} does not exist.", status=404)
        try:
            saved_hash, body = parse_snapshot(path.read_bytes(), name)
        except DamagedSnapshot as exc:
            raise bad_request(str(exc)) from exc
        return await self._replace(body, saved_hash, source)

    async def _replace(self, body: bytes, saved_hash: str, source: str) -> dict[str, Any]:
        applied = await self._operations.submit(ReplaceState(body=body, source=source))
        state = self._sequencer.exchange.state
        return {
            "seq": applied.seq,
            "time": applied.ts,
            "stateHash": state_hash(state),
            "savedStateHash": saved_hash,
        }


def _check(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise bad_request(
            "a name is 1 to 64 letters, digits, '_', '.' or '-', first a letter or digit"
        )
