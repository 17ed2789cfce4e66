"""The pytest plugin (entry point `binance_sandbox`, installed with the package).

Fixtures:
- `binance_sandbox_session`: one server per test session (per worker under pytest-xdist) on a
  free port, with the manual clock and its own data directory; the `demo` account funded and a
  fresh HMAC key for it. Its state after that set-up is saved as `pytest-start`.
- `binance_sandbox`: the same server, restored to `pytest-start` before the test (instant), with
  no fault rules: each test starts from the same exchange.

Options: `--binance-sandbox-config FILE` (TOML, the server's own format) and
`--binance-sandbox-live-market` (run the liquidity agents).
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from binance_sandbox.testing.admin import SandboxAdmin
from binance_sandbox.testing.process import SandboxProcess
from binance_sandbox.testing.sandbox import Sandbox

START_STATE = "pytest-start"
MANUAL_CLOCK = '[clock]\nmode = "manual"\n'


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("binance_sandbox")
    group.addoption(
        "--binance-sandbox-config",
        default=None,
        help="TOML configuration of the sandbox the fixtures start (clock: manual by default).",
    )
    group.addoption(
        "--binance-sandbox-live-market",
        action="store_true",
        help="Run the liquidity agents (makers and noise takers) in the fixtures' sandbox.",
    )


@pytest.fixture(scope="session")
def binance_sandbox_session(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Sandbox]:
    config_file = request.config.getoption("--binance-sandbox-config")
    config = Path(config_file).read_text() if config_file else MANUAL_CLOCK
    live = bool(request.config.getoption("--binance-sandbox-live-market"))
    process = SandboxProcess(
        tmp_path_factory.mktemp("binance-sandbox") / "data", config, live_market=live
    )
    process.start()
    admin = SandboxAdmin(process.url, process.token)
    try:
        key = admin.call("POST", "/accounts/demo/keys", {"type": "hmac", "label": "pytest"})
        admin.save(START_STATE)
        yield Sandbox(
            url=process.url,
            admin_url=process.url + "/sandbox/v1",
            api_key=key["apiKey"],
            secret=key["secretKey"],
            admin=admin,
            process=process,
        )
    finally:
        admin.close()
        process.stop()


@pytest.fixture
def binance_sandbox(binance_sandbox_session: Sandbox) -> Sandbox:
    binance_sandbox_session.admin.restore(START_STATE)
    return binance_sandbox_session
