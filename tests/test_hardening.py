"""Hostile inputs that once wedged the exchange or failed other clients' orders (issue 18).

Each test sends the original input through the real server while another client keeps placing
well-formed orders, and asserts Binance's error for the hostile request, success for every
other order, and a healthy exchange afterwards (orders still trade, a snapshot can be taken).
"""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.health import assert_healthy, while_others_trade
from tests.support.server import SandboxServer
from tests.support.signing import now_ms, query, sign_payload
from tests.support.trader import Trader
from tests.support.wire import error_of

CONFIG = """
[prices]
interval_ms = 3600000

[prices.pairs.BTCUSDT]
source = "fixed"
price = "77000"
"""
HUGE = "9999999999999999999"  # above 2^63 - 1, within 19 digits


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("hardening")
    started = SandboxServer(root / "data", CONFIG).start()
    yield started
    started.stop()


def test_1_a_huge_balance_is_refused_where_money_enters(server: SandboxServer) -> None:
    with server.admin() as admin:

        def deposit(amount: str) -> httpx.Response:
            return admin.post("/accounts/demo/deposits", json={"asset": "USDT", "amount": amount})

        refused = while_others_trade(server, lambda: deposit("1000000000000"))
        assert refused.status_code == 400
        assert refused.json()["code"] == -9006
        # up to the cap is fine, and one more unit is not: the balance, not the amount, counts
        account = admin.get("/accounts/demo").json()
        room = Decimal(10_000_000_000) - Decimal(account["balances"]["USDT"])
        assert deposit(str(room)).status_code == 200
        assert deposit("0.00000001").json()["code"] == -9006
        assert deposit("1" + "0" * 45).status_code == 400
    assert_healthy(server)


def test_2_an_absurd_clock_speed_is_refused_and_changes_nothing(server: SandboxServer) -> None:
    before = server.call("GET", "/clock")
    with server.admin() as admin:
        for speed in (1e308, -1, 0, "nan", "inf", True, "fast", 1e7):
            answer = while_others_trade(
                server, lambda s=speed: admin.post("/clock/speed", json={"speed": s}), orders=2
            )
            assert answer.status_code == 400, (speed, answer.text)
            assert answer.json()["code"] == -1102
    after = server.call("GET", "/clock")
    assert (after["mode"], after["speed"]) == (before["mode"], before["speed"])
    assert httpx.get(server.url + "/fapi/v1/time").status_code == 200
    assert_healthy(server)


def test_3_a_5000_digit_number_fails_only_its_own_request(server: SandboxServer) -> None:
    hostile = Trader(server)
    long_number = "7" * 5000

    def ten_bad_orders() -> list[httpx.Response]:
        return [
            hostile.limit("BUY", long_number, "0.002")
            if n % 2
            else hostile.limit("BUY", "70000", long_number)
            for n in range(10)
        ]

    answers = while_others_trade(server, ten_bad_orders, orders=35)
    for answer in answers:
        code, msg, status = error_of(answer)
        assert (code, status) == (-1100, 400)
        assert "legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'" in msg
    # a price of 20 digits is within the legal range but above any filter: the filter's error
    assert error_of(hostile.limit("BUY", "9" * 20, "0.002"))[0] == -4002
    assert error_of(hostile.limit("BUY", "70000", "9" * 20))[0] == -4005
    assert_healthy(server)


# The 11 request kinds that answered 500 to a number between 2^63 and 10^19.
LONG_PARAMS = [
    ("GET", "/fapi/v1/aggTrades", {"fromId": HUGE}),
    ("GET", "/fapi/v1/aggTrades", {"startTime": HUGE}),
    ("GET", "/fapi/v1/historicalTrades", {"fromId": HUGE}),
    ("GET", "/fapi/v1/order", {"orderId": HUGE}),
    ("GET", "/fapi/v1/allOrders", {"orderId": HUGE}),
    ("GET", "/fapi/v1/allOrders", {"startTime": HUGE}),
    ("GET", "/fapi/v1/allOrders", {"endTime": HUGE}),
    ("GET", "/fapi/v1/orderAmendment", {"orderId": HUGE}),
    ("GET", "/fapi/v1/userTrades", {"fromId": HUGE}),
    ("GET", "/fapi/v1/userTrades", {"startTime": HUGE}),
    ("DELETE", "/fapi/v1/order", {"orderId": HUGE}),
]
# The largest long is valid: a window of a week from it or to the smallest must not overflow.
EDGE_TIMES = [
    ("/fapi/v1/allOrders", {"startTime": str(2**63 - 1)}),
    ("/fapi/v1/allOrders", {"endTime": str(-(2**63))}),
    ("/fapi/v1/userTrades", {"startTime": str(2**63 - 1)}),
    ("/fapi/v1/orderAmendment", {"startTime": str(2**63 - 1)}),
]


@pytest.mark.parametrize(("path", "extra"), EDGE_TIMES)
def test_4_windows_at_the_edges_of_a_long_answer_empty(
    server: SandboxServer, path: str, extra: dict[str, str]
) -> None:
    answer = Trader(server).send("GET", path, symbol="BTCUSDT", **extra)
    assert answer.status_code < 500, answer.text


@pytest.mark.parametrize(("method", "path", "extra"), LONG_PARAMS)
def test_4_integers_beyond_a_long_are_invalid_parameters(
    server: SandboxServer, method: str, path: str, extra: dict[str, str]
) -> None:
    client = Trader(server)
    name = next(iter(extra))
    answer = while_others_trade(
        server, lambda: client.send(method, path, symbol="BTCUSDT", **extra), orders=2
    )
    assert error_of(answer) == (-1130, f"Data sent for parameter '{name}' is not valid.", 400)


def signed_body_order(server: SandboxServer, trader: Trader, **extra: str) -> httpx.Response:
    """A LIMIT order signed in the form body, as ccxt and python-binance send it."""
    params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
    params |= {"quantity": "0.002", "price": "70000", **extra, "timestamp": str(now_ms())}
    body = sign_payload(trader.credentials, query(params))
    headers = {**trader.credentials.headers, "content-type": "application/x-www-form-urlencoded"}
    return httpx.post(server.url + "/fapi/v1/order", content=body, headers=headers, timeout=30)


def test_6_an_invalid_client_order_id_is_refused_before_the_journal(
    server: SandboxServer,
) -> None:
    hostile = Trader(server)
    journal = server.data_dir / "journal.db"
    before = journal.stat().st_size + (server.data_dir / "journal.db-wal").stat().st_size

    def twenty_huge_ids() -> list[httpx.Response]:
        return [
            signed_body_order(server, hostile, newClientOrderId="x" * 900_000) for _ in range(20)
        ]

    for answer in while_others_trade(server, twenty_huge_ids):
        assert error_of(answer) == (-4015, "Client order id is not valid.", 400)
    after = journal.stat().st_size + (server.data_dir / "journal.db-wal").stat().st_size
    assert after - before < 2_000_000  # 18 MB of ids would have been journaled before


def test_8_over_precise_decimals_are_refused_not_rounded(server: SandboxServer) -> None:
    trader = Trader(server)
    answer = while_others_trade(
        server,
        lambda: trader.limit("BUY", "70000", "0.0020000000000000000000000000000000000001"),
        orders=2,
    )
    assert error_of(answer) == (-1111, "Precision is over the maximum defined for this asset.", 400)
    # trailing zeros are not precision
    assert (
        trader.limit("BUY", "70000.000000000000000000000000000000", "0.00200000").status_code == 200
    )


def test_8_admin_booleans_are_booleans(server: SandboxServer) -> None:
    with server.admin() as admin:
        answer = admin.post("/accounts/demo/keys", json={"type": "hmac", "readOnly": "false"})
        assert answer.status_code == 400
        assert answer.json() == {"code": -1102, "msg": "readOnly must be true or false"}
        unknown = admin.get("/no-such-thing")
        assert unknown.status_code == 404
        assert set(unknown.json()) == {"code", "msg"}


def raw_http(server: SandboxServer, request: bytes) -> tuple[bytes, bytes]:
    """Sends bytes as they are; returns the status line and the body of the answer."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], body


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /fapi/v1/time\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"FROB /fapi/v1/time HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /fapi/v1/order HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"GET /fapi/v1/time?" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
    ids=["nul-in-request-line", "unknown-method", "bad-content-length", "url-over-64k"],
)
def test_8_malformed_http_gets_a_binance_style_body(
    server: SandboxServer, request_bytes: bytes
) -> None:
    status, body = while_others_trade(server, lambda: raw_http(server, request_bytes), orders=2)
    assert status.startswith(b"HTTP/1.1 4"), status
    assert body.startswith(b'{"code":'), body[:200]


def test_7_an_advance_to_the_year_10_31_is_refused_at_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    root = tmp_path_factory.mktemp("advance")
    server = SandboxServer(root / "data", CONFIG, "--manual-clock").start()
    try:
        with server.admin() as admin:
            for body in ({"to": "9" * 40}, {"by": "9" * 40}, {"by": "401d"}, {"to": 10**30}):
                answer = while_others_trade(
                    server, lambda b=body: admin.post("/clock/advance", json=b), orders=2
                )
                assert answer.status_code == 400, (body, answer.text)
                assert answer.json()["code"] == -1102
        assert_healthy(server)
    finally:
        server.stop()


def test_7_a_long_advance_reports_progress_and_can_be_stopped(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A year of one-second index ticks would take hours: the advance shows how far it got, and
    stopping it leaves the clock where the timers got to, with the exchange fully working."""
    root = tmp_path_factory.mktemp("advance")
    server = SandboxServer(
        root / "data", "[prices]\ninterval_ms = 1000\n", "--manual-clock"
    ).start()
    try:
        start = server.call("GET", "/clock")["time"]
        outcome: dict[str, Any] = {}

        def advance() -> None:
            with server.admin() as admin:
                outcome["answer"] = admin.post("/clock/advance", json={"by": "365d"})

        runner = threading.Thread(target=advance)
        runner.start()
        deadline = time.monotonic() + 60
        shown = server.call("GET", "/clock")
        while "advance" not in shown or shown["advance"]["reached"] <= start:
            assert time.monotonic() < deadline, shown
            shown = server.call("GET", "/clock")
        assert shown["advance"]["from"] == start
        assert shown["advance"]["to"] == start + 365 * 86_400_000
        server.call("POST", "/clock/advance/stop")
        runner.join(60)
        answer = outcome["answer"]
        assert answer.status_code == 200, answer.text
        stopped = answer.json()["stoppedAt"]
        assert start < stopped < start + 365 * 86_400_000
        assert server.call("GET", "/clock")["time"] == stopped
        assert "advance" not in server.call("GET", "/clock")
        assert_healthy(server)
    finally:
        server.stop()


def test_sigterm_stops_the_server_within_seconds_even_mid_advance(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A year-long advance holds the clock's lock and keeps the sequencer busy; SIGTERM still
    ends the process promptly and cleanly, and the restart recovers where the advance got to."""
    root = tmp_path_factory.mktemp("sigterm")
    server = SandboxServer(
        root / "data", "[prices]\ninterval_ms = 1000\n", "--manual-clock"
    ).start()
    start = server.call("GET", "/clock")["time"]

    def advance() -> None:
        with server.admin() as admin, contextlib.suppress(httpx.HTTPError):
            admin.post("/clock/advance", json={"by": "365d"})

    runner = threading.Thread(target=advance, daemon=True)
    runner.start()
    deadline = time.monotonic() + 60
    while server.call("GET", "/clock").get("advance", {}).get("reached", start) <= start:
        assert time.monotonic() < deadline
    assert server.proc is not None
    stopping = time.monotonic()
    assert server.stop() == 0
    assert time.monotonic() - stopping < 20  # a few seconds; generous for a busy machine
    server.start()
    assert server.call("GET", "/clock")["time"] >= start
    assert_healthy(server)
    server.stop()
