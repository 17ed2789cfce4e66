"""python-binance margin over real sockets: change leverage and margin type, open an isolated
10x long, read positions (V3), account (V2) and balances (V3) with the formulas' numbers,
-2019 when over-committed, isolated margin added and taken back. Numbers: margin_support.py."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from binance.client import Client
from binance.exceptions import BinanceAPIException

from tests.clients import margin_support as ms
from tests.clients.conftest import Sandbox
from tests.clients.test_trading_python_binance import pointed


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from ms.still_sandbox(tmp_path_factory)


@pytest.fixture(scope="module")
def client(sandbox: Sandbox) -> Client:
    return pointed(sandbox.url, sandbox.api_key, sandbox.secret)


@pytest.fixture(scope="module")
def position(sandbox: Sandbox, client: Client) -> dict[str, Any]:
    return ms.open_long(
        sandbox,
        lambda: (
            client.futures_change_leverage(symbol=ms.SYMBOL, leverage=ms.LEVERAGE),
            client.futures_change_margin_type(symbol=ms.SYMBOL, marginType="ISOLATED"),
        ),
        lambda: client.futures_create_order(
            symbol=ms.SYMBOL, side="BUY", type="MARKET", quantity=ms.QTY
        ),
    )


def test_settings(position: dict[str, Any], client: Client) -> None:
    ms.check_settings(position["leverage"], position["mode"])
    (config,) = client.futures_symbol_config(symbol=ms.SYMBOL)
    assert (config["marginType"], config["leverage"]) == ("ISOLATED", ms.LEVERAGE)
    brackets = client.futures_leverage_bracket(symbol=ms.SYMBOL)
    assert brackets["brackets"][0]["initialLeverage"] == 150
    # Binance prints notionalCoef "only when user's symbol bracket is adjusted"; no sandbox
    # account's is, so it is absent (Notional-and-Leverage-Brackets.md)
    assert list(brackets) == ["symbol", "brackets"]


def test_positions_account_and_balance(position: dict[str, Any], client: Client) -> None:
    (row,) = client.futures_position_information(symbol=ms.SYMBOL)
    ms.check_position_v3(row)
    ms.check_account(client.futures_account())
    ms.check_balance(client.futures_account_balance())


def test_income_history(position: dict[str, Any], client: Client) -> None:
    """The seeded deposit as TRANSFER; the opening fill's taker fee as COMMISSION."""
    rows = client.futures_income_history()
    assert [(r["incomeType"], r["symbol"], Decimal(r["income"])) for r in rows] == [
        ("TRANSFER", "", Decimal(10_000)),
        ("COMMISSION", ms.SYMBOL, ms.WALLET - 10_000),
    ]
    assert client.futures_income_history(incomeType="REALIZED_PNL") == []


def test_over_committed_order_is_2019(position: dict[str, Any], client: Client) -> None:
    with pytest.raises(BinanceAPIException) as raised:
        client.futures_create_order(
            symbol=ms.SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC",
            quantity=ms.TOO_BIG, price=ms.PRICE,
        )  # fmt: skip
    assert (raised.value.code, raised.value.message) == ms.MARGIN_INSUFFICIENT


def test_isolated_margin_added_and_taken_back(position: dict[str, Any], client: Client) -> None:
    added = client.futures_change_position_margin(symbol=ms.SYMBOL, amount=str(ms.ADDED), type=1)
    assert (added["code"], Decimal(str(added["amount"]))) == (200, ms.ADDED)
    client.futures_change_position_margin(symbol=ms.SYMBOL, amount=str(ms.REDUCED), type=2)
    with pytest.raises(BinanceAPIException) as raised:
        client.futures_change_position_margin(symbol=ms.SYMBOL, amount=ms.TOO_MUCH, type=2)
    assert (raised.value.code, raised.value.message) == ms.ISOLATED_INSUFFICIENT
    ms.check_margin_history(client.futures_position_margin_history(symbol=ms.SYMBOL))
