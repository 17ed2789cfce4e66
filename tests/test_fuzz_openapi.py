"""schemathesis against the generated /openapi.json: thousands of generated requests, no 5xx.

Bounded for CI: a fixed number of examples per operation and a fixed seed. Rate limits are
off (the fuzzer sends far more than 2400 weight a minute). The document carries the endpoint
table's real bounds (enums, patterns, integer ranges, string lengths), and hooks
(`tests/support/schemathesis_hooks.py`) sign every request of a signed endpoint with a real
key, so generated requests pass authentication and reach the handlers; the test checks that
they did.
"""

import json
import os
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
        created = server.call("POST", "/accounts/demo/keys", {"type": "hmac"})
        key = created["apiKey"]
        answers = tmp_path / "answers.jsonl"
        env = os.environ | {
            "SCHEMATHESIS_HOOKS": "tests.support.schemathesis_hooks",
            "SANDBOX_FUZZ_SECRET": created["secretKey"],
            "SANDBOX_FUZZ_LOG": str(answers),
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        }
        command = [
            sys.executable, "-m", "schemathesis.cli", "run", f"{server.url}/openapi.json",
            "--checks", "not_a_server_error",
            "--max-examples", str(EXAMPLES_PER_OPERATION),
            "--seed", "20261125",
            "--header", f"X-MBX-APIKEY: {key}",
            "--request-timeout", "10",
            "--workers", "2",
        ]  # fmt: skip
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=600, check=False, env=env
        )
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
    records = [json.loads(line) for line in answers.read_text().splitlines()]
    signed = [r for r in records if r["signed"]]
    auth_errors = {-1021, -1022, -2014, -2015}
    reached = [r for r in signed if r["code"] not in auth_errors]
    assert len(signed) >= 1000, len(signed)
    # signed requests get past authentication (to validation, the handler, the engine)
    assert len(reached) >= 0.9 * len(signed), [r for r in signed if r not in reached][:10]
    assert any(r["status"] == 200 for r in signed)
