"""`server.log_format = "json"`: the server's log lines (its own and uvicorn's) are JSON objects
with time, level, logger and message."""

import json

import httpx

from tests.conftest import ServerFactory


def test_log_lines_are_json_objects(make_server: ServerFactory) -> None:
    server = make_server("data", '[server]\nlog_format = "json"\n').start()
    assert httpx.get(server.url + "/fapi/v1/ping").status_code == 200
    assert server.stop() == 0
    lines = [line for line in server.log_path.read_text().splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    assert records, server.log_path.read_text()
    assert all(set(record) >= {"time", "level", "logger", "message"} for record in records)
    loggers = {record["logger"] for record in records}
    assert "binance_sandbox.server.runtime" in loggers  # "stopped: journal closed at ..."
    assert any(name.startswith("uvicorn") for name in loggers), loggers
