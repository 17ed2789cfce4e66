"""What the user-data client tests share: one scenario of account events and Binance's fields
and JSON types for each event (samples/ws_*.json, plus `pm`, `gtd`, `er` of the 2025 docs).

The scenario (on a manual clock with a fixed index, so nothing else happens): the watched
account rests a BUY, amends it, changes its leverage; another account fills it in part, then in
full; the watched account rests a second BUY and cancels it; 500 USDT is deposited.
"""

from dataclasses import dataclass
from typing import Any

from tests.support.server import SandboxServer
from tests.support.trader import Trader

# A manual clock and a fixed BTCUSDT index: a scenario's numbers never move by themselves.
CONFIG = """
[clock]
mode = "manual"
start = "2026-03-01T00:00:00Z"

[prices.pairs.BTCUSDT]
source = "fixed"
price = "77000"
"""
SYMBOL = "BTCUSDT"
FILL_PRICE = "74600.00"
LEVERAGE = 10
DEPOSIT = "500"

# (event, execution type or ACCOUNT_UPDATE reason) in the order the watched account gets them
EXPECTED = [
    ("ORDER_TRADE_UPDATE", "NEW"),
    ("ORDER_TRADE_UPDATE", "AMENDMENT"),
    ("ACCOUNT_CONFIG_UPDATE", ""),
    ("TRADE_LITE", ""),
    ("ORDER_TRADE_UPDATE", "TRADE"),
    ("ACCOUNT_UPDATE", "ORDER"),
    ("TRADE_LITE", ""),
    ("ORDER_TRADE_UPDATE", "TRADE"),
    ("ACCOUNT_UPDATE", "ORDER"),
    ("ORDER_TRADE_UPDATE", "NEW"),
    ("ORDER_TRADE_UPDATE", "CANCELED"),
    ("ACCOUNT_UPDATE", "DEPOSIT"),
]

_S, _I, _B = str, int, bool
ORDER_FIELDS = {
    "s": _S, "c": _S, "S": _S, "o": _S, "f": _S, "q": _S, "p": _S, "ap": _S, "sp": _S, "x": _S,
    "X": _S, "i": _I, "l": _S, "z": _S, "L": _S, "T": _I, "t": _I, "b": _S, "a": _S, "m": _B,
    "R": _B, "wt": _S, "ot": _S, "ps": _S, "cp": _B, "pP": _B, "si": _I, "ss": _I, "rp": _S,
    "V": _S, "pm": _S, "gtd": _I, "er": _S,
}  # fmt: skip
COMMISSION_FIELDS = {"N": _S, "n": _S}  # with a fill only
TRADE_LITE_FIELDS = {
    "e": _S, "E": _I, "T": _I, "s": _S, "q": _S, "p": _S, "m": _B, "c": _S, "S": _S, "L": _S,
    "l": _S, "t": _I, "i": _I,
}  # fmt: skip
BALANCE_FIELDS = {"a": _S, "wb": _S, "cw": _S, "bc": _S}
POSITION_FIELDS = {
    "s": _S, "pa": _S, "ep": _S, "bep": _S, "cr": _S, "up": _S, "mt": _S, "iw": _S, "ps": _S,
}  # fmt: skip


def kind(message: dict[str, Any]) -> tuple[str, str]:
    event = message["e"]
    if event == "ORDER_TRADE_UPDATE":
        return event, message["o"]["x"]
    if event == "ACCOUNT_UPDATE":
        return event, message["a"]["m"]
    return event, ""


def _typed(row: dict[str, Any], fields: dict[str, type]) -> None:
    assert {name: type(value) for name, value in row.items()} == fields, row


def check_fields(message: dict[str, Any]) -> None:
    """Binance's fields, each of Binance's JSON type, nothing more."""
    event = message["e"]
    assert type(message["E"]) is int
    if event == "ORDER_TRADE_UPDATE":
        assert set(message) == {"e", "E", "T", "o"}
        order = message["o"]
        with_fill = ORDER_FIELDS | COMMISSION_FIELDS if order["x"] == "TRADE" else ORDER_FIELDS
        _typed(order, with_fill)
    elif event == "TRADE_LITE":
        _typed(message, TRADE_LITE_FIELDS)
    elif event == "ACCOUNT_UPDATE":
        assert set(message) == {"e", "E", "T", "a"}
        assert set(message["a"]) == {"m", "B", "P"}
        for row in message["a"]["B"]:
            _typed(row, BALANCE_FIELDS)
        for row in message["a"]["P"]:
            _typed(row, POSITION_FIELDS)
    else:
        assert message == {"e": "ACCOUNT_CONFIG_UPDATE", "E": message["E"], "T": message["T"],
                           "ac": {"s": SYMBOL, "l": LEVERAGE}}  # fmt: skip


@dataclass
class Outcome:
    filled_id: int  # the order filled in two parts
    canceled_id: int
    wallet: str  # the watched account's USDT wallet balance at the end (REST)


def run_scenario(server: SandboxServer, user: Trader, maker: Trader) -> Outcome:
    placed = _ok(user.limit("BUY", "74690.00", "0.020"))
    order_id = placed["orderId"]
    user.ok("PUT", "/fapi/v1/order", symbol=SYMBOL, orderId=order_id, side="BUY",
            quantity="0.030", price=FILL_PRICE)  # fmt: skip
    user.ok("POST", "/fapi/v1/leverage", symbol=SYMBOL, leverage=LEVERAGE)
    _ok(maker.limit("SELL", FILL_PRICE, "0.010"))
    _ok(maker.limit("SELL", FILL_PRICE, "0.020"))
    second = _ok(user.limit("BUY", "74000.00", "0.010"))
    user.ok("DELETE", "/fapi/v1/order", symbol=SYMBOL, orderId=second["orderId"])
    server.call("POST", f"/accounts/{user.name}/deposits", {"asset": "USDT", "amount": DEPOSIT})
    balances = user.ok("GET", "/fapi/v2/balance")
    wallet = next(row["balance"] for row in balances if row["asset"] == "USDT")
    return Outcome(order_id, second["orderId"], wallet)


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def check_scenario(messages: list[dict[str, Any]], outcome: Outcome) -> None:
    """The watched account's messages: the expected events in order, Binance's fields and
    types, and the figures of the scenario."""
    assert [kind(message) for message in messages] == EXPECTED
    for message in messages:
        check_fields(message)
    new, amended, _config, _lite, partial, _account, lite, full = messages[:8]
    assert new["o"]["i"] == amended["o"]["i"] == partial["o"]["i"] == outcome.filled_id
    assert (amended["o"]["p"], amended["o"]["q"], amended["o"]["X"]) == (FILL_PRICE, "0.030", "NEW")
    assert (partial["o"]["X"], partial["o"]["l"], partial["o"]["z"]) == (
        "PARTIALLY_FILLED",
        "0.010",
        "0.010",
    )
    assert partial["o"]["m"] is True  # the resting order is the maker
    assert (full["o"]["X"], full["o"]["z"], full["o"]["ap"]) == ("FILLED", "0.030", "74600.00000")
    assert lite["t"] == full["o"]["t"]
    assert messages[10]["o"]["i"] == outcome.canceled_id
    filled_account = messages[8]["a"]
    assert filled_account["P"] == [
        {"s": SYMBOL, "pa": "0.030", "ep": "74600.0", "bep": filled_account["P"][0]["bep"],
         "cr": "0", "up": filled_account["P"][0]["up"], "mt": "cross", "iw": "0.00000000",
         "ps": "BOTH"}
    ]  # fmt: skip
    deposit = messages[11]["a"]
    assert deposit["P"] == []
    assert deposit["B"] == [
        {"a": "USDT", "wb": outcome.wallet, "cw": outcome.wallet, "bc": DEPOSIT}
    ]
