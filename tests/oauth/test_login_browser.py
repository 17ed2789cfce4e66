"""Binance Login end to end in a real headless Chromium: the user walks the consent page, lands
on the app's redirect URI (served by the test), and the app exchanges the code, reads
user-info, refreshes, makes an API key through `create:apikey`, trades with it on /fapi and
revokes. Screenshots of the consent page go to test-artifacts/."""

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.browser import chromium, redirect_target, screenshot
from tests.support.oauth_login import (
    App,
    authorize_url,
    bearer,
    exchange,
    ok_data,
    pkce_pair,
    register,
    token_request,
)
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

SCOPE = "user:openId,user:email,create:apikey,trade"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("oauth-browser")
    running = SandboxServer(root / "data").start()
    running.call("POST", "/accounts", {"name": "alice"})
    running.call("POST", "/accounts/alice/deposits", {"asset": "USDT", "amount": "5000"})
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium() as driver:
        yield driver


@pytest.fixture
def callback() -> Iterator[str]:
    with redirect_target() as url:
        yield url


def walk_consent(
    browser: webdriver.Chrome, url: str, callback: str, shot: str, decision: str = "approve"
) -> dict[str, str]:
    """Opens the consent page, signs in as alice, decides; the parameters the app received."""
    browser.delete_all_cookies()
    browser.get(url)
    wait = WebDriverWait(browser, 30)
    wait.until(expected_conditions.element_to_be_clickable((By.ID, decision)))
    Select(browser.find_element(By.ID, "account")).select_by_visible_text("alice")
    screenshot(browser, shot)
    browser.find_element(By.ID, decision).click()
    wait.until(lambda driver: driver.current_url.startswith(callback))
    wait.until(expected_conditions.presence_of_element_located((By.ID, "landed")))
    query = parse_qs(urlsplit(browser.current_url).query)
    return {name: values[0] for name, values in query.items()}


def consent_text(browser: webdriver.Chrome) -> tuple[str, list[str]]:
    name = browser.find_element(By.ID, "app-name").text
    scopes = [item.get_attribute("data-scope") or "" for item in browser.find_elements(
        By.CSS_SELECTOR, "#scopes li"
    )]  # fmt: skip
    return name, scopes


def use_tokens(server: SandboxServer, app: App, tokens: dict[str, str]) -> None:
    """What the app does next: user-info, refresh, an API key that trades, revoke."""
    alice = server.call("GET", "/accounts/alice")
    info = ok_data(bearer(server, "GET", "/oauth-api/v1/user-info", tokens["access_token"]))
    assert info == {"userId": str(alice["accountId"]), "email": "alice@sandbox.invalid"}

    refreshed = token_request(
        server,
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
        client_id=app.client_id,
        **({"client_secret": app.secret} if app.secret else {}),
    )
    assert refreshed.status_code == 200, refreshed.text
    access = refreshed.json()["access_token"]

    key = ok_data(bearer(server, "POST", "/oauth-api/v1/create-apikey", access))
    order_id = f"login-{app.client_id}"
    credentials = Credentials(key["apiKey"], key["secretKey"])
    order = signed_request(
        server.url, credentials, "POST", "/fapi/v1/order",
        symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
        quantity="0.002", price="50000", newClientOrderId=order_id,
    )  # fmt: skip
    assert order.status_code == 200, order.text
    assert order.json()["clientOrderId"] == order_id
    mine = signed_request(server.url, credentials, "GET", "/fapi/v1/openOrders", symbol="BTCUSDT")
    assert order_id in [o["clientOrderId"] for o in mine.json()]

    assert ok_data(bearer(server, "POST", "/oauth-api/v1/revoke-token", access)) is True
    assert bearer(server, "GET", "/oauth-api/v1/user-info", access).status_code == 401
    # The API key is the user's now: revoking the app's token does not take it back.
    balance = signed_request(server.url, credentials, "GET", "/fapi/v2/balance")
    assert balance.status_code == 200


def test_confidential_client_in_chromium(
    server: SandboxServer, browser: webdriver.Chrome, callback: str
) -> None:
    app = register(server, callback, name="Browser Web App")
    url = authorize_url(server, app, SCOPE, state="web-state-1")
    params = walk_consent(browser, url, callback, "oauth-consent-confidential")
    assert set(params) == {"code", "state"}
    assert params["state"] == "web-state-1"
    answer = exchange(server, app, params["code"])
    assert answer.status_code == 200, answer.text
    use_tokens(server, app, answer.json())


def test_public_client_with_pkce_in_chromium(
    server: SandboxServer, browser: webdriver.Chrome, callback: str
) -> None:
    app = register(server, callback, public=True, name="Browser SPA")
    verifier, challenge = pkce_pair()
    url = authorize_url(
        server, app, SCOPE, state="spa-state", code_challenge=challenge,
        code_challenge_method="S256",
    )  # fmt: skip
    browser.delete_all_cookies()
    browser.get(url)
    WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located((By.ID, "approve"))
    )
    assert consent_text(browser) == ("Browser SPA", SCOPE.split(","))
    params = walk_consent(browser, url, callback, "oauth-consent-public-pkce")
    assert params["state"] == "spa-state"
    answer = exchange(server, app, params["code"], code_verifier=verifier)
    assert answer.status_code == 200, answer.text
    use_tokens(server, app, answer.json())


def test_cancel_in_chromium_returns_binance_cancelled(
    server: SandboxServer, browser: webdriver.Chrome, callback: str
) -> None:
    app = register(server, callback, name="Browser Cancel")
    url = authorize_url(server, app, "user:openId", state="c1")
    params = walk_consent(browser, url, callback, "oauth-consent-cancel", decision="deny")
    assert params == {"error": "cancelled", "error_description": "cancelled by user", "state": "c1"}


def framed(browser: webdriver.Chrome, src: str, element_id: str) -> bool:
    """Whether a page loaded in an iframe of the app's own page shows the element."""
    browser.execute_script(
        "window.loaded = false; const f = document.createElement('iframe');"
        "f.id = 'f'; f.onload = () => { window.loaded = true; };"
        "f.src = arguments[0]; document.body.appendChild(f);",
        src,
    )
    WebDriverWait(browser, 30).until(lambda d: d.execute_script("return window.loaded"))
    browser.switch_to.frame("f")
    try:
        return bool(browser.find_elements(By.ID, element_id))
    finally:
        browser.switch_to.default_content()


def test_the_consent_page_refuses_to_render_in_a_frame(
    server: SandboxServer, browser: webdriver.Chrome, callback: str
) -> None:
    app = register(server, callback, name="Framed")
    browser.get(callback)
    assert framed(browser, callback, "landed")  # control: a page without the headers frames
    browser.get(callback)
    assert not framed(browser, authorize_url(server, app, "user:openId"), "approve")
