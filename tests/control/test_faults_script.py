"""Fault rules from the config and from a scripted file through the CLI: journaled (a restart
keeps them, their hits start over), listed and cleared in one call; the request log downloads."""

import json
from pathlib import Path

import httpx

from tests.conftest import ServerFactory
from tests.test_admin_api import cli

CONFIG = """
[clock]
mode = "manual"

[[faults]]
kind = "rate_limit"
endpoint = "/fapi/v1/time"
count = 2
retryAfter = 30
"""


def test_config_rules_then_a_scripted_file_survive_a_restart(
    make_server: ServerFactory, tmp_path: Path
) -> None:
    server = make_server("data", CONFIG).start()
    answers = [httpx.get(server.url + "/fapi/v1/time") for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["retry-after"] == "30"

    script = tmp_path / "rules.toml"
    script.write_text(
        '[[rules]]\nkind = "unavailable"\nendpoint = "/fapi/v1/ping"\nshare = 0.25\nseed = 7\n'
        '[[rules]]\nkind = "reject_order"\ncode = -2019\ncount = 1\n'
    )
    loaded = cli(server, "faults", "load", str(script))
    assert loaded.returncode == 0, loaded.stderr
    listed = json.loads(cli(server, "faults", "list").stdout)["rules"]
    assert [(r["id"], r["kind"], r["hits"]) for r in listed] == [
        (1, "rate_limit", 2),
        (2, "unavailable", 0),
        (3, "reject_order", 0),
    ]

    assert server.stop() == 0
    server.start()  # recovery replays the journaled rules; the hit counts are the process's
    after = server.call("GET", "/faults")["rules"]
    assert [(r["id"], r["kind"], r["hits"], r["active"]) for r in after] == [
        (1, "rate_limit", 0, True),
        (2, "unavailable", 0, True),
        (3, "reject_order", 0, True),
    ]
    added = cli(
        server, "faults", "add", "latency", "--endpoint", "GET /fapi/v1/ping",
        "--latency-ms", "5", "--jitter-ms", "5", "--count", "2", "--for", "1h", "--seed", "9",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    rule = json.loads(added.stdout)["rules"][0]
    now = server.call("GET", "/clock")["time"]
    assert (rule["kind"], rule["endpoint"], rule["count"], rule["seed"]) == (
        "latency",
        "GET /fapi/v1/ping",
        2,
        9,
    )
    assert rule["until"] == now + 3_600_000
    cleared = cli(server, "faults", "clear")
    assert json.loads(cleared.stdout) == {"cleared": 4}
    assert httpx.get(server.url + "/fapi/v1/time").status_code == 200

    download = tmp_path / "requests.ndjson"
    assert cli(server, "requests", "--download", str(download)).returncode == 0
    lines = [json.loads(line) for line in download.read_text().splitlines()]
    assert [(e["path"], e["status"]) for e in lines] == [("/fapi/v1/time", 200)]
    previous_run = server.data_dir / "requests.ndjson.1"
    header, *lines = [json.loads(line) for line in previous_run.read_text().splitlines()]
    logged = [dict(zip(header, line, strict=True)) for line in lines]
    assert [(e["status"], e["fault"]) for e in logged] == [
        (429, "rate_limit"),
        (429, "rate_limit"),
        (200, None),
    ]
    server.stop()
