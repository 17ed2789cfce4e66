"""The event -> user-data message table on the core alone (no server): which messages each
kind of command pushes to whom, Binance's push rules and expiry reasons."""

from typing import Any

from binance_sandbox.core.commands import (
    Deposit,
    PlaceAlgoOrder,
    SetMarginType,
    SetMultiAssetsMode,
    SettleFunding,
)
from binance_sandbox.core.events import FundingFeeCharged
from binance_sandbox.gateway.render import plain
from binance_sandbox.gateway.user_streams.account_events import user_messages
from tests.algo_support import AlgoSim
from tests.test_core_trading import BTC, Sim, px, qty, usd
from tests.test_funding_settlement import FUNDING_TIME, opened


def pushed(sim: Sim, events: list[Any], wanted: tuple[int, ...] = (1, 2)) -> list[Any]:
    """(account, event, execution or reason, `er`) of each message, in order."""
    rows = []
    for account, message in user_messages(sim.state, sim.ts, events, lambda a: a in wanted):
        kind = message["e"]
        if kind == "ORDER_TRADE_UPDATE":
            rows.append((account, kind, message["o"]["x"], message["o"]["er"]))
        elif kind == "ACCOUNT_UPDATE":
            rows.append((account, kind, message["a"]["m"], ""))
        else:
            rows.append((account, kind, "", ""))
    return rows


def test_an_order_that_never_fills_moves_no_balance() -> None:
    sim = Sim()
    placed = sim.place(1, "BUY", qty("0.010"), px("76000"))
    assert pushed(sim, placed) == [(1, "ORDER_TRADE_UPDATE", "NEW", "0")]
    order_id = placed[0].order.order_id
    assert pushed(sim, sim.cancel(1, order_id)) == [(1, "ORDER_TRADE_UPDATE", "CANCELED", "0")]


def test_a_fill_tells_both_sides_with_one_account_update_each() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.010"), px("77000"))
    rows = pushed(sim, sim.place(2, "BUY", qty("0.010"), px("77000")))
    assert rows == [
        (2, "ORDER_TRADE_UPDATE", "NEW", "0"),
        (1, "TRADE_LITE", "", ""),
        (1, "ORDER_TRADE_UPDATE", "TRADE", "0"),
        (2, "TRADE_LITE", "", ""),
        (2, "ORDER_TRADE_UPDATE", "TRADE", "0"),
        (1, "ACCOUNT_UPDATE", "ORDER", ""),
        (2, "ACCOUNT_UPDATE", "ORDER", ""),
    ]


def test_the_fill_account_update_has_the_margin_asset_and_the_position_side() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.010"), px("77000"))
    events = sim.place(2, "BUY", qty("0.010"), px("77000"))
    messages = {
        account: message["a"]
        for account, message in user_messages(sim.state, sim.ts, events, lambda a: True)
        if message["e"] == "ACCOUNT_UPDATE"
    }
    buyer = messages[2]
    assert buyer["B"] == [{"a": "USDT", "wb": "99999.61500000", "cw": "99999.61500000", "bc": "0"}]
    assert buyer["P"] == [
        {"s": BTC, "pa": "0.010", "ep": "77000.0", "bep": "77038.5", "cr": "0",
         "up": "0.00000000", "mt": "cross", "iw": "0.00000000", "ps": "BOTH"}
    ]  # fmt: skip


def test_expiry_reasons() -> None:
    sim = Sim()
    ioc = sim.place(1, "BUY", qty("0.010"), px("76000"), time_in_force="IOC")
    assert pushed(sim, ioc)[-1] == (1, "ORDER_TRADE_UPDATE", "EXPIRED", "2")
    sim.place(1, "SELL", qty("0.010"), px("77000"))
    self_trade = sim.place(1, "BUY", qty("0.010"), px("77000"), stp_mode="EXPIRE_TAKER")
    assert pushed(sim, self_trade)[-1] == (1, "ORDER_TRADE_UPDATE", "EXPIRED", "1")


def test_a_deposit_is_its_own_reason_and_change() -> None:
    sim = Sim()
    events = sim.do(Deposit(account_id=1, asset="USDT", amount=usd("12.5")))
    [(account, message)] = user_messages(sim.state, sim.ts, events, lambda a: True)
    assert account == 1
    assert message["a"] == {
        "m": "DEPOSIT", "B": [{"a": "USDT", "wb": "100012.50000000", "cw": "100012.50000000",
                               "bc": "12.5"}], "P": [],
    }  # fmt: skip


def test_multi_assets_mode_is_an_account_config_update() -> None:
    sim = Sim()
    events = sim.do(SetMultiAssetsMode(account_id=1, on=True))
    [(account, message)] = user_messages(sim.state, sim.ts, events, lambda a: True)
    assert (account, message) == (
        1, {"e": "ACCOUNT_CONFIG_UPDATE", "E": sim.ts, "T": sim.ts, "ai": {"j": True}},
    )  # fmt: skip


def test_accounts_nobody_listens_to_get_nothing() -> None:
    sim = Sim()
    sim.place(1, "SELL", qty("0.010"), px("77000"))
    rows = pushed(sim, sim.place(2, "BUY", qty("0.010"), px("77000")), wanted=(1,))
    assert {row[0] for row in rows} == {1}


def test_funding_pushes_the_balance_and_only_an_isolated_position() -> None:
    """Binance: funding on a cross position pushes only `B`; on an isolated one `B` and that
    position. `bc` is the fee (neither realized PnL nor commission)."""
    sim = Sim()
    sim.do(SetMarginType(account_id=2, symbol=BTC, isolated=True))
    opened(sim)  # 1 long (cross), 2 short (isolated)
    events = sim.do(SettleFunding(), ts=FUNDING_TIME)
    fee = {e.account_id: e.amount for e in events if isinstance(e, FundingFeeCharged)}
    updates = dict(user_messages(sim.state, sim.ts, events, lambda a: True))
    cross, isolated = updates[1]["a"], updates[2]["a"]
    assert (cross["m"], cross["P"]) == ("FUNDING_FEE", [])
    assert [row["bc"] for row in cross["B"]] == [plain(fee[1])]
    assert isolated["m"] == "FUNDING_FEE"
    assert [row["bc"] for row in isolated["B"]] == [plain(fee[2])]
    assert [(row["s"], row["mt"], row["ps"]) for row in isolated["P"]] == [
        (BTC, "isolated", "BOTH")
    ]


def test_a_conditional_order_pushes_algo_update_then_its_order() -> None:
    sim = AlgoSim()
    sim.rest(2, "BUY", "75000")
    events = sim.do(PlaceAlgoOrder(account_id=1, symbol=BTC, side="SELL",
                                   order_type="STOP_MARKET", quantity=10,
                                   trigger_price=px("76000"), working_type="MARK_PRICE",
                                   client_algo_id="sl-1"))  # fmt: skip
    events += sim.price("76000")
    rows = [(kind, extra) for _, kind, extra, _ in pushed(sim, events, (1,))]
    algo = [m for _, m in user_messages(sim.state, sim.ts, events, lambda a: a == 1)
            if m["e"] == "ALGO_UPDATE"]  # fmt: skip
    assert [m["o"]["X"] for m in algo] == ["NEW", "TRIGGERING", "TRIGGERED", "FINISHED"]
    assert algo[0]["o"]["caid"] == "sl-1"
    assert ("ORDER_TRADE_UPDATE", "TRADE") in rows  # the order it became filled
