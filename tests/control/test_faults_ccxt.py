"""Fault injection seen by ccxt exactly as it sees Binance's own answers: for each fault kind the
exception class ccxt maps Binance's answer to, and the fault ends with its rule (next N,
time window, clear). The server runs the manual clock, so a window ends when the test says."""

import time
from collections.abc import Iterator
from typing import Any

import ccxt
import httpx
import pytest

from binance_sandbox.control.faults import FaultInjector, Request
from binance_sandbox.core.fault_rules import FaultRule
from binance_sandbox.testing.clients import rebase
from tests.support.server import SandboxServer

SYMBOL = "BTC/USDT:USDT"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root = tmp_path_factory.mktemp("faults")
    server = SandboxServer(root / "data", "", "--manual-clock").start()
    yield server
    server.stop()


@pytest.fixture
def exchange(server: SandboxServer) -> ccxt.binanceusdm:
    key = server.call("POST", "/accounts/demo/keys", {"type": "hmac"})
    client = ccxt.binanceusdm({"apiKey": key["apiKey"], "secret": key["secretKey"]})
    client.urls["api"] = rebase(client.urls["api"], server.url)
    client.timeout = 3_000  # ms: what a timeout fault outlasts
    client.load_markets()
    return client


@pytest.fixture(autouse=True)
def no_rules_left(server: SandboxServer) -> Iterator[None]:
    yield
    server.call("DELETE", "/faults")


def add(server: SandboxServer, **rule: Any) -> dict[str, Any]:
    added = server.call("POST", "/faults", rule)["rules"]
    assert len(added) == 1
    return dict(added[0])


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("rate_limit", ccxt.DDoSProtection),  # ccxt's class for Binance's 429 and 418
        ("ip_ban", ccxt.DDoSProtection),
        ("overload", ccxt.ExchangeError),  # 503 -1008: not in ccxt's binanceusdm table
        ("server_error", ccxt.OperationFailed),  # 500 -1000
        ("internal", ccxt.OperationFailed),  # 503 -1001
        ("bad_gateway", ccxt.ExchangeNotAvailable),
        ("unknown_outcome", ccxt.ExchangeNotAvailable),
        ("unavailable", ccxt.ExchangeNotAvailable),
        ("timeout", ccxt.RequestTimeout),
    ],
)
def test_each_fault_kind_for_the_next_request_only(
    server: SandboxServer, exchange: ccxt.binanceusdm, kind: str, expected: type[Exception]
) -> None:
    rule = add(server, kind=kind, endpoint="/fapi/v3/account", count=1)
    with pytest.raises(expected) as raised:
        exchange.fetch_balance()
    assert type(raised.value) is expected  # the class itself, not a subclass of it
    assert exchange.fetch_balance()["USDT"]["total"] == pytest.approx(10_000)  # the rule ended
    listed = {r["id"]: r for r in server.call("GET", "/faults")["rules"]}
    assert listed[rule["id"]]["hits"] == 1
    assert listed[rule["id"]]["active"] is False
    assert server.call("GET", "/requests?limit=200")[-2]["fault"] == kind


@pytest.mark.parametrize(
    ("kind", "status", "body"),
    [
        ("rate_limit", 429, {"code": -1003}),
        ("ip_ban", 418, {"code": -1003}),
        ("overload", 503, {"code": -1008}),
        ("server_error", 500, {"code": -1000}),
        ("internal", 503, {"code": -1001}),
        ("unknown_outcome", 503, {"path": "/fapi/v1/time"}),
        ("unavailable", 503, {"msg": "Service Unavailable."}),
    ],
)
def test_the_wire_answer_is_binances(
    server: SandboxServer, kind: str, status: int, body: dict[str, Any]
) -> None:
    add(server, kind=kind, endpoint="/fapi/v1/time", count=1, retryAfter=7)
    answer = httpx.get(server.url + "/fapi/v1/time")
    assert answer.status_code == status
    assert body.items() <= answer.json().items()
    if status in (418, 429):
        assert answer.headers["retry-after"] == "7"
        assert answer.json()["msg"].startswith(("Too many requests", "Way too many requests"))
    assert httpx.get(server.url + "/fapi/v1/time").status_code == 200


@pytest.mark.parametrize(
    ("code", "expected", "message"),
    [
        (-2019, ccxt.ExchangeError, "Margin is insufficient."),  # binanceusdm has no class for it
        (-2010, ccxt.InvalidOrder, "Order rejected by the sandbox"),  # no core text: generic
        (-1021, ccxt.InvalidNonce, "Timestamp for this request is outside of the recvWindow."),
    ],
)
def test_fail_the_next_order_with_a_code(
    server: SandboxServer,
    exchange: ccxt.binanceusdm,
    code: int,
    expected: type[Exception],
    message: str,
) -> None:
    add(server, kind="reject_order", code=code, count=1)
    exchange.fetch_balance()  # not an order: the rule does not hit it
    with pytest.raises(expected, match=message) as raised:
        exchange.create_order(SYMBOL, "limit", "buy", 0.002, 50_000)
    assert type(raised.value) is expected
    order = exchange.create_order(SYMBOL, "limit", "buy", 0.002, 50_000)
    assert order["status"] == "open"
    exchange.cancel_order(order["id"], SYMBOL)


def test_overload_on_orders_like_binance(server: SandboxServer, exchange: ccxt.binanceusdm) -> None:
    add(server, kind="overload", endpoint="POST /fapi/v1/order", count=1)
    with pytest.raises(ccxt.ExchangeError, match="-1008"):
        exchange.create_order(SYMBOL, "limit", "buy", 0.002, 50_000)
    assert exchange.fetch_open_orders(SYMBOL) == []  # nothing was placed


def test_a_time_window_ends_on_the_exchange_clock(
    server: SandboxServer, exchange: ccxt.binanceusdm
) -> None:
    add(server, kind="unavailable", symbol="BTCUSDT", **{"for": "1m"})
    for _ in range(3):
        with pytest.raises(ccxt.ExchangeNotAvailable):
            exchange.fetch_open_orders(SYMBOL)
    assert exchange.fetch_open_orders("ETH/USDT:USDT") == []  # another symbol: not hit
    server.call("POST", "/clock/advance", {"by": "1m"})
    assert exchange.fetch_open_orders(SYMBOL) == []


def test_an_account_rule_spares_other_accounts(
    server: SandboxServer, exchange: ccxt.binanceusdm
) -> None:
    server.call("POST", "/accounts", {"name": "victim"})
    victim_key = server.call("POST", "/accounts/victim/keys", {"type": "hmac"})
    add(server, kind="server_error", account="victim")
    victim = ccxt.binanceusdm({"apiKey": victim_key["apiKey"], "secret": victim_key["secretKey"]})
    victim.urls["api"] = rebase(victim.urls["api"], server.url)
    victim.markets, victim.markets_by_id = exchange.markets, exchange.markets_by_id
    with pytest.raises(ccxt.OperationFailed):
        victim.fetch_balance()
    exchange.fetch_balance()  # the demo account is spared
    assert server.call("DELETE", "/faults") == {"cleared": 1}
    assert victim.fetch_balance()["info"] is not None


def test_a_share_hits_the_seeded_requests(server: SandboxServer) -> None:
    """The hit requests are a function of (seed, rule id, n-th match): the same rule hits the
    same requests in any run, as an injector fed the same rule offline shows."""
    rule = add(server, kind="unavailable", endpoint="/fapi/v1/time", share=0.5, seed=42)
    hit = [httpx.get(server.url + "/fapi/v1/time").status_code == 503 for _ in range(40)]
    assert 8 < sum(hit) < 32
    logged = server.call("GET", "/requests?limit=40")
    assert [entry["faultId"] == rule["id"] for entry in logged] == hit
    offline = FaultInjector()
    core_rule = FaultRule(id=rule["id"], kind="unavailable", share_ppm=500_000, seed=42)
    request = Request("GET", "/fapi/v1/time", "", 0, places_orders=False, now_ms=0)
    assert [offline.pick([core_rule], 1, request) is not None for _ in range(40)] == hit


def test_latency_is_added_and_logged(server: SandboxServer) -> None:
    add(server, kind="latency", endpoint="/fapi/v1/time", latencyMs=400, count=1)
    started = time.monotonic()
    assert httpx.get(server.url + "/fapi/v1/time").status_code == 200
    assert time.monotonic() - started >= 0.4
    entry = server.call("GET", "/requests?limit=1")[0]
    assert entry["fault"] == "latency"
    assert entry["latencyMs"] >= 399  # the event loop's timer may round 400 ms down by a tick
