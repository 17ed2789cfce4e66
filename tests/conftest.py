from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.server import SandboxServer

ServerFactory = Callable[..., SandboxServer]
# A user's project, run by tests/control/test_pytest_plugin.py in a pytest of its own.
collect_ignore = ["plugin_user_project"]


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """Makes (not starts) servers in this test's tmp dir; kills any left running."""
    made: list[SandboxServer] = []

    def factory(
        name: str = "data", config: str = "", *args: str, live_market: bool = False
    ) -> SandboxServer:
        server = SandboxServer(tmp_path / name, config, *args, live_market=live_market)
        made.append(server)
        return server

    yield factory
    for server in made:
        if server.proc is not None and server.proc.poll() is None:
            server.kill()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A fresh sandbox with the built-in defaults (live market, seeded history), per module."""
    server = SandboxServer(tmp_path_factory.mktemp("live") / "data", "", live_market=True).start()
    yield server
    server.stop()
