"""What a delivery leaves for the account beyond its wallet (core/delivery.py): one
DELIVERED_SETTELMENT settlement per position settled, worth its realized PnL and nothing else
(Binance documents no delivery fee for USDⓈ-M quarterlies: none is charged), and on the
user-data stream the settlement order's fill (TRADE_LITE, ORDER_TRADE_UPDATE) and an
ACCOUNT_UPDATE of reason ORDER (Binance's `m` list has no delivery reason; it settles by an order
of its own) with the wallet, `bc` 0 and the flat position.

Two accounts trade 1 BTC of BTCUSDT_261225 at 77,000 with the index at 77,000 throughout, so
it settles at 77,000.0: account 1 long realizes 0. Then account 1 at 77,000 long and 3 short
at 77,000, index 78,000: +1,000 / -1,000.
"""

from binance_sandbox.core.commands import DeliverContracts, SetIndexPrices
from binance_sandbox.gateway.user_streams.account_events import user_messages
from tests.test_core_trading import BTC, USD, Sim, qty
from tests.test_delivery import DELIVERY, MINUTE, QUARTERLY, price


def settled_at_78000() -> tuple[Sim, list[object], tuple[int, int]]:
    sim = Sim(ts=DELIVERY - 40 * MINUTE)
    sim.do(SetIndexPrices(prices={BTC: 78_000 * USD}, source="t"), ts=DELIVERY - 35 * MINUTE)
    sim.place(3, "SELL", qty("1"), price("77000"), symbol=QUARTERLY)
    sim.place(1, "BUY", qty("1"), symbol=QUARTERLY)
    wallets = (sim.wallet(1), sim.wallet(3))
    events = sim.do(DeliverContracts(), ts=DELIVERY)
    return sim, list(events), wallets


def test_each_settled_position_is_a_delivered_settlement_worth_its_pnl_and_no_fee() -> None:
    sim, _events, wallets = settled_at_78000()
    done = sim.state.deliveries[QUARTERLY]
    assert done.price == 78_000 * USD
    rows = {s.account_id: s for s in done.settlements}
    assert set(rows) == {1, 3}
    assert (rows[1].amount, rows[3].amount) == (1_000 * USD, -1_000 * USD)
    assert {s.asset for s in rows.values()} == {"USDT"}
    # no fee: each wallet moved by exactly its settlement
    assert (sim.wallet(1) - wallets[0], sim.wallet(3) - wallets[1]) == (1_000 * USD, -1_000 * USD)
    seq = sim.state.last_seq
    assert sorted(s.tran_id for s in done.settlements) == [seq * 1_000_000 + 1,
                                                           seq * 1_000_000 + 2]  # fmt: skip


def test_a_delivery_pushes_an_account_update_with_the_flat_position() -> None:
    sim, events, _wallets = settled_at_78000()
    mine = [m for a, m in user_messages(sim.state, sim.ts, events, lambda a: a == 1)]
    assert [m["e"] for m in mine] == ["TRADE_LITE", "ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE"]
    lite, order, update = mine
    # the settlement order's fill, USDⓈ-M's name (tests/test_coinm_delivery_user_data.py: why)
    fill = order["o"]
    assert fill["c"].startswith("settlement_autoclose-")
    assert (fill["S"], fill["o"], fill["x"], fill["X"], fill["q"], fill["L"], fill["rp"]) == (
        "SELL", "MARKET", "CALCULATED", "FILLED", "1.000", "78000.0", "1000.00000000",
    )  # fmt: skip
    assert (lite["c"], lite["i"], lite["t"], lite["l"]) == (
        fill["c"],
        fill["i"],
        fill["t"],
        "1.000",
    )
    assert (update["E"], update["T"]) == (DELIVERY, DELIVERY)
    assert update["a"]["m"] == "ORDER"
    ((balance,), (position,)) = update["a"]["B"], update["a"]["P"]
    assert balance["a"] == "USDT"
    assert balance["bc"] == "0"
    assert balance["wb"] == f"{sim.wallet(1) / USD:.8f}"
    assert (position["s"], position["pa"], position["ep"], position["ps"]) == (
        QUARTERLY, "0.000", "0.0", "BOTH")  # fmt: skip
    assert position["cr"] == "1000"
