"""Prometheus metrics at /metrics, read with prometheus-client's own parser after real clients
traded: requests by endpoint and status, order latency, journal commits, events, queue depth."""

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ServerFactory
from tests.support.server import SandboxServer
from tests.support.trader import Trader


def scrape(server: SandboxServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = httpx.get(server.url + "/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


@pytest.fixture
def server(make_server: ServerFactory) -> SandboxServer:
    return make_server("data", '[clock]\nmode = "manual"\n').start()


def test_requests_orders_commits_and_events_are_counted(server: SandboxServer) -> None:
    trader = Trader(server)
    for _ in range(3):
        assert trader.limit("BUY", "50000", "0.002").status_code == 200
    assert httpx.get(server.url + "/fapi/v1/ping").status_code == 200
    assert httpx.get(server.url + "/no/such/path").status_code == 404
    assert httpx.get(server.url + "/fapi/v1/depth?symbol=NOPE").status_code == 400
    metrics = scrape(server)

    def requests(method: str, path: str, status: str) -> float:
        labels = (("method", method), ("path", path), ("status", status))
        return metrics[("binance_sandbox_requests_total", labels)]

    assert requests("POST", "/fapi/v1/order", "200") == 3
    assert requests("GET", "/fapi/v1/ping", "200") == 1
    assert requests("GET", "other", "404") == 1  # outside the endpoint table: one label
    assert requests("GET", "/fapi/v1/depth", "400") == 1
    assert metrics[("binance_sandbox_order_latency_seconds_count", ())] == 3
    commits = metrics[("binance_sandbox_journal_commit_seconds_count", ())]
    assert commits >= 3  # the orders, and the admin set-up before them
    assert metrics[("binance_sandbox_commands_total", ())] >= commits
    assert metrics[("binance_sandbox_events_total", ())] >= 3
    assert metrics[("binance_sandbox_sequencer_queue_depth", ())] == 0
    assert metrics[("binance_sandbox_websocket_connections", ())] == 0


def test_metrics_can_be_switched_off(make_server: ServerFactory) -> None:
    server = make_server("off", "[server]\nmetrics = false\n").start()
    assert httpx.get(server.url + "/metrics").status_code == 404
    assert httpx.get(server.url + "/fapi/v1/ping").status_code == 200
