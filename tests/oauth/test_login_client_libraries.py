"""Binance Login as a third-party app uses it through standard OAuth 2.0 client libraries:
Authlib's client (confidential with HTTP Basic, public with PKCE) and requests-oauthlib.

The user's part (the consent form) is played over HTTP by tests.support.oauth_login; the
browser tests walk the same page in Chromium. Scopes are passed as Binance writes them,
comma-separated, so the token answer's `scope` is the one requested.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
from requests_oauthlib import OAuth2Session

from tests.support.oauth_login import consent, register
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

CALLBACK = "https://app.example/callback"
SCOPE = "user:openId,user:email,create:apikey,trade"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("oauth-libs")
    running = SandboxServer(root / "data").start()
    yield running
    running.stop()


def place_order(server: SandboxServer, key: dict[str, str]) -> dict[str, object]:
    credentials = Credentials(key["apiKey"], key["secretKey"])
    answer = signed_request(
        server.url, credentials, "POST", "/fapi/v1/order",
        symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
        quantity="0.002", price="50000",
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_authlib_confidential_client(server: SandboxServer) -> None:
    app = register(server, CALLBACK, name="Authlib App")
    client = AuthlibSession(app.client_id, app.secret, scope=SCOPE, redirect_uri=CALLBACK)
    url, state = client.create_authorization_url(f"{server.url}/en/oauth/authorize")
    location = consent(url).headers["location"]
    token = client.fetch_token(f"{server.url}/oauth/token", authorization_response=location)
    assert token["scope"] == SCOPE
    info = client.get(f"{server.url}/oauth-api/v1/user-info").json()
    assert info["data"]["email"] == "demo@sandbox.invalid"

    key = client.post(f"{server.url}/oauth-api/v1/create-apikey").json()["data"]
    order = place_order(server, key)
    assert order["status"] == "NEW"

    old = token["refresh_token"]
    fresh = client.refresh_token(f"{server.url}/oauth/token")
    assert fresh["refresh_token"] != old
    assert client.get(f"{server.url}/oauth-api/v1/user-info").json()["success"] is True
    assert client.post(f"{server.url}/oauth-api/v1/revoke-token").json()["data"] is True
    assert client.get(f"{server.url}/oauth-api/v1/user-info").status_code == 401
    assert state in location


def test_authlib_public_client_with_pkce(server: SandboxServer) -> None:
    app = register(server, "app://authlib/login", public=True, name="Authlib Mobile")
    client = AuthlibSession(
        app.client_id,
        scope="user:openId",
        redirect_uri=app.redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    verifier = "v" * 20 + "-authlib-public-client-verifier-" + "x" * 20
    url, _ = client.create_authorization_url(
        f"{server.url}/oauth/authorize", code_verifier=verifier
    )
    assert "code_challenge_method=S256" in url
    location = consent(url).headers["location"]
    assert location.startswith("app://authlib/login?code=")
    client.fetch_token(
        f"{server.url}/oauth/token", authorization_response=location, code_verifier=verifier
    )
    assert client.get(f"{server.url}/oauth-api/v1/user-info").json()["data"]["userId"]
    client.refresh_token(f"{server.url}/oauth/token")
    assert client.get(f"{server.url}/oauth-api/v1/user-info").status_code == 200


def test_requests_oauthlib_with_pkce_and_secret(
    server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # oauthlib insists on HTTPS; the sandbox speaks plain HTTP on loopback.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    app = register(server, CALLBACK, name="requests-oauthlib App")
    session = OAuth2Session(app.client_id, redirect_uri=CALLBACK, scope=SCOPE, pkce="S256")
    url, _ = session.authorization_url(f"{server.url}/en/oauth/authorize")
    location = consent(url).headers["location"]
    token = session.fetch_token(
        f"{server.url}/oauth/token", authorization_response=location, client_secret=app.secret
    )
    assert token["token_type"] == "bearer"
    assert session.get(f"{server.url}/oauth-api/v1/user-info").json()["success"] is True
    refreshed = session.refresh_token(
        f"{server.url}/oauth/token", client_id=app.client_id, client_secret=app.secret
    )
    assert refreshed["access_token"] != token["access_token"]
    assert session.get(f"{server.url}/oauth-api/v1/user-info").status_code == 200
