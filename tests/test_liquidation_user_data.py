"""What a liquidation pushes on the user-data stream (the event -> message table, core alone):
MARGIN_CALL past 80 %, ORDER_TRADE_UPDATEs of the autoclose order (its fills execution type
CALCULATED, order type LIQUIDATION), `er` 5 for the orders it expired, ACCOUNT_UPDATE with
reason ORDER for the liquidation's fills and INSURANCE_CLEAR for the clearance fee; an ADL'd
account's `adl_autoclose` fill CALCULATED and its ACCOUNT_UPDATE ORDER; a negative balance the
fund clears an ACCOUNT_UPDATE INSURANCE_CLEAR. Scenario and numbers: tests/test_liquidation.py
(`long_at_20x`)."""

from binance_sandbox.core.commands import SetInsuranceFund, SetMarkPrice
from binance_sandbox.gateway.user_streams.account_events import user_messages
from tests.test_core_trading import BTC, USD, px, qty, usd
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
        ("CALCULATED", "PARTIALLY_FILLED", "0"),
        ("CALCULATED", "FILLED", "0"),
    ]
    assert all(o["c"].startswith("autoclose-") for o in orders[1:])
    assert [(o["o"], o["ot"], o["f"]) for o in orders[1:]] == [
        ("LIMIT", "LIMIT", "IOC"), ("LIQUIDATION", "LIQUIDATION", "IOC"),
        ("LIQUIDATION", "LIQUIDATION", "IOC"),
    ]  # fmt: skip
    assert [(o["l"], o["L"]) for o in orders[2:]] == [("0.100", "72500.00"), ("0.100", "72038.50")]
    reasons = [m["a"]["m"] for m in mine if m["e"] == "ACCOUNT_UPDATE"]
    assert reasons == ["ORDER", "INSURANCE_CLEAR"]
    (cleared,) = [m["a"] for m in mine if m["e"] == "ACCOUNT_UPDATE" and
                  m["a"]["m"] == "INSURANCE_CLEAR"]  # fmt: skip
    assert cleared == {
        "m": "INSURANCE_CLEAR",
        "B": [{"a": "USDT", "wb": "0.00000000", "cw": "0.00000000", "bc": "-42.525"}],
        "P": [],
    }


def test_an_adl_close_is_calculated_and_its_balance_change_an_order() -> None:
    """tests/test_liquidation.py's ADL: account 2's short closed by `adl_autoclose` at BP."""
    sim = long_at_20x()
    sim.cancel(3, symbol=BTC, order_id=3)
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("71000")))
    theirs = [m for a, m in user_messages(sim.state, sim.ts, events, lambda a: a == 2)]
    orders = [m["o"] for m in theirs if m["e"] == "ORDER_TRADE_UPDATE"]
    assert [(o["c"], o["x"], o["X"], o["o"]) for o in orders] == [
        ("adl_autoclose", "NEW", "NEW", "LIMIT"),
        ("adl_autoclose", "CALCULATED", "FILLED", "LIMIT"),
    ]
    assert (orders[1]["l"], orders[1]["L"], orders[1]["n"]) == ("0.200", "72038.50", "0.00000000")
    updates = [m["a"] for m in theirs if m["e"] == "ACCOUNT_UPDATE"]
    assert [u["m"] for u in updates] == ["ORDER"]
    assert [(p["s"], p["pa"]) for p in updates[0]["P"]] == [(BTC, "0.000")]
    liquidated = [m for a, m in user_messages(sim.state, sim.ts, events, lambda a: a == 1)]
    fills = [m["o"] for m in liquidated if m["e"] == "ORDER_TRADE_UPDATE" and m["o"]["l"] != "0"]
    assert [(o["x"], o["o"]) for o in fills] == [("CALCULATED", "LIQUIDATION")]


def test_a_negative_balance_cleared_by_the_fund_is_an_insurance_clear_update() -> None:
    sim = long_at_20x()
    sim.cancel(3, symbol=BTC, order_id=3)
    sim.do(SetInsuranceFund(asset="USDT", balance=100 * USD))
    sim.place(3, "BUY", qty("0.2"), px("72038.5"))
    events = sim.do(SetMarkPrice(symbol=BTC, price=usd("72300")))
    mine = [m for a, m in user_messages(sim.state, sim.ts, events, lambda a: a == 1)]
    updates = {m["a"]["m"]: m["a"] for m in mine if m["e"] == "ACCOUNT_UPDATE"}
    assert list(updates) == ["ORDER", "INSURANCE_CLEAR"]
    assert updates["INSURANCE_CLEAR"]["B"] == [
        {"a": "USDT", "wb": "0.00000000", "cw": "0.00000000", "bc": "7.20385"}
    ]
