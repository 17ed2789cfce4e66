"""Binance Login against RFC 6749 / 7636 / 9700, one test per rule, over real sockets.

The server runs on the manual clock, so lifetimes are crossed by advancing exchange time.
"""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from tests.conftest import ServerFactory
from tests.support.oauth_login import (
    App,
    authorize_url,
    bearer,
    code_for,
    consent,
    exchange,
    ok_data,
    pkce_pair,
    redirect_params,
    register,
    token_request,
)
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

CALLBACK = "https://app.example/callback"
SCOPE = "user:openId,user:email,create:apikey,trade"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("oauth")
    running = SandboxServer(root / "data", '[clock]\nmode = "manual"\n').start()
    yield running
    running.stop()


@pytest.fixture
def app(server: SandboxServer) -> App:
    return register(server, CALLBACK)


@pytest.fixture
def public_app(server: SandboxServer) -> App:
    return register(server, "app://example/login", public=True, name="Public App")


def tokens(server: SandboxServer, app: App, scope: str = SCOPE) -> dict[str, str]:
    answer = exchange(server, app, code_for(server, app, scope))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def refresh(server: SandboxServer, app: App, refresh_token: str, **extra: str) -> httpx.Response:
    params = {"grant_type": "refresh_token", "refresh_token": refresh_token, **extra}
    return token_request(server, client_id=app.client_id, client_secret=app.secret, **params)


def advance(server: SandboxServer, by: str) -> None:
    server.call("POST", "/clock/advance", {"by": by})


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]


# The authorization endpoint


@pytest.mark.parametrize(
    "wrong",
    [
        "https://app.example/callback/evil",  # longer path: no prefix matching
        "https://app.example/callbac",
        "https://app.example/callback?next=https://evil.example",  # no open redirect
        "https://app.example:8443/callback",
        "http://app.example/callback",
        "https://evil.example/callback",
    ],
)
def test_redirect_uri_must_match_exactly_or_nothing_redirects(
    server: SandboxServer, app: App, wrong: str
) -> None:
    url = authorize_url(server, App(app.client_id, app.secret, wrong), SCOPE)
    page = httpx.get(url)
    assert page.status_code == 400
    assert "location" not in page.headers
    assert 'id="error">invalid_request<' in page.text


def test_unknown_client_and_missing_redirect_uri_get_an_error_page(
    server: SandboxServer, app: App
) -> None:
    unknown = httpx.get(authorize_url(server, App("no-such-app", "", CALLBACK), SCOPE))
    assert unknown.status_code == 400
    assert "location" not in unknown.headers
    assert 'id="error">invalid_client<' in unknown.text
    params = {"response_type": "code", "client_id": app.client_id, "scope": SCOPE}
    missing = httpx.get(f"{server.url}/oauth/authorize?{urlencode(params)}")
    assert missing.status_code == 400
    assert "location" not in missing.headers


def test_both_binance_authorize_paths_serve_the_consent_page(
    server: SandboxServer, app: App
) -> None:
    url = authorize_url(server, app, SCOPE)
    for path in ("/en/oauth/authorize", "/oauth/authorize"):
        page = httpx.get(url.replace("/en/oauth/authorize", path))
        assert page.status_code == 200
        assert 'id="app-name">Test App<' in page.text
        assert "Create an API key for your account" in page.text  # scopes in words


def test_state_is_echoed_exactly(server: SandboxServer, app: App) -> None:
    url = authorize_url(server, app, SCOPE, state="xyz-Ünïcode 42")
    approved = redirect_params(consent(url))
    assert approved["state"] == "xyz-Ünïcode 42"
    assert approved["code"]


def test_denial_is_binance_cancelled_not_rfc_access_denied(server: SandboxServer, app: App) -> None:
    """Binance's app-integration page documents `error=cancelled` ("cancelled by user")."""
    answer = consent(authorize_url(server, app, SCOPE, state="s1"), decision="deny")
    assert answer.headers["location"].startswith(CALLBACK + "?")
    assert redirect_params(answer) == {
        "error": "cancelled",
        "error_description": "cancelled by user",
        "state": "s1",
    }


def test_scopes_comma_or_space_separated_and_named_once(server: SandboxServer, app: App) -> None:
    code = code_for(server, app, "user:openId user:email,user:openId,,user:email")
    assert exchange(server, app, code).json()["scope"] == "user:openId,user:email"


def test_an_unknown_scope_is_refused_back_to_the_app(server: SandboxServer, app: App) -> None:
    page = httpx.get(authorize_url(server, app, "user:openId,withdraw", state="s2"))
    assert page.status_code == 302
    assert redirect_params(page) == {
        "error": "invalid_scope",
        "error_description": "The requested scope is invalid, unknown, or malformed.",
        "state": "s2",
    }


# PKCE (RFC 7636, RFC 9700 2.1.1)


def test_a_public_client_must_use_pkce(server: SandboxServer, public_app: App) -> None:
    page = httpx.get(authorize_url(server, public_app, "user:openId", state="p"))
    assert page.status_code == 302
    params = redirect_params(page)
    assert params["error"] == "invalid_request"
    assert "code_challenge" in params["error_description"]


@pytest.mark.parametrize("method", ["plain", ""])
def test_plain_pkce_is_refused(server: SandboxServer, public_app: App, method: str) -> None:
    verifier, _ = pkce_pair()
    extra = {"code_challenge": verifier}  # plain: the challenge is the verifier itself
    if method:
        extra["code_challenge_method"] = method
    page = httpx.get(authorize_url(server, public_app, "user:openId", **extra))
    assert redirect_params(page)["error"] == "invalid_request"
    assert "code_challenge_method" in redirect_params(page)["error_description"]


def test_the_pkce_verifier_is_checked(server: SandboxServer, public_app: App) -> None:
    verifier, challenge = pkce_pair()
    pkce = {"code_challenge": challenge, "code_challenge_method": "S256"}
    code = code_for(server, public_app, "user:openId", **pkce)
    missing = exchange(server, public_app, code)
    assert error_of(missing) == (400, "invalid_request")
    wrong = exchange(server, public_app, code, code_verifier=pkce_pair()[0])
    assert error_of(wrong) == (400, "invalid_grant")
    code = code_for(server, public_app, "user:openId", **pkce)
    good = exchange(server, public_app, code, code_verifier=verifier)
    assert good.status_code == 200, good.text
    assert ok_data(bearer(server, "GET", "/oauth-api/v1/user-info", good.json()["access_token"]))


# Codes


def test_a_code_is_single_use_and_its_replay_revokes_what_it_issued(
    server: SandboxServer, app: App
) -> None:
    code = code_for(server, app, SCOPE)
    first = exchange(server, app, code)
    assert first.status_code == 200
    access = first.json()["access_token"]
    assert ok_data(bearer(server, "GET", "/oauth-api/v1/user-info", access))
    assert error_of(exchange(server, app, code)) == (400, "invalid_grant")
    revoked = bearer(server, "GET", "/oauth-api/v1/user-info", access)
    assert revoked.status_code == 401
    assert revoked.json()["code"] == "invalid_token"
    assert error_of(refresh(server, app, first.json()["refresh_token"])) == (400, "invalid_grant")


def test_a_code_expires_on_the_exchange_clock(server: SandboxServer, app: App) -> None:
    code = code_for(server, app, SCOPE)
    advance(server, "301s")  # oauth.code_ttl_s = 300
    assert error_of(exchange(server, app, code)) == (400, "invalid_grant")
    fresh = code_for(server, app, SCOPE)
    advance(server, "299s")
    assert exchange(server, app, fresh).status_code == 200


def test_a_code_is_bound_to_its_client_and_redirect_uri(server: SandboxServer, app: App) -> None:
    other = register(server, CALLBACK, name="Other App")
    code = code_for(server, app, SCOPE)
    assert error_of(exchange(server, other, code)) == (400, "invalid_grant")
    moved = App(app.client_id, app.secret, CALLBACK + "2")
    assert error_of(exchange(server, moved, code)) == (400, "invalid_grant")


# Tokens


def test_token_answer_has_binance_shape(server: SandboxServer, app: App) -> None:
    answer = exchange(server, app, code_for(server, app, SCOPE))
    body = answer.json()
    assert set(body) == {"access_token", "refresh_token", "scope", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["scope"] == SCOPE  # comma-separated, as Binance writes scopes
    assert body["expires_in"] == 3600
    assert answer.headers["cache-control"] == "no-store"


def test_an_access_token_expires_on_the_exchange_clock(server: SandboxServer, app: App) -> None:
    access = tokens(server, app)["access_token"]
    advance(server, "3599s")
    assert ok_data(bearer(server, "GET", "/oauth-api/v1/user-info", access))
    advance(server, "1s")
    expired = bearer(server, "GET", "/oauth-api/v1/user-info", access)
    assert expired.status_code == 401
    assert expired.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_grant(
    server: SandboxServer, app: App
) -> None:
    first = tokens(server, app)
    second = refresh(server, app, first["refresh_token"])
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert ok_data(bearer(server, "GET", "/oauth-api/v1/user-info", rotated["access_token"]))
    # The old refresh token again: a thief or a replay; the whole grant goes.
    assert error_of(refresh(server, app, first["refresh_token"])) == (400, "invalid_grant")
    gone = bearer(server, "GET", "/oauth-api/v1/user-info", rotated["access_token"])
    assert gone.status_code == 401
    assert error_of(refresh(server, app, rotated["refresh_token"])) == (400, "invalid_grant")


def test_scope_can_only_narrow_on_refresh(server: SandboxServer, app: App) -> None:
    first = tokens(server, app, "user:openId,user:email")
    wider = refresh(server, app, first["refresh_token"], scope="user:openId,create:apikey")
    assert error_of(wider) == (400, "invalid_scope")
    narrower = refresh(server, app, first["refresh_token"], scope="user:openId")
    assert narrower.status_code == 200
    assert narrower.json()["scope"] == "user:openId"
    narrowed = narrower.json()["access_token"]
    assert "email" not in ok_data(bearer(server, "GET", "/oauth-api/v1/user-info", narrowed))


def test_client_authentication_failures(server: SandboxServer, app: App) -> None:
    code = code_for(server, app, SCOPE)
    base = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": app.client_id,
    }
    # RFC 6749 5.2: 401 with a WWW-Authenticate challenge, as HTTP Basic is one of the methods.
    wrong_secret = token_request(server, **base, client_secret="0" * 64)
    assert error_of(wrong_secret) == (401, "invalid_client")
    assert wrong_secret.headers["www-authenticate"].startswith("Basic ")
    no_secret = token_request(server, **base)  # a confidential client must authenticate
    assert error_of(no_secret) == (401, "invalid_client")
    basic = httpx.post(f"{server.url}/oauth/token", data=base, auth=(app.client_id, "wrong"))
    assert error_of(basic) == (401, "invalid_client")
    unknown = token_request(server, **{**base, "client_id": "nobody"}, client_secret="x")
    assert error_of(unknown) == (400, "invalid_client")  # Authlib: an unknown id is a 400
    # None of these used up the code: the right secret still gets the tokens.
    assert token_request(server, **base, client_secret=app.secret).status_code == 200


def test_token_parameters_in_the_form_body_or_the_query_string(
    server: SandboxServer, app: App
) -> None:
    form = {
        "grant_type": "authorization_code",
        "code": code_for(server, app, SCOPE),
        "redirect_uri": CALLBACK,
        "client_id": app.client_id,
        "client_secret": app.secret,
    }
    assert httpx.post(f"{server.url}/oauth/token", data=form).status_code == 200
    assert exchange(server, app, code_for(server, app, SCOPE)).status_code == 200


def test_revoked_tokens_are_refused(server: SandboxServer, app: App) -> None:
    issued = tokens(server, app)
    revoked = bearer(server, "POST", "/oauth-api/v1/revoke-token", issued["access_token"])
    assert ok_data(revoked) is True
    after = bearer(server, "GET", "/oauth-api/v1/user-info", issued["access_token"])
    assert after.status_code == 401
    assert after.json() == {
        "code": "invalid_token",
        "message": after.json()["message"],
        "data": None,
        "success": False,
    }
    assert error_of(refresh(server, app, issued["refresh_token"])) == (400, "invalid_grant")
    again = bearer(server, "POST", "/oauth-api/v1/revoke-token", issued["access_token"])
    assert again.status_code == 401


def test_user_info_needs_user_openid_and_shows_email_only_with_user_email(
    server: SandboxServer, app: App
) -> None:
    without = tokens(server, app, "create:apikey,read")["access_token"]
    refused = bearer(server, "GET", "/oauth-api/v1/user-info", without)
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_scope"
    demo = server.call("GET", "/accounts/demo")
    with_email = tokens(server, app, "user:openId,user:email")["access_token"]
    info = ok_data(bearer(server, "GET", "/oauth-api/v1/user-info", with_email))
    assert info == {"userId": str(demo["accountId"]), "email": "demo@sandbox.invalid"}
    missing = httpx.get(f"{server.url}/oauth-api/v1/user-info")
    assert missing.status_code == 401


def test_create_apikey_is_bounded_by_the_granted_scopes(server: SandboxServer, app: App) -> None:
    none = tokens(server, app, "user:openId")["access_token"]
    assert bearer(server, "POST", "/oauth-api/v1/create-apikey", none).status_code == 403
    bare = tokens(server, app, "create:apikey")["access_token"]
    assert bearer(server, "POST", "/oauth-api/v1/create-apikey", bare).status_code == 403
    reader = tokens(server, app, "create:apikey,read")["access_token"]
    key = ok_data(bearer(server, "POST", "/oauth-api/v1/create-apikey", reader))
    assert key["enableFutures"] is False
    credentials = Credentials(key["apiKey"], key["secretKey"])
    assert signed_request(server.url, credentials, "GET", "/fapi/v2/balance").status_code == 200
    order = signed_request(
        server.url, credentials, "POST", "/fapi/v1/order",
        symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
        quantity="0.001", price="60000",
    )  # fmt: skip
    assert order.status_code == 401
    assert order.json()["code"] == -2015
    listed = server.call("GET", "/accounts/demo")["apiKeys"]
    assert {"apiKey": key["apiKey"], "label": "oauth:Test App", "readOnly": True}.items() <= next(
        k for k in listed if k["apiKey"] == key["apiKey"]
    ).items()


def test_a_bearer_token_does_not_call_fapi(server: SandboxServer, app: App) -> None:
    access = tokens(server, app)["access_token"]
    as_bearer = bearer(server, "GET", "/fapi/v2/balance", access)
    assert as_bearer.status_code in (400, 401)
    as_key = httpx.get(f"{server.url}/fapi/v1/openOrders", headers={"X-MBX-APIKEY": access})
    assert as_key.status_code == 401
    assert as_key.json()["code"] in (-2014, -2015)


# The consent page


def test_the_consent_page_cannot_be_framed_or_cached(server: SandboxServer, app: App) -> None:
    page = httpx.get(authorize_url(server, app, SCOPE))
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    error = httpx.get(authorize_url(server, App("nobody", "", CALLBACK), SCOPE))
    assert error.headers["x-frame-options"] == "DENY"


def test_the_consent_form_is_protected_against_csrf(server: SandboxServer, app: App) -> None:
    url = authorize_url(server, app, SCOPE)
    demo = str(server.call("GET", "/accounts/demo")["accountId"])
    forged = {"decision": "approve", "account": demo, "csrf_token": "guessed"}
    with httpx.Client() as attacker:
        without_cookie = attacker.post(url, data=forged)
        assert without_cookie.status_code == 403
        assert "location" not in without_cookie.headers
        attacker.get(url)  # a cookie of its own does not make a guessed field match
        assert attacker.post(url, data=forged).status_code == 403
    page = httpx.get(url)
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie


# Clients


def test_clients_through_the_cli_and_the_admin_api(server: SandboxServer) -> None:
    command = [
        sys.executable, "-m", "binance_sandbox", "oauth", "clients", "create",
        "--name", "CLI App", "--redirect-uri", "https://cli.example/cb",
        "--redirect-uri", "app://cli/login", "--public", "--data-dir", str(server.data_dir),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "clientSecret" not in done.stdout
    listed = server.call("GET", "/oauth/clients")
    mine = next(c for c in listed if c["name"] == "CLI App")
    assert mine["redirectUris"] == ["https://cli.example/cb", "app://cli/login"]
    assert mine["public"] is True
    assert all("clientSecret" not in c for c in listed)
    with server.admin() as admin:
        bad = admin.post("/oauth/clients", json={"name": "x", "redirectUris": ["/relative"]})
    assert bad.status_code == 400
    assert bad.json()["code"] == -1102


def test_strict_rfc_refuses_token_parameters_in_the_query_string(
    make_server: ServerFactory,
) -> None:
    strict = make_server("strict", "[oauth]\nstrict_rfc = true\n").start()
    app = register(strict, CALLBACK)
    code = code_for(strict, app, SCOPE)
    assert error_of(exchange(strict, app, code)) == (400, "invalid_request")
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": app.client_id,
        "client_secret": app.secret,
    }
    assert httpx.post(f"{strict.url}/oauth/token", data=form).status_code == 200
    strict.stop()
