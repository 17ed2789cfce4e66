"""A hostile corpus against a live server: never a 5xx, and a healthy exchange afterwards.

For every endpoint of the table, each parameter in turn gets each value of the corpus
(boundary numbers, long strings, odd encodings) while the other parameters stay valid, so the
hostile value is the only thing wrong and reaches as deep as it can; signed endpoints are
signed properly with the demo key, so these requests pass authentication and reach the
handlers. The admin API gets hostile JSON bodies the same way. The market is live (agents on)
and rate limits are off. Afterwards: no 5xx, no internal error in the log, orders still trade,
a snapshot can be taken, and a restart recovers the same state.
"""

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from binance_sandbox.gateway.endpoint import Endpoint
from binance_sandbox.gateway.params import Param
from binance_sandbox.gateway.table import endpoint_table
from tests.support.health import assert_healthy
from tests.support.server import SandboxServer
from tests.support.signing import now_ms

NUMBERS = [
    "0", "-0", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "99999999999999999999", "100000000000000000000", "1e308", "1E5",
    "-1e-7", "NaN", "Infinity", "-Infinity", "0x1F", "1_000", " 1", "1 ", "+1", "１２", "٣",
    ".5", "5.", "1.2.3", "00000000000000000000000001", "0." + "0" * 1000 + "1", "7" * 5000,
    "0.0020000000000000000000000000000000000001",
]  # fmt: skip
STRINGS = [
    "", "x" * 10_000, "\x00", "\u202e", "😀", "'; DROP TABLE journal;--", '{"a":1}', "[1,2]",
    "[]", "null", "true", "\r\nX-Injected: 1", "../../etc/passwd", "btcusdt", "BTCUSDT_000000",
    '[{"symbol":"BTCUSDT"}]', "[" * 5000, '[{"a":' * 2000,
]  # fmt: skip
RAW = ["%FF%FE", "%C0%80", "%"]  # invalid UTF-8 and a broken escape, sent as they are
VALID = {
    "symbol": "BTCUSDT", "pair": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
    "quantity": "0.002", "price": "70000", "interval": "1m", "period": "5m", "limit": "5",
    "contractType": "PERPETUAL", "countdownTime": "0", "dualSidePosition": "false",
    "orderId": "1", "origClientOrderId": "abc", "newClientOrderId": "corpus",
    "batchOrders": '[{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","timeInForce":"GTC",'
    '"quantity":"0.002","price":"70000"}]',
    "orderIdList": "[1]", "origClientOrderIdList": '["abc"]',
}  # fmt: skip
# COIN-M's endpoints get COIN-M's instruments, so the hostile values reach its handlers
COINM_VALID = VALID | {
    "symbol": "BTCUSD_PERP", "pair": "BTCUSD", "quantity": "1", "marginAsset": "BTC",
    "batchOrders": '[{"symbol":"BTCUSD_PERP","side":"BUY","type":"LIMIT","timeInForce":"GTC",'
    '"quantity":"1","price":"70000"}]',
}  # fmt: skip
ADMIN_VALUES: list[Any] = [
    None, True, 1e308, -1, 2**70, "x" * 100_000, [], {}, "nan", "9" * 40, "-5", "0", 0.5,
]  # fmt: skip
ADMIN_ROUTES = [
    ("POST", "/accounts", ["name"]),
    ("POST", "/accounts/demo/keys", ["type", "publicKey", "readOnly", "enableFutures", "label"]),
    ("POST", "/accounts/demo/deposits", ["asset", "amount", "clientTranId"]),
    ("POST", "/accounts/demo/withdrawals", ["asset", "amount", "clientTranId"]),
    ("PUT", "/accounts/demo/trade-group", ["tradeGroupId"]),
    ("PUT", "/prices/BTCUSDT", ["price"]),
    ("POST", "/clock/speed", ["speed"]),
    ("POST", "/clock/advance", ["to", "by"]),
    ("PUT", "/overload", ["on"]),
    ("PUT", "/agents/seed", ["seed"]),
]
ADMIN_VALID = {"name": "corpus", "type": "hmac", "asset": "USDT", "amount": "1", "price": "77000"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("corpus")
    started = SandboxServer(root / "data", "[limits]\nenabled = false\n", live_market=True)
    yield started.start(timeout=120)
    started.stop()


def valid_value(param: Param, valid: dict[str, str]) -> str:
    if param.name in valid:
        return valid[param.name]
    if param.kind == "integer":
        return str(max(param.minimum or 0, 1))
    if param.enum:
        return param.enum[0]
    return valid.get(param.kind, "1")


def hostile_queries(endpoint: Endpoint) -> Iterator[str]:
    """Each parameter with each hostile value (the others valid), then a duplicate and a junk
    parameter; the query strings as sent, before signing."""
    valid = COINM_VALID if endpoint.product == "coinm" else VALID
    base = {param.name: quote(valid_value(param, valid), safe="") for param in endpoint.params}
    values = [quote(v, safe="") for v in NUMBERS + STRINGS] + RAW
    for param in endpoint.params:
        for value in values:
            yield "&".join(f"{k}={value if k == param.name else v}" for k, v in base.items())
    plain = "&".join(f"{k}={v}" for k, v in base.items())
    if endpoint.params:
        first = endpoint.params[0].name
        yield f"{plain}&{first}={base[first]}"  # a parameter sent twice
    yield f"{plain}&{'z' * 1000}=1&recvWindow=99999999999999999999"


def send(
    client: httpx.Client, endpoint: Endpoint, query: str, key: str, secret: str
) -> httpx.Response:
    headers = {"X-MBX-APIKEY": key} if endpoint.security.needs_key else {}
    if endpoint.security.signed:
        query = f"{query}&timestamp={now_ms()}" if query else f"timestamp={now_ms()}"
        signature = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
        query = f"{query}&signature={signature}"
    return client.request(endpoint.method, f"{endpoint.path}?{query}", headers=headers)


@pytest.mark.slow
def test_the_corpus_never_gets_a_server_error(server: SandboxServer) -> None:
    created = server.call("POST", "/accounts/demo/keys", {"type": "hmac"})
    key, secret = created["apiKey"], created["secretKey"]
    failures: list[str] = []
    sent = 0
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for endpoint in endpoint_table():
            for query in hostile_queries(endpoint):
                answer = send(client, endpoint, query, key, secret)
                sent += 1
                if answer.status_code >= 500 or not answer.headers["content-type"].startswith(
                    "application/json"
                ):
                    failures.append(f"{endpoint.method} {endpoint.path}?{query[:200]} -> {answer}")
    assert not failures, failures[:20]
    assert sent > 8_000
    log = server.log_path.read_text()
    assert "internal error" not in log, log[-4000:]
    assert "Traceback" not in log, log[-4000:]


@pytest.mark.slow
def test_the_admin_corpus_never_gets_a_server_error(server: SandboxServer) -> None:
    failures = []
    with server.admin() as admin:
        for method, path, fields in ADMIN_ROUTES:
            bodies: list[bytes] = [b"\xff\xfe", b"[", b"null", b"[1]", b'"x"', b"{" * 10_000]
            for field in fields:
                for value in ADMIN_VALUES:
                    body = {name: ADMIN_VALID.get(name, "1") for name in fields} | {field: value}
                    bodies.append(json.dumps(body).encode())  # stdlib: it writes 2**70
            for content in bodies:
                answer = admin.request(method, path, content=content)
                json_body = answer.headers["content-type"].startswith("application/json")
                if answer.status_code >= 500 or not json_body:
                    failures.append(f"{method} {path} {content[:100]!r} -> {answer.text[:200]}")
        admin.put("/overload", json={"on": False})  # the corpus may have switched it on
        admin.post("/agents/resume")
    assert not failures, failures[:20]
    assert_healthy(server)


@pytest.mark.slow
def test_after_the_corpus_a_restart_recovers_the_same_state(server: SandboxServer) -> None:
    """The agents are paused (journaled), so nothing but the index ticks changes the state
    between the stop and the reads after the restart: every account reads the same."""
    server.call("POST", "/agents/pause")
    before = server.call("GET", "/accounts")
    seq = server.call("GET", "/state-hash")["seq"]
    assert server.stop() == 0
    server.start(timeout=120)
    assert server.call("GET", "/accounts") == before
    assert server.call("GET", "/state-hash")["seq"] >= seq
    server.call("POST", "/agents/resume")
    assert_healthy(server)
