"""Talking to the running server's admin API, the single writer, from management commands.

The server's URL and the admin token come from flags or from the data directory the server
wrote them to; every failure becomes a `CliError` with a message that says what to do.
"""

import json
import tomllib
from pathlib import Path
from typing import Any

import httpx

from binance_sandbox.server.datadir import DataDir


class CliError(Exception):
    """Shown to the user as is, with exit status 1."""


def read_document(file: Path) -> Any:
    """A TOML (by its suffix) or JSON file a command sends to the admin API."""
    try:
        text = file.read_text()
        return tomllib.loads(text) if file.suffix == ".toml" else json.loads(text)
    except (OSError, ValueError) as exc:
        raise CliError(f"Cannot read {file}: {exc}") from exc


class AdminClient:
    def __init__(self, base_url: str, token: str) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/sandbox/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=120.0,
        )

    @classmethod
    def locate(cls, data_dir: Path, url: str | None, token: str | None) -> "AdminClient":
        directory = DataDir(data_dir)
        if url is None:
            info = directory.read_server_info()
            if info is None:
                raise CliError(
                    f"No running binance-sandbox server found for data directory {data_dir}. "
                    "Start one with `binance-sandbox serve`, or pass --url and --token."
                )
            url = info.url
        if token is None:
            if not directory.token_path.exists():
                raise CliError(f"No admin token in {directory.token_path}; pass --token.")
            token = directory.token_path.read_text().strip()
        return cls(url, token)

    def get(self, path: str) -> Any:
        return self._call("GET", path, None)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self._call("POST", path, body or {})

    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self._call("PUT", path, body)

    def delete(self, path: str) -> Any:
        return self._call("DELETE", path, None)

    def download(self, path: str) -> bytes:
        return self._send("GET", path).content

    def upload(self, path: str, data: bytes) -> Any:
        return self._send("POST", path, content=data).json()

    def _call(self, method: str, path: str, body: dict[str, Any] | None) -> Any:
        response = self._send(method, path, json=body)
        return response.json() if response.content else None

    def _send(self, method: str, path: str, **content: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **content)
        except httpx.TransportError as exc:
            raise CliError(
                f"Cannot reach the server at {self._http.base_url}: {exc}. Is it running?"
            ) from exc
        if response.is_error:
            payload = response.json() if response.content else None
            if isinstance(payload, dict) and "msg" in payload:
                raise CliError(f"{payload['msg']} (code {payload.get('code')})")
            raise CliError(f"The server answered HTTP {response.status_code}.")
        return response
