"""The user-data stream tells an account everything: for random sequences of commands from
several accounts, each account's ORDER_TRADE_UPDATE and ACCOUNT_UPDATE messages, folded (the
last word on each order, position side and asset), equal what REST then says about its orders,
positions and balances.

One server on a manual clock with a fixed index (the mark stands still, so nothing but the
commands changes the accounts). Each example makes fresh accounts, each with a listenKey and a
connection; the example ends with a marker deposit per account, and since a connection's
messages keep their order, the marker's ACCOUNT_UPDATE means every earlier message is in.
"""

import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import ClientConnection, connect

from tests.clients.user_data_support import CONFIG
from tests.support.server import SandboxServer
from tests.support.trader import Trader

SYMBOL = "BTCUSDT"
ACCOUNTS = 3
MARKER = "0.12345678"  # the last deposit of an example; no step deposits this
WAIT_S = 30.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    root: Path = tmp_path_factory.mktemp("user-fold")
    running = SandboxServer(root / "data", CONFIG).start()
    yield running
    running.stop()


prices = st.integers(76_995, 77_005).map(lambda p: f"{p}.00")  # near each other: they cross
quantities = st.integers(2, 9).map(lambda q: f"0.00{q}")  # at least MIN_NOTIONAL (100)
who = st.integers(0, ACCOUNTS - 1)
limits = st.tuples(st.just("limit"), who, st.sampled_from(["BUY", "SELL"]), prices, quantities,
                   st.sampled_from(["GTC", "GTC", "IOC", "GTX"]))  # fmt: skip
# one account rests, another (or the same: self-trade prevention) takes it at once
crosses = st.tuples(st.just("cross"), who, who, st.sampled_from(["BUY", "SELL"]), prices,
                    quantities, quantities)  # fmt: skip
steps = st.one_of(
    limits,
    limits,
    crosses,
    crosses,
    st.tuples(st.just("market"), who, st.sampled_from(["BUY", "SELL"]), quantities),
    st.tuples(st.just("cancel"), who, st.integers(0, 10)),
    st.tuples(st.just("amend"), who, st.integers(0, 10), prices, quantities),
    st.tuples(st.just("deposit"), who, st.integers(1, 500)),
    st.tuples(st.just("withdraw"), who, st.integers(1, 500)),
    st.tuples(st.just("leverage"), who, st.integers(1, 50)),
    st.tuples(st.just("marginType"), who, st.sampled_from(["ISOLATED", "CROSSED"])),
    st.tuples(st.just("positionMargin"), who, st.integers(1, 50), st.sampled_from([1, 2])),
)  # fmt: skip


@dataclass
class Folded:
    orders: dict[int, dict[str, str]] = field(default_factory=dict)
    positions: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    balances: dict[str, dict[str, str]] = field(default_factory=dict)

    def fold(self, message: dict[str, Any]) -> None:
        if message["e"] == "ORDER_TRADE_UPDATE":
            o = message["o"]
            # before a fill the stream's average price is "0", REST's "0.00", as Binance's
            average = o["ap"] if o["z"] != "0.000" else "0.00"
            self.orders[o["i"]] = {
                "status": o["X"], "executedQty": o["z"], "origQty": o["q"], "price": o["p"],
                "side": o["S"], "avgPrice": average,
            }  # fmt: skip
        elif message["e"] == "ACCOUNT_UPDATE":
            for row in message["a"]["P"]:
                self.positions[(row["s"], row["ps"])] = {
                    "positionAmt": row["pa"], "entryPrice": row["ep"], "breakEvenPrice": row["bep"],
                    "isolatedWallet": Decimal(row["iw"]),
                }  # fmt: skip
            for row in message["a"]["B"]:
                self.balances[row["a"]] = {"balance": row["wb"], "crossWalletBalance": row["cw"]}


@dataclass
class Watched:
    trader: Trader
    ws: ClientConnection
    folded: Folded = field(default_factory=Folded)

    def drain_to_marker(self) -> None:
        while True:
            message = json.loads(self.ws.recv(timeout=WAIT_S))
            self.folded.fold(message)
            rows = message["a"]["B"] if message["e"] == "ACCOUNT_UPDATE" else []
            if any(row["bc"] == MARKER for row in rows):
                return


def watched(server: SandboxServer, stack: ExitStack) -> Watched:
    trader = Trader(server)
    response = httpx.post(server.url + "/fapi/v1/listenKey", headers=trader.credentials.headers)
    key = response.json()["listenKey"]
    url = server.url.replace("http://", "ws://") + f"/private/ws/{key}"
    return Watched(trader, stack.enter_context(connect(url)))


def open_ids(trader: Trader) -> list[int]:
    return [order["orderId"] for order in trader.ok("GET", "/fapi/v1/openOrders", symbol=SYMBOL)]


def run(server: SandboxServer, step: tuple[Any, ...], traders: list[Trader]) -> None:
    action, trader = step[0], traders[step[1]]
    if action == "limit":
        _, _, side, price, qty, tif = step
        trader.limit(side, price, qty, timeInForce=tif)
    elif action == "cross":
        _, _, taker, side, price, qty, taken = step
        trader.limit(side, price, qty)
        other = "SELL" if side == "BUY" else "BUY"
        traders[taker].limit(other, price, taken, timeInForce="IOC")
    elif action == "market":
        _, _, side, qty = step
        trader.send("POST", "/fapi/v1/order", symbol=SYMBOL, side=side, type="MARKET",
                    quantity=qty)  # fmt: skip
    elif action in ("cancel", "amend"):
        ids = open_ids(trader)
        if not ids:
            return
        order_id = ids[step[2] % len(ids)]
        if action == "cancel":
            trader.send("DELETE", "/fapi/v1/order", symbol=SYMBOL, orderId=order_id)
        else:
            order = trader.ok("GET", "/fapi/v1/order", symbol=SYMBOL, orderId=order_id)
            trader.send("PUT", "/fapi/v1/order", symbol=SYMBOL, orderId=order_id,
                        side=order["side"], price=step[3], quantity=step[4])  # fmt: skip
    elif action in ("deposit", "withdraw"):
        path = "deposits" if action == "deposit" else "withdrawals"
        with server.admin() as admin:  # a refused withdrawal is part of the game
            admin.post(
                f"/accounts/{trader.name}/{path}", json={"asset": "USDT", "amount": str(step[2])}
            )
    elif action == "leverage":
        trader.send("POST", "/fapi/v1/leverage", symbol=SYMBOL, leverage=step[2])
    elif action == "marginType":  # refused while the account has orders or a position
        trader.send("POST", "/fapi/v1/marginType", symbol=SYMBOL, marginType=step[2])
    else:  # refused unless the position is isolated and open
        trader.send("POST", "/fapi/v1/positionMargin", symbol=SYMBOL, amount=str(step[2]),
                    type=step[3])  # fmt: skip


def rest_view(trader: Trader, order_ids: set[int]) -> Folded:
    view = Folded()
    for order in trader.ok("GET", "/fapi/v1/allOrders", symbol=SYMBOL):
        if order["orderId"] in order_ids:
            view.orders[order["orderId"]] = {
                key: order[key]
                for key in ("status", "executedQty", "origQty", "price", "side", "avgPrice")
            }
    for row in trader.ok("GET", "/fapi/v3/positionRisk"):
        view.positions[(row["symbol"], row["positionSide"])] = {
            **{key: row[key] for key in ("positionAmt", "entryPrice", "breakEvenPrice")},
            "isolatedWallet": Decimal(row["isolatedWallet"]),  # REST prints 0 as "0"
        }
    for row in trader.ok("GET", "/fapi/v2/balance"):
        view.balances[row["asset"]] = {
            "balance": row["balance"], "crossWalletBalance": row["crossWalletBalance"]
        }  # fmt: skip
    return view


def held(positions: dict[tuple[str, str], dict[str, Any]]) -> dict[tuple[str, str], Any]:
    return {side: row for side, row in positions.items() if float(row["positionAmt"])}


@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.booleans(), min_size=ACCOUNTS, max_size=ACCOUNTS),
       st.lists(steps, min_size=8, max_size=30))  # fmt: skip
def test_the_folded_stream_is_the_rest_view(
    server: SandboxServer, isolated: list[bool], plan: list[Any]
) -> None:
    """`isolated`: which accounts trade BTCUSDT in isolated margin from the start."""
    with ExitStack() as stack:
        accounts = [watched(server, stack) for _ in range(ACCOUNTS)]
        for account, alone in zip(accounts, isolated, strict=True):
            if alone:
                account.trader.ok("POST", "/fapi/v1/marginType", symbol=SYMBOL,
                                  marginType="ISOLATED")  # fmt: skip
        check_plan(server, plan, accounts)


def check_plan(server: SandboxServer, plan: list[Any], accounts: list[Watched]) -> None:
    traders = [account.trader for account in accounts]
    try:
        for step in plan:
            run(server, step, traders)
        for account in accounts:
            server.call("POST", f"/accounts/{account.trader.name}/deposits",
                        {"asset": "USDT", "amount": MARKER})  # fmt: skip
            account.drain_to_marker()
        for account in accounts:
            folded = account.folded
            rest = rest_view(account.trader, set(folded.orders))
            assert folded.orders == rest.orders
            assert held(folded.positions) == held(rest.positions)
            seen = {asset: rest.balances[asset] for asset in folded.balances}
            assert folded.balances == seen
    finally:
        for account in accounts:  # leave the book empty for the next example
            account.trader.send("DELETE", "/fapi/v1/allOpenOrders", symbol=SYMBOL)
