"""Binance's request-format rules over HTTP, against a real server over a real socket.

Spec: the 2023-06-16 notice in Docs change-log ("non-standard request formats will not be
supported in fapi"), Docs general-info (query string and form body, the query string wins) and
the error table (API-SURFACE (b)). Requests are correctly signed, so the format rule is the
only thing that can refuse them; each test pins code, msg and HTTP status. The parser's finer
cases are unit tests in test_request_parse_unit.py.
"""

from collections.abc import Iterator

import httpx
import pytest

from tests.support.server import SandboxServer
from tests.support.signing import Credentials, now_ms, query, sign_payload, signature
from tests.support.wire import error_of, mandatory

BALANCE = "/fapi/v2/balance"
ILLEGAL = (-1100, "Illegal characters found in a parameter.", 400)
DUPLICATE = (-1101, "Duplicate values for a parameter detected.", 400)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    started = SandboxServer(tmp_path_factory.mktemp("format") / "data").start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def key(server: SandboxServer) -> Credentials:
    return Credentials.from_admin(server.call("POST", "/accounts/demo/keys", {"type": "hmac"}))


@pytest.fixture
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10.0) as opened:
        yield opened


def signed_get(client: httpx.Client, key: Credentials, payload: str) -> httpx.Response:
    """GET /fapi/v2/balance with `payload` sent as is and correctly signed."""
    return client.get(f"{BALANCE}?{sign_payload(key, payload)}", headers=key.headers)


def signed_body(
    client: httpx.Client, key: Credentials, head: str, body: bytes | str
) -> httpx.Response:
    """The same with a form body: the signature covers the query string then the body."""
    raw = body.encode() if isinstance(body, str) else body
    the_signature = signature(key, head + raw.decode("latin-1"))
    target = f"{BALANCE}?{head}" if head else BALANCE
    content = raw + f"&signature={the_signature}".encode()
    return client.request("GET", target, content=content, headers={**key.headers, **FORM})


def assert_served(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert isinstance(response.json(), list)


@pytest.mark.parametrize("name", ["timestamp", "recvWindow"])
def test_an_empty_value_is_1102_naming_it(
    client: httpx.Client, key: Credentials, name: str
) -> None:
    # The notice: "Passing empty values in request parameters is not supported".
    params = {"recvWindow": "5000", "timestamp": str(now_ms())}
    payload = "&".join(f"{k}={'' if k == name else v}" for k, v in params.items())
    assert error_of(signed_get(client, key, payload)) == mandatory(name)


@pytest.mark.parametrize(
    "template",
    [
        "recvWindow=%205000&timestamp={ts}",
        "recvWindow=5000%20&timestamp={ts}",
        "recvWindow=5000&timestamp=+{ts}",  # `+` is a space in a form-encoded string
        "recvWindow=5000&%20timestamp={ts}",
    ],
)
def test_whitespace_around_a_value_is_1100(
    client: httpx.Client, key: Credentials, template: str
) -> None:
    # The notice: "Invalid whitespace characters ... are not supported".
    assert error_of(signed_get(client, key, template.format(ts=now_ms()))) == ILLEGAL


def test_a_backslash_x22_escape_is_1100(client: httpx.Client, key: Credentials) -> None:
    # The notice's example: origClientOrderIdList=[\x229151944646313025900\x22].
    payload = f"origClientOrderIdList=[\\x229151944646313025900\\x22]&timestamp={now_ms()}"
    assert error_of(signed_get(client, key, payload)) == ILLEGAL
    standard = f"origClientOrderIdList=%5B%229151944646313025900%22%5D&timestamp={now_ms()}"
    assert_served(signed_get(client, key, standard))


def test_the_same_parameter_twice_in_the_query_is_1101(
    client: httpx.Client, key: Credentials
) -> None:
    stamp = now_ms()
    payload = f"timestamp={stamp}&recvWindow=5000&timestamp={stamp}"
    assert error_of(signed_get(client, key, payload)) == DUPLICATE


def test_the_same_parameter_twice_in_the_body_is_1101(
    client: httpx.Client, key: Credentials
) -> None:
    stamp = now_ms()
    response = signed_body(client, key, "", f"timestamp={stamp}&timestamp={stamp}")
    assert error_of(response) == DUPLICATE


def test_an_empty_pair_is_skipped(client: httpx.Client, key: Credentials) -> None:
    # The notice's "Suggest" form: `symbol=BTCUSDT&&price=40000.0&signature=...`; the double
    # `&` is part of the signed string.
    assert_served(signed_get(client, key, f"recvWindow=5000&&timestamp={now_ms()}"))
    ping = client.get("/fapi/v1/ping?symbol=BTCUSDT&&price=40000.0")
    assert (ping.status_code, ping.json()) == (200, {})


def test_non_ascii_bytes_are_1100(client: httpx.Client, key: Credentials) -> None:
    # Raw bytes >= 0x80 in a form body. (In the query string uvicorn itself refuses them with
    # a plain-text 400 before the gateway sees the request; clients percent-encode URLs.)
    body = f"timestamp={now_ms()}&symbol=币安USDT".encode()
    assert error_of(signed_body(client, key, "", body)) == ILLEGAL


def test_percent_encoded_non_ascii_is_legal(client: httpx.Client, key: Credentials) -> None:
    # Change-log 2025-10-09: non-ASCII symbols "must be URL-encoded (UTF-8 percent-encoding)".
    payload = f"symbol=%E5%B8%81%E5%AE%89USDT&timestamp={now_ms()}"
    assert_served(signed_get(client, key, payload))


def test_query_string_and_body_are_signed_together_and_the_query_wins(
    client: httpx.Client, key: Credentials
) -> None:
    fresh, stale = now_ms(), now_ms() - 60_000
    assert_served(signed_body(client, key, f"timestamp={fresh}", f"timestamp={stale}"))
    outside = (-1021, "Timestamp for this request is outside of the recvWindow.", 400)
    assert error_of(signed_body(client, key, f"timestamp={stale}", f"timestamp={fresh}")) == (
        outside
    )
    # The parameters may be split across both (Docs Example 3).
    assert_served(signed_body(client, key, "recvWindow=5000", f"timestamp={now_ms()}"))


def test_an_oversized_body_is_1101(client: httpx.Client) -> None:
    response = client.request(
        "GET", "/fapi/v1/ping", content=b"a=" + b"1" * (1 << 20), headers=FORM
    )
    assert error_of(response) == (-1101, "Too many parameters sent for this endpoint.", 400)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/fapi/v1/doesNotExist"), ("GET", "/"), ("DELETE", "/fapi/v1/time")],
)
def test_an_unknown_path_or_method_is_5000(client: httpx.Client, method: str, path: str) -> None:
    # Binance's answer to a path or method its API lacks (issue 19); HTTP 404 is our choice.
    response = client.request(method, path + "?" + query({"timestamp": now_ms()}))
    expected = (-5000, f"Path {path}, Method {method} is invalid", 404)
    assert error_of(response) == expected
    assert response.headers["content-type"] == "application/json"
