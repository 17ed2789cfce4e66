"""The live market of the default config, over HTTP: the market maker's ladder around every
index, on both products (COIN-M's in contracts, on /dapi), large MARKET orders filling near
the index, 1-minute klines with trades in every minute, and the admin switches that pause,
resume and re-seed the agents.

Servers: one with the default config (real clock) for the read-mostly tests, one under a manual
clock for the switches (time moves only when advanced, so "nothing happened" is exact), one
accelerated for the klines, and one without agents for the refusal.
"""

import time
from collections.abc import Iterator
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from tests.conftest import ServerFactory
from tests.support.server import SandboxServer
from tests.support.signing import Credentials, signed_request

MANUAL_CLOCK = '[clock]\nmode = "manual"\n'
BAND = Decimal("0.005")  # depth: levels within 0.5 % of the index
FILL_BAND = Decimal("0.001")  # 100,000 USDT fills within 0.1 % of the index
MINUTE = 60_000


@pytest.fixture(scope="module")
def manual(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("manual")
    server = SandboxServer(root / "data", MANUAL_CLOCK, live_market=True).start()
    yield server
    server.stop()


def public(server: SandboxServer, path: str, **params: Any) -> Any:
    response = httpx.get(server.url + path, params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def api(symbol: str) -> str:
    """A symbol's REST API: COIN-M's (BTCUSD_PERP, BTCUSD_261225) or USDⓈ-M's."""
    return "/dapi/v1" if "USD_" in symbol else "/fapi/v1"


def instruments(server: SandboxServer, contract_type: str | None = None) -> list[str]:
    """The trading instruments of both products (a year ahead, the default quarterlies are
    DELIVERED and the current quarters listed in their place when the exchange opens)."""
    symbols = [s for path in ("/fapi/v1", "/dapi/v1")
               for s in public(server, f"{path}/exchangeInfo")["symbols"]]  # fmt: skip
    return [
        s["symbol"]
        for s in symbols
        if contract_type in (None, s["contractType"])
        and s.get("status", s.get("contractStatus")) == "TRADING"
    ]


def index_of(server: SandboxServer, symbol: str) -> Decimal:
    premium = public(server, f"{api(symbol)}/premiumIndex", symbol=symbol)
    row = premium[0] if isinstance(premium, list) else premium  # COIN-M answers a list
    return Decimal(row["indexPrice"])


def book(server: SandboxServer, symbol: str) -> tuple[list[Decimal], list[Decimal]]:
    """Bid and ask prices, best first."""
    depth = public(server, f"{api(symbol)}/depth", symbol=symbol, limit=50)
    return [Decimal(p) for p, _ in depth["bids"]], [Decimal(p) for p, _ in depth["asks"]]


def steady_book(server: SandboxServer, symbol: str) -> tuple[Decimal, list[Decimal], list[Decimal]]:
    """The index and the book read between two equal index reads: the index ticks every
    second, and a ladder read across a tick belongs to the other index."""
    for _ in range(5):
        before = index_of(server, symbol)
        bids, asks = book(server, symbol)
        if index_of(server, symbol) == before:
            return before, bids, asks
    raise AssertionError(f"{symbol}'s index never stood still across a depth read")


def check_ladder(symbol: str, index: Decimal, bids: list[Decimal], asks: list[Decimal]) -> None:
    near_bids = [p for p in bids if p >= index * (1 - BAND)]
    near_asks = [p for p in asks if p <= index * (1 + BAND)]
    assert (len(near_bids) >= 20, len(near_asks) >= 20) == (True, True), (symbol, index, bids, asks)
    assert bids[0] < index < asks[0], (symbol, index, bids[0], asks[0])


class Trader:
    """An account of its own with an HMAC key, sending signed requests."""

    def __init__(self, server: SandboxServer, name: str, usdt: str) -> None:
        server.call("POST", "/accounts", {"name": name})
        server.call("POST", f"/accounts/{name}/deposits", {"asset": "USDT", "amount": usdt})
        created = server.call("POST", f"/accounts/{name}/keys", {"type": "hmac"})
        self.credentials = Credentials.from_admin(created)
        self.url = server.url

    def ok(self, method: str, path: str, **params: Any) -> Any:
        response = signed_request(self.url, self.credentials, method, path, **params)
        assert response.status_code == 200, response.text
        return response.json()


def test_every_instrument_has_a_ladder_around_its_index(live: SandboxServer) -> None:
    symbols = instruments(live)
    # the five perpetuals and the quarterly of USDⓈ-M, two perpetuals and a quarter of COIN-M
    assert len(symbols) >= 9
    for symbol in symbols:
        check_ladder(symbol, *steady_book(live, symbol))


@pytest.mark.parametrize("side", ["BUY", "SELL"])
def test_100k_usdt_market_order_fills_near_the_index(live: SandboxServer, side: str) -> None:
    trader = Trader(live, f"whale-{side.lower()}", "2000000")
    index = index_of(live, "BTCUSDT")
    qty = (Decimal(100_000) / index).quantize(Decimal("0.001"), ROUND_DOWN)
    placed = trader.ok(
        "POST", "/fapi/v1/order", symbol="BTCUSDT", side=side, type="MARKET",
        quantity=str(qty), newOrderRespType="RESULT",
    )  # fmt: skip
    assert (placed["status"], placed["origQty"], placed["executedQty"]) == (
        "FILLED", str(qty), str(qty),
    )  # fmt: skip

    fills = trader.ok("GET", "/fapi/v1/userTrades", symbol="BTCUSDT", orderId=placed["orderId"])
    assert sum(Decimal(f["qty"]) for f in fills) == qty
    off = [f["price"] for f in fills if abs(Decimal(f["price"]) - index) > index * FILL_BAND]
    assert off == [], f"fills more than 0.1 % from the index {index}"


def test_every_closed_minute_has_trades(make_server: ServerFactory) -> None:
    # 60 exchange seconds a real second: ten exchange minutes take ten real seconds.
    server = make_server("data", "", "--speed", "60", live_market=True).start()
    started = public(server, "/fapi/v1/time")["serverTime"]
    while public(server, "/fapi/v1/time")["serverTime"] < started + 10 * MINUTE:
        time.sleep(0.2)

    for symbol in instruments(server, "PERPETUAL"):
        now = public(server, "/fapi/v1/time")["serverTime"]
        rows = public(server, f"{api(symbol)}/klines", symbol=symbol, interval="1m", limit=1500)
        assert {len(row) for row in rows} == {12}, rows
        closed = [row for row in rows if row[6] < now]
        assert len(closed) >= 10, (symbol, now, rows)
        opens = [row[0] for row in closed]
        assert opens == list(range(opens[0], opens[0] + MINUTE * len(opens), MINUTE)), symbol
        assert all(row[6] == row[0] + MINUTE - 1 for row in closed), symbol
        empty = [row for row in closed if Decimal(row[5]) <= 0 or row[8] < 1]
        assert empty == [], f"{symbol}: closed minutes without trades"


def test_agents_are_on_by_default(live: SandboxServer) -> None:
    agents = live.call("GET", "/simulation")["agents"]
    assert (agents["enabled"], agents["paused"]) == (True, False)
    listed = [s["symbol"] for path in ("/fapi/v1", "/dapi/v1")
              for s in public(live, f"{path}/exchangeInfo")["symbols"]]  # fmt: skip
    assert sorted(agents["symbols"]) == sorted(listed)  # symbols = []: every one listed


def test_paused_agents_do_nothing_and_resumed_ones_follow_the_index(
    manual: SandboxServer,
) -> None:
    maker_key = manual.call("POST", "/accounts/market-maker/keys", {"type": "hmac"})
    maker = Credentials.from_admin(maker_key)
    symbols = instruments(manual)
    perpetuals = instruments(manual, "PERPETUAL")

    def maker_orders() -> list[dict[str, Any]]:
        orders = []
        for path in ("/fapi/v1", "/dapi/v1"):
            response = signed_request(manual.url, maker, "GET", f"{path}/openOrders")
            assert response.status_code == 200, response.text
            orders += response.json()
        return sorted(orders, key=lambda order: order["orderId"])

    def market() -> dict[str, Any]:
        return {
            "orders": maker_orders(),
            "books": {s: book(manual, s) for s in symbols},
            "trades": {s: public(manual, f"{api(s)}/trades", symbol=s) for s in perpetuals},
        }

    paused = manual.call("POST", "/agents/pause")["agents"]
    assert paused["paused"] is True
    before = market()
    assert len(before["orders"]) >= 50 * len(symbols)  # the opening ladder: 25 a side each
    index_before = index_of(manual, "BTCUSDT")
    # 40 s hold a whole 20 s slot, which running noise takers trade in on every symbol.
    manual.call("POST", "/clock/advance", {"by": "40s"})
    assert index_of(manual, "BTCUSDT") != index_before  # the index moved: a live maker requotes
    assert market() == before

    resumed = manual.call("POST", "/agents/resume")["agents"]
    assert resumed["paused"] is False
    manual.call("PUT", "/prices/BTCUSDT", {"price": "78000"})
    manual.call("POST", "/clock/advance", {"by": "2s"})
    index, bids, asks = index_of(manual, "BTCUSDT"), *book(manual, "BTCUSDT")
    check_ladder("BTCUSDT", index, bids, asks)
    target = Decimal(78000)
    assert target * (1 - FILL_BAND) < bids[0] < asks[0] < target * (1 + FILL_BAND)

    manual.call("POST", "/clock/advance", {"by": "40s"})
    last_id = {s: max((t["id"] for t in before["trades"][s]), default=0) for s in perpetuals}
    latest = {s: public(manual, f"{api(s)}/trades", symbol=s) for s in perpetuals}
    untraded = [s for s in perpetuals if not any(t["id"] > last_id[s] for t in latest[s])]
    assert untraded == []


def test_coinm_is_quoted_and_traded_in_contracts_with_the_agents_solvent(
    make_server: ServerFactory,
) -> None:
    """COIN-M's books are the agents' too: levels of 25,000 USD (250 BTCUSD contracts of 100
    USD, 2,500 ETHUSD ones of 10), noise trades on every COIN-M perpetual over ten simulated
    minutes, and the agents' COIN-M wallets, funded in coin at the index, stay well above
    their positions' needs after a simulated hour."""
    server = make_server("data", MANUAL_CLOCK, live_market=True).start()
    server.call("POST", "/clock/advance", {"by": "10m"})
    perpetuals = [s for s in instruments(server, "PERPETUAL") if api(s) == "/dapi/v1"]
    assert perpetuals == ["BTCUSD_PERP", "ETHUSD_PERP"]
    for symbol, level in zip(perpetuals, ("250", "2500"), strict=True):
        depth = public(server, "/dapi/v1/depth", symbol=symbol, limit=50)
        sizes = {int(qty) for _, qty in depth["bids"] + depth["asks"]}
        # full levels, and those the takers ate into, topped up below half (refill_below)
        assert max(sizes) == int(level), (symbol, sizes)
        assert min(sizes) >= int(level) // 2, (symbol, sizes)
        check_ladder(symbol, *steady_book(server, symbol))
        trades = public(server, "/dapi/v1/trades", symbol=symbol, limit=1000)
        minutes = {trade["time"] // MINUTE for trade in trades}
        assert len(minutes) >= 10, (symbol, sorted(minutes))
    server.call("POST", "/clock/advance", {"by": "50m"})
    for name in ("market-maker", "noise-taker"):
        coins = server.call("GET", f"/accounts/{name}")["coinmBalances"]
        assert set(coins) == {"BTC", "ETH"}, name
        key = Credentials.from_admin(server.call("POST", f"/accounts/{name}/keys",
                                                 {"type": "hmac"}))  # fmt: skip
        response = signed_request(server.url, key, "GET", "/dapi/v1/account")
        assert response.status_code == 200, response.text
        for asset in response.json()["assets"]:
            margin = Decimal(asset["marginBalance"])
            assert margin > 0, (name, asset)
            assert Decimal(asset["maintMargin"]) < margin / 10, (name, asset)


def test_reseeding_the_agents(manual: SandboxServer) -> None:
    assert manual.call("GET", "/simulation")["agents"]["seed"] == 1  # agents.seed 0: exchange's
    assert manual.call("PUT", "/agents/seed", {"seed": 42})["agents"]["seed"] == 42
    assert manual.call("GET", "/simulation")["agents"]["seed"] == 42
    with manual.admin() as admin:
        refused = admin.put("/agents/seed", json={"seed": -1})
    assert (refused.status_code, refused.json()["code"]) == (400, -1102)
    assert "non-negative" in refused.json()["msg"]


def test_switching_agents_that_are_off_is_refused(make_server: ServerFactory) -> None:
    server = make_server("off").start()  # live_market=False: agents.enabled = false
    with server.admin() as admin:
        for path in ("/agents/pause", "/agents/resume"):
            response = admin.post(path)
            assert response.status_code == 400, (path, response.text)
            assert response.json() == {
                "code": -1102,
                "msg": "the liquidity agents are off (agents.enabled = false)",
            }
    assert server.call("GET", "/simulation")["agents"] == {"enabled": False}


def test_a_restarted_live_market_picks_up_its_own_orders(make_server: ServerFactory) -> None:
    """After a restart the makers find their ladders in the recovered state and move them; they
    never stack a second ladder, and the paused switch survives (it is journaled)."""
    server = make_server("data", MANUAL_CLOCK, live_market=True).start()
    server.call("POST", "/clock/advance", {"by": "30s"})
    before = {symbol: book(server, symbol) for symbol in instruments(server)}
    server.call("POST", "/agents/pause")
    assert server.stop() == 0

    server.start()
    assert server.call("GET", "/simulation")["agents"]["paused"] is True
    assert {symbol: book(server, symbol) for symbol in instruments(server)} == before
    server.call("POST", "/agents/resume")
    server.call("PUT", "/prices/BTCUSDT", {"price": "78000"})
    server.call("POST", "/clock/advance", {"by": "2s"})
    for symbol in instruments(server):
        bids, asks = book(server, symbol)
        assert len(bids) == len(asks) == 25, symbol  # one ladder a side, not two
    bids, asks = book(server, "BTCUSDT")
    index = index_of(server, "BTCUSDT")  # 78000 moved on by two ticks of the random walk
    assert bids[0] < index < asks[0]
    assert abs(index / Decimal("78000") - 1) < Decimal("0.001")


def test_the_noise_takers_trade_at_the_first_opening_only(make_server: ServerFactory) -> None:
    """The opening trade gives a fresh market its first kline; a restart (agents running)
    continues the market and sends no extra MARKET order."""
    server = make_server("data", MANUAL_CLOCK, live_market=True).start()

    def taker_orders() -> int:
        rows = [msgspec.json.decode(body) for _, _, body in server.journal_rows()]
        return sum(r["type"] == "place_order" and r["order_type"] == "MARKET" for r in rows)

    opened = taker_orders()
    assert opened == len(instruments(server))  # one per symbol when the market first opened
    assert server.stop() == 0
    server.start()
    assert server.call("GET", "/simulation")["agents"]["paused"] is False
    assert taker_orders() == opened
    assert server.stop() == 0


def test_a_clock_faster_than_the_machine_waits_for_the_market(make_server: ServerFactory) -> None:
    """At a speed no machine simulates, exchange time slows to what the timers reach instead
    of running ahead: the server's time stays within a few seconds of the last index tick."""
    server = make_server("data", "", "--speed", "100000", live_market=True).start()
    started = public(server, "/fapi/v1/time")["serverTime"]
    time.sleep(3)
    now = public(server, "/fapi/v1/time")["serverTime"]
    ticked = server.call("GET", "/prices")["BTCUSDT"]["time"]
    assert now - started > 60_000  # it did run much faster than real time
    assert now - ticked <= 5_000  # and never far ahead of the ticks (300,000 s unheld)


def test_a_quarter_listed_at_a_roll_is_quoted_and_traded(make_server: ServerFactory) -> None:
    """BTCUSD_261225 delivers at 2026-12-25 08:00 UTC: the roll lists June (BTCUSD_270625) as
    the next quarter, and the agents (every listed symbol by default) quote it on both sides
    around its index and trade it within minutes, as they do the promoted March quarter."""
    delivery = 1_798_185_600_000
    config = f'[clock]\nmode = "manual"\nstart = "{delivery - 2 * MINUTE}"\n'
    server = make_server("data", config, live_market=True).start()
    assert "BTCUSD_270625" not in instruments(server)
    server.call("POST", "/clock/advance", {"by": "6m"})  # four minutes past the delivery
    listed = instruments(server)
    assert "BTCUSD_261225" not in listed
    for symbol in ("BTCUSD_270326", "BTCUSD_270625"):
        assert symbol in listed, listed
        check_ladder(symbol, *steady_book(server, symbol))
        trades = public(server, "/dapi/v1/trades", symbol=symbol, limit=1000)
        after = {t["time"] // MINUTE for t in trades if t["time"] >= delivery}
        assert len(after) >= 3, (symbol, sorted(after))
    june = public(server, "/dapi/v1/trades", symbol="BTCUSD_270625", limit=1000)
    assert min(t["time"] for t in june) >= delivery  # listed at the delivery, not before
