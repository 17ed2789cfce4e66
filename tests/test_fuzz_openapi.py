"""schemathesis against the generated /openapi.json: thousands of generated requests, no 5xx.

Bounded for CI: a fixed number of examples per operation and a fixed seed. Rate limits are
off (the fuzzer sends far more than 2400 weight a minute), and the demo key is sent so the
signed paths get past the key check into the signature and parameter checks.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import SandboxServer

EXAMPLES_PER_OPERATION = 60


@pytest.mark.slow
def test_no_generated_request_gets_a_server_error(tmp_path: Path) -> None:
    server = SandboxServer(tmp_path / "data", "[limits]\nenabled = false\n").start()
    try:
        key = server.call("POST", "/accounts/demo/keys", {"type": "hmac"})["apiKey"]
        command = [
            sys.executable, "-m", "schemathesis.cli", "run", f"{server.url}/openapi.json",
            "--checks", "not_a_server_error",
            "--max-examples", str(EXAMPLES_PER_OPERATION),
            "--seed", "20261125",
            "--header", f"X-MBX-APIKEY: {key}",
            "--request-timeout", "10",
            "--workers", "2",
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    finally:
        server.stop()
    report = result.stdout[-4000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    generated = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert generated is not None, report
    assert int(generated[1]) >= 2000, report  # "a few thousand generated requests"
    assert generated[1] == generated[2], report
    log = server.log_path.read_text()
    assert "internal error" not in log, log[-4000:]
