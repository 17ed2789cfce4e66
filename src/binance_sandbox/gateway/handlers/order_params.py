"""Turning a new-order request into a `PlaceOrder` command on the instrument's scales.

Binance's request-level refusals, before the order reaches the engine: conditional types on
/fapi/v1/order are -4120 (since 2025-12-09); more decimals than the instrument takes -1111;
a LIMIT without timeInForce or price (and no priceMatch) -1102; reduceOnly in hedge mode -1106;
a price with MARKET -1106. Modify Order on USDⓈ-M takes quantity and price (or priceMatch); on
COIN-M either may be left out (neither: -1102), the order keeping what is not sent.
"""

import dataclasses
from decimal import Decimal

from binance_sandbox.core import rejects, trading
from binance_sandbox.core.commands import AmendOrder, PlaceOrder
from binance_sandbox.core.events import Rejected
from binance_sandbox.core.fixed import MAX_SCALED, scale_exact
from binance_sandbox.core.instruments import Instrument
from binance_sandbox.core.order_checks import CLIENT_ORDER_ID
from binance_sandbox.gateway import errors, params
from binance_sandbox.gateway.context import RequestContext

ORDER_TYPES = (
    "LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET",
    "TRAILING_STOP_MARKET",
)  # fmt: skip
TIME_IN_FORCE = ("GTC", "IOC", "FOK", "GTX", "GTD")
PRICE_MATCH = (
    "NONE", "OPPONENT", "OPPONENT_5", "OPPONENT_10", "OPPONENT_20",
    "QUEUE", "QUEUE_5", "QUEUE_10", "QUEUE_20",
)  # fmt: skip
STP_MODES = ("NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH")

NEW_ORDER_PARAMS = (
    params.symbol(required=True),
    params.enum("side", ("BUY", "SELL"), required=True, error=errors.invalid_side),
    params.enum("type", ORDER_TYPES, required=True, error=errors.invalid_order_type),
    params.enum("positionSide", ("BOTH", "LONG", "SHORT")),
    params.enum("timeInForce", TIME_IN_FORCE, error=errors.invalid_time_in_force),
    params.decimal("quantity"),
    params.decimal("price"),
    params.boolean("reduceOnly"),
    params.string(
        "newClientOrderId",
        pattern=CLIENT_ORDER_ID.pattern,
        max_length=36,
        # refused at the edge too (the core checks it), so a refused id is never journaled
        error=lambda: errors.from_rejection(-4015, rejects.CLIENT_ORDER_ID_INVALID.msg),
    ),
    params.enum("newOrderRespType", ("ACK", "RESULT"), error=errors.invalid_response_type),
    params.enum("priceMatch", PRICE_MATCH, error=errors.invalid_price_match),
    params.enum("selfTradePreventionMode", STP_MODES, error=errors.invalid_stp_mode),
    params.integer("goodTillDate", minimum=0),
)


AMEND_PARAMS = (
    params.symbol(required=True),
    params.integer("orderId", minimum=1),
    params.string("origClientOrderId"),
    params.enum("side", ("BUY", "SELL"), required=True, error=errors.invalid_side),
    params.decimal("quantity", required=True),
    params.decimal("price"),
    params.enum("priceMatch", PRICE_MATCH, error=errors.invalid_price_match),
)
COINM_AMEND_PARAMS = tuple(
    dataclasses.replace(param, required=False) if param.name == "quantity" else param
    for param in AMEND_PARAMS
)


def amend_params(ctx: RequestContext) -> tuple[params.Param, ...]:
    return COINM_AMEND_PARAMS if ctx.product == "coinm" else AMEND_PARAMS


def amend_command(ctx: RequestContext) -> AmendOrder:
    p = ctx.params
    instrument = ctx.instrument()
    if "orderId" not in p and "origClientOrderId" not in p:
        raise errors.either_of("orderId", "origClientOrderId")
    account_id = ctx.account().account_id
    price_match = p.get("priceMatch", "NONE")
    kept_qty = kept_price = 0  # USDⓈ-M sends both; an unknown order: the core refuses it
    if ctx.product == "coinm":
        if "quantity" not in p and "price" not in p and price_match == "NONE":
            raise errors.either_of("quantity", "price")
        order = trading.find_open(
            ctx.state, account_id, instrument.symbol, p.get("orderId", 0),
            p.get("origClientOrderId", ""),
        )  # fmt: skip
        if order is not None:
            kept_qty, kept_price = order.orig_qty, order.price
    elif "price" not in p and price_match == "NONE":
        raise errors.mandatory("price")
    if "price" in p:
        new_price = price_units(instrument, p["price"])
    else:
        new_price = kept_price if price_match == "NONE" else 0
    return AmendOrder(
        account_id=account_id,
        symbol=instrument.symbol,
        side=p["side"],
        quantity=quantity_steps(instrument, p["quantity"]) if "quantity" in p else kept_qty,
        price=new_price,
        price_match=price_match,
        order_id=p.get("orderId", 0),
        client_order_id=p.get("origClientOrderId", ""),
        recv_deadline=ctx.recv_deadline,
    )


def place_command(ctx: RequestContext) -> PlaceOrder:
    p = ctx.params
    instrument = ctx.instrument()
    order_type = p["type"]
    if order_type not in ("LIMIT", "MARKET"):
        raise errors.algo_order_type()
    if "quantity" not in p:
        raise errors.mandatory("quantity")
    limit = order_type == "LIMIT"
    if limit and "timeInForce" not in p:
        raise errors.mandatory("timeInForce")
    price_match = p.get("priceMatch", "NONE")
    if limit and "price" not in p and price_match == "NONE":
        raise errors.mandatory("price")
    if not limit and "price" in p:
        raise errors.not_required("price")
    if "reduceOnly" in p and ctx.account().dual_side_position:
        raise errors.not_required("reduceOnly")
    time_in_force = p.get("timeInForce", "GTC")
    return PlaceOrder(
        account_id=ctx.account().account_id,
        symbol=instrument.symbol,
        side=p["side"],
        order_type=order_type,
        quantity=quantity_steps(instrument, p["quantity"]),
        price=price_units(instrument, p["price"]) if "price" in p else 0,
        time_in_force=time_in_force,
        position_side=p.get("positionSide", "BOTH"),
        reduce_only=p.get("reduceOnly", False),
        client_order_id=p.get("newClientOrderId", ""),
        price_match=price_match,
        stp_mode=p.get("selfTradePreventionMode", "EXPIRE_MAKER"),
        # Binance keeps goodTillDate only for GTD orders; sent with another one, it shows 0
        good_till_date=p.get("goodTillDate", 0) if time_in_force == "GTD" else 0,
        recv_deadline=ctx.recv_deadline,
    )


def quantity_steps(instrument: Instrument, value: Decimal) -> int:
    if value <= 0:
        raise errors.BinanceError(-4003, "Quantity less than zero.")
    return _scaled(value, instrument.qty_decimals, rejects.QTY_ABOVE_MAX)


def price_units(instrument: Instrument, value: Decimal) -> int:
    if value <= 0:
        raise errors.BinanceError(-4001, "Price less than 0.")
    return _scaled(value, instrument.price_decimals, rejects.PRICE_ABOVE_MAX)


def _scaled(value: Decimal, decimals: int, too_large: Rejected) -> int:
    """Exact (a digit beyond the precision is -1111, never rounded away). A value no filter
    could admit is refused here with the filter's error, so the journal never sees it."""
    scaled = scale_exact(value, decimals)
    if scaled is None:
        raise errors.bad_precision()
    if scaled > MAX_SCALED:
        raise errors.from_rejection(too_large.code, too_large.msg)
    return scaled
