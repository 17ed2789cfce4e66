"""The COIN-M (/dapi) scenario every real client runs, once; each client's test file only says
how its library makes each call (`CoinmCalls`) and hands the raw answers here.

The scenario: exchange info, depth, klines, premium index, balances, leverage and margin type,
a LIMIT order that rests, a STOP_MARKET on /dapi/v1/order (COIN-M has no algo API: it is an
order, listed with the open orders and cancelled as one), a MARKET order filled against another
account's resting order, positionRisk of both sides, userTrades (with `baseQty`).

Money figures are in the coin, with worked numbers where they hold whatever the mark (it walks
with the real clock): cumBase and baseQty 1 x 100 / 77000 = 0.00129870 BTC, the commissions
0.00129870 x 0.05 % (taker) and x 0.02 % (maker), klines' base volume, and maxQty 100 BTC (the
last coin bracket allowing 10x); tests/test_coinm_views_http.py checks the mark's figures
under a fixed index.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from tests.clients.conftest import Sandbox
from tests.support.server import SandboxServer

SYMBOL = "BTCUSD_PERP"
PAIR = "BTCUSD"
INDEX = "77000"
QTY = "1"  # contracts of 100 USD
AWAY = "74690.0"  # 3 % under the index: a BUY there rests
STOP_REFUSED = (
    -4120,
    "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.",
)
STOP = "70000.0"  # a SELL STOP_MARKET's stop on the mark, 9 % under the index: never reached
MAKER_PRICE = "77000.0"  # the maker's SELL, which the client's MARKET BUY takes
BASE_QTY = "0.00129870"  # 1 x 100 / 77000, half up at 8 decimals
LEVERAGE = 10
ISOLATED_SYMBOL = "ETHUSD_PERP"  # nothing else trades it: its margin type may change
COINS = "1000000"  # BTC (and ETH) deposited
TAKER_FEE, MAKER_FEE = "0.00000065", "0.00000026"  # 0.0012987 BTC x 0.05 % and x 0.02 %
MAX_QTY = "100"  # BTC at 10x, the 10x coin bracket's cap (FAQ); the maker's 20x: 50


@dataclass(frozen=True)
class Keys:
    api_key: str
    secret: str


def fund(sandbox: Sandbox) -> Keys:
    """The client's account (the module's demo key) gets coins; a second account, with its own
    key and coins, is the maker the client's MARKET order trades against."""
    server = sandbox.server
    _deposit_coins(server, "demo")
    server.call("POST", "/accounts", {"name": "coin-maker"})
    _deposit_coins(server, "coin-maker")
    created = server.call("POST", "/accounts/coin-maker/keys", {"type": "hmac"})
    return Keys(created["apiKey"], created["secretKey"])


def _deposit_coins(server: SandboxServer, account: str) -> None:
    """Into the COIN-M wallet, up to COINS of each coin (the demo account is seeded with some)."""
    held = server.call("GET", f"/accounts/{account}")["coinmBalances"]
    for coin in ("BTC", "ETH"):
        top_up = str(Decimal(COINS) - Decimal(held.get(coin, "0")))
        body = {"asset": coin, "amount": top_up, "product": "coinm"}
        server.call("POST", f"/accounts/{account}/deposits", body)


def pin_price(server: SandboxServer) -> None:
    """BTCUSD's index (every BTCUSD contract's), so limit prices stay inside PERCENT_PRICE."""
    server.call("PUT", f"/prices/{SYMBOL}", {"price": INDEX})


class CoinmCalls(Protocol):
    """One client's way of making each call; each returns Binance's raw JSON answer."""

    def exchange_info(self) -> dict[str, Any]: ...
    def depth(self) -> dict[str, Any]: ...
    def klines(self) -> list[list[Any]]: ...
    def premium_index(self) -> list[dict[str, Any]]: ...
    def balances(self) -> list[dict[str, Any]]: ...
    def set_leverage(self) -> dict[str, Any]: ...
    def set_isolated(self) -> dict[str, Any]: ...
    def limit_buy(self) -> dict[str, Any]: ...
    def stop_refused(self) -> str: ...  # the error of a STOP_MARKET sent to /dapi/v1/order
    def stop_sell(self) -> dict[str, Any]: ...  # STOP_MARKET, QTY, STOP, MARK_PRICE: algoOrder
    def open_stops(self) -> list[dict[str, Any]]: ...  # openAlgoOrders
    def cancel_stop(self, algo_id: int) -> dict[str, Any]: ...
    def open_orders(self) -> list[dict[str, Any]]: ...
    def cancel(self, order_id: int) -> dict[str, Any]: ...
    def maker_sell(self) -> dict[str, Any]: ...
    def market_buy(self) -> dict[str, Any]: ...
    def position_risk(self, maker: bool = False) -> list[dict[str, Any]]: ...
    def user_trades(self, maker: bool = False) -> list[dict[str, Any]]: ...


def run_scenario(server: SandboxServer, calls: CoinmCalls) -> None:
    """The whole scenario in order (the fills depend on what comes before)."""
    check_exchange_info(calls.exchange_info())
    pin_price(server)
    check_premium_index(calls.premium_index())
    check_balances(calls.balances())
    check_leverage(calls.set_leverage())
    check_isolated(calls.set_isolated())
    resting = calls.limit_buy()
    check_resting(resting, calls.open_orders(), calls.depth())
    assert calls.cancel(resting["orderId"])["status"] == "CANCELED"
    check_stop_refused(calls.stop_refused())
    stop = calls.stop_sell()
    check_stop(stop, calls.open_stops(), calls.cancel_stop(stop["algoId"]))
    pin_price(server)
    assert calls.maker_sell()["status"] == "NEW"
    check_filled(calls.market_buy())
    check_positions(calls.position_risk(), calls.position_risk(maker=True))
    check_trades(calls.user_trades(), calls.user_trades(maker=True))
    check_klines(calls.klines())


def check_exchange_info(info: dict[str, Any]) -> None:
    symbols = {s["symbol"]: s for s in info["symbols"]}
    assert {s["pair"] for s in symbols.values()} == {PAIR, "ETHUSD"}  # COIN-M's only
    assert any(s["contractType"] != "PERPETUAL" for s in symbols.values())  # a BTCUSD quarter
    perp = symbols[SYMBOL]
    assert (perp["pair"], perp["contractType"], perp["contractStatus"]) == (
        PAIR, "PERPETUAL", "TRADING"
    )  # fmt: skip
    assert (perp["contractSize"], perp["marginAsset"], perp["quoteAsset"]) == (100, "BTC", "USD")
    filters = {f["filterType"]: f for f in perp["filters"]}
    assert filters["PRICE_FILTER"]["tickSize"] == "0.1"
    assert filters["LOT_SIZE"]["stepSize"] == "1"
    assert "MIN_NOTIONAL" not in filters
    assert symbols["ETHUSD_PERP"]["contractSize"] == 10


def check_premium_index(rows: list[dict[str, Any]]) -> None:
    [row] = rows  # COIN-M answers a list, also for one symbol
    assert (row["symbol"], row["pair"]) == (SYMBOL, PAIR)
    # the index walks on from the pinned price each second of the real clock: near it
    assert abs(Decimal(row["indexPrice"]) / Decimal(INDEX) - 1) < Decimal("0.01")
    assert Decimal(row["markPrice"]) > 0


def check_balances(rows: list[dict[str, Any]]) -> None:
    coins = {row["asset"]: row for row in rows}
    assert set(coins) == {"BTC", "ETH"}  # COIN-M's coins, no USDT
    assert Decimal(coins["BTC"]["balance"]) == Decimal(COINS)
    assert "withdrawAvailable" in coins["BTC"]


def check_leverage(answer: dict[str, Any]) -> None:
    assert (answer["symbol"], int(answer["leverage"])) == (SYMBOL, LEVERAGE)


def check_isolated(answer: dict[str, Any]) -> None:
    assert (answer["code"], answer["msg"]) == (200, "success")


def check_resting(placed: dict[str, Any], open_orders: list[dict[str, Any]],
                  book: dict[str, Any]) -> None:  # fmt: skip
    assert (placed["symbol"], placed["status"], placed["type"]) == (SYMBOL, "NEW", "LIMIT")
    assert (placed["price"], placed["origQty"]) == (AWAY, QTY)
    assert [o["orderId"] for o in open_orders] == [placed["orderId"]]
    assert (book["symbol"], book["pair"]) == (SYMBOL, PAIR)
    assert book["bids"][0] == [AWAY, QTY]


def check_stop_refused(error: str) -> None:
    """Since the CM migration /dapi/v1/order refuses the conditional types, as /fapi does."""
    assert str(STOP_REFUSED[0]) in error, error
    assert STOP_REFUSED[1] in error, error


def check_stop(placed: dict[str, Any], open_stops: list[dict[str, Any]],
               canceled: dict[str, Any]) -> None:  # fmt: skip
    """The stop through /dapi/v1/algoOrder: its answer, the open algo orders, its cancel's."""
    assert (placed["symbol"], placed["side"], placed["algoType"], placed["orderType"]) == (
        SYMBOL, "SELL", "CONDITIONAL", "STOP_MARKET"
    )  # fmt: skip
    assert (placed["algoStatus"], placed["triggerPrice"], placed["workingType"]) == (
        "NEW", STOP, "MARK_PRICE"
    )  # fmt: skip
    assert placed["quantity"] == QTY
    assert [(o["algoId"], o["orderType"], o["triggerPrice"]) for o in open_stops] == [
        (placed["algoId"], "STOP_MARKET", STOP)
    ]
    assert (canceled["algoId"], canceled["code"], canceled["msg"]) == (
        placed["algoId"], "200", "success"
    )  # fmt: skip


def refusal(call: Callable[[], Any]) -> str:
    """The text of the error a client raises for `call` (each client has its own class)."""
    try:
        answered = call()
    except Exception as error:  # any client's error class
        return str(error)
    raise AssertionError(f"expected a refusal, got {answered}")


def check_filled(taken: dict[str, Any]) -> None:
    """COIN-M's order answer: cumBase in the coin where USDⓈ-M has cumQuote."""
    assert (taken["status"], taken["executedQty"]) == ("FILLED", QTY)
    assert (taken["avgPrice"], taken["cumBase"]) == (MAKER_PRICE, BASE_QTY)
    assert "cumQuote" not in taken


def check_positions(long: list[dict[str, Any]], short: list[dict[str, Any]]) -> None:
    """positionRisk rows of the taker (long 1) and the maker (short 1)."""
    mine = {row["symbol"]: row for row in long}
    theirs = {row["symbol"]: row for row in short}
    assert mine[SYMBOL]["positionAmt"] == QTY
    assert theirs[SYMBOL]["positionAmt"] == "-" + QTY
    for row in (mine[SYMBOL], theirs[SYMBOL]):
        assert Decimal(row["entryPrice"]) == Decimal(MAKER_PRICE)
        assert row["positionSide"] == "BOTH"
        assert "maxQty" in row  # the SDK's model keeps no notionalValue: the HTTP tests do
    assert mine[SYMBOL]["leverage"] == str(LEVERAGE)
    assert (mine[SYMBOL]["maxQty"], theirs[SYMBOL]["maxQty"]) == (MAX_QTY, "50")  # 10x, 20x
    assert mine[ISOLATED_SYMBOL]["marginType"] == "isolated"


def check_trades(bought: list[dict[str, Any]], sold: list[dict[str, Any]]) -> None:
    [mine], [theirs] = bought, sold
    assert mine["id"] == theirs["id"]
    assert (mine["side"], mine["buyer"], mine["maker"]) == ("BUY", True, False)
    assert (theirs["side"], theirs["buyer"], theirs["maker"]) == ("SELL", False, True)
    for trade in (mine, theirs):
        assert (trade["symbol"], trade["pair"], trade["marginAsset"]) == (SYMBOL, PAIR, "BTC")
        assert (trade["price"], trade["qty"], trade["baseQty"]) == (MAKER_PRICE, QTY, BASE_QTY)
        assert "quoteQty" not in trade
        assert trade["commissionAsset"] == "BTC"
    assert (mine["commission"], theirs["commission"]) == (TAKER_FEE, MAKER_FEE)


def check_klines(rows: list[list[Any]]) -> None:
    """The fill's minute has a candle: one trade of QTY at MAKER_PRICE. (Not always the newest
    row: under the real clock a new, empty minute may have begun since the fill.)"""
    traded = [row for row in rows if row[8]]
    assert traded, "the fill makes a 1-minute candle"
    last = traded[-1]
    assert Decimal(last[4]) == Decimal(MAKER_PRICE)  # close
    assert Decimal(last[5]) == Decimal(QTY)  # volume, in contracts
    assert last[7] == BASE_QTY  # base volume, in the coin
    assert last[8] == 1  # trades
