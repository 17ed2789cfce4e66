"""What the real-client conditional-order tests share: a sandbox on the manual clock with a
fixed BTCUSDT index, so the mark moves only along the scripted path (`move`); the maker that
rests the other side (raw signed requests: setup, not the client under test); and the path.

The mark follows the index here (median of the funding price, index + basis and the last
trade, with a one-sided book): the path's steps stay clear of the triggers by more than the
funding term (< 0.01 %).

Scenario 1, a stop-loss and a take-profit attached to a long of 0.010 opened at 77000: the
stop (SELL STOP_MARKET at 76000) fires when the mark falls to 75900 and sells to the maker's
bid at 75500; the take-profit (78000) stays NEW and is canceled.
Scenario 2, a long of 0.020: a trailing stop for 0.010 (SELL, activation 78000, 1 %) and a
close-position stop at 74000. The mark goes 78000 (activation), 79000 (the high), 78200 (1 %
back: fires, sells to the bid at 76500), 73900 (the close-position stop sells the rest at
73000).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.clients.conftest import Sandbox
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_query

SYMBOL = "BTCUSDT"
CONFIG = """
[clock]
mode = "manual"

[prices.pairs.BTCUSDT]
source = "fixed"
price = "77000"
"""
ENTRY = "77000"
STOP_LOSS, TAKE_PROFIT = "76000", "78000"
STOP_BID = "75500"
TRAIL_ACTIVATION, TRAIL_CALLBACK = "78000", "1"
TRAIL_BID, CLOSE_STOP, CLOSE_BID = "76500", "74000", "73000"
QTY = "0.010"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """Replaces the clients' per-module sandbox: the same, on the manual clock."""
    root: Path = tmp_path_factory.mktemp("algo")
    server = SandboxServer(root / "data", CONFIG).start()
    key = server.call("POST", "/accounts/demo/keys", {"type": "hmac", "label": "algo-test"})
    yield Sandbox(server.url, key["apiKey"], key["secretKey"], server)
    server.stop()


class Desk:
    """The maker and the raw requests of the setup."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.server: SandboxServer = sandbox.server
        self.url = sandbox.url
        self.client = Credentials(sandbox.api_key, sandbox.secret)
        self.server.call("POST", "/accounts", {"name": "maker"})
        self.server.call("POST", "/accounts/maker/deposits", {"asset": "USDT", "amount": "100000"})
        self.maker = Credentials.from_admin(
            self.server.call("POST", "/accounts/maker/keys", {"type": "hmac"})
        )

    def move(self, price: str) -> None:
        """One step of the path: the index (and with it the mark) is set, a second later."""
        self.server.call("POST", "/clock/advance", {"by": "1s"})
        self.server.call("PUT", f"/prices/{SYMBOL}", {"price": price})

    def signed(self, who: Credentials, method: str, path: str, **params: Any) -> Any:
        response = httpx.request(
            method, f"{self.url}{path}?{signed_query(who, params)}", headers=who.headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    def rest(self, side: str, price: str, qty: str = QTY) -> None:
        self.signed(
            self.maker,
            "POST",
            "/fapi/v1/order",
            symbol=SYMBOL,
            side=side,
            type="LIMIT",
            timeInForce="GTC",
            quantity=qty,
            price=price,
        )

    def open_long(self, qty: str) -> None:
        """The client buys `qty` from the maker at ENTRY."""
        self.move(ENTRY)
        self.rest("SELL", ENTRY, qty)
        self.signed(
            self.client,
            "POST",
            "/fapi/v1/order",
            symbol=SYMBOL,
            side="BUY",
            type="MARKET",
            quantity=qty,
        )
        assert position_amount(self.signed(self.client, "GET", "/fapi/v3/positionRisk")) == Decimal(
            qty
        )


def position_amount(rows: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(r["positionAmt"]) for r in rows if r["symbol"] == SYMBOL), Decimal(0))


def check_finished(algo: dict[str, Any], trades: list[dict[str, Any]], qty: str = QTY) -> None:
    """A conditional order that fired: FINISHED, its actual order's trade in userTrades."""
    assert algo["algoStatus"] == "FINISHED"
    assert algo["actualOrderId"]
    mine = [t for t in trades if t["orderId"] == int(algo["actualOrderId"])]
    assert [(t["side"], t["qty"]) for t in mine] == [("SELL", qty)]
    assert algo["triggerTime"] > 0


@dataclass(frozen=True)
class AlgoCalls:
    """The client under test's calls, each answering Binance's JSON: `place` a SELL conditional
    order on the MARK_PRICE (the rest of Binance's parameters as keywords), `query` one by its
    algoId; the client's open algo orders, trades and positions on SYMBOL."""

    place: Callable[..., dict[str, Any]]
    query: Callable[[int], dict[str, Any]]
    open_orders: Callable[[], list[dict[str, Any]]]
    trades: Callable[[], list[dict[str, Any]]]
    positions: Callable[[], list[dict[str, Any]]]


def walk_until_fired(
    desk: Desk, calls: AlgoCalls, algo_id: int, path: tuple[str, ...]
) -> dict[str, Any]:
    """Moves the mark along `path`: the order is NEW after each step but the last, which fires
    it (`check_finished`). Its record."""
    *before, last = path
    for price in before:
        desk.move(price)
        assert calls.query(algo_id)["algoStatus"] == "NEW"
    desk.move(last)
    record = calls.query(algo_id)
    check_finished(record, calls.trades())
    return record


def stop_loss_fires(desk: Desk, calls: AlgoCalls) -> tuple[dict[str, Any], dict[str, Any]]:
    """Scenario 1 up to the stop's fill: both orders open, the stop NEW at 76500 and FINISHED
    at 75900 with its trade, the position flat. The fired stop's record and the take-profit as
    placed (still NEW), for the client's own checks."""
    desk.open_long(QTY)
    stop = calls.place(type="STOP_MARKET", triggerPrice=STOP_LOSS, quantity=QTY, reduceOnly="true")
    take = calls.place(
        type="TAKE_PROFIT_MARKET", triggerPrice=TAKE_PROFIT, quantity=QTY, reduceOnly="true"
    )
    assert {o["algoId"] for o in calls.open_orders()} == {stop["algoId"], take["algoId"]}
    desk.rest("BUY", STOP_BID)
    fired = walk_until_fired(desk, calls, stop["algoId"], ("76500", "75900"))
    assert position_amount(calls.positions()) == 0
    return fired, take


def trailing_and_close_position_fire(
    desk: Desk, calls: AlgoCalls
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Scenario 2: the trailing stop FINISHED at 78200 (the close-position stop still NEW),
    then the close-position stop FINISHED at 73900, each with its trade; the position flat.
    The two fired records, for the client's own checks."""
    desk.open_long("0.020")
    trailing = calls.place(
        type="TRAILING_STOP_MARKET",
        quantity=QTY,
        activatePrice=TRAIL_ACTIVATION,
        callbackRate=TRAIL_CALLBACK,
    )
    closing = calls.place(type="STOP_MARKET", triggerPrice=CLOSE_STOP, closePosition="true")
    desk.rest("BUY", TRAIL_BID)
    desk.rest("BUY", CLOSE_BID)
    fired_trailing = walk_until_fired(desk, calls, trailing["algoId"], ("78000", "79000", "78200"))
    assert calls.query(closing["algoId"])["algoStatus"] == "NEW"
    fired_closing = walk_until_fired(desk, calls, closing["algoId"], ("73900",))
    assert position_amount(calls.positions()) == 0
    return fired_trailing, fired_closing
