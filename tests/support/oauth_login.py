"""Binance Login from a test's side: register an app through the admin API, walk the consent
form over HTTP as a browser would (cookie, CSRF field, the user's choice), read the redirect."""

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from tests.support.server import SandboxServer


@dataclass(frozen=True)
class App:
    client_id: str
    secret: str
    redirect_uri: str


def register(
    server: SandboxServer, redirect_uri: str, public: bool = False, name: str = "Test App"
) -> App:
    body = {"name": name, "redirectUris": [redirect_uri], "public": public}
    created = server.call("POST", "/oauth/clients", body)
    return App(created["clientId"], created.get("clientSecret", ""), redirect_uri)


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) per RFC 7636 4.1-4.2."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_url(server: SandboxServer, app: App, scope: str, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        "state": secrets.token_urlsafe(8),
        "scope": scope,
        **extra,
    }
    return f"{server.url}/en/oauth/authorize?{urlencode(params)}"


def consent(url: str, decision: str = "approve", account: str = "demo") -> httpx.Response:
    """Opens the consent page and submits it; the answer (a redirect, unfollowed)."""
    with httpx.Client(timeout=30) as browser:
        page = browser.get(url)
        assert page.status_code == 200, page.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf is not None
        options = {
            name: value
            for value, name in re.findall(r'<option value="(\d+)">([^<]+)</option>', page.text)
        }
        form = {"csrf_token": csrf.group(1), "decision": decision, "account": options[account]}
        return browser.post(url, data=form)


def redirect_params(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def code_for(server: SandboxServer, app: App, scope: str, **extra: str) -> str:
    return redirect_params(consent(authorize_url(server, app, scope, **extra)))["code"]


def token_request(server: SandboxServer, **params: str) -> httpx.Response:
    """Binance's own examples: every parameter in the query string."""
    return httpx.post(f"{server.url}/oauth/token?{urlencode(params)}", timeout=30)


def exchange(server: SandboxServer, app: App, code: str, **extra: str) -> httpx.Response:
    params = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        **extra,
    }
    if app.secret:
        params["client_secret"] = app.secret
    return token_request(server, **params)


def bearer(server: SandboxServer, method: str, path: str, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.request(method, f"{server.url}{path}", headers=headers, timeout=30)


def ok_data(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["code"], body["message"], body["success"]) == ("000000", None, True)
    return body["data"]
