"""Authentication as Binance does it, against a real server over a real socket.

Spec: API-SURFACE (b) and (e); Docs usds-margined-futures/general-info (Endpoint Security Type,
SIGNED, Timing Security). Each test pins code, msg and HTTP status. The signed endpoint used is
GET /fapi/v2/balance (USER_DATA); no TRADE endpoint exists yet, so the TRADE rule is a unit test
of `security.authenticate`.
"""

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from binance_sandbox.core.accounts import ApiKey
from binance_sandbox.core.state import ApiKeyRecord, ExchangeState
from binance_sandbox.gateway import errors
from binance_sandbox.gateway.client_clocks import ClientClocks
from binance_sandbox.gateway.endpoint import Security
from binance_sandbox.gateway.request_parse import parse_request
from binance_sandbox.gateway.security import authenticate, check_timestamp
from tests.conftest import ServerFactory
from tests.support.server import SandboxServer
from tests.support.signing import (
    Credentials,
    now_ms,
    query,
    sign_payload,
    signature,
    signed_query,
)
from tests.support.wire import error_of, mandatory

BALANCE = "/fapi/v2/balance"
BAD_KEY_FORMAT = (-2014, "API-key format invalid.", 401)
# Binance names the caller's address: over the loopback the tests use, 127.0.0.1
REJECTED_KEY = (-2015, "Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1", 401)
INVALID_SIGNATURE = (-1022, "Signature for this request is not valid.", 400)
AHEAD = (-1021, "Timestamp for this request was 1000ms ahead of the server's time.", 400)
OUTSIDE = (-1021, "Timestamp for this request is outside of the recvWindow.", 400)
JAN_1_2020_MS = 1_577_836_800_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    started = SandboxServer(tmp_path_factory.mktemp("security") / "data").start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def keys(server: SandboxServer) -> dict[str, Credentials]:
    made: dict[str, dict[str, Any]] = {
        "hmac": {"type": "hmac"},
        "read_only": {"type": "hmac", "readOnly": True},
        "rsa": {"type": "rsa"},
        "ed25519": {"type": "ed25519"},
    }
    return {
        name: Credentials.from_admin(server.call("POST", "/accounts/demo/keys", body))
        for name, body in made.items()
    }


@pytest.fixture
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10.0) as opened:
        yield opened


def get(client: httpx.Client, credentials: Credentials | None, target: str) -> httpx.Response:
    headers = credentials.headers if credentials else {}
    return client.get(f"{BALANCE}?{target}", headers=headers)


def assert_served(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert "USDT" in [row["asset"] for row in response.json()]


# -- the API key ------------------------------------------------------------------------------


def test_no_api_key_header_is_2014(client: httpx.Client, keys: dict[str, Credentials]) -> None:
    assert error_of(get(client, None, signed_query(keys["hmac"]))) == BAD_KEY_FORMAT


@pytest.mark.parametrize(
    "api_key",
    ["", "abc", "A" * 63, "A" * 65, "A" * 63 + "-", "A" * 63 + "="],
)
def test_a_malformed_api_key_is_2014(client: httpx.Client, api_key: str) -> None:
    credentials = Credentials(api_key, secret="s")
    assert error_of(get(client, credentials, signed_query(credentials))) == BAD_KEY_FORMAT


def test_a_well_formed_unknown_api_key_is_2015(client: httpx.Client) -> None:
    credentials = Credentials("Z" * 64, secret="s")
    assert error_of(get(client, credentials, signed_query(credentials))) == REJECTED_KEY


def test_the_key_is_checked_before_the_signature(
    client: httpx.Client, keys: dict[str, Credentials]
) -> None:
    unknown = Credentials("Z" * 64, secret=keys["hmac"].secret)
    assert error_of(get(client, unknown, f"timestamp={now_ms()}")) == REJECTED_KEY


# -- timing security (wall time) --------------------------------------------------------------


def test_a_missing_timestamp_is_1102(client: httpx.Client, keys: dict[str, Credentials]) -> None:
    target = sign_payload(keys["hmac"], "recvWindow=5000")
    assert error_of(get(client, keys["hmac"], target)) == mandatory("timestamp")


def test_a_timestamp_ahead_of_the_server_is_1021(
    client: httpx.Client, keys: dict[str, Credentials]
) -> None:
    # 1000 ms ahead is already refused (`timestamp < serverTime + 1000`); the boundary itself is
    # pinned in the unit test below, over HTTP the request's own latency would blur it.
    target = signed_query(keys["hmac"], {"timestamp": now_ms() + 2_000})
    assert error_of(get(client, keys["hmac"], target)) == AHEAD
    assert_served(get(client, keys["hmac"], signed_query(keys["hmac"], {"timestamp": now_ms()})))


def test_a_timestamp_older_than_recv_window_is_1021(
    client: httpx.Client, keys: dict[str, Credentials]
) -> None:
    old = now_ms() - 10_000
    target = signed_query(keys["hmac"], {"timestamp": old})  # default recvWindow 5000
    assert error_of(get(client, keys["hmac"], target)) == OUTSIDE
    target = signed_query(keys["hmac"], {"timestamp": old, "recvWindow": 2_000})
    assert error_of(get(client, keys["hmac"], target)) == OUTSIDE
    target = signed_query(keys["hmac"], {"timestamp": old, "recvWindow": 20_000})
    assert_served(get(client, keys["hmac"], target))


def test_recv_window_above_60000_is_1130(
    client: httpx.Client, keys: dict[str, Credentials]
) -> None:
    # The maximum is documented (WS-API session.logon, Spot docs) but not the REST error: our
    # choice in security.py is -1130 INVALID_PARAMETER naming recvWindow.
    target = signed_query(keys["hmac"], {"recvWindow": 60_001})
    invalid = (-1130, "Data sent for parameter 'recvWindow' is not valid.", 400)
    assert error_of(get(client, keys["hmac"], target)) == invalid
    target = signed_query(keys["hmac"], {"recvWindow": 60_000, "timestamp": now_ms() - 50_000})
    assert_served(get(client, keys["hmac"], target))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("timestamp", "abc"),
        ("timestamp", "-1"),
        ("timestamp", "1.5e12"),
        ("timestamp", "%C2%B9"),  # superscript one: a Unicode digit int() cannot read
        ("timestamp", "%EF%BC%91%EF%BC%97"),  # full-width digits
        ("recvWindow", "5000.5"),
        ("recvWindow", "0"),
        ("recvWindow", "%C2%B9"),
        ("recvWindow", "%EF%BC%95%EF%BC%90%EF%BC%90%EF%BC%90"),  # full-width 5000
    ],
)
def test_a_timestamp_or_recv_window_that_is_not_a_number_is_1130(
    client: httpx.Client, keys: dict[str, Credentials], name: str, value: str
) -> None:
    # Our choice (security.py): -1130 INVALID_PARAMETER naming it; only ASCII digits count.
    params = {"timestamp": str(now_ms()), "recvWindow": "5000", name: value}
    payload = "&".join(f"{k}={v}" for k, v in params.items())
    invalid = (-1130, f"Data sent for parameter '{name}' is not valid.", 400)
    assert error_of(get(client, keys["hmac"], sign_payload(keys["hmac"], payload))) == invalid


def test_the_timing_boundaries() -> None:
    """`timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow` (general-info)."""
    wall = 1_767_225_600_000

    def check(**values: int) -> tuple[int, str, int] | None:
        try:
            check_timestamp({k: str(v) for k, v in values.items()}, wall)
        except errors.BinanceError as error:
            return error.code, error.msg, error.status
        return None

    assert check(timestamp=wall + 999) is None
    assert check(timestamp=wall + 1_000) == AHEAD
    assert check(timestamp=wall - 5_000) is None
    assert check(timestamp=wall - 5_001) == OUTSIDE
    assert check(timestamp=wall - 60_000, recvWindow=60_000) is None
    assert check(timestamp=wall - 60_001, recvWindow=60_000) == OUTSIDE
    assert check(timestamp=wall - 1, recvWindow=1) is None
    assert check(timestamp=wall - 2, recvWindow=1) == OUTSIDE


# -- the signature ----------------------------------------------------------------------------


def test_a_missing_signature_is_1102(client: httpx.Client, keys: dict[str, Credentials]) -> None:
    target = query({"timestamp": now_ms()})
    assert error_of(get(client, keys["hmac"], target)) == mandatory("signature")


def test_a_wrong_signature_is_1022(client: httpx.Client, keys: dict[str, Credentials]) -> None:
    payload = query({"timestamp": now_ms()})
    other = Credentials(keys["hmac"].api_key, secret=keys["hmac"].secret + "x")
    assert error_of(get(client, keys["hmac"], sign_payload(other, payload))) == INVALID_SIGNATURE
    garbage = f"{payload}&signature=not-hex"
    assert error_of(get(client, keys["hmac"], garbage)) == INVALID_SIGNATURE
    non_ascii = f"{payload}&signature=%C3%A9"  # decodes to a non-ASCII character
    assert error_of(get(client, keys["hmac"], non_ascii)) == INVALID_SIGNATURE


def test_hmac_signatures_are_case_insensitive(
    client: httpx.Client, keys: dict[str, Credentials]
) -> None:
    # general-info: "The signature is not case sensitive."
    payload = query({"timestamp": now_ms()})
    upper = signature(keys["hmac"], payload).upper()
    assert any(c.isalpha() for c in upper)
    assert_served(get(client, keys["hmac"], f"{payload}&signature={upper}"))


@pytest.mark.parametrize("key_type", ["rsa", "ed25519"])
def test_asymmetric_keys_sign_in_base64(
    client: httpx.Client, keys: dict[str, Credentials], key_type: str
) -> None:
    credentials = keys[key_type]
    payload = query({"timestamp": now_ms(), "recvWindow": 5000})
    good = signature(credentials, payload)
    assert re.fullmatch(r"[A-Za-z0-9+/]+=*", good)
    assert_served(get(client, credentials, sign_payload(credentials, payload)))

    other_payload = query({"timestamp": now_ms(), "recvWindow": 5001})
    wrong = sign_payload(credentials, other_payload).split("&signature=")[1]
    assert error_of(get(client, credentials, f"{payload}&signature={wrong}")) == INVALID_SIGNATURE
    for bad in (
        sign_payload(keys["hmac"], payload).split("&signature=")[1],  # hex, not base64
        "AAAA",  # base64 of the wrong length
        "%C3%A9",  # not even ASCII
    ):
        target = f"{payload}&signature={bad}"
        assert error_of(get(client, credentials, target)) == INVALID_SIGNATURE


def test_an_rsa_signature_must_be_url_encoded(
    client: httpx.Client, keys: dict[str, Credentials]
) -> None:
    # general-info, RSA step 2.5: the base64 holds `+` `/` `=`, so it is URL-encoded. Sent raw,
    # a `+` reads as a space and the signature no longer verifies.
    credentials = keys["rsa"]
    for attempt in range(50):
        payload = query({"timestamp": now_ms(), "recvWindow": 5000 - attempt})
        raw = signature(credentials, payload)
        if "+" in raw:
            break
    else:  # pragma: no cover - a 344-character base64 without `+` 50 times in a row
        pytest.fail("no signature with a '+'")
    assert error_of(get(client, credentials, f"{payload}&signature={raw}")) == INVALID_SIGNATURE


def test_the_signature_covers_the_parameters_in_the_order_sent(
    client: httpx.Client, keys: dict[str, Credentials]
) -> None:
    credentials = keys["hmac"]
    stamp = now_ms()
    signed = sign_payload(credentials, f"recvWindow=5000&timestamp={stamp}")
    assert_served(get(client, credentials, signed))
    the_signature = signed.split("&signature=")[1]
    reordered = f"timestamp={stamp}&recvWindow=5000&signature={the_signature}"
    assert error_of(get(client, credentials, reordered)) == INVALID_SIGNATURE
    # Any order works when it is the order signed (the RSA example puts timestamp first).
    assert_served(
        get(client, credentials, sign_payload(credentials, reordered.split("&sig", maxsplit=1)[0]))
    )


def test_the_signature_covers_the_encoding_sent(
    client: httpx.Client, keys: dict[str, Credentials]
) -> None:
    # `recvWindow=5%30%30%30` decodes to 5000, but the signed string is what was sent.
    credentials = keys["hmac"]
    sent = f"recvWindow=5%30%30%30&timestamp={now_ms()}"
    assert_served(get(client, credentials, sign_payload(credentials, sent)))
    decoded_signature = signature(credentials, sent.replace("5%30%30%30", "5000"))
    target = f"{sent}&signature={decoded_signature}"
    assert error_of(get(client, credentials, target)) == INVALID_SIGNATURE


def test_a_signature_in_a_form_body_with_the_query_is_accepted(
    client: httpx.Client, keys: dict[str, Credentials]
) -> None:
    # totalParams = query string + body; the gateway reads a body on any method.
    credentials = keys["hmac"]
    head = "recvWindow=5000"
    body = f"timestamp={now_ms()}"
    the_signature = signature(credentials, head + body)
    response = client.request(
        "GET",
        f"{BALANCE}?{head}",
        content=f"{body}&signature={the_signature}",
        headers={**credentials.headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_served(response)


# -- permissions ------------------------------------------------------------------------------


def test_a_read_only_key_reads_user_data(
    client: httpx.Client, keys: dict[str, Credentials]
) -> None:
    assert_served(get(client, keys["read_only"], signed_query(keys["read_only"])))


def _state_with(can_trade: bool) -> tuple[ExchangeState, Credentials]:
    credentials = Credentials("K" * 64, secret="S" * 64)
    key = ApiKey(
        api_key=credentials.api_key,
        key_type="HMAC",
        secret=credentials.secret,
        can_trade=can_trade,
        read_only=not can_trade,
        label="",
        created=0,
    )
    state = ExchangeState(api_keys={key.api_key: ApiKeyRecord(account_id=7, key=key)})
    return state, credentials


def _authenticate(security: Security, can_trade: bool) -> ApiKeyRecord | None:
    state, credentials = _state_with(can_trade)
    wall = 1_767_225_600_000
    request = parse_request(signed_query(credentials, {"timestamp": wall}).encode(), b"")
    return authenticate(security, credentials.api_key, request, state, wall, ip="127.0.0.1")[0]


def test_a_timestamp_may_follow_a_clock_synced_to_server_time() -> None:
    """The two-clock rule (client_clocks.py): besides wall time, a timestamp may follow
    exchange time now, or a serverTime answered earlier carried forward in real time; each is
    judged with Binance's bounds, and the -5028 deadline comes back as wall time."""
    wall = 1_767_225_600_000
    exchange = [wall - 300 * 86_400_000]  # a manual clock standing 300 days back
    clocks = ClientClocks(lambda: exchange[0])

    def deadline(timestamp: int, now: int = wall) -> int | tuple[int, str, int]:
        try:
            return check_timestamp({"timestamp": str(timestamp)}, now, clocks)
        except errors.BinanceError as error:
            return error.code, error.msg, error.status

    assert deadline(wall) == wall + 5_000
    assert deadline(exchange[0] + 999) == wall + 999 + 5_000  # exchange time now
    assert deadline(exchange[0] + 1_000) == OUTSIDE  # ahead of both clocks (judged on wall)
    assert deadline(exchange[0] - 5_000) == wall
    assert deadline(exchange[0] - 5_001) == OUTSIDE

    clocks.served(exchange[0], wall)  # GET /fapi/v1/time answered, then the clock moved on
    exchange[0] += 3_600_000
    later = wall + 20_000  # the synced client stamps serverTime + 20 real seconds
    assert deadline(exchange[0] - 3_600_000 + 20_000, later) == later + 5_000
    assert deadline(exchange[0] - 3_600_000 + 26_000, later) == OUTSIDE  # its clock ran ahead
    assert deadline(exchange[0] - 3_600_000 + 14_999, later) == OUTSIDE  # too old
    assert deadline(wall + 21_000, later) == AHEAD  # wall time keeps Binance's own answers


def test_served_server_times_are_kept_up_to_a_limit() -> None:
    clocks = ClientClocks(lambda: 0, limit=2)
    for offset in (-10_000_000, -20_000_000, -30_000_000):
        clocks.served(offset, 0)
    assert clocks.offset_for(-10_000_000, 5_000, 0) is None  # the oldest went
    assert clocks.offset_for(-20_000_000, 5_000, 0) == -20_000_000
    assert clocks.offset_for(-30_000_000, 5_000, 0) == -30_000_000


def test_trade_needs_a_key_that_may_trade() -> None:
    with pytest.raises(errors.BinanceError) as caught:
        _authenticate(Security.TRADE, can_trade=False)
    assert (caught.value.code, caught.value.msg, caught.value.status) == REJECTED_KEY
    traded = _authenticate(Security.TRADE, can_trade=True)
    assert traded is not None
    assert traded.account_id == 7
    reader = _authenticate(Security.USER_DATA, can_trade=False)
    assert reader is not None
    assert reader.account_id == 7


def test_the_permission_is_checked_after_the_signature() -> None:
    state, credentials = _state_with(can_trade=False)
    wall = 1_767_225_600_000
    request = parse_request(f"timestamp={wall}&signature=00".encode(), b"")
    with pytest.raises(errors.BinanceError) as caught:
        authenticate(Security.TRADE, credentials.api_key, request, state, wall)
    assert caught.value.code == -1022


def test_endpoints_without_security_ignore_keys() -> None:
    state, _ = _state_with(can_trade=True)
    request = parse_request(b"", b"")
    assert authenticate(Security.NONE, "bad", request, state, 0) == (None, 0)


# -- --debug-signatures -----------------------------------------------------------------------


def test_debug_signatures_logs_the_exact_payload(make_server: ServerFactory) -> None:
    server = make_server("debug", "", "--debug-signatures").start()
    credentials = Credentials.from_admin(
        server.call("POST", "/accounts/demo/keys", {"type": "hmac"})
    )
    payload = f"recvWindow=5%30%30%30&&timestamp={now_ms()}"
    wrong_payload = f"timestamp={now_ms()}&recvWindow=4000"
    with httpx.Client(base_url=server.url, timeout=10.0) as client:
        assert_served(get(client, credentials, sign_payload(credentials, payload)))
        wrong = f"{wrong_payload}&signature={'0' * 64}"
        assert error_of(get(client, credentials, wrong)) == INVALID_SIGNATURE
    server.stop()
    log = server.log_path.read_text()
    assert f"signature check for key {credentials.api_key} over payload: {payload}\n" in log
    assert f"over payload: {wrong_payload}\n" in log


def test_without_debug_signatures_no_payload_is_logged(
    server: SandboxServer, client: httpx.Client, keys: dict[str, Credentials]
) -> None:
    assert_served(get(client, keys["hmac"], signed_query(keys["hmac"])))
    assert "over payload" not in server.log_path.read_text()


# -- the two clocks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "args"),
    [
        ('[clock]\nmode = "manual"\nstart = "2020-01-01T00:00:00Z"\n', ()),
        ("", ("--speed", "3600")),
    ],
    ids=["manual-2020", "speed-3600"],
)
def test_signed_requests_may_follow_wall_time_or_the_server_time_a_client_synced_to(
    make_server: ServerFactory, config: str, args: tuple[str, ...]
) -> None:
    server = make_server("clock", config, *args).start()
    credentials = Credentials.from_admin(
        server.call("POST", "/accounts/demo/keys", {"type": "hmac"})
    )
    with httpx.Client(base_url=server.url, timeout=10.0) as client:
        server_time = client.get("/fapi/v1/time").json()["serverTime"]
        wall = now_ms()
        if config:
            assert server_time == JAN_1_2020_MS  # a manual clock stands still
        else:
            assert server_time > wall + 10_000  # an hour of exchange time per real second
        # Stamped with the wall time: accepted, whatever the exchange's clock says.
        assert_served(get(client, credentials, signed_query(credentials, {"timestamp": wall})))
        # Stamped with the serverTime it was answered (a client that synced to it): accepted.
        synced = signed_query(credentials, {"timestamp": server_time})
        assert_served(get(client, credentials, synced))
        # Far from wall time and from every served serverTime: refused, judged on wall time.
        stale = signed_query(credentials, {"timestamp": server_time - 86_400_000})
        assert error_of(get(client, credentials, stale)) == OUTSIDE
        ahead = signed_query(credentials, {"timestamp": max(wall, server_time) + 86_400_000})
        assert error_of(get(client, credentials, ahead)) == AHEAD
