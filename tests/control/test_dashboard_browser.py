"""The dashboard in a real headless Chromium (Debian's, driven by Selenium): it loads with the
admin token, shows the demo account (its USDⓈ-M and COIN-M wallets side by side), the book and
candles; clicks pause and advance the clock;
an order placed by a client appears in the open orders and goes when cancelled. Screenshots go
to test-artifacts/."""

from collections.abc import Callable, Iterator

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import ServerFactory
from tests.support.browser import chromium, screenshot
from tests.support.server import SandboxServer
from tests.support.trader import Trader

WAIT_S = 30
HOUR_MS = 3_600_000


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    with chromium() as driver:
        yield driver


@pytest.fixture
def server(make_server: ServerFactory) -> SandboxServer:
    return make_server("data", '[clock]\nmode = "manual"\n').start()


def until(driver: webdriver.Chrome, condition: Callable[[webdriver.Chrome], object]) -> object:
    # the page re-renders its tables as data arrives: a row read mid-render is read again
    wait = WebDriverWait(
        driver, WAIT_S, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,)
    )
    return wait.until(condition)


def rows(driver: webdriver.Chrome, table: str) -> list[str]:
    return [row.text for row in driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")]


def shows_order(driver: webdriver.Chrome, order_id: str) -> bool:
    selector = f'#orders tr[data-order-id="{order_id}"]'
    return bool(driver.find_elements(By.CSS_SELECTOR, selector))


def lists_fault(driver: webdriver.Chrome, text: str) -> bool:
    return any(text in row for row in rows(driver, "faults"))


def wallets(driver: webdriver.Chrome, account: str) -> list[str]:
    """The account's USDⓈ-M and COIN-M balances as its row shows them."""
    cells = driver.find_elements(By.CSS_SELECTOR, f'#accounts tr[data-account="{account}"] td')
    return [cell.text for cell in cells[2:4]]


def paused(driver: webdriver.Chrome) -> bool:
    return driver.find_element(By.ID, "clock-state").get_attribute("data-paused") == "true"


def exchange_ms(driver: webdriver.Chrome) -> int:
    return int(driver.find_element(By.ID, "clock-time").get_attribute("data-ms") or 0)


def test_the_dashboard_follows_the_exchange_and_drives_the_clock(
    server: SandboxServer, browser: webdriver.Chrome
) -> None:
    trader = Trader(server)
    resting = trader.ok(
        "POST", "/fapi/v1/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
        timeInForce="GTC", quantity="0.002", price="50000",
    )  # fmt: skip
    browser.get(f"{server.url}/dashboard#token={server.token}")
    until(browser, lambda d: any(r.startswith("1 demo") for r in rows(d, "accounts")))
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#accounts th")]
    assert headers[2:4] == ["USDⓈ-M wallet", "COIN-M wallet"]
    until(browser, lambda d: wallets(d, "demo") == [
        "USDT 10000.00000000", "BTC 1.00000000, ETH 10.00000000",
    ])  # fmt: skip
    until(browser, lambda d: any("50000" in r for r in rows(d, "book")))
    until(browser, lambda d: int(d.find_element(By.ID, "candles").get_attribute("data-count")) > 0)
    assert "token=" not in browser.current_url  # the fragment is dropped once read
    order_id = str(resting["orderId"])
    until(
        browser,
        lambda d: d.find_elements(By.CSS_SELECTOR, f'#orders tr[data-order-id="{order_id}"]'),
    )
    screenshot(browser, "dashboard-loaded")

    before = exchange_ms(browser)
    browser.find_element(By.ID, "pause").click()
    until(
        browser,
        lambda d: d.find_element(By.ID, "clock-state").get_attribute("data-paused") == "true",
    )
    assert server.call("GET", "/clock")["paused"] is True
    browser.find_element(By.ID, "advance-1h").click()
    until(browser, lambda d: exchange_ms(d) >= before + HOUR_MS)
    assert server.call("GET", "/clock")["time"] >= before + HOUR_MS
    screenshot(browser, "dashboard-advanced")

    trader.ok("DELETE", "/fapi/v1/order", symbol="BTCUSDT", orderId=order_id)
    until(
        browser,
        lambda d: not d.find_elements(By.CSS_SELECTOR, f'#orders tr[data-order-id="{order_id}"]'),
    )
    until(
        browser, lambda d: any("/fapi/v1/order" in r and "DELETE" in r for r in rows(d, "requests"))
    )
    screenshot(browser, "dashboard-cancelled")


def test_without_the_token_it_shows_nothing_but_the_form(
    server: SandboxServer, browser: webdriver.Chrome
) -> None:
    browser.get(f"{server.url}/dashboard#token=wrong")
    until(browser, lambda d: d.find_element(By.ID, "login").is_displayed())
    assert "refused" in browser.find_element(By.ID, "login-error").text
    assert not browser.find_element(By.ID, "app").is_displayed()
    browser.find_element(By.ID, "token-input").send_keys(server.token)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    until(browser, lambda d: any(r.startswith("1 demo") for r in rows(d, "accounts")))
    screenshot(browser, "dashboard-login")


def test_fault_switches_add_and_clear_rules(
    server: SandboxServer, browser: webdriver.Chrome
) -> None:
    browser.get(f"{server.url}/dashboard#token={server.token}")
    until(browser, lambda d: any(r.startswith("1 demo") for r in rows(d, "accounts")))
    Select(browser.find_element(By.ID, "fault-kind")).select_by_value("unavailable")
    browser.find_element(By.ID, "fault-endpoint").send_keys("/fapi/v1/ping")
    browser.find_element(By.CSS_SELECTOR, "#fault-form button").click()
    until(browser, lambda d: lists_fault(d, "unavailable /fapi/v1/ping 1 0 true"))
    assert httpx.get(server.url + "/fapi/v1/ping").status_code == 503
    until(browser, lambda d: lists_fault(d, "unavailable /fapi/v1/ping 1 1 false"))
    screenshot(browser, "dashboard-fault")
    browser.find_element(By.ID, "clear-faults").click()
    until(browser, lambda d: rows(d, "faults") == [])
    assert server.call("GET", "/faults") == {"rules": []}
