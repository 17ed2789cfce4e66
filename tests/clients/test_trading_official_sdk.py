"""Binance's official SDK (binance-sdk-derivatives-trading-usds-futures) trading over real
sockets: ConfigurationRestAPI(base_path=...) only, as in test_official_sdk.py.

The SDK takes prices and quantities as floats (sent as `str(float)`, e.g. "74690.0"), sends
everything in the query string, and deserialises answers into strict models, so these tests
also check field types. Its BadRequestError carries Binance's code in `status_code`.
"""

from decimal import Decimal
from typing import Any

import pytest
from binance_common.configuration import ConfigurationRestAPI
from binance_common.errors import BadRequestError
from binance_sdk_derivatives_trading_usds_futures.derivatives_trading_usds_futures import (
    DerivativesTradingUsdsFutures,
)
from binance_sdk_derivatives_trading_usds_futures.rest_api.models import (
    ModifyMultipleOrdersBatchOrdersParameterInner,
    ModifyOrderSideEnum,
    NewOrderNewOrderRespTypeEnum,
    NewOrderSideEnum,
    NewOrderTimeInForceEnum,
    NewOrderTypeEnum,
    PlaceMultipleOrdersBatchOrdersParameterInner,
)

from tests.clients import trading_support as ts
from tests.clients.conftest import Sandbox

BUY, SELL = NewOrderSideEnum.BUY, NewOrderSideEnum.SELL
LIMIT, MARKET = NewOrderTypeEnum.LIMIT, NewOrderTypeEnum.MARKET
GTC = NewOrderTimeInForceEnum.GTC


def rest_api(url: str, api_key: str, secret: str) -> Any:
    config = ConfigurationRestAPI(api_key=api_key, api_secret=secret, base_path=url, retries=0)
    return DerivativesTradingUsdsFutures(config_rest_api=config).rest_api


@pytest.fixture(scope="module")
def rest(sandbox: Sandbox) -> Any:
    return rest_api(sandbox.url, sandbox.api_key, sandbox.secret)


@pytest.fixture(scope="module")
def maker(sandbox: Sandbox) -> Any:
    key = ts.maker_key(sandbox.server)
    return rest_api(sandbox.url, key["apiKey"], key["secretKey"])


@pytest.fixture(scope="module")
def fill(sandbox: Sandbox, rest: Any, maker: Any) -> dict[str, Any]:
    """The maker rests a LIMIT SELL; the client's MARKET BUY (RESULT) takes it."""
    ts.pin_price(sandbox.server)
    resting = maker.new_order(
        symbol=ts.SYMBOL, side=SELL, type=LIMIT, time_in_force=GTC,
        quantity=float(ts.QTY), price=float(ts.MAKER_PRICE),
    ).data()  # fmt: skip
    assert resting.status == "NEW"
    taken = rest.new_order(
        symbol=ts.SYMBOL, side=BUY, type=MARKET, quantity=float(ts.QTY),
        new_order_resp_type=NewOrderNewOrderRespTypeEnum.RESULT,
    ).data()  # fmt: skip
    return {"maker": resting, "taker": taken}


def test_limit_order_lifecycle(sandbox: Sandbox, rest: Any) -> None:
    ts.pin_price(sandbox.server)
    placed = rest.new_order(
        symbol=ts.SYMBOL, side=BUY, type=LIMIT, time_in_force=GTC,
        quantity=float(ts.QTY), price=float(ts.AWAY),
    ).data()  # fmt: skip
    assert placed.status == "NEW"
    order_id = placed.order_id
    assert isinstance(order_id, int)

    queried = rest.query_order(symbol=ts.SYMBOL, order_id=order_id).data()
    assert queried.status == "NEW"
    assert (queried.price, queried.orig_qty) == (ts.AWAY, ts.QTY)
    assert (queried.type, queried.time_in_force, queried.side) == ("LIMIT", "GTC", "BUY")

    current = rest.query_current_open_order(symbol=ts.SYMBOL, order_id=order_id).data()
    assert current.status == "NEW"
    open_ids = [o.order_id for o in rest.current_all_open_orders(symbol=ts.SYMBOL).data()]
    assert order_id in open_ids

    canceled = rest.cancel_order(symbol=ts.SYMBOL, order_id=order_id).data()
    assert (canceled.status, canceled.order_id) == ("CANCELED", order_id)

    again = rest.query_order(symbol=ts.SYMBOL, orig_client_order_id=placed.client_order_id).data()
    assert again.status == "CANCELED"
    assert (again.order_id, again.price, again.orig_qty) == (order_id, ts.AWAY, ts.QTY)
    still_open = [o.order_id for o in rest.current_all_open_orders(symbol=ts.SYMBOL).data()]
    assert order_id not in still_open


def test_market_order_filled_at_the_makers_price(fill: dict[str, Any], rest: Any) -> None:
    taken = fill["taker"]
    assert (taken.status, taken.type, taken.side) == ("FILLED", "MARKET", "BUY")
    assert (taken.executed_qty, taken.cum_qty) == (ts.QTY, ts.QTY)
    queried = rest.query_order(symbol=ts.SYMBOL, order_id=taken.order_id).data()
    assert Decimal(queried.avg_price) == Decimal(ts.MAKER_PRICE)
    assert Decimal(queried.cum_quote) == Decimal(ts.MAKER_PRICE) * Decimal(ts.QTY)


def test_the_trade_in_both_accounts_user_trades(
    fill: dict[str, Any], rest: Any, maker: Any
) -> None:
    (bought,) = rest.account_trade_list(symbol=ts.SYMBOL, order_id=fill["taker"].order_id).data()
    (sold,) = maker.account_trade_list(symbol=ts.SYMBOL, order_id=fill["maker"].order_id).data()
    assert bought.id == sold.id
    assert (bought.buyer, bought.maker, bought.side) == (True, False, "BUY")
    assert (sold.buyer, sold.maker, sold.side) == (False, True, "SELL")
    for trade in (bought, sold):
        assert (trade.price, trade.qty) == (ts.MAKER_PRICE, ts.QTY)
        assert trade.commission_asset == "USDT"
    assert Decimal(bought.commission) == ts.commission(ts.MAKER_PRICE, ts.QTY, ts.TAKER_RATE)
    assert Decimal(sold.commission) == ts.commission(ts.MAKER_PRICE, ts.QTY, ts.MAKER_RATE)

    rates = rest.user_commission_rate(symbol=ts.SYMBOL).data()
    assert Decimal(rates.maker_commission_rate) == ts.MAKER_RATE
    assert Decimal(rates.taker_commission_rate) == ts.TAKER_RATE


def test_positions_of_both_sides(fill: dict[str, Any], rest: Any, maker: Any) -> None:
    (long,) = rest.position_information_v3(symbol=ts.SYMBOL).data()
    (short,) = maker.position_information_v3(symbol=ts.SYMBOL).data()
    assert (long.position_side, long.position_amt) == ("BOTH", ts.QTY)
    assert (short.position_side, short.position_amt) == ("BOTH", "-" + ts.QTY)
    for row in (long, short):
        assert Decimal(row.entry_price) == Decimal(ts.MAKER_PRICE)
        assert row.margin_asset == "USDT"
        assert Decimal(row.mark_price) > 0
    assert Decimal(long.notional) > 0 > Decimal(short.notional)


def test_break_even_price_includes_the_fee(fill: dict[str, Any], rest: Any) -> None:
    (long,) = rest.position_information_v3(symbol=ts.SYMBOL).data()
    assert Decimal(long.break_even_price) == ts.taker_break_even()


def test_open_order_without_position_in_position_information_v3(
    sandbox: Sandbox, rest: Any
) -> None:
    ts.pin_price(sandbox.server, ts.QUIET_SYMBOL, ts.QUIET_INDEX)
    placed = rest.new_order(
        symbol=ts.QUIET_SYMBOL, side=BUY, type=LIMIT, time_in_force=GTC,
        quantity=float(ts.QTY), price=float(ts.QUIET_AWAY),
    ).data()  # fmt: skip
    try:
        rows = rest.position_information_v3(symbol=ts.QUIET_SYMBOL).data()
    finally:
        rest.cancel_order(symbol=ts.QUIET_SYMBOL, order_id=placed.order_id)
    assert [(r.symbol, Decimal(r.position_amt)) for r in rows] == [(ts.QUIET_SYMBOL, 0)]


@pytest.mark.parametrize(
    ("change", "expected"),
    [({"quantity": ts.TOO_MANY_DECIMALS}, ts.PRECISION), ({"price": ts.OFF_TICK}, ts.NOT_ON_TICK)],
)
def test_new_order_refusals(
    sandbox: Sandbox, rest: Any, change: dict[str, str], expected: tuple[int, str]
) -> None:
    ts.pin_price(sandbox.server)
    order = {"quantity": float(ts.QTY), "price": float(ts.AWAY)}
    order |= {name: float(value) for name, value in change.items()}
    with pytest.raises(BadRequestError) as refused:
        rest.new_order(symbol=ts.SYMBOL, side=BUY, type=LIMIT, time_in_force=GTC, **order)
    assert (refused.value.status_code, refused.value.error_message) == expected


def test_cancel_of_an_unknown_order(rest: Any) -> None:
    with pytest.raises(BadRequestError) as refused:
        rest.cancel_order(symbol=ts.SYMBOL, order_id=ts.UNKNOWN_ORDER_ID)
    assert (refused.value.status_code, refused.value.error_message) == ts.UNKNOWN_ORDER_SENT


def test_query_of_an_unknown_order(rest: Any) -> None:
    with pytest.raises(BadRequestError) as refused:
        rest.query_order(symbol=ts.SYMBOL, order_id=ts.UNKNOWN_ORDER_ID)
    assert (refused.value.status_code, refused.value.error_message) == ts.ORDER_DOES_NOT_EXIST


def limit_buy(rest: Any, **extra: Any) -> Any:
    return rest.new_order(
        symbol=ts.SYMBOL, side=BUY, type=LIMIT, time_in_force=GTC,
        quantity=float(ts.QTY), price=float(ts.AWAY), **extra,
    ).data()  # fmt: skip


def cancel_if_open(rest: Any, order_ids: list[int]) -> None:
    open_ids = {o.order_id for o in rest.current_all_open_orders(symbol=ts.SYMBOL).data()}
    for order_id in open_ids.intersection(order_ids):
        rest.cancel_order(symbol=ts.SYMBOL, order_id=order_id)


def batch_items(*prices: str) -> list[PlaceMultipleOrdersBatchOrdersParameterInner]:
    return [
        PlaceMultipleOrdersBatchOrdersParameterInner(
            symbol=ts.SYMBOL, side="BUY", type="LIMIT", time_in_force="GTC",
            quantity=float(ts.QTY), price=float(price),
        )
        for price in prices
    ]  # fmt: skip


def test_modify_a_resting_limit_order(sandbox: Sandbox, rest: Any) -> None:
    ts.pin_price(sandbox.server)
    placed = limit_buy(rest)
    order_id = placed.order_id
    try:
        amended = rest.modify_order(
            symbol=ts.SYMBOL, side=ModifyOrderSideEnum.BUY, order_id=order_id,
            quantity=float(ts.AMENDED_QTY), price=float(ts.AMENDED_PRICE),
        ).data()  # fmt: skip
        queried = rest.query_order(symbol=ts.SYMBOL, order_id=order_id).data()
        history = rest.get_order_modify_history(symbol=ts.SYMBOL, order_id=order_id).data()
    finally:
        cancel_if_open(rest, [order_id])
    assert (amended.order_id, amended.client_order_id) == (order_id, placed.client_order_id)
    assert (amended.status, amended.type, amended.side) == ("NEW", "LIMIT", "BUY")
    assert (amended.price, amended.orig_qty) == (ts.AMENDED_PRICE, ts.AMENDED_QTY)
    assert queried.status == "NEW"
    assert (queried.price, queried.orig_qty) == (ts.AMENDED_PRICE, ts.AMENDED_QTY)
    assert queried.update_time == amended.update_time

    (record,) = history
    assert (record.symbol, record.pair, record.order_id) == (ts.SYMBOL, ts.SYMBOL, order_id)
    assert record.client_order_id == placed.client_order_id
    assert record.time == amended.update_time
    assert isinstance(record.amendment_id, int)
    change = record.amendment
    assert (change.price.before, change.price.after) == (ts.AWAY, ts.AMENDED_PRICE)
    assert (change.orig_qty.before, change.orig_qty.after) == (ts.QTY, ts.AMENDED_QTY)
    assert change.count == 1


def test_modify_that_changes_nothing(sandbox: Sandbox, rest: Any) -> None:
    ts.pin_price(sandbox.server)
    placed = limit_buy(rest)
    order_id = placed.order_id
    try:
        with pytest.raises(BadRequestError) as refused:
            rest.modify_order(
                symbol=ts.SYMBOL, side=ModifyOrderSideEnum.BUY, order_id=order_id,
                quantity=float(ts.QTY), price=float(ts.AWAY),
            )  # fmt: skip
        kept = rest.query_order(symbol=ts.SYMBOL, order_id=order_id).data()
        history = rest.get_order_modify_history(symbol=ts.SYMBOL, order_id=order_id).data()
    finally:
        cancel_if_open(rest, [order_id])
    assert (refused.value.status_code, refused.value.error_message) == ts.NO_NEED_TO_MODIFY
    assert (kept.status, kept.price, kept.orig_qty) == ("NEW", ts.AWAY, ts.QTY)
    assert kept.update_time == placed.update_time
    assert history == []


def test_modify_of_an_unknown_order(rest: Any) -> None:
    with pytest.raises(BadRequestError) as refused:
        rest.modify_order(
            symbol=ts.SYMBOL, side=ModifyOrderSideEnum.BUY, order_id=ts.UNKNOWN_ORDER_ID,
            quantity=float(ts.QTY), price=float(ts.AWAY),
        )  # fmt: skip
    assert (refused.value.status_code, refused.value.error_message) == ts.ORDER_DOES_NOT_EXIST


def test_batch_place_with_an_invalid_item_then_batch_cancel(sandbox: Sandbox, rest: Any) -> None:
    """Each item of either answer is one model: an order's fields, or only `code` and `msg`."""
    ts.pin_price(sandbox.server)
    items = batch_items(ts.BATCH_PRICES[0], ts.OFF_TICK, ts.BATCH_PRICES[1])
    first, refused, last = rest.place_multiple_orders(batch_orders=items).data()
    order_ids = [o.order_id for o in (first, last) if o.order_id is not None]
    try:
        open_orders = rest.current_all_open_orders(symbol=ts.SYMBOL).data()
        resting = {o.order_id: o.price for o in open_orders}
        canceled = rest.cancel_multiple_orders(
            symbol=ts.SYMBOL, order_id_list=[*order_ids, ts.UNKNOWN_ORDER_ID]
        ).data()
    finally:
        cancel_if_open(rest, order_ids)
    assert (refused.code, refused.msg) == ts.NOT_ON_TICK
    assert (refused.order_id, refused.status) == (None, None)
    assert (first.code, last.code) == (None, None)
    assert [(o.status, o.price, o.orig_qty) for o in (first, last)] == [
        ("NEW", price, ts.QTY) for price in ts.BATCH_PRICES
    ]
    assert [resting.get(i) for i in order_ids] == list(ts.BATCH_PRICES)
    assert ts.OFF_TICK not in resting.values()

    *done, unknown = canceled
    assert [(o.order_id, o.status) for o in done] == [(i, "CANCELED") for i in order_ids]
    assert (unknown.code, unknown.msg, unknown.order_id) == (*ts.UNKNOWN_ORDER_SENT, None)
    for order_id in order_ids:
        assert rest.query_order(symbol=ts.SYMBOL, order_id=order_id).data().status == "CANCELED"


def test_batch_cancel_by_client_order_ids(sandbox: Sandbox, rest: Any) -> None:
    ts.pin_price(sandbox.server)
    placed = [limit_buy(rest, new_client_order_id=f"sdk-batch-{n}") for n in (1, 2)]
    order_ids = [o.order_id for o in placed]
    try:
        canceled = rest.cancel_multiple_orders(
            symbol=ts.SYMBOL, orig_client_order_id_list=["sdk-batch-1", "sdk-batch-2"]
        ).data()
    finally:
        cancel_if_open(rest, order_ids)
    assert [(o.order_id, o.client_order_id, o.status) for o in canceled] == [
        (order_ids[0], "sdk-batch-1", "CANCELED"), (order_ids[1], "sdk-batch-2", "CANCELED")
    ]  # fmt: skip


def test_modify_multiple_orders(sandbox: Sandbox, rest: Any) -> None:
    """PUT /fapi/v1/batchOrders: one result per item, in order, as for Place Multiple Orders."""
    ts.pin_price(sandbox.server)
    placed = rest.place_multiple_orders(batch_orders=batch_items(*ts.BATCH_PRICES)).data()
    order_ids = [o.order_id for o in placed]

    def change(order_id: int, qty: str, price: str) -> Any:
        return ModifyMultipleOrdersBatchOrdersParameterInner(
            symbol=ts.SYMBOL, side="BUY", order_id=order_id, quantity=float(qty), price=float(price)
        )

    try:
        amended, unchanged, unknown = rest.modify_multiple_orders(
            batch_orders=[
                change(order_ids[0], ts.AMENDED_QTY, ts.AMENDED_PRICE),
                change(order_ids[1], ts.QTY, ts.BATCH_PRICES[1]),
                change(ts.UNKNOWN_ORDER_ID, ts.QTY, ts.AWAY),
            ]
        ).data()
        queried = [rest.query_order(symbol=ts.SYMBOL, order_id=i).data() for i in order_ids]
    finally:
        cancel_if_open(rest, order_ids)
    assert (amended.order_id, amended.status, amended.code) == (order_ids[0], "NEW", None)
    assert (amended.price, amended.orig_qty) == (ts.AMENDED_PRICE, ts.AMENDED_QTY)
    assert (unchanged.code, unchanged.msg, unchanged.order_id) == (*ts.NO_NEED_TO_MODIFY, None)
    assert (unknown.code, unknown.msg, unknown.order_id) == (*ts.ORDER_DOES_NOT_EXIST, None)
    assert [(o.price, o.orig_qty) for o in queried] == [
        (ts.AMENDED_PRICE, ts.AMENDED_QTY), (ts.BATCH_PRICES[1], ts.QTY)
    ]  # fmt: skip
