"""ALGO_UPDATE's data: every `AlgoUpdated` event carries what the user-data stream publishes
(API-SURFACE.md (f): caid, aid, at, o, s, S, ps, f, q, X, ai, ap, aq, act, tp, p, V, wt, pm, cp,
pP, R, tt, gtd, rm, ia), rendered by `algo_update_payload`; and the liquidation hook
(`algo_placing.expire_account`) that ends an account's conditional orders."""

from binance_sandbox.core import algo_placing
from binance_sandbox.core.commands import DeliverContracts, PlaceAlgoOrder
from binance_sandbox.core.events import AlgoUpdated
from binance_sandbox.gateway.handlers.algo_views import algo_update_payload
from tests.algo_support import AlgoSim
from tests.test_core_trading import px
from tests.test_delivery import DELIVERY, QUARTERLY

FIELDS = {
    "caid",
    "aid",
    "at",
    "o",
    "s",
    "S",
    "ps",
    "f",
    "q",
    "X",
    "ai",
    "ap",
    "aq",
    "act",
    "tp",
    "p",
    "V",
    "wt",
    "pm",
    "cp",
    "pP",
    "R",
    "tt",
    "gtd",
    "rm",
    "ia",
}


def test_each_status_change_carries_every_algo_update_field() -> None:
    sim = AlgoSim()
    sim.rest(2, "BUY", "75000")
    placed = sim.do(
        PlaceAlgoOrder(
            account_id=1,
            symbol="BTCUSDT",
            side="SELL",
            order_type="STOP_MARKET",
            quantity=10,
            trigger_price=px("76000"),
            working_type="MARK_PRICE",
            client_algo_id="sl-1",
        )
    )
    events = placed + sim.price("76000")
    updates = [e for e in events if isinstance(e, AlgoUpdated)]
    assert [u.algo.status for u in updates] == ["NEW", "TRIGGERING", "TRIGGERED", "FINISHED"]
    instrument = sim.state.instruments["BTCUSDT"]
    payloads = [algo_update_payload(instrument, u.algo) for u in updates]
    for payload in payloads:
        assert set(payload) == FIELDS
    new, finished = payloads[0], payloads[-1]
    assert (new["X"], new["ai"], new["act"], new["tt"], new["aq"]) == ("NEW", "", "0", 0, "0.000")
    assert finished | {"aid": 0} == {
        "caid": "sl-1",
        "aid": 0,
        "at": "CONDITIONAL",
        "o": "STOP_MARKET",
        "s": "BTCUSDT",
        "S": "SELL",
        "ps": "BOTH",
        "f": "GTC",
        "q": "0.010",
        "X": "FINISHED",
        "ai": finished["ai"],
        "ap": "75000.00000",
        "aq": "0.010",
        "act": "MARKET",
        "tp": "76000.00",
        "p": "0.00",
        "V": "NONE",
        "wt": "MARK_PRICE",
        "pm": "NONE",
        "cp": False,
        "pP": False,
        "R": False,
        "tt": sim.ts,
        "gtd": 0,
        "rm": "",
        "ia": False,
    }
    assert finished["ai"] == str(sim.record(updates[0].algo.algo_id).actual_order_id)
    assert updates[-1].time == sim.ts


def test_a_liquidated_account_s_conditional_orders_expire() -> None:
    sim = AlgoSim()
    mine = [
        sim.algo(side="SELL", order_type="STOP_MARKET", trigger_price=px(p))
        for p in ("76000", "75000")
    ]
    other = sim.algo(account=2, side="SELL", order_type="STOP_MARKET", trigger_price=px("76000"))
    events = algo_placing.expire_account(sim.state, 1, sim.ts, "Liquidation")
    assert [(e.algo.algo_id, e.algo.status, e.algo.reason) for e in events] == [
        (o.algo_id, "EXPIRED", "Liquidation") for o in mine if not isinstance(o, type(None))
    ]
    assert list(sim.state.open_algo_ids) == [2]
    assert sim.status(other.algo_id) == "NEW"  # type: ignore[union-attr]


def test_a_delivered_quarterly_s_conditional_orders_expire() -> None:
    sim = AlgoSim(ts=DELIVERY - 60_000)
    stop = PlaceAlgoOrder(
        account_id=1,
        symbol=QUARTERLY,
        side="SELL",
        order_type="STOP_MARKET",
        quantity=10,
        trigger_price=700_000,
    )  # 70,000.0 on the 0.1 tick
    placed = sim.do(stop)
    assert isinstance(placed[0], AlgoUpdated)
    events = sim.do(DeliverContracts(), ts=DELIVERY)
    ended = [(e.algo.status, e.algo.reason) for e in events if isinstance(e, AlgoUpdated)]
    assert ended == [("EXPIRED", "Contract delivered")]
    assert not sim.state.open_algo_ids
