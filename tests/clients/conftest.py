"""One real server per client module, with a fresh HMAC key, for the real-client tests."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.server import SandboxServer


@dataclass(frozen=True)
class Sandbox:
    url: str
    api_key: str
    secret: str
    server: SandboxServer


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    root: Path = tmp_path_factory.mktemp("client")
    server = SandboxServer(root / "data").start()
    key = server.call("POST", "/accounts/demo/keys", {"type": "hmac", "label": "client-test"})
    yield Sandbox(server.url, key["apiKey"], key["secretKey"], server)
    server.stop()
