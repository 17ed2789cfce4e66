"""ccxt (binanceusdm) margin over real sockets: set_leverage, set_margin_mode,
fetch_leverage_tiers, fetch_positions, fetch_balance, add_margin / reduce_margin, and -2019.
The numbers and how they follow from the formulas: margin_support.py."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import ccxt
import pytest

from tests.clients import margin_support as ms
from tests.clients.conftest import Sandbox
from tests.clients.test_trading_ccxt import MARKET, binance_error, pointed


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from ms.still_sandbox(tmp_path_factory)


@pytest.fixture(scope="module")
def exchange(sandbox: Sandbox) -> ccxt.binanceusdm:
    return pointed(sandbox.url, sandbox.api_key, sandbox.secret)


@pytest.fixture(scope="module")
def position(sandbox: Sandbox, exchange: ccxt.binanceusdm) -> dict[str, Any]:
    return ms.open_long(
        sandbox,
        lambda: (
            exchange.set_leverage(ms.LEVERAGE, MARKET),
            exchange.set_margin_mode("isolated", MARKET),
        ),
        lambda: exchange.create_order(MARKET, "market", "buy", float(ms.QTY)),
    )


def test_set_leverage_and_margin_mode(position: dict[str, Any], exchange: ccxt.binanceusdm) -> None:
    ms.check_settings(position["leverage"], position["mode"])
    with pytest.raises(ccxt.BaseError) as raised:
        exchange.fapiPrivatePostMarginType({"symbol": ms.SYMBOL, "marginType": "ISOLATED"})
    assert binance_error(raised.value) == ms.NO_CHANGE


def test_fetch_leverage_tiers(exchange: ccxt.binanceusdm) -> None:
    tiers = exchange.fetch_leverage_tiers([MARKET])[MARKET]
    assert [t["maxLeverage"] for t in tiers[:3]] == [150, 100, 75]
    assert (tiers[0]["minNotional"], tiers[0]["maxNotional"]) == (0, 300_000)
    assert tiers[2]["maintenanceMarginRate"] == 0.0065
    assert tiers[2]["info"]["cum"] == 1500  # a JSON number, derived by the cum rule


def test_fetch_positions(position: dict[str, Any], exchange: ccxt.binanceusdm) -> None:
    (found,) = exchange.fetch_positions([MARKET])
    assert (found["side"], found["contracts"], found["marginMode"]) == ("long", 0.1, "isolated")
    assert Decimal(str(found["initialMargin"])) == ms.POSITION_IM  # v3 has no leverage field
    assert Decimal(str(found["liquidationPrice"])) == ms.LIQUIDATION
    assert Decimal(str(found["unrealizedPnl"])) == ms.UPNL
    ms.check_position_v3(found["info"])
    (v2,) = exchange.fapiPrivateV2GetPositionRisk({"symbol": ms.SYMBOL})
    ms.check_position_v2(v2)


def test_fetch_balance_and_account(position: dict[str, Any], exchange: ccxt.binanceusdm) -> None:
    balance = exchange.fetch_balance()
    assert Decimal(str(balance["USDT"]["free"])) == ms.CROSS_WALLET
    ms.check_account(exchange.fapiPrivateV3GetAccount())
    ms.check_account(exchange.fapiPrivateV2GetAccount())
    ms.check_balance(exchange.fapiPrivateV2GetBalance())


def test_over_committed_order_is_2019(position: dict[str, Any], exchange: ccxt.binanceusdm) -> None:
    with pytest.raises(ccxt.ExchangeError) as raised:
        exchange.create_order(MARKET, "limit", "buy", float(ms.TOO_BIG), float(ms.PRICE))
    assert binance_error(raised.value) == ms.MARGIN_INSUFFICIENT


def test_add_and_reduce_margin(position: dict[str, Any], exchange: ccxt.binanceusdm) -> None:
    added = exchange.add_margin(MARKET, float(ms.ADDED))
    assert (added["type"], added["amount"]) == ("add", float(ms.ADDED))
    (row,) = exchange.fapiPrivateV2GetPositionRisk({"symbol": ms.SYMBOL})
    assert Decimal(row["isolatedWallet"]) == ms.ISOLATED_WALLET + ms.ADDED
    reduced = exchange.reduce_margin(MARKET, float(ms.REDUCED))
    assert (reduced["type"], reduced["amount"]) == ("reduce", float(ms.REDUCED))
    with pytest.raises(ccxt.ExchangeError) as raised:
        exchange.reduce_margin(MARKET, float(ms.TOO_MUCH))
    assert binance_error(raised.value) == ms.ISOLATED_INSUFFICIENT
    ms.check_margin_history(exchange.fapiPrivateGetPositionMarginHistory({"symbol": ms.SYMBOL}))


def test_position_risk_v2_lists_every_symbol(sandbox: Sandbox, exchange: ccxt.binanceusdm) -> None:
    """V2 answers a row per symbol, flat ones included (V3 lists only what is held); in hedge
    mode both LONG and SHORT."""
    symbols = sorted(m["id"] for m in exchange.load_markets().values() if m["linear"])
    rows = exchange.fapiPrivateV2GetPositionRisk()
    assert sorted(r["symbol"] for r in rows) == symbols
    assert {r["positionSide"] for r in rows} == {"BOTH"}
    assert [r["symbol"] for r in exchange.fapiPrivateV3GetPositionRisk()] == [ms.SYMBOL]
    sandbox.server.call("POST", "/accounts", {"name": "hedger"})
    key = sandbox.server.call("POST", "/accounts/hedger/keys", {"type": "hmac"})
    hedger = pointed(sandbox.url, key["apiKey"], key["secretKey"])
    hedger.set_position_mode(True)
    rows = hedger.fapiPrivateV2GetPositionRisk()
    assert sorted((r["symbol"], r["positionSide"]) for r in rows) == sorted(
        (s, side) for s in symbols for side in ("LONG", "SHORT")
    )
    assert {(r["positionAmt"], r["leverage"], r["marginType"]) for r in rows if
            r["symbol"] == ms.SYMBOL} == {("0.000", "20", "cross")}  # fmt: skip
