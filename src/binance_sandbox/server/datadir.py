"""The data directory: journal database, admin token and the running server's address.

`server.json` is written once the server listens and removed on a clean stop; management
commands read it (and the token) to find the single writer. A stale file from a killed server
is recognised by its dead pid.
"""

import json
import os
import secrets
from pathlib import Path

import msgspec


class ServerInfo(msgspec.Struct, frozen=True):
    url: str
    pid: int


class DataDir:
    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def journal_path(self) -> Path:
        return self.path / "journal.db"

    @property
    def oauth_path(self) -> Path:
        return self.path / "oauth.db"

    @property
    def downloads_path(self) -> Path:
        return self.path / "downloads.db"

    @property
    def saved_states_path(self) -> Path:
        return self.path / "saved-states"

    @property
    def request_log_path(self) -> Path:
        return self.path / "requests.ndjson"

    @property
    def token_path(self) -> Path:
        return self.path / "admin-token"

    @property
    def info_path(self) -> Path:
        return self.path / "server.json"

    def ensure(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)

    def admin_token(self) -> str:
        """The admin bearer token, generated on first use and kept (mode 0600)."""
        if self.token_path.exists():
            return self.token_path.read_text().strip()
        self.ensure()
        token = secrets.token_urlsafe(32)
        fd = os.open(self.token_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(token + "\n")
        return token

    def write_server_info(self, info: ServerInfo) -> None:
        # Atomic: a reader sees the old file, no file, or the whole new one.
        partial = self.info_path.with_suffix(".json.partial")
        partial.write_bytes(msgspec.json.encode(info))
        partial.replace(self.info_path)

    def read_server_info(self) -> ServerInfo | None:
        try:
            info = msgspec.json.decode(self.info_path.read_bytes(), type=ServerInfo)
        except (FileNotFoundError, msgspec.DecodeError, json.JSONDecodeError):
            return None
        return info if _alive(info.pid) else None

    def clear_server_info(self) -> None:
        self.info_path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
