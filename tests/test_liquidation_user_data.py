"""What a liquidation pushes on the user-data stream (the event -> message table, core alone):
MARGIN_CALL past 80 %, ORDER_TRADE_UPDATEs of the autoclose order, `er` 5 for the orders it
expired, and ACCOUNT_UPDATE with reason INSURANCE_CLEAR for the clearance fee. Scenario and
numbers: tests/test_liquidation.py (`long_at_20x`)."""

from binance_sandbox.core.commands import SetMarkPrice
from binance_sandbox.gateway.user_streams.account_events import user_messages
from tests.test_core_trading import BTC, px, qty, usd
from tests.test_liquidation import long_at_20x


def test_a_margin_call_message_as_binance_documents_it() -> None:
    sim = long_at_20x()
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("72350")))
    ((account, message),) = user_messages(sim.state, sim.ts, events, lambda a: True)
    assert account == 1
    assert message == {
        "e": "MARGIN_CALL", "E": sim.ts, "cw": "992.3",
        "p": [{"s": BTC, "ps": "BOTH", "pa": "0.200", "mt": "CROSSED", "iw": "0",
               "mp": "72350", "up": "-930", "mm": "57.88"}],
    }  # fmt: skip


def test_the_liquidation_as_the_liquidated_account_sees_it() -> None:
    sim = long_at_20x()
    sim.place(1, "SELL", qty("0.1"), px("90000"))
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("72300")))
    mine = [m for a, m in user_messages(sim.state, sim.ts, events, lambda a: a == 1)]
    orders = [m["o"] for m in mine if m["e"] == "ORDER_TRADE_UPDATE"]
    assert [(o["x"], o["X"], o["er"]) for o in orders] == [
        ("EXPIRED", "EXPIRED", "5"),
        ("NEW", "NEW", "0"),
        ("TRADE", "PARTIALLY_FILLED", "0"),
        ("TRADE", "FILLED", "0"),
    ]
    assert all(o["c"].startswith("autoclose-") for o in orders[1:])
    reasons = [m["a"]["m"] for m in mine if m["e"] == "ACCOUNT_UPDATE"]
    assert reasons == ["ORDER", "INSURANCE_CLEAR"]
    (cleared,) = [m["a"] for m in mine if m["e"] == "ACCOUNT_UPDATE" and
                  m["a"]["m"] == "INSURANCE_CLEAR"]  # fmt: skip
    assert cleared == {
        "m": "INSURANCE_CLEAR",
        "B": [{"a": "USDT", "wb": "0.00000000", "cw": "0.00000000", "bc": "-42.525"}],
        "P": [],
    }
