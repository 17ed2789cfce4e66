"""binance-futures-connector (UMFutures) margin over real sockets: change leverage and margin
type, open an isolated 10x long, read positions (V3), account (V3) and balances (V3) with the
formulas' numbers, -2019 when over-committed, isolated margin added and taken back. Numbers:
margin_support.py."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from binance.error import ClientError
from binance.um_futures import UMFutures

from tests.clients import margin_support as ms
from tests.clients.conftest import Sandbox
from tests.support.signing import Credentials, signed_request


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from ms.still_sandbox(tmp_path_factory)


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> UMFutures:
    return UMFutures(key=sandbox.api_key, secret=sandbox.secret, base_url=sandbox.url)


@pytest.fixture(scope="module")
def position(sandbox: Sandbox, client: UMFutures) -> dict[str, Any]:
    return ms.open_long(
        sandbox,
        lambda: (
            client.change_leverage(ms.SYMBOL, ms.LEVERAGE),
            client.change_margin_type(ms.SYMBOL, "ISOLATED"),
        ),
        lambda: client.new_order(ms.SYMBOL, "BUY", "MARKET", quantity=ms.QTY),
    )


def test_settings(position: dict[str, Any], client: UMFutures) -> None:
    ms.check_settings(position["leverage"], position["mode"])
    with pytest.raises(ClientError) as raised:
        client.change_margin_type(ms.SYMBOL, "ISOLATED")
    assert (raised.value.error_code, raised.value.error_message) == ms.NO_CHANGE
    everything = client.leverage_brackets()
    assert {entry["symbol"] for entry in everything} >= {"BTCUSDT", "ETHUSDT"}


def test_positions_account_and_balance(position: dict[str, Any], client: UMFutures) -> None:
    (row,) = client.get_position_risk(symbol=ms.SYMBOL)
    ms.check_position_v3(row)
    ms.check_account(client.account())
    ms.check_balance(client.balance())


def test_over_committed_order_is_2019(position: dict[str, Any], client: UMFutures) -> None:
    with pytest.raises(ClientError) as raised:
        client.new_order(ms.SYMBOL, "BUY", "LIMIT", timeInForce="GTC", quantity=ms.TOO_BIG,
                         price=ms.PRICE)  # fmt: skip
    assert (raised.value.error_code, raised.value.error_message) == ms.MARGIN_INSUFFICIENT


def test_isolated_margin_added_and_taken_back(position: dict[str, Any], client: UMFutures) -> None:
    added = client.modify_isolated_position_margin(ms.SYMBOL, str(ms.ADDED), 1)
    assert (added["type"], Decimal(str(added["amount"]))) == (1, ms.ADDED)
    client.modify_isolated_position_margin(ms.SYMBOL, str(ms.REDUCED), 2)
    with pytest.raises(ClientError) as raised:
        client.modify_isolated_position_margin(ms.SYMBOL, ms.TOO_MUCH, 2)
    assert (raised.value.error_code, raised.value.error_message) == ms.ISOLATED_INSUFFICIENT
    ms.check_margin_history(client.get_position_margin_history(ms.SYMBOL))


def test_account_switches_and_status(sandbox: Sandbox, client: UMFutures) -> None:
    """feeBurn (journaled), multi-assets mode (single-asset only), order rate limits (the
    config's), quantitative-rules indicators (none)."""
    credentials = Credentials(sandbox.api_key, sandbox.secret)

    def call(method: str, path: str, **params: Any) -> Any:
        response = signed_request(sandbox.url, credentials, method, path, **params)
        assert response.status_code == 200, response.text
        return response.json()

    assert call("GET", "/fapi/v1/feeBurn") == {"feeBurn": False}
    assert call("POST", "/fapi/v1/feeBurn", feeBurn="true") == {"code": 200, "msg": "success"}
    assert call("GET", "/fapi/v1/feeBurn") == {"feeBurn": True}
    assert call("GET", "/fapi/v1/multiAssetsMargin") == {"multiAssetsMargin": False}
    limits = call("GET", "/fapi/v1/rateLimit/order")
    assert [(r["interval"], r["intervalNum"], r["limit"]) for r in limits] == [
        ("SECOND", 10, 300), ("MINUTE", 1, 1200),
    ]  # fmt: skip
    assert call("GET", "/fapi/v1/apiTradingStatus")["indicators"] == {}
