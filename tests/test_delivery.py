"""Delivery of the BTCUSDT quarterly (BTCUSDT_261225, 2026-12-25 08:00 UTC) through
`Exchange.apply`, on the exchange clock.

The index is 77,000 until 20 minutes before delivery, 78,000 until 5 minutes before, then
79,000. The settlement price is the average of the 1,800 one-second samples of the last 30
minutes: (600 x 77,000 + 900 x 78,000 + 300 x 79,000) / 1,800 = 77,833.33..., on the tick
0.1: 77,833.3. Account 1 is long 1 BTC at 77,000 and account 2 short: at delivery they
realize +833.3 and -833.3, every open order of the contract expires, and BTCUSDT_270326
(08:00 UTC on the last Friday of March 2027) is listed. In the last 10 minutes opening orders
are -4140 and the status DELIVERING; after delivery the status is DELIVERED and orders -4141.
"""

import msgspec

from binance_sandbox.config.model import AgentsConfig
from binance_sandbox.core import delivery, margin
from binance_sandbox.core.commands import DeliverContracts, SetIndexPrices
from binance_sandbox.core.events import ContractDelivered, ContractListed, OrderUpdated, Rejected
from binance_sandbox.simulators.agents.liquidity import LiquidityAgents
from tests.test_core_trading import BTC, INSTRUMENTS, USD, Sim, qty

QUARTERLY = "BTCUSDT_261225"
DELIVERY = 1_798_185_600_000
MINUTE = 60_000


def price(text: str) -> int:
    """A quarterly price in units of its tick grid (0.1)."""
    return round(float(text) * 10)


def test_a_quarterly_delivers_at_the_30_minute_index_average() -> None:
    sim = Sim(ts=DELIVERY - 40 * MINUTE)
    sim.place(2, "SELL", qty("1"), price("77000"), symbol=QUARTERLY)
    sim.place(1, "BUY", qty("1"), symbol=QUARTERLY)
    resting = sim.place(3, "BUY", qty("0.1"), price("76000"), symbol=QUARTERLY)
    assert isinstance(resting[0], OrderUpdated)
    quarterly = sim.state.instruments[QUARTERLY]
    assert delivery.status(sim.state, quarterly, sim.ts) == "TRADING"

    sim.do(SetIndexPrices(prices={BTC: 78_000 * USD}, source="t"), ts=DELIVERY - 20 * MINUTE)
    sim.do(SetIndexPrices(prices={BTC: 79_000 * USD}, source="t"), ts=DELIVERY - 5 * MINUTE)

    # the last 10 minutes: only closing orders
    assert delivery.status(sim.state, quarterly, sim.ts) == "DELIVERING"
    opening = sim.place(3, "BUY", qty("0.1"), price("76000"), symbol=QUARTERLY)
    assert opening == [Rejected(code=-4140, msg="Invalid symbol status for opening position.")]
    closing = sim.place(1, "SELL", qty("0.5"), price("80000"), symbol=QUARTERLY,
                        reduce_only=True)  # fmt: skip
    assert isinstance(closing[0], OrderUpdated)
    assert closing[0].order.status == "NEW"

    wallets = (sim.wallet(1), sim.wallet(2))
    events = sim.do(DeliverContracts(), ts=DELIVERY)

    settled = 7_783_330_000_000  # 77,833.3 at 8 decimals
    assert delivery.settlement_price(sim.state, quarterly) == settled
    expired = [e.order.order_id for e in events if isinstance(e, OrderUpdated)]
    assert sorted(expired) == sorted([resting[0].order.order_id, closing[0].order.order_id])
    assert all(e.order.status == "EXPIRED" for e in events if isinstance(e, OrderUpdated))
    delivered = {e.account_id: e for e in events if isinstance(e, ContractDelivered)}
    assert delivered[1].realized_pnl == 833_30_000_000 == -delivered[2].realized_pnl
    assert (delivered[1].price, delivered[1].time, delivered[1].qty) == (settled, DELIVERY, 1000)
    assert (sim.wallet(1), sim.wallet(2)) == (wallets[0] + 833_30_000_000,
                                              wallets[1] - 833_30_000_000)  # fmt: skip
    for account in (1, 2):
        position = sim.position(account, QUARTERLY)
        assert position is not None
        assert (position.qty, position.entry_price, position.isolated_wallet) == (0, 0, 0)
    assert not [o for o in sim.state.open_orders.values() if o.symbol == QUARTERLY]
    assert sim.state.books[QUARTERLY].bids.levels == []

    listed = [e for e in events if isinstance(e, ContractListed) and e.symbol.startswith(BTC)]
    assert listed == [
        ContractListed(
            symbol="BTCUSDT_270326", delivery_date=1_806_048_000_000, onboard_date=DELIVERY
        )
    ]
    following = sim.state.instruments["BTCUSDT_270326"]
    assert (following.pair, following.contract_type) == ("BTCUSDT", "CURRENT_QUARTER")
    assert delivery.status(sim.state, following, DELIVERY) == "TRADING"
    assert delivery.status(sim.state, quarterly, DELIVERY) == "DELIVERED"
    assert sim.place(1, "BUY", qty("0.1"), symbol=QUARTERLY) == [delivery.CLOSED]
    assert sim.do(DeliverContracts(), ts=DELIVERY + 1) == []  # delivered once
    assert delivery.next_due(sim.state, DELIVERY) == 1_806_048_000_000


def test_an_exchange_opened_after_a_delivery_rolls_on_to_a_current_quarter() -> None:
    """Opened on 2027-04-17: BTCUSDT_261225 and the quarter after it (2027-03-26) have passed
    undelivered; the timer fires at once, each delivers at the index (no samples) and the
    quarters roll on to BTCUSDT_270625, the current one."""
    opened = 1_808_000_000_000  # 2027-04-17T22:13:20Z
    sim = Sim(ts=opened)
    assert delivery.next_due(sim.state, opened) == opened + 1
    sim.do(DeliverContracts(), ts=opened + 1)
    assert delivery.next_due(sim.state, opened + 1) == opened + 2  # BTCUSDT_270326 has passed
    events = sim.do(DeliverContracts(), ts=opened + 2)
    assert [e.symbol for e in events if isinstance(e, ContractListed)] == ["BTCUSDT_270625"]
    current = sim.state.instruments["BTCUSDT_270625"]
    assert delivery.status(sim.state, current, opened + 2) == "TRADING"
    assert delivery.next_due(sim.state, opened + 2) == current.delivery_date
    assert sim.state.deliveries["BTCUSDT_270326"].price == sim.state.index_prices[BTC]


def test_the_agents_leave_a_quarterly_alone_once_it_is_closing() -> None:
    """Makers and takers quote and trade the quarterly while it is TRADING, and send nothing for
    it in its last 10 minutes (their opening orders would be -4140) or after delivery."""
    sim = Sim(ts=DELIVERY - 11 * MINUTE)
    config = msgspec.convert(
        {"maker": {"account": "acct1"}, "taker": {"account": "acct2"}}, AgentsConfig
    )
    agents = LiquidityAgents(config, [QUARTERLY], lambda: sim.state)
    assert [c for c in agents.requote_all() if getattr(c, "symbol", "") == QUARTERLY]
    assert agents.take(sim.ts, [QUARTERLY])
    sim.do(SetIndexPrices(prices={BTC: 77_000 * USD}, source="t"), ts=DELIVERY - 9 * MINUTE)
    assert agents.requote_all() == []
    assert agents.take(sim.ts, [QUARTERLY]) == []
    sim.do(DeliverContracts(), ts=DELIVERY)
    assert agents.requote_all() == []


def test_a_position_on_the_newly_listed_quarter_counts_in_the_margin() -> None:
    """Account 1's margin figures were read before the delivery listed BTCUSDT_270326; its
    position there must count in them afterwards (the account's margin rows are cached per
    instrument set, and a listing adds one to the same dict)."""
    sim = Sim(ts=DELIVERY - 40 * MINUTE)
    sim.place(2, "SELL", qty("1"), price("77000"), symbol=QUARTERLY)
    sim.place(1, "BUY", qty("1"), symbol=QUARTERLY)
    sim.do(DeliverContracts(), ts=DELIVERY)
    following = "BTCUSDT_270326"
    assert following in sim.state.instruments
    sim.place(2, "SELL", qty("1"), price("77000"), symbol=following)
    sim.place(1, "BUY", qty("1"), symbol=following)
    account = sim.state.accounts[0]
    held = [side.instrument.symbol for side in margin.account_risk(sim.state, account).sides]
    assert held == [following]


def test_the_roll_promotes_the_next_quarter_and_lists_a_new_one() -> None:
    """BTCUSDT_261225 (current) and BTCUSDT_270326 (next) are listed: at the December delivery
    the March contract becomes the current quarter and June's (2027-06-25) the next one."""
    current = next(i for i in INSTRUMENTS if i.symbol == QUARTERLY)
    following = msgspec.structs.replace(
        current, symbol="BTCUSDT_270326", delivery_date=1_806_048_000_000,
        contract_type="NEXT_QUARTER",
    )  # fmt: skip
    sim = Sim(ts=DELIVERY - 40 * MINUTE, instruments=(*INSTRUMENTS, following))
    sim.place(2, "SELL", qty("1"), price("77000"), symbol=following.symbol)
    sim.place(1, "BUY", qty("1"), symbol=following.symbol)
    events = sim.do(DeliverContracts(), ts=DELIVERY)
    listed = [e.symbol for e in events if isinstance(e, ContractListed)]
    assert listed == ["BTCUSDT_270625", "BTCUSD_270625"]  # COIN-M's quarters roll alike
    types = {
        s: i.contract_type for s, i in sim.state.instruments.items() if s.startswith(QUARTERLY[:8])
    }
    assert types == {QUARTERLY: "CURRENT_QUARTER", "BTCUSDT_270326": "CURRENT_QUARTER",
                     "BTCUSDT_270625": "NEXT_QUARTER"}  # fmt: skip
    assert delivery.status(sim.state, sim.state.instruments[QUARTERLY], DELIVERY) == "DELIVERED"
    held = margin.account_risk(sim.state, sim.state.accounts[0]).sides
    assert [(s.instrument.symbol, s.instrument.contract_type) for s in held] == [
        ("BTCUSDT_270326", "CURRENT_QUARTER")
    ]
