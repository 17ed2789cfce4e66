"""ccxt (binanceusdm) trading over real sockets, with API keys and default options, pointed at
the sandbox by URL only (test_ccxt.py's `rebase`).

ccxt adds a broker newClientOrderId and newOrderRespType=RESULT to every new order. Its
create_order rounds amount and price to the market's precision before sending, so the
precision and tick refusals are provoked through its implicit API (fapiPrivatePostOrder),
which sends the parameters as given. Its fetch_positions first loads the leverage brackets
(GET /fapi/v1/leverageBracket), then reads GET /fapi/v3/positionRisk.
"""

import json
from decimal import Decimal
from typing import Any

import ccxt
import pytest

from binance_sandbox.testing.clients import rebase
from tests.clients import trading_support as ts
from tests.clients.conftest import Sandbox

MARKET = "BTC/USDT:USDT"


def pointed(url: str, api_key: str, secret: str) -> ccxt.binanceusdm:
    client = ccxt.binanceusdm({"apiKey": api_key, "secret": secret})
    client.urls["api"] = rebase(client.urls["api"], url)
    return client


def binance_error(error: ccxt.BaseError) -> tuple[int, str]:
    """ccxt's message is "binanceusdm <the answer's body>"."""
    body = json.loads(str(error).split(" ", 1)[1])
    return body["code"], body["msg"]


@pytest.fixture(scope="module")
def exchange(sandbox: Sandbox) -> ccxt.binanceusdm:
    return pointed(sandbox.url, sandbox.api_key, sandbox.secret)


@pytest.fixture(scope="module")
def maker(sandbox: Sandbox) -> ccxt.binanceusdm:
    key = ts.maker_key(sandbox.server)
    return pointed(sandbox.url, key["apiKey"], key["secretKey"])


@pytest.fixture(scope="module")
def fill(sandbox: Sandbox, exchange: ccxt.binanceusdm, maker: ccxt.binanceusdm) -> dict[str, Any]:
    """The maker rests a LIMIT SELL; the client's MARKET BUY takes it."""
    ts.pin_price(sandbox.server)
    resting = maker.create_order(MARKET, "limit", "sell", float(ts.QTY), float(ts.MAKER_PRICE))
    assert resting["status"] == "open"
    taken = exchange.create_order(MARKET, "market", "buy", float(ts.QTY))
    return {"maker": resting, "taker": taken, "sent": exchange.last_request_body}


def test_limit_order_lifecycle(sandbox: Sandbox, exchange: ccxt.binanceusdm) -> None:
    ts.pin_price(sandbox.server)
    placed = exchange.create_order(MARKET, "limit", "buy", float(ts.QTY), float(ts.AWAY))
    assert (placed["status"], placed["type"], placed["side"]) == ("open", "limit", "buy")
    assert (placed["price"], placed["amount"]) == (float(ts.AWAY), float(ts.QTY))
    order_id = placed["id"]

    queried = exchange.fetch_order(order_id, MARKET)
    assert (queried["status"], queried["info"]["status"]) == ("open", "NEW")
    assert (queried["info"]["price"], queried["info"]["origQty"]) == (ts.AWAY, ts.QTY)
    assert (queried["price"], queried["amount"], queried["filled"]) == (74690.0, 0.01, 0.0)
    assert queried["timeInForce"] == "GTC"

    assert order_id in [o["id"] for o in exchange.fetch_open_orders(MARKET)]

    canceled = exchange.cancel_order(order_id, MARKET)
    assert (canceled["id"], canceled["status"]) == (order_id, "canceled")
    assert canceled["info"]["status"] == "CANCELED"

    again = exchange.fetch_order(order_id, MARKET)
    assert (again["status"], again["info"]["status"]) == ("canceled", "CANCELED")
    assert (again["info"]["price"], again["info"]["origQty"]) == (ts.AWAY, ts.QTY)
    assert order_id not in [o["id"] for o in exchange.fetch_open_orders(MARKET)]


def test_market_order_filled_at_the_makers_price(fill: dict[str, Any]) -> None:
    assert "newOrderRespType=RESULT" in fill["sent"]
    taken = fill["taker"]
    assert (taken["status"], taken["type"], taken["side"]) == ("closed", "market", "buy")
    assert taken["info"]["status"] == "FILLED"
    assert (taken["filled"], taken["remaining"]) == (0.01, 0.0)
    assert taken["average"] == float(ts.MAKER_PRICE)
    assert Decimal(taken["info"]["cumQuote"]) == Decimal(ts.MAKER_PRICE) * Decimal(ts.QTY)


def test_the_trade_in_both_accounts_user_trades(
    fill: dict[str, Any], exchange: ccxt.binanceusdm, maker: ccxt.binanceusdm
) -> None:
    taker_id, maker_id = fill["taker"]["id"], fill["maker"]["id"]
    (bought,) = [t for t in exchange.fetch_my_trades(MARKET) if t["order"] == taker_id]
    (sold,) = [t for t in maker.fetch_my_trades(MARKET) if t["order"] == maker_id]
    assert bought["id"] == sold["id"]
    assert (bought["side"], bought["takerOrMaker"]) == ("buy", "taker")
    assert (sold["side"], sold["takerOrMaker"]) == ("sell", "maker")
    assert (bought["info"]["buyer"], bought["info"]["maker"]) == (True, False)
    assert (sold["info"]["buyer"], sold["info"]["maker"]) == (False, True)
    for trade in (bought, sold):
        assert (trade["price"], trade["amount"]) == (float(ts.MAKER_PRICE), float(ts.QTY))
        assert (trade["info"]["price"], trade["info"]["qty"]) == (ts.MAKER_PRICE, ts.QTY)
        assert trade["fee"]["currency"] == "USDT"
    taker_fee = ts.commission(ts.MAKER_PRICE, ts.QTY, ts.TAKER_RATE)
    maker_fee = ts.commission(ts.MAKER_PRICE, ts.QTY, ts.MAKER_RATE)
    assert Decimal(bought["info"]["commission"]) == taker_fee
    assert Decimal(sold["info"]["commission"]) == maker_fee

    fees = exchange.fetch_trading_fee(MARKET)
    assert (fees["maker"], fees["taker"]) == (float(ts.MAKER_RATE), float(ts.TAKER_RATE))


def test_positions_of_both_sides(
    fill: dict[str, Any], exchange: ccxt.binanceusdm, maker: ccxt.binanceusdm
) -> None:
    (long,) = exchange.fapiPrivateV3GetPositionRisk({"symbol": ts.SYMBOL})
    (short,) = maker.fapiPrivateV3GetPositionRisk({"symbol": ts.SYMBOL})
    assert (long["positionSide"], long["positionAmt"]) == ("BOTH", ts.QTY)
    assert (short["positionSide"], short["positionAmt"]) == ("BOTH", "-" + ts.QTY)
    for row in (long, short):
        assert Decimal(row["entryPrice"]) == Decimal(ts.MAKER_PRICE)
        assert row["marginAsset"] == "USDT"
        assert Decimal(row["markPrice"]) > 0
    assert Decimal(long["notional"]) > 0 > Decimal(short["notional"])


def test_fetch_positions(fill: dict[str, Any], exchange: ccxt.binanceusdm) -> None:
    (position,) = exchange.fetch_positions([MARKET])
    assert (position["side"], position["contracts"]) == ("long", float(ts.QTY))


def test_break_even_price_includes_the_fee(
    fill: dict[str, Any], exchange: ccxt.binanceusdm
) -> None:
    (long,) = exchange.fapiPrivateV3GetPositionRisk({"symbol": ts.SYMBOL})
    assert Decimal(long["breakEvenPrice"]) == ts.taker_break_even()


def test_open_order_without_position_in_position_risk(
    sandbox: Sandbox, exchange: ccxt.binanceusdm
) -> None:
    market = "ETH/USDT:USDT"
    ts.pin_price(sandbox.server, ts.QUIET_SYMBOL, ts.QUIET_INDEX)
    placed = exchange.create_order(market, "limit", "buy", float(ts.QTY), float(ts.QUIET_AWAY))
    try:
        rows = exchange.fapiPrivateV3GetPositionRisk({"symbol": ts.QUIET_SYMBOL})
    finally:
        exchange.cancel_order(placed["id"], market)
    assert [(r["symbol"], Decimal(r["positionAmt"])) for r in rows] == [(ts.QUIET_SYMBOL, 0)]


@pytest.mark.parametrize(
    ("change", "expected"),
    [({"quantity": ts.TOO_MANY_DECIMALS}, ts.PRECISION), ({"price": ts.OFF_TICK}, ts.NOT_ON_TICK)],
)
def test_new_order_refusals(
    sandbox: Sandbox,
    exchange: ccxt.binanceusdm,
    change: dict[str, str],
    expected: tuple[int, str],
) -> None:
    ts.pin_price(sandbox.server)
    order = {"symbol": ts.SYMBOL, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
    order |= {"quantity": ts.QTY, "price": ts.AWAY} | change
    with pytest.raises(ccxt.BadRequest) as refused:
        exchange.fapiPrivatePostOrder(order)
    assert binance_error(refused.value) == expected


def test_cancel_of_an_unknown_order(exchange: ccxt.binanceusdm) -> None:
    with pytest.raises(ccxt.OrderNotFound) as refused:
        exchange.cancel_order(str(ts.UNKNOWN_ORDER_ID), MARKET)
    assert binance_error(refused.value) == ts.UNKNOWN_ORDER_SENT


def test_query_of_an_unknown_order(exchange: ccxt.binanceusdm) -> None:
    with pytest.raises(ccxt.OrderNotFound) as refused:
        exchange.fetch_order(str(ts.UNKNOWN_ORDER_ID), MARKET)
    assert binance_error(refused.value) == ts.ORDER_DOES_NOT_EXIST


def cancel_if_open(exchange: ccxt.binanceusdm, order_ids: list[str]) -> None:
    open_ids = {o["id"] for o in exchange.fetch_open_orders(MARKET)}
    for order_id in open_ids.intersection(order_ids):
        exchange.cancel_order(order_id, MARKET)


def limit_buy(exchange: ccxt.binanceusdm, price: str = ts.AWAY) -> dict[str, Any]:
    return exchange.create_order(MARKET, "limit", "buy", float(ts.QTY), float(price))


def test_edit_a_resting_limit_order(sandbox: Sandbox, exchange: ccxt.binanceusdm) -> None:
    ts.pin_price(sandbox.server)
    placed = limit_buy(exchange)
    order_id = placed["id"]
    try:
        edited = exchange.edit_order(
            order_id, MARKET, "limit", "buy", float(ts.AMENDED_QTY), float(ts.AMENDED_PRICE)
        )
        sent = exchange.last_request_url, exchange.last_request_body
        queried = exchange.fetch_order(order_id, MARKET)
        history = exchange.fapiPrivateGetOrderAmendment({"symbol": ts.SYMBOL, "orderId": order_id})
    finally:
        cancel_if_open(exchange, [order_id])
    assert sent[0].endswith("/fapi/v1/order")
    assert f"orderId={order_id}&quantity=0.02&price=74600" in sent[1]
    assert (edited["id"], edited["clientOrderId"]) == (order_id, placed["clientOrderId"])
    assert (edited["status"], edited["type"], edited["side"]) == ("open", "limit", "buy")
    assert (edited["price"], edited["amount"], edited["remaining"]) == (74600.0, 0.02, 0.02)
    assert (edited["info"]["price"], edited["info"]["origQty"]) == (
        ts.AMENDED_PRICE, ts.AMENDED_QTY
    )  # fmt: skip
    assert (queried["status"], queried["price"], queried["amount"]) == ("open", 74600.0, 0.02)
    assert (queried["info"]["price"], queried["info"]["origQty"]) == (
        ts.AMENDED_PRICE, ts.AMENDED_QTY
    )  # fmt: skip

    (record,) = history  # the implicit API answers Binance's JSON untouched
    assert (record["symbol"], record["pair"], record["orderId"]) == (
        ts.SYMBOL, ts.SYMBOL, int(order_id)
    )  # fmt: skip
    assert record["clientOrderId"] == placed["clientOrderId"]
    assert record["time"] == edited["info"]["updateTime"] == edited["lastUpdateTimestamp"]
    assert record["amendment"] == ts.AMENDMENT


def test_edit_that_changes_nothing(sandbox: Sandbox, exchange: ccxt.binanceusdm) -> None:
    """-5027 is not in ccxt's common exception table; its linear table (OperationRejected) is
    chosen by the fapi.binance.com host name, so pointed elsewhere it is a plain ExchangeError."""
    ts.pin_price(sandbox.server)
    placed = limit_buy(exchange)
    order_id = placed["id"]
    try:
        with pytest.raises(ccxt.ExchangeError) as refused:
            exchange.edit_order(order_id, MARKET, "limit", "buy", float(ts.QTY), float(ts.AWAY))
        kept = exchange.fetch_order(order_id, MARKET)
        history = exchange.fapiPrivateGetOrderAmendment({"symbol": ts.SYMBOL, "orderId": order_id})
    finally:
        cancel_if_open(exchange, [order_id])
    assert binance_error(refused.value) == ts.NO_NEED_TO_MODIFY
    assert (kept["status"], kept["info"]["price"], kept["info"]["origQty"]) == (
        "open", ts.AWAY, ts.QTY
    )  # fmt: skip
    assert kept["info"]["updateTime"] == placed["info"]["updateTime"]
    assert history == []


def test_edit_of_an_unknown_order(exchange: ccxt.binanceusdm) -> None:
    with pytest.raises(ccxt.OrderNotFound) as refused:
        exchange.edit_order(
            str(ts.UNKNOWN_ORDER_ID), MARKET, "limit", "buy", float(ts.QTY), float(ts.AWAY)
        )
    assert binance_error(refused.value) == ts.ORDER_DOES_NOT_EXIST


def test_create_orders_with_an_invalid_item(sandbox: Sandbox, exchange: ccxt.binanceusdm) -> None:
    """create_orders rounds each price to the tick, so the off-tick price goes in the item's
    params, which override it. ccxt turns the {"code", "msg"} item into an order with no id and
    status "rejected", and sorts the answer by timestamp: the refusal (none) comes first."""
    ts.pin_price(sandbox.server)
    orders = exchange.create_orders(
        [
            {"symbol": MARKET, "type": "limit", "side": "buy", "amount": float(ts.QTY),
             "price": float(ts.BATCH_PRICES[0])},
            {"symbol": MARKET, "type": "limit", "side": "buy", "amount": float(ts.QTY),
             "price": float(ts.AWAY), "params": {"price": ts.OFF_TICK}},
            {"symbol": MARKET, "type": "limit", "side": "buy", "amount": float(ts.QTY),
             "price": float(ts.BATCH_PRICES[1])},
        ]
    )  # fmt: skip
    sent = exchange.last_request_url, exchange.last_request_body
    order_ids = [o["id"] for o in orders if o["id"] is not None]
    try:
        resting = {o["id"]: o["info"]["price"] for o in exchange.fetch_open_orders(MARKET)}
    finally:
        cancel_if_open(exchange, order_ids)
    assert sent[0].endswith("/fapi/v1/batchOrders")
    assert f'"price":"{ts.OFF_TICK}"' in sent[1]
    assert [o["status"] for o in orders] == ["rejected", "open", "open"]
    refused, *placed = orders
    assert refused["id"] is None
    assert refused["info"] == ts.error_item(ts.NOT_ON_TICK)
    assert [(o["info"]["price"], o["info"]["origQty"]) for o in placed] == [
        (price, ts.QTY) for price in ts.BATCH_PRICES
    ]
    assert [resting.get(i) for i in order_ids] == list(ts.BATCH_PRICES)
    assert ts.OFF_TICK not in resting.values()


def test_cancel_orders(sandbox: Sandbox, exchange: ccxt.binanceusdm) -> None:
    ts.pin_price(sandbox.server)
    order_ids = [limit_buy(exchange, price)["id"] for price in ts.BATCH_PRICES]
    try:
        canceled = exchange.cancel_orders(order_ids, MARKET)
    finally:
        cancel_if_open(exchange, order_ids)
    assert sorted((o["id"], o["status"]) for o in canceled) == sorted(
        (i, "canceled") for i in order_ids
    )
    for order_id in order_ids:
        assert exchange.fetch_order(order_id, MARKET)["info"]["status"] == "CANCELED"


def test_edit_orders(sandbox: Sandbox, exchange: ccxt.binanceusdm) -> None:
    """edit_orders is PUT /fapi/v1/batchOrders. As with create_orders, a refused item becomes
    a "rejected" order without id, sorted first."""
    ts.pin_price(sandbox.server)
    order_ids = [limit_buy(exchange, price)["id"] for price in ts.BATCH_PRICES]
    try:
        edited = exchange.edit_orders(
            [
                {"id": order_ids[0], "symbol": MARKET, "type": "limit", "side": "buy",
                 "amount": float(ts.AMENDED_QTY), "price": float(ts.AMENDED_PRICE)},
                {"id": order_ids[1], "symbol": MARKET, "type": "limit", "side": "buy",
                 "amount": float(ts.QTY), "price": float(ts.BATCH_PRICES[1])},
            ]
        )  # fmt: skip
        sent = exchange.last_request_url
        queried = [exchange.fetch_order(i, MARKET)["info"] for i in order_ids]
    finally:
        cancel_if_open(exchange, order_ids)
    assert sent.endswith("/fapi/v1/batchOrders")
    assert [o["status"] for o in edited] == ["rejected", "open"]
    refused, amended = edited
    assert (refused["id"], refused["info"]) == (None, ts.error_item(ts.NO_NEED_TO_MODIFY))
    assert (amended["id"], amended["price"], amended["amount"]) == (order_ids[0], 74600.0, 0.02)
    assert [(o["price"], o["origQty"]) for o in queried] == [
        (ts.AMENDED_PRICE, ts.AMENDED_QTY), (ts.BATCH_PRICES[1], ts.QTY)
    ]  # fmt: skip


def test_the_fill_on_the_public_tape(fill: dict[str, Any], exchange: ccxt.binanceusdm) -> None:
    """ccxt reads public trades from aggTrades, candles from klines, the ticker from 24hr."""
    taken = fill["taker"]
    (trade,) = [t for t in exchange.fetch_trades(MARKET) if t["timestamp"] == taken["timestamp"]]
    assert (trade["price"], trade["amount"], trade["side"]) == (float(ts.MAKER_PRICE), 0.01, "buy")
    minute = taken["timestamp"] // 60_000 * 60_000
    (candle,) = [c for c in exchange.fetch_ohlcv(MARKET, "1m", since=minute) if c[0] == minute]
    assert candle[4] == float(ts.MAKER_PRICE)
    assert candle[5] >= 0.01
    ticker = exchange.fetch_ticker(MARKET)
    assert ticker["last"] == float(ts.MAKER_PRICE)
    assert ticker["baseVolume"] >= 0.01


def test_a_self_trade_keeps_both_sides_in_user_trades(
    sandbox: Sandbox, exchange: ccxt.binanceusdm
) -> None:
    """STP NONE: the account's resting SELL and its own MARKET BUY trade; userTrades shows
    both sides under the one trade id, each with its order and commission."""
    market, symbol = "SOL/USDT:USDT", "SOLUSDT"
    ts.pin_price(sandbox.server, symbol, "140")
    no_stp = {"selfTradePreventionMode": "NONE"}
    resting = exchange.create_order(market, "limit", "sell", 1, 140, no_stp)
    taken = exchange.create_order(market, "market", "buy", 1, None, no_stp)
    assert taken["status"] == "closed"

    as_maker = exchange.fetch_my_trades(market, params={"orderId": resting["id"]})
    as_taker = exchange.fetch_my_trades(market, params={"orderId": taken["id"]})
    assert [t["order"] for t in as_maker] == [resting["id"]]
    assert [t["order"] for t in as_taker] == [taken["id"]]
    maker_row, taker_row = as_maker[0]["info"], as_taker[0]["info"]
    assert maker_row["id"] == taker_row["id"]
    assert (maker_row["side"], maker_row["maker"]) == ("SELL", True)
    assert (taker_row["side"], taker_row["maker"]) == ("BUY", False)
    assert Decimal(maker_row["commission"]) == Decimal("140") * ts.MAKER_RATE
    assert Decimal(taker_row["commission"]) == Decimal("140") * ts.TAKER_RATE
    both = exchange.fetch_my_trades(market)
    makers = sorted(t["info"]["maker"] for t in both if t["info"]["id"] == maker_row["id"])
    assert makers == [False, True]


def test_a_market_order_sweeps_only_within_market_take_bound(
    sandbox: Sandbox, exchange: ccxt.binanceusdm, maker: ccxt.binanceusdm
) -> None:
    """BNBUSDT's marketTakeBound is 5 %: with the mark at 650 a MARKET BUY fills up to 682.50;
    the rest of it expires. A MARKET SELL whose best bid is already beyond 617.50 is -4131."""
    market = "BNB/USDT:USDT"
    ts.pin_price(sandbox.server, "BNBUSDT", "700")
    far = maker.create_order(market, "limit", "sell", 0.1, 690)  # beyond the bound at 650
    ts.pin_price(sandbox.server, "BNBUSDT", "610")
    low_bid = maker.create_order(market, "limit", "buy", 0.1, 612)
    ts.pin_price(sandbox.server, "BNBUSDT", "650")
    for price in (650, 680):
        maker.create_order(market, "limit", "sell", 0.1, price)

    bought = exchange.create_order(market, "market", "buy", 1)  # more than the book holds
    assert (bought["status"], bought["filled"]) == ("expired", 0.2)
    assert bought["info"]["status"] == "EXPIRED"
    assert float(bought["info"]["avgPrice"]) == pytest.approx(665)
    assert maker.fetch_order(far["id"], market)["status"] == "open"  # never reached

    with pytest.raises(ccxt.ExchangeError) as refused:
        exchange.create_order(market, "market", "sell", 0.1)
    assert binance_error(refused.value) == (
        -4131,
        "The counterparty's best price does not meet the PERCENT_PRICE filter limit",
    )
    assert maker.fetch_order(low_bid["id"], market)["status"] == "open"
