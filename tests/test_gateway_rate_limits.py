"""Rate limits over HTTP, against a real server over a real socket.

Spec: API-SURFACE (d) and Docs general-info (LIMITS): every response carries
X-MBX-USED-WEIGHT-1M, the IP's weight in the current minute; over the limit 429 -1003 with
Retry-After; going on after a 429 earns a 418 ban. The limiter's arithmetic (window edges,
doubling bans, ORDERS) is unit-tested in test_rate_limiter_unit.py; per-endpoint weights
(depth/klines by limit, bookTicker) are tested with the market-data endpoints.
"""

import re
import time

import httpx

from tests.conftest import ServerFactory
from tests.support.signing import now_ms

MINUTE = 60_000
LIMITED = "[limits]\nrequest_weight_per_minute = 10\n"


def _start_of_a_fresh_minute_if_needed(margin_ms: int = 3_000) -> None:
    """The weight window is the wall-clock minute: keep a test's requests inside one."""
    into = now_ms() % MINUTE
    if into > MINUTE - margin_ms:
        time.sleep((MINUTE - into + 50) / 1000)


def _ceil_seconds(ms: int) -> int:
    return max(1, -(-ms // 1000))


def test_weight_accumulates_then_429_then_418(make_server: ServerFactory) -> None:
    server = make_server("limited", LIMITED).start()
    with httpx.Client(base_url=server.url, timeout=10.0) as client:
        _start_of_a_fresh_minute_if_needed()
        used = []
        response = client.get("/fapi/v1/ping")
        used.append(response.headers["x-mbx-used-weight-1m"])
        # A refused request is charged all the same: the weight is counted before the key.
        response = client.get("/fapi/v2/balance")
        assert response.json()["code"] == -2014
        used.append(response.headers["x-mbx-used-weight-1m"])  # weight 5
        for _ in range(4):
            response = client.get("/fapi/v1/ping")
            assert response.status_code == 200
            used.append(response.headers["x-mbx-used-weight-1m"])
        assert used == ["1", "6", "7", "8", "9", "10"]

        before = now_ms()
        response = client.get("/fapi/v1/ping")
        after = now_ms()
        msg = (
            "Too many requests; current limit is 10 requests per minute. Please use the "
            "websocket for live updates to avoid polling the API."
        )
        assert (response.status_code, response.json()) == (429, {"code": -1003, "msg": msg})
        window_end = before - before % MINUTE + MINUTE
        retry_after = int(response.headers["retry-after"])
        assert (
            _ceil_seconds(window_end - after) <= retry_after <= _ceil_seconds(window_end - before)
        )
        assert response.headers["x-mbx-used-weight-1m"] == "10"  # the refused one not counted

        before = now_ms()
        response = client.get("/fapi/v1/ping")
        after = now_ms()
        assert response.status_code == 418
        body = response.json()
        assert body["code"] == -1003
        match = re.fullmatch(
            r"Way too many requests; IP banned until (\d+)\. Please use the websocket for "
            r"live updates to avoid bans\.",
            body["msg"],
        )
        assert match is not None, body["msg"]
        until = int(match.group(1))
        assert before + 2 * MINUTE <= until <= after + 2 * MINUTE  # the first ban: 2 minutes
        assert response.headers["retry-after"] == "120"
        assert response.headers["x-mbx-used-weight-1m"] == "10"

        # Banned: every endpoint, until the ban ends.
        response = client.get("/fapi/v1/time")
        assert (response.status_code, response.json()["msg"]) == (418, body["msg"])
        assert 1 <= int(response.headers["retry-after"]) <= 120
    # The admin API is not the Binance API: it stays usable during a ban.
    assert server.call("GET", "/accounts")[0]["name"] == "demo"


def test_the_weight_header_is_on_every_response(make_server: ServerFactory) -> None:
    server = make_server("header", "").start()
    with httpx.Client(base_url=server.url, timeout=10.0) as client:
        _start_of_a_fresh_minute_if_needed()
        responses = [
            client.get("/fapi/v1/time"),  # 200
            client.get("/fapi/v1/time?a="),  # 400: a malformed request costs its weight too
            client.get("/fapi/v2/balance"),  # 401
            client.get("/fapi/v1/nothing"),  # 404, not charged
        ]
    assert [r.status_code for r in responses] == [200, 400, 401, 404]
    assert [r.headers["x-mbx-used-weight-1m"] for r in responses] == ["1", "2", "7", "7"]


def test_with_limits_disabled_nothing_is_refused(make_server: ServerFactory) -> None:
    server = make_server("unlimited", "[limits]\nenabled = false\nrequest_weight_per_minute = 10\n")
    server.start()
    with httpx.Client(base_url=server.url, timeout=10.0) as client:
        responses = [client.get("/fapi/v1/ping") for _ in range(30)]
        responses += [client.get("/fapi/v2/balance") for _ in range(5)]
    assert [r.status_code for r in responses] == [200] * 30 + [401] * 5
    # Nothing is counted, so no weight header is sent. No client we support needs it: the
    # official SDK and python-binance collect whichever x-mbx-used-weight-* headers are present,
    # ccxt and the connector do not read them.
    assert all("x-mbx-used-weight-1m" not in r.headers for r in responses)
    assert all("retry-after" not in r.headers for r in responses)
