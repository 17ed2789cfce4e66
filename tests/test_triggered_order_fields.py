"""A triggered conditional order's ORDER_TRADE_UPDATE shows the conditional order it came from
(`ot`, `sp`, `wt`, `cp`, `pP`, and `AP` / `cr` for a trailing stop) while `o` is the type the
matching engine got; an ordinary order keeps the neutral values."""

from typing import Any

from binance_sandbox.core.commands import PlaceAlgoOrder
from binance_sandbox.gateway.user_streams.account_events import user_messages
from tests.algo_support import AlgoSim
from tests.test_core_trading import BTC, px, qty


def order_updates(sim: AlgoSim, events: list[Any]) -> list[dict[str, Any]]:
    messages = user_messages(sim.state, sim.ts, events, lambda a: a == 1)
    return [m["o"] for _, m in messages if m["e"] == "ORDER_TRADE_UPDATE"]


def test_a_triggered_stop_market_order_shows_its_conditional_fields() -> None:
    sim = AlgoSim()
    sim.rest(2, "BUY", "75000")
    events = sim.do(PlaceAlgoOrder(account_id=1, symbol=BTC, side="SELL",
                                   order_type="STOP_MARKET", quantity=qty("0.01"),
                                   trigger_price=px("76000"), working_type="MARK_PRICE",
                                   price_protect=True))  # fmt: skip
    events += sim.price("76000")
    updates = order_updates(sim, events)
    assert [u["x"] for u in updates] == ["NEW", "TRADE"]
    for update in updates:
        picked = {k: update[k] for k in ("o", "ot", "sp", "wt", "cp", "pP")}
        assert picked == {"o": "MARKET", "ot": "STOP_MARKET", "sp": "76000.00",
                          "wt": "MARK_PRICE", "cp": False, "pP": True}  # fmt: skip
        assert not {"AP", "cr"} & update.keys()


def test_a_triggered_trailing_stop_carries_activation_and_callback_rate() -> None:
    sim = AlgoSim()
    sim.rest(2, "BUY", "76000")
    sim.do(PlaceAlgoOrder(account_id=1, symbol=BTC, side="SELL",
                          order_type="TRAILING_STOP_MARKET", quantity=qty("0.01"),
                          activate_price=px("78000"), callback_rate=10,
                          working_type="MARK_PRICE"))  # fmt: skip
    events = sim.price("78000") + sim.price("79000") + sim.price("78200")
    updates = order_updates(sim, events)
    assert updates, "the trailing stop fired"
    picked = {k: updates[0][k] for k in ("o", "ot", "sp", "wt", "AP", "cr")}
    assert picked == {"o": "MARKET", "ot": "TRAILING_STOP_MARKET", "sp": "0.00",
                      "wt": "MARK_PRICE", "AP": "78000.00", "cr": "1.0"}  # fmt: skip


def test_a_close_position_stop_limit_shows_cp_and_its_limit_type() -> None:
    sim = AlgoSim()
    sim.rest(2, "SELL", "77000", "0.01")
    sim.place(1, "BUY", qty("0.01"), px("77000"))  # a long to close
    sim.do(PlaceAlgoOrder(account_id=1, symbol=BTC, side="SELL", order_type="STOP",
                          quantity=0, close_position=True, price=px("75000"),
                          trigger_price=px("76000"), working_type="CONTRACT_PRICE"))  # fmt: skip
    events = sim.print_trade("75900")
    updates = order_updates(sim, events)
    assert updates
    picked = {k: updates[0][k] for k in ("o", "ot", "sp", "wt", "cp", "R")}
    assert picked == {"o": "LIMIT", "ot": "STOP", "sp": "76000.00",
                      "wt": "CONTRACT_PRICE", "cp": True, "R": True}  # fmt: skip


def test_an_ordinary_order_keeps_the_neutral_values() -> None:
    sim = AlgoSim()
    (update,) = order_updates(sim, sim.place(1, "BUY", qty("0.01"), px("70000")))
    picked = {k: update[k] for k in ("o", "ot", "sp", "wt", "cp", "pP")}
    assert picked == {"o": "LIMIT", "ot": "LIMIT", "sp": "0", "wt": "CONTRACT_PRICE",
                      "cp": False, "pP": False}  # fmt: skip
