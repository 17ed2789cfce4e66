"""Prometheus metrics of one running exchange (prometheus-client, a registry of its own).

Counted where they happen: requests by endpoint and status and the order latency in the
gateway's request log hook; journal commits (latency, commands) and applied events from the
sequencer's hooks; queue depth read when scraped. Paths outside the endpoint table are counted
as "other", so a scanner cannot grow the label set.
"""

from collections.abc import Callable, Collection
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class ExchangeMetrics:
    def __init__(self, known_paths: Collection[str], queue_depth: Callable[[], int]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._known = frozenset(known_paths)
        self._request_counters: dict[tuple[str, str, int], Any] = {}
        self._requests = Counter(
            "binance_sandbox_requests",
            "Gateway requests answered, by method, endpoint path and HTTP status (0: none).",
            ["method", "path", "status"],
            registry=self.registry,
        )
        self._orders = Histogram(
            "binance_sandbox_order_latency_seconds",
            "Time to answer a request of an order endpoint (place, batch, amend).",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._commits = Histogram(
            "binance_sandbox_journal_commit_seconds",
            "Time to commit one batch of commands to the journal (fsync included).",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._commands = Counter(
            "binance_sandbox_commands",
            "Commands journaled and applied.",
            registry=self.registry,
        )
        self._events = Counter(
            "binance_sandbox_events",
            "Events the core emitted (rate() of it: events per second).",
            registry=self.registry,
        )
        queue = Gauge(
            "binance_sandbox_sequencer_queue_depth",
            "Commands waiting for the sequencer.",
            registry=self.registry,
        )
        queue.set_function(queue_depth)
        Gauge(
            "binance_sandbox_websocket_connections",
            "Open WebSocket connections (none until streams are served).",
            registry=self.registry,
        ).set(0)

    def request(self, method: str, path: str, status: int, seconds: float, order: bool) -> None:
        key = (method, path, status)
        counter = self._request_counters.get(key)
        if counter is None:  # labels() costs a microsecond; the gateway's hot path keeps it
            label = path if path in self._known else "other"
            counter = self._requests.labels(method, label, str(status))
            if label != "other":  # a scanner's paths are not kept
                self._request_counters[key] = counter
        counter.inc()
        if order:
            self._orders.observe(seconds)

    def commit(self, seconds: float, commands: int) -> None:
        self._commits.observe(seconds)
        self._commands.inc(commands)

    def events(self, count: int) -> None:
        self._events.inc(count)

    def scrape(self) -> bytes:
        return generate_latest(self.registry)
