"""What the real-client margin tests share: one isolated, leveraged long and the numbers the
margin model (FORMULAS.md §3-§4) gives for it, checked on Binance's raw JSON answers.

The demo account (10,000 USDT) sets BTCUSDT to 10x ISOLATED and buys 0.1 BTC at 77,000 from
the maker's resting SELL (taker fee 3.85); the mark then moves to 78,000:
- isolated wallet 7,700 / 10 = 770; unrealized PnL 0.1 x 1,000 = 100; isolated margin 870;
- notional 7,800, position IM 780, maintenance 7,800 x 0.4 % = 31.2 (bracket 1, cum 0);
- liquidation (isolated long): (770 - 0.1 x 77,000) / (0.1 x 0.004 - 0.1) = 69,578.31325301;
- wallet 9,996.15, cross wallet 9,996.15 - 770 = 9,226.15 = available = max withdraw;
- a BUY of 12 at 77,000 needs 92,400 of margin: -2019;
- adding 100 to the isolated wallet makes it 870; at most 870 - 780 (the IM at the mark) = 90
  can then be taken back (-4051 beyond), which leaves 780. The modules run this last.
"""

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests.clients import trading_support as ts
from tests.clients.conftest import Sandbox
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

SYMBOL = ts.SYMBOL
LEVERAGE = 10
MAX_NOTIONAL = "230000000"  # bracket 7's cap: the last with initialLeverage >= 10
QTY = "0.100"
PRICE = "77000.00"
MARK = "78000"
ISOLATED_WALLET = Decimal("770")
UPNL = Decimal("100")
LIQUIDATION = Decimal("69578.31325301")
NOTIONAL = Decimal("7800")
POSITION_IM = Decimal("780")
MAINT = Decimal("31.2")
WALLET = Decimal("9996.15")
CROSS_WALLET = WALLET - ISOLATED_WALLET
TOO_BIG = "12"  # at PRICE, 10x: 92,400 of margin
MARGIN_INSUFFICIENT = (-2019, "Margin is insufficient.")
NO_CHANGE = (-4046, "No need to change margin type.")
ADDED = Decimal("100")
REDUCED = Decimal("90")
TOO_MUCH = "0.01"  # after REDUCED: -4051
ISOLATED_INSUFFICIENT = (-4051, "Isolated balance insufficient.")


# A manual clock stands still unless advanced, so no price tick moves the pinned mark while
# the figures are read.
STILL_MARKET = '[clock]\nmode = "manual"\n'


def still_sandbox(factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """The clients' `sandbox` with prices that move only when a test sets them."""
    server = SandboxServer(factory.mktemp("margin") / "data", STILL_MARKET).start()
    key = server.call("POST", "/accounts/demo/keys", {"type": "hmac", "label": "margin-test"})
    yield Sandbox(server.url, key["apiKey"], key["secretKey"], server)
    server.stop()


def move_mark(server: SandboxServer) -> None:
    ts.pin_price(server, SYMBOL, MARK)


def open_long(
    sandbox: Sandbox, settings: Callable[[], tuple[Any, Any]], buy: Callable[[], object]
) -> dict[str, Any]:
    """The position the modules read. The client under test sets 10x ISOLATED (`settings`:
    the Change Initial Leverage and Change Margin Type answers, returned as "leverage" and
    "mode"), then buys QTY with a MARKET order (`buy`) from the maker's resting SELL at PRICE
    (plain signed HTTP: setup); the mark then moves to MARK."""
    maker = Credentials.from_admin(ts.maker_key(sandbox.server))
    leverage, mode = settings()
    ts.pin_price(sandbox.server)
    rested = signed_request(sandbox.url, maker, "POST", "/fapi/v1/order", symbol=SYMBOL,
                            side="SELL", type="LIMIT", timeInForce="GTC", quantity=QTY,
                            price=PRICE)  # fmt: skip
    assert rested.status_code == 200, rested.text
    buy()
    move_mark(sandbox.server)
    return {"leverage": leverage, "mode": mode}


def check_settings(leverage: dict[str, Any], mode: dict[str, Any]) -> None:
    """The answers of Change Initial Leverage (10x) and Change Margin Type (ISOLATED)."""
    assert leverage == {"leverage": LEVERAGE, "maxNotionalValue": MAX_NOTIONAL, "symbol": SYMBOL}
    assert mode == {"code": 200, "msg": "success"}


def check_position_v2(row: dict[str, Any]) -> None:
    assert (row["symbol"], row["positionSide"], row["positionAmt"]) == (SYMBOL, "BOTH", QTY)
    assert (row["leverage"], row["maxNotionalValue"]) == (str(LEVERAGE), MAX_NOTIONAL)
    assert (row["marginType"], row["isolated"]) == ("isolated", True)
    assert Decimal(row["isolatedWallet"]) == ISOLATED_WALLET
    assert Decimal(row["isolatedMargin"]) == ISOLATED_WALLET + UPNL
    assert Decimal(row["unRealizedProfit"]) == UPNL
    assert Decimal(row["liquidationPrice"]) == LIQUIDATION
    assert Decimal(row["notional"]) == NOTIONAL
    assert Decimal(row["markPrice"]) == Decimal(MARK)


def check_position_v3(row: dict[str, Any]) -> None:
    assert (row["symbol"], row["positionSide"], row["positionAmt"]) == (SYMBOL, "BOTH", QTY)
    assert Decimal(row["isolatedWallet"]) == ISOLATED_WALLET
    assert Decimal(row["isolatedMargin"]) == ISOLATED_WALLET + UPNL
    assert Decimal(row["liquidationPrice"]) == LIQUIDATION
    assert Decimal(row["positionInitialMargin"]) == POSITION_IM
    assert Decimal(row["initialMargin"]) == POSITION_IM
    assert Decimal(row["maintMargin"]) == MAINT
    assert Decimal(row["openOrderInitialMargin"]) == 0


def check_account(answer: dict[str, Any]) -> None:
    """Account Information V2 / V3: the totals are the USDT asset's."""
    assert Decimal(answer["totalWalletBalance"]) == WALLET
    assert Decimal(answer["totalCrossWalletBalance"]) == CROSS_WALLET
    assert Decimal(answer["totalUnrealizedProfit"]) == UPNL
    assert Decimal(answer["totalCrossUnPnl"]) == 0
    assert Decimal(answer["totalMarginBalance"]) == WALLET + UPNL
    assert Decimal(answer["totalPositionInitialMargin"]) == POSITION_IM
    assert Decimal(answer["totalMaintMargin"]) == MAINT
    assert Decimal(answer["availableBalance"]) == CROSS_WALLET
    assert Decimal(answer["maxWithdrawAmount"]) == CROSS_WALLET
    (position,) = [p for p in answer["positions"] if p["symbol"] == SYMBOL]
    assert position["positionAmt"] == QTY
    assert Decimal(position["unrealizedProfit"]) == UPNL


def check_balance(rows: list[dict[str, Any]]) -> None:
    (usdt,) = [r for r in rows if r["asset"] == "USDT"]
    assert Decimal(usdt["balance"]) == WALLET
    assert Decimal(usdt["crossWalletBalance"]) == CROSS_WALLET
    assert Decimal(usdt["availableBalance"]) == CROSS_WALLET
    assert Decimal(usdt["maxWithdrawAmount"]) == CROSS_WALLET
    assert Decimal(usdt["crossUnPnl"]) == 0


def check_margin_history(rows: list[dict[str, Any]]) -> None:
    """One add of ADDED and one reduce of REDUCED, oldest first."""
    assert [(r["type"], Decimal(r["amount"]), r["asset"]) for r in rows] == [
        (1, ADDED, "USDT"),
        (2, REDUCED, "USDT"),
    ]
    assert all(r["deltaType"] == "USER_ADJUST" and r["positionSide"] == "BOTH" for r in rows)
