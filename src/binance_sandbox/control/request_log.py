"""The request log: every request the gateway answered (or chose not to), newest last.

Bounded in memory (the admin API reads it) and appended to a file of the data directory as JSON
lines: a first line with the field names, then one array per request. One file per run: a start
and every `capacity` lines move the file to `<name>.1`, so the disk keeps at most two files'
worth. Written on the event loop into a buffered file (a line
costs a memory copy), flushed every `FLUSH_EVERY` lines and on close.
"""

from collections import deque
from pathlib import Path
from typing import IO, Any

import orjson

FLUSH_EVERY = 256
# An entry, kept as a tuple (cheap on the gateway's hot path) and shown as a dict with these keys.
FIELDS = (
    "id",
    "time",
    "method",
    "path",
    "status",
    "code",
    "latencyMs",
    "apiKey",
    "faultId",
    "fault",
)
Entry = tuple[int, int, str, str, int, int | None, float, str, int | None, str | None]


class RequestLog:
    def __init__(self, capacity: int, path: Path | None = None) -> None:
        self._capacity = max(1, capacity)
        self._entries: deque[Entry] = deque(maxlen=self._capacity)
        self._path = path
        self._file: IO[bytes] | None = None
        self._lines = 0
        if path is not None:  # the previous run's log becomes the `.1` file
            if path.exists():
                path.replace(_older(path))
            self._file = _opened(path)
        self.total = 0

    @property
    def path(self) -> Path | None:
        return self._path

    def record(  # one argument per field, no dict on the hot path
        self,
        time: int,
        method: str,
        path: str,
        status: int,
        code: int | None,
        latency_ms: float,
        api_key: str,
        fault_id: int | None,
        fault: str | None,
    ) -> None:
        self.total += 1
        entry = (self.total, time, method, path, status, code, latency_ms, api_key, fault_id, fault)
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
        chosen = [entry for entry in self._entries if entry[0] > after]
        return [dict(zip(FIELDS, entry, strict=True)) for entry in chosen[-limit:]] if limit else []

    def download(self) -> bytes:
        """Everything still kept, as JSON lines of objects."""
        return b"".join(
            orjson.dumps(dict(zip(FIELDS, entry, strict=True))) + b"\n" for entry in self._entries
        )

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _rotate(self) -> None:
        assert self._file is not None
        assert self._path is not None
        self._file.close()
        self._path.replace(_older(self._path))
        self._file = _opened(self._path)
        self._lines = 0


def _older(path: Path) -> Path:
    return path.with_suffix(path.suffix + ".1")


def _opened(path: Path) -> IO[bytes]:
    file = path.open("ab")
    file.write(orjson.dumps(FIELDS) + b"\n")
    return file
