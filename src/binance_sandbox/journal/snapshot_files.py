"""Snapshot bodies as files beside the journal, one per snapshot.

A snapshot of a large exchange is megabytes; written into the journal's SQLite file it would
hold the journal's write lock, and so every client's acknowledgement, for as long as the write
and its fsync take (hundreds of ms at 32,000 resting orders). As a file it is written outside
the journal (by a forked child, see `sequencer.snapshot_writer`), and the journal only records
that it exists. Plain file I/O only: this module must be safe to call in a forked child.

File format: a header line `BSNAP1 <state hash> <sha256 of the body>` then the body (the
state's msgpack encoding). The digest detects a torn or damaged file, so recovery can fall back
to the snapshot before it.
"""

import hashlib
import os
from pathlib import Path

_MAGIC = b"BSNAP1"


class DamagedSnapshot(ValueError):
    """A snapshot file that is missing, torn or does not match its digest."""


def snapshot_name(seq: int) -> str:
    return f"{seq:020d}.snapshot"


def write_snapshot_file(
    directory: Path, seq: int, state_hash: str, body: bytes, name: str = ""
) -> str:
    """Writes durably (temporary file, fsync, rename, fsync of the folder); returns the name
    (by default the sequence number's)."""
    directory.mkdir(parents=True, exist_ok=True)
    name = name or snapshot_name(seq)
    temporary = directory / f"{name}.tmp"
    digest = hashlib.sha256(body).hexdigest()
    with temporary.open("wb") as out:
        out.write(b" ".join((_MAGIC, state_hash.encode(), digest.encode())) + b"\n")
        out.write(body)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, directory / name)
    folder = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return name


def read_snapshot_file(path: Path) -> tuple[str, bytes]:
    """(state hash, body) of a snapshot file, checked against its digest."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DamagedSnapshot(f"cannot read {path}: {exc}") from exc
    return parse_snapshot(data, str(path))


def parse_snapshot(data: bytes, origin: str = "the file") -> tuple[str, bytes]:
    """(state hash, body) of a snapshot file's bytes, checked against its digest."""
    header, _, body = data.partition(b"\n")
    parts = header.split(b" ")
    if len(parts) != 3 or parts[0] != _MAGIC:
        raise DamagedSnapshot(f"{origin} is not a snapshot file")
    if hashlib.sha256(body).hexdigest().encode() != parts[2]:
        raise DamagedSnapshot(f"{origin} is damaged (its digest does not match)")
    return parts[1].decode(), body


def read_state_hash(path: Path) -> str:
    """The state hash from a snapshot file's header, without reading its body."""
    with path.open("rb") as source:
        parts = source.readline().split(b" ")
    if len(parts) != 3 or parts[0] != _MAGIC:
        raise DamagedSnapshot(f"{path} is not a snapshot file")
    return parts[1].decode()
