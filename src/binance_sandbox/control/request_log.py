"""The request log: every request the gateway answered (or chose not to), newest last.

Bounded in memory (the admin API reads it) and appended to a file of the data directory as JSON
lines, one file per run: a start and every `capacity` lines move the file to `<name>.1`, so the
disk keeps at most two files' worth. Written on the event loop into a buffered file (a line
costs a memory copy), flushed every `FLUSH_EVERY` lines and on close.
"""

from collections import deque
from pathlib import Path
from typing import IO, Any

import orjson

FLUSH_EVERY = 256


class RequestLog:
    def __init__(self, capacity: int, path: Path | None = None) -> None:
        self._capacity = max(1, capacity)
        self._entries: deque[dict[str, Any]] = deque(maxlen=self._capacity)
        self._path = path
        self._file: IO[bytes] | None = None
        self._lines = 0
        if path is not None:  # the previous run's log becomes the `.1` file
            if path.exists():
                path.replace(_older(path))
            self._file = path.open("ab")
        self.total = 0

    @property
    def path(self) -> Path | None:
        return self._path

    def record(self, entry: dict[str, Any]) -> None:
        self.total += 1
        entry["id"] = self.total
        self._entries.append(entry)
        if self._file is None:
            return
        self._file.write(orjson.dumps(entry) + b"\n")
        self._lines += 1
        if self._lines % FLUSH_EVERY == 0:
            self._file.flush()
        if self._lines >= self._capacity:
            self._rotate()

    def recent(self, limit: int, after: int = 0) -> list[dict[str, Any]]:
        """The newest `limit` entries with an id above `after`, oldest first."""
        newer = [entry for entry in self._entries if entry["id"] > after] if after else None
        chosen = newer if newer is not None else list(self._entries)
        return chosen[-limit:] if limit else []

    def download(self) -> bytes:
        """Everything still kept, as JSON lines."""
        return b"".join(orjson.dumps(entry) + b"\n" for entry in self._entries)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _rotate(self) -> None:
        assert self._file is not None
        assert self._path is not None
        self._file.close()
        self._path.replace(_older(self._path))
        self._file = self._path.open("ab")
        self._lines = 0


def _older(path: Path) -> Path:
    return path.with_suffix(path.suffix + ".1")
